"""A package index over real HTTP on 127.0.0.1: PEP 691 JSON or PEP 503 HTML by ``Accept``,
ETag / Last-Modified with 304s, basic auth for a private index, a request log and faults.

Pages have the shape PyPI's simple API answers with (every key a PyPI file record carries,
``"yanked"`` false or the reason); wheels are named for the tags their real releases carry.

    with FakeIndex(PROJECTS) as index:
        client = PackageIndex(index.url, IndexCache(tmp_path))
        index.fail_next(500)
        index.fail_next(hang=1.0)      # answers after a second: a timeout for the client
        assert [r.status for r in index.requests] == [...]
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import NamedTuple, Self

import pytest

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
LAST_MODIFIED = "Tue, 24 Nov 2026 09:00:00 GMT"
FILES_HOST = "https://files.example.org/packages"
LINUX = "manylinux_2_17_x86_64.manylinux2014_x86_64"
PLATFORMS = (LINUX, "macosx_10_9_x86_64", "win_amd64")


class Release(NamedTuple):
    """One release: the tags of its wheels, its sdist's extension, requires-python, yanked."""

    version: str
    wheels: tuple[str, ...] = ()
    sdist: str | None = ".tar.gz"
    requires_python: str | None = None
    yanked: bool | str = False


def cp(*minors: int, platforms: Sequence[str] = PLATFORMS) -> tuple[str, ...]:
    """Compiled wheels for CPython 3.<minor> each: ``cp311-cp311-win_amd64``, ..."""
    return tuple(f"cp3{m}-cp3{m}-{p}" for m in minors for p in platforms)


PURE = ("py3-none-any",)

