"""The fake's HTTP side: route, check against the description, authenticate, fault, meter, log."""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import tarfile
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from tests.fakes import _graphql, _oauth, _routes, openapi
from tests.fakes import _shapes as shapes
from tests.fakes._auth import authenticate, caller
from tests.fakes._call import Call, HTTPError, Reply
from tests.fakes._state import Request, World

_SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
_PRIMARY = "API rate limit exceeded for {}."
_DOWNLOADS = ("/_codeload/", "/_raw/")  # codeload.github.com and raw.githubusercontent.com
_WEB = "/login/oauth/"  # github.com's sign-in pages, served beside the API
_UNMETERED = ("/rate_limit", *_DOWNLOADS)


@dataclass
class Fault:
    """One row of the fault table: which requests, and what goes wrong instead of an answer.

    It answers ``times`` requests, or every request until ``until`` (``time.monotonic()``),
    or, with both, whichever runs out first.
    """

    method: str
    path: str
    status: int
    timeout: bool
    retry_after: int | None
    reset_in: int | None
    times: int | None
    until: float | None = None

    def matches(self, method: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method, self.method) and fnmatch.fnmatchcase(path, self.path)

    @property
    def over(self) -> bool:
        ran_out = self.times is not None and self.times <= 0
        return ran_out or (self.until is not None and time.monotonic() >= self.until)

    def reply(self) -> Reply:
        if self.retry_after is not None:
            return _error(self.status, _SECONDARY, headers={"Retry-After": str(self.retry_after)})
        if self.reset_in is not None:
            reset = str(int(time.time()) + self.reset_in)
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
            return _error(self.status, _PRIMARY.format("installation ID 1"), headers=headers)
        return _error(self.status, "Server Error" if self.status >= 500 else "Forbidden")


class Incoming(NamedTuple):
    method: str
    path: str
    query: dict[str, list[str]]
    raw_query: str
    body: Any  # parsed JSON, or a dict for a form-encoded body
    authorization: str
    if_none_match: str | None
    accept: str = ""

    def form(self) -> dict[str, str]:
        """Query and body fields together, last value wins (the OAuth pages take either)."""
        fields = {key: values[-1] for key, values in self.query.items()}
        return fields | (self.body if isinstance(self.body, dict) else {})