# Releases as their projects published them (a subset of each: the ones the tests need).
PROJECTS: dict[str, tuple[Release, ...]] = {
    "numpy": (
        Release("1.21.6", cp(7, 8, 9, 10), ".zip", ">=3.7,<3.11"),
        Release("1.22.4", cp(8, 9, 10), ".tar.gz", ">=3.8"),
        Release("1.23.0", cp(8, 9, 10), ".tar.gz", ">=3.8"),
        Release("1.23.1", cp(8, 9, 10), ".tar.gz", ">=3.8"),
        Release("1.23.2", cp(8, 9, 10, 11), ".tar.gz", ">=3.8"),
        Release("1.24.4", cp(8, 9, 10, 11), ".tar.gz", ">=3.8"),
        Release("1.26.0", cp(9, 10, 11, 12), ".tar.gz", ">=3.9,<3.13"),
        Release("1.26.4", cp(9, 10, 11, 12), ".tar.gz", ">=3.9"),
        Release("2.0.2", cp(9, 10, 11, 12), ".tar.gz", ">=3.9"),
        Release("2.1.0", cp(10, 11, 12, 13), ".tar.gz", ">=3.10"),
        Release("2.2.6", cp(10, 11, 12, 13), ".tar.gz", ">=3.10"),
        Release("2.3.4", cp(11, 12, 13, 14), ".tar.gz", ">=3.11"),
        Release("2.4.0rc1", cp(11, 12, 13, 14), ".tar.gz", ">=3.11"),
    ),
    "pandas": (
        Release("1.3.5", cp(7, 8, 9, 10), ".tar.gz", ">=3.7.1"),
        Release("1.4.4", cp(8, 9, 10), ".tar.gz", ">=3.8"),
        Release("1.5.0", cp(8, 9, 10, 11), ".tar.gz", ">=3.8"),
        Release("1.5.3", cp(8, 9, 10, 11), ".tar.gz", ">=3.8"),
        Release("2.0.3", cp(8, 9, 10, 11), ".tar.gz", ">=3.8"),
        Release("2.1.4", cp(9, 10, 11, 12), ".tar.gz", ">=3.9"),
        Release("2.2.3", cp(9, 10, 11, 12, 13), ".tar.gz", ">=3.9"),
        Release("2.3.3", cp(9, 10, 11, 12, 13, 14), ".tar.gz", ">=3.9"),
    ),
    "tomli": (
        Release("1.2.3", PURE, ".tar.gz", ">=3.6"),
        Release("2.0.1", PURE, ".tar.gz", ">=3.7"),
        Release("2.2.1", PURE, ".tar.gz", ">=3.8"),
    ),
    "exceptiongroup": (Release("1.2.2", PURE, ".tar.gz", ">=3.7"),),
    "typing-extensions": (Release("4.12.2", PURE, ".tar.gz", ">=3.8"),),
    "cryptography": (
        Release(
            "41.0.7",
            (
                f"cp37-abi3-{LINUX}",
                "cp37-abi3-win_amd64",
                "cp37-abi3-macosx_10_12_universal2",
                "pp310-pypy310_pp73-manylinux_2_28_x86_64",
            ),
            ".tar.gz",
            ">=3.7",
        ),
    ),
    "docopt": (Release("0.6.2", (), ".tar.gz", None),),
    # 4.9.2 is yanked here to exercise PEP 592: it must never be chosen
    "lxml": (
        Release("4.9.1", cp(7, 8, 9, 10), ".tar.gz", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*"),
        Release("4.9.2", cp(7, 8, 9, 10, 11), ".tar.gz", None, "broken wheels"),
        Release("4.9.3", cp(7, 8, 9, 10, 11), ".tar.gz", None),
    ),
    # a project whose every release is built for 3.10 at most
    "oldlib": (Release("1.0.0", cp(9, 10), None, ">=3.9"),),
    "inkwell": (
        Release("4.1.0", PURE, ".tar.gz", ">=3.8"),
        Release("4.2.0", PURE, ".tar.gz", ">=3.9"),
        Release("4.2.1", PURE, ".tar.gz", ">=3.9"),
    ),
}


def filenames(name: str, release: Release) -> list[str]:
    """The files of ``release`` as the index names them."""
    stem = f"{name.replace('-', '_')}-{release.version}"
    found = [f"{stem}-{tags}.whl" for tags in release.wheels]
    if release.sdist:
        found.append(f"{name}-{release.version}{release.sdist}")
    return found


def _record(name: str, release: Release, filename: str) -> dict[str, object]:
    digest = hashlib.sha256(filename.encode()).hexdigest()
    record: dict[str, object] = {
        "core-metadata": {"sha256": digest} if filename.endswith(".whl") else False,
        "data-dist-info-metadata": {"sha256": digest} if filename.endswith(".whl") else False,
        "filename": filename,
        "hashes": {"sha256": digest},
        "provenance": None,
        "requires-python": release.requires_python,
        "size": 1000 + len(filename),
        "upload-time": "2022-08-14T18:27:45.208930Z",
        "url": f"{FILES_HOST}/{digest[:2]}/{digest[2:4]}/{filename}",
        "yanked": release.yanked,
    }
    return record


def json_page(name: str, releases: Sequence[Release], serial: int) -> str:
    """The PEP 691 (API 1.3, with PEP 700's ``versions``) page of a project."""
    files = [_record(name, r, f) for r in releases for f in filenames(name, r)]
    page = {
        "files": files,
        "meta": {"_last-serial": serial, "api-version": "1.3"},
        "name": name,
        "versions": [r.version for r in releases],
    }
    return json.dumps(page)


def html_page(name: str, releases: Sequence[Release]) -> str:
    """The PEP 503 page of a project, as an HTML-only index serves it."""
    anchors = []
    for release in releases:
        for filename in filenames(name, release):
            attrs = f'href="{FILES_HOST}/{filename}#sha256={"0" * 64}"'
            if release.requires_python:
                attrs += f' data-requires-python="{html.escape(release.requires_python)}"'
            if release.yanked:
                reason = release.yanked if isinstance(release.yanked, str) else ""
                attrs += f' data-yanked="{html.escape(reason)}"'
            anchors.append(f"    <a {attrs}>{filename}</a><br />")
    body = "\n".join(anchors)
    return (
        '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" '
        f'content="1.3">\n    <title>Links for {name}</title>\n  </head>\n  <body>\n'
        f"    <h1>Links for {name}</h1>\n{body}\n  </body>\n</html>\n"
    )


class Seen(NamedTuple):
    """One request the index answered (status None: it hung until the client gave up)."""

    path: str
    status: int | None
    conditional: bool


class _Fault(NamedTuple):
    status: int | None
    hang: float


class LocalServer:
    """An HTTP server on 127.0.0.1 in a background thread: starts on construction, stops with
    ``close()``; ``answer(handler)`` gives each GET (or HEAD) its status, headers and body."""

    def __init__(self) -> None:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self.port = self._server.server_address[1]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType
    ) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def answer(self, handler: _Handler) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


class FakeIndex(LocalServer):
    """The index and what it holds. Starts on construction, stops with ``close()``."""

    def __init__(
        self,
        projects: Mapping[str, Sequence[Release]] = PROJECTS,
        *,
        prefix: str = "/simple/",
        html_only: bool = False,
        credentials: tuple[str, str] | None = None,
        max_age: int = 600,
    ) -> None:
        self.projects = {name: tuple(releases) for name, releases in projects.items()}
        self.prefix = prefix
        self.html_only = html_only
        self.credentials = credentials
        self.max_age = max_age
        self.requests: list[Seen] = []
        self._faults: list[_Fault] = []
        self._serial = 1
        self._lock = threading.Lock()
        super().__init__()
        userinfo = f"{credentials[0]}:{credentials[1]}@" if credentials else ""
        self.url = f"http://{userinfo}127.0.0.1:{self.port}{prefix}"

    def fail_next(self, status: int | None = 500, *, hang: float = 0.0, times: int = 1) -> None:
        """The next ``times`` requests wait ``hang`` seconds, then answer ``status`` (None:
        the real page)."""
        with self._lock:
            self._faults.extend([_Fault(status, hang)] * times)

    def publish(self, name: str, release: Release) -> None:
        """A new release: the project's page (and its ETag) changes."""
        with self._lock:
            self.projects[name] = (*self.projects.get(name, ()), release)
            self._serial += 1

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [seen.path for seen in self.requests]

    # --- answering ------------------------------------------------------------------------

    def answer(self, handler: _Handler) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None and fault.hang:
            time.sleep(fault.hang)
        status, headers, body = self._page(handler, fault)
        conditional = "If-None-Match" in handler.headers or "If-Modified-Since" in handler.headers
        with self._lock:
            self.requests.append(Seen(handler.path, status, conditional))
        return status, headers, body

    def _page(self, handler: _Handler, fault: _Fault | None) -> tuple[int, dict[str, str], bytes]:
        if not self._authorised(handler.headers.get("Authorization")):
            return 401, {"WWW-Authenticate": 'Basic realm="index"'}, b"Unauthorized"
        if fault is not None and fault.status is not None:
            return fault.status, {"Content-Type": "text/plain"}, b"Internal Server Error"
        name = handler.path.removeprefix(self.prefix).strip("/")
        if not handler.path.startswith(self.prefix) or name not in self.projects:
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        wants_json = JSON_TYPE in handler.headers.get("Accept", "") and not self.html_only
        releases = self.projects[name]
        if wants_json:
            body, kind = json_page(name, releases, self._serial), JSON_TYPE
        else:
            body, kind = html_page(name, releases), "text/html"
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": kind,
            "ETag": etag,
            "Last-Modified": LAST_MODIFIED,
            "Cache-Control": f"max-age={self.max_age}, public",
            "Vary": "Accept, Accept-Encoding",
        }
        if handler.headers.get("If-None-Match") == etag:
            return 304, headers, b""
        return 200, headers, body.encode()

    def _authorised(self, header: str | None) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode()
        return header == f"Basic {expected}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: LocalServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body leave in one write (flushed after each request): no Nagle stall
    wbufsize = 1 << 16

    def do_GET(self) -> None:
        self._send(*self.server.fake.answer(self))

    def do_HEAD(self) -> None:
        status, headers, body = self.server.fake.answer(self)
        self._send(status, headers, body, head=True)

    def _send(
        self, status: int, headers: dict[str, str], body: bytes, *, head: bool = False
    ) -> None:
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_index() -> Iterator[FakeIndex]:
    """A fresh index holding ``PROJECTS``."""
    with FakeIndex() as index:
        yield index