class Wire:
    """Serves a ``World`` on 127.0.0.1 from a background thread until ``stop()``."""

    def __init__(self, world: World, lock: threading.RLock, hold_seconds: float) -> None:
        self.world, self.lock, self.hold_seconds = world, lock, hold_seconds
        self.api = openapi.load()
        self.errors: list[str] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._stopping = threading.Event()
        self._server = _Server(self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if not self._stopping.is_set():
            self._stopping.set()  # releases held ("timeout") requests at once
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def handle(self, incoming: Incoming) -> Reply | None:
        """Answer one request; None means: drop the connection without answering."""
        latency = self.world.limits.latency
        if latency:
            self._stopping.wait(latency)  # outside the lock: requests wait side by side
        with self.lock:
            fault = self._take_fault(incoming)
            if fault is not None and fault.timeout:
                reply = None
            elif fault is not None or incoming.path.startswith(_WEB):
                reply = self._meter(incoming, self._answer(incoming, fault))
            else:
                reply = self._meter(incoming, self._limited(incoming) or self._answer(incoming))
            status = None if reply is None else reply.status
            self.requests.append(
                Request(incoming.method, incoming.path, status, incoming.raw_query)
            )
        if reply is None:
            self._stopping.wait(self.hold_seconds)
        return reply

    def _answer(self, incoming: Incoming, fault: Fault | None = None) -> Reply:
        if incoming.path.startswith(_DOWNLOADS):
            return self._download(incoming.path)
        if incoming.path.startswith(_WEB) or incoming.path == "/graphql":
            return fault.reply() if fault else self._outside_api(incoming)
        matched = self.api.match(incoming.method, incoming.path)
        if matched is None:
            self.errors.append(f"{incoming.method} {incoming.path}: not in the OpenAPI subset")
            return _error(404, "Not Found")
        op, params = matched
        problems = self.api.check_request(op, params, incoming.query, incoming.body)
        if problems:
            self.errors.extend(problems)
            return _error(422, "Invalid request.\n\n" + "\n".join(problems))
        if fault is not None:
            return fault.reply()
        reply = self._dispatch(op, params, incoming)
        self.errors.extend(self.api.check_response(op, reply.status, reply.body))
        return _conditional(incoming, reply)

    def _dispatch(self, op: openapi.Operation, params: dict[str, str], incoming: Incoming) -> Reply:
        try:
            who = authenticate(self.world, op.template, incoming.authorization)
            call = Call(
                self.url,
                self.world,
                incoming.method,
                incoming.path,
                params,
                incoming.query,
                incoming.body,
                *who,
            )
            return _routes.HANDLERS[op.operation_id](call)
        except HTTPError as e:
            return _error(e.status, e.message, e.errors)
        except Exception:
            trace = traceback.format_exc()
            self.errors.append(f"fake GitHub crashed on {op.method} {incoming.path}:\n{trace}")
            return _error(500, "Server Error")

    def _outside_api(self, incoming: Incoming) -> Reply:
        """The sign-in pages and GraphQL: no OpenAPI description to check them against."""
        route = (incoming.method, incoming.path)
        if route == ("GET", "/login/oauth/authorize"):
            return _oauth.authorize_page(self.world, incoming.form())
        if route == ("POST", "/login/oauth/authorize"):
            return _oauth.grant(self.world, incoming.form())
        if route == ("POST", "/login/oauth/access_token"):
            return _oauth.access_token(self.world, incoming.form(), incoming.accept)
        if route != ("POST", "/graphql"):
            self.errors.append(f"{incoming.method} {incoming.path}: the fake does not serve it")
            return _error(404, "Not Found")
        try:
            who = authenticate(self.world, "/graphql", incoming.authorization)
            return Reply(200, _graphql.answer(self.world, *who, incoming.body))
        except HTTPError as e:
            return _error(e.status, e.message, e.errors)
        except _graphql.Unsupported as e:
            self.errors.append(str(e))
            return Reply(200, {"errors": [{"message": str(e)}]})

    def _take_fault(self, incoming: Incoming) -> Fault | None:
        self.faults = [f for f in self.faults if not f.over]
        fault = next((f for f in self.faults if f.matches(incoming.method, incoming.path)), None)
        if fault is not None and fault.times is not None:
            fault.times -= 1
        return fault

    def _limited(self, incoming: Incoming) -> Reply | None:
        """GitHub's 403 when the caller's hour is spent, or a write comes too fast; else None."""
        if incoming.path.startswith(_UNMETERED):
            return None
        limits, who = self.world.limits, caller(self.world, incoming.authorization)
        resource = _resource(incoming)
        if limits.exhausted(who, resource):
            return _error(403, _PRIMARY.format(who.name))
        wait = limits.secondary_wait(who, incoming.method)
        if wait is not None:
            return _error(403, _SECONDARY, headers={"Retry-After": str(wait)})
        return None

    def _meter(self, incoming: Incoming, reply: Reply) -> Reply:
        """Spend and show the caller's budget; 304s, /rate_limit and the sign-in pages are free."""
        if incoming.path.startswith(_WEB):
            return reply
        limits, who = self.world.limits, caller(self.world, incoming.authorization)
        resource = _resource(incoming)
        spent = reply.status != 304 and not incoming.path.startswith(_UNMETERED)
        if spent and not _over_primary(reply, limits.exhausted(who, resource)):
            limits.bucket(who, resource).used += 1
        headers = limits.headers(who, resource)
        return reply._replace(headers=headers | dict(reply.headers))

    def _download(self, path: str) -> Reply:
        """codeload (``/_codeload/o/r/tar.gz/sha``) and raw files (``/_raw/o/r/ref/path``)."""
        kind, owner, name, *rest = path.split("/")[1:]
        repo = self.world.repo(f"{owner}/{name}")
        ref = rest[1] if kind == "_codeload" else rest[0]
        commit = repo.store.commit(repo.store.resolve(ref) or "") if repo else None
        if repo is None or commit is None:
            return _error(404, "Not Found")
        files = repo.store.files(commit.tree)
        if kind == "_codeload":
            return Reply(200, _tarball(f"{owner}-{name}-{ref[:7]}", files))
        data = files.get("/".join(rest[1:]))
        return _error(404, "Not Found") if data is None else Reply(200, data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, wire: Wire) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.wire = wire


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, asks the wire, writes the answer; one connection per request."""

    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = 10

    def do_GET(self) -> None:
        incoming = self._incoming()
        reply = self.server.wire.handle(incoming) if incoming else None
        if reply is not None:
            self._write(reply)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is ``fake.requests``."""

    def _incoming(self) -> Incoming | None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form = self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
        try:
            body = _form(raw) if form else json.loads(raw) if raw else None
        except ValueError:
            with self.server.wire.lock:
                self.server.wire.errors.append(f"{self.command} {url.path}: body is not JSON")
            self._write(_error(400, "Problems parsing JSON"))
            return None
        query = parse_qs(url.query, keep_blank_values=True)
        auth, etag = self.headers.get("Authorization", ""), self.headers.get("If-None-Match")
        accept = self.headers.get("Accept", "")
        return Incoming(self.command, url.path, query, url.query, body, auth, etag, accept)

    def _write(self, reply: Reply) -> None:
        if isinstance(reply.body, bytes):
            data, kind = reply.body, "application/octet-stream"
        else:
            data = b"" if reply.body is None else json.dumps(reply.body).encode()
            kind = "application/json; charset=utf-8"
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        if data and "Content-Type" not in reply.headers:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _error(
    status: int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    return Reply(status, shapes.error(message, errors), headers or {})


def _resource(incoming: Incoming) -> str:
    return "graphql" if incoming.path == "/graphql" else "core"


def _over_primary(reply: Reply, exhausted: bool) -> bool:
    """The 403 that says the hour is spent does not spend more of it."""
    return exhausted and reply.status == 403


def _form(raw: bytes) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(raw.decode()).items()}


def _conditional(incoming: Incoming, reply: Reply) -> Reply:
    """ETag on every 200 GET; a matching If-None-Match gets 304, as on GitHub."""
    if incoming.method != "GET" or reply.status != 200:
        return reply
    digest = hashlib.sha1(json.dumps(reply.body, sort_keys=True).encode()).hexdigest()
    etag = f'W/"{digest}"'
    if incoming.if_none_match == etag:
        return Reply(304, None, {"ETag": etag})
    return reply._replace(headers={**reply.headers, "ETag": etag})


def _tarball(prefix: str, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(f"{prefix}/{path}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()
