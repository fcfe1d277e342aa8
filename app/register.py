"""``molt register``: create the GitHub App from ``app.yml`` by GitHub's manifest flow.

As Probot does it: a one-page form on 127.0.0.1 posts the manifest (``app.yml`` plus the
webhook and redirect URLs) to GitHub, where the user confirms; GitHub redirects back with a
one-time code, which ``POST /app-manifests/{code}/conversions`` turns into the App's id, private
key, webhook secret and OAuth client. They are written to ``.env`` and a key file, both mode
600, and never printed or logged.
"""

from __future__ import annotations

import hmac
import html
import json
import os
import re
import secrets
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, NamedTuple, TextIO
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

import httpx
from pydantic import SecretStr
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from app.errors import MoltError
from app.settings import GITHUB_URL, env_name, is_pem_private_key

HOST = "127.0.0.1"
KEY_FILE = "molt-private-key.pem"  # beside the .env; one App per directory
# The manifest keys molt takes from app.yml (Probot's format); the URLs are added here.
MANIFEST_KEYS = (
    "name",
    "url",
    "description",
    "public",
    "default_events",
    "default_permissions",
    "request_oauth_on_install",
)
WEBHOOK_PATH = "/webhook"
SIGN_IN_CALLBACK_PATH = "/login/callback"  # the dashboard's: GitHub sends visitors back there
TIMEOUT_SECONDS = 30

OPEN = "Open {url} in a browser to create the GitHub App on {account} ({web}).\n"
REGISTERED = """\
Registered the GitHub App {name} (id {app_id}): {html_url}
Wrote {env} and {key} (mode 600; they hold the App's secrets: keep them out of version control).
Next: install the App from {html_url}/installations/new, then run `molt serve` here.
"""
CONVERSION_REFUSED = (
    "GitHub answered {status} when asked for the new App's credentials{message}; "
    "a code works once, for an hour: run molt register again"
)

PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""
FORM = """\
<p>This creates the GitHub App <strong>{name}</strong> on {account} at {web}, with the
permissions and events of <code>app.yml</code> and webhooks sent to <code>{webhook}</code>.
GitHub shows every setting before it creates anything; the name can be changed there.</p>
<form action="{action}" method="post">
<input type="hidden" name="manifest" value="{manifest}">
<button type="submit">Create the GitHub App on GitHub</button>
</form>"""
DONE = """\
<p>{name} is registered. <code>molt register</code> wrote <code>{env}</code>;
this tab can be closed.</p>
<p>Next: <a href="{html_url}/installations/new">install the App</a>.</p>"""
FAILED = "<p>{error}</p>"
WRONG_STATE = """\
<p>This link does not belong to this registration. Start again from
<a href="/">the form</a>.</p>"""


class RegisterError(MoltError):
    """Registration cannot start or finish; the message says what to do next."""


class Request(NamedTuple):
    """What the user asked ``molt register`` for."""

    app_yml: Path
    webhook_url: str
    env_file: Path
    github_url: str = GITHUB_URL
    organization: str | None = None
    name: str | None = None
    port: int = 8000


class Registered(NamedTuple):
    """The new App, as GitHub's manifest conversion describes it."""

    app_id: int
    slug: str
    name: str
    html_url: str
    pem: SecretStr
    webhook_secret: SecretStr
    client_id: str
    client_secret: SecretStr


def web_url(api_url: str) -> str:
    """The GitHub web address behind an API URL.

    ``https://api.github.com`` → ``https://github.com``; a GitHub Enterprise Server's
    ``https://HOST/api/v3`` → ``https://HOST``; any other address serves both.
    """
    parts = urlsplit(api_url.rstrip("/"))
    if parts.netloc == "api.github.com":
        return "https://github.com"
    path = parts.path.removesuffix("/api/v3")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def new_app_url(web: str, organization: str | None, state: str) -> str:
    """Where the manifest form posts: an organisation's or the user's "new App" page."""
    owner = f"/organizations/{quote(organization, safe='')}" if organization else ""
    return f"{web}{owner}/settings/apps/new?{urlencode({'state': state})}"


def manifest(app_yml: Mapping[str, Any], request: Request, redirect_url: str) -> dict[str, Any]:
    """The App manifest: ``app.yml``'s name, permissions and events, where to send events, and
    where GitHub sends visitors back after signing in to the dashboard (beside the webhook,
    when the webhook URL is ``molt serve``'s own ``…/webhook``)."""
    found = {key: app_yml[key] for key in MANIFEST_KEYS if key in app_yml}
    if request.name:
        found["name"] = request.name
    found["hook_attributes"] = {"url": request.webhook_url, "active": True}
    found["redirect_url"] = redirect_url
    if request.webhook_url.endswith(WEBHOOK_PATH):  # molt serve's own address, not a relay's
        callback = request.webhook_url.removesuffix(WEBHOOK_PATH) + SIGN_IN_CALLBACK_PATH
        found["callback_urls"] = [callback]
    return found


def read_app_yml(path: Path) -> dict[str, Any]:
    """``app.yml`` as a mapping; ``RegisterError`` names the file when it cannot be used."""
    try:
        document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegisterError(
            f"{path}: no such file; run molt register in molt's clone or pass --app-yml PATH"
        ) from None
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise RegisterError(f"{path}: cannot be read as YAML ({type(error).__name__})") from None
    if not isinstance(document, dict) or not {"name", "url"} <= set(document):
        raise RegisterError(f"{path}: not an App manifest: it needs at least `name` and `url`")
    return document


def check_webhook_url(url: str) -> str:
    """The public URL GitHub sends webhooks to; ``RegisterError`` unless it is http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegisterError(
            f"--webhook-url {url}: not an http(s) URL; give the public address that reaches "
            "molt serve, e.g. https://molt.example.org/webhook"
        )
    return url


def convert(api_url: str, code: str) -> Registered:
    """Trade the code GitHub redirected with for the new App's credentials."""
    url = f"{api_url}/app-manifests/{quote(code, safe='')}/conversions"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    try:
        response = httpx.post(url, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise RegisterError(
            f"could not reach GitHub at {api_url} ({type(error).__name__})"
        ) from None
    if response.status_code != 201:
        text = _error_message(response)
        message = f" ({text})" if text else ""
        status = response.status_code
        raise RegisterError(CONVERSION_REFUSED.format(status=status, message=message))
    return _registered(response.json())


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""


def _registered(body: dict[str, Any]) -> Registered:
    secret = body.get("webhook_secret")
    pem = str(body.get("pem", ""))
    if not secret or not is_pem_private_key(pem):
        raise RegisterError("GitHub's answer lacks the webhook secret or the private key")
    app = Registered(
        app_id=int(body["id"]),
        slug=str(body["slug"]),
        name=str(body["name"]),
        html_url=str(body["html_url"]),
        pem=SecretStr(pem),
        webhook_secret=SecretStr(str(secret)),
        client_id=str(body["client_id"]),
        client_secret=SecretStr(str(body["client_secret"])),
    )
    if not re.fullmatch(r"[A-Za-z0-9-]+", app.slug):
        raise RegisterError("GitHub's answer has an unexpected App slug")
    return app


def key_file_for(env_file: Path) -> Path:
    """Where the private key goes: beside ``env_file``, under a name the README can use."""
    return env_file.parent / KEY_FILE


def write_credentials(env_file: Path, app: Registered, github_url: str) -> Path:
    """Write the private key beside ``env_file``, then ``env_file``; both mode 600.

    The key file is named in ``.env`` by its name alone: ``molt serve`` reads ``.env`` from
    its working directory, so the two stay together wherever the directory goes.
    """
    key_file = key_file_for(env_file)
    _write_secret(key_file, app.pem.get_secret_value())
    values = {
        "app_id": str(app.app_id),
        "private_key_file": key_file.name,
        "webhook_secret": app.webhook_secret.get_secret_value(),
        "client_id": app.client_id,
        "client_secret": app.client_secret.get_secret_value(),
    }
    if github_url != GITHUB_URL:
        values["github_url"] = github_url
    lines = [f"# The GitHub App {app.name} ({app.html_url}), written by molt register."]
    lines += [f"{env_name(key)}={_env_value(value)}" for key, value in values.items()]
    _write_secret(env_file, "\n".join(lines) + "\n")
    return key_file


def _env_value(value: str) -> str:
    # Docker's --env-file takes each value literally, quotes included: write plain values only.
    if not re.fullmatch(r"[A-Za-z0-9._:/+=@-]+", value):
        raise RegisterError("GitHub's answer holds a value that cannot be written to .env")
    return value


def _write_secret(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner alone; never replace an existing file."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise RegisterError(f"{path} already exists; it was left as it was") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # whatever the umask
        file.write(text)


class Flow:
    """One registration: the form, the state that ties GitHub's redirect to it, the outcome."""

    def __init__(self, request: Request, app_yml: Mapping[str, Any], port: int) -> None:
        self.request = request
        self.state = secrets.token_urlsafe(24)
        self.address = f"http://{HOST}:{port}/"
        web = web_url(request.github_url)
        content = manifest(app_yml, request, f"{self.address}callback")
        self.name = str(content["name"])
        organization = request.organization
        self.account = f"the organisation {organization}" if organization else "your account"
        form = FORM.format(
            name=html.escape(self.name),
            account=html.escape(self.account),
            web=html.escape(web),
            webhook=html.escape(request.webhook_url),
            action=html.escape(new_app_url(web, request.organization, self.state)),
            manifest=html.escape(json.dumps(content)),
        )
        self.form = PAGE.format(title=f"Register {html.escape(self.name)}", body=form)
        self.outcome: tuple[Registered, Path] | RegisterError | None = None

    def callback(self, query: Mapping[str, list[str]]) -> tuple[int, str]:
        """GitHub's redirect: (status, page). A code without this flow's state is refused."""
        state = query.get("state", [""])[-1]
        code = query.get("code", [""])[-1]
        if not code or not hmac.compare_digest(state.encode(), self.state.encode()):
            return 400, PAGE.format(title="Not this registration", body=WRONG_STATE)
        try:
            app = convert(self.request.github_url, code)
            key_file = write_credentials(self.request.env_file, app, self.request.github_url)
        except RegisterError as error:
            self.outcome = error
            failed = FAILED.format(error=html.escape(str(error)))
            return 502, PAGE.format(title="Registration failed", body=failed)
        self.outcome = (app, key_file)
        done = DONE.format(
            name=html.escape(app.name),
            env=html.escape(str(self.request.env_file)),
            html_url=html.escape(app.html_url),
        )
        return 200, PAGE.format(title=f"{html.escape(app.name)} is registered", body=done)


class _Server(HTTPServer):
    def __init__(self, port: int, request: Request, app_yml: Mapping[str, Any]) -> None:
        super().__init__((HOST, port), _Handler)
        self.flow = Flow(request, app_yml, self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    """``/`` is the form, ``/callback`` GitHub's redirect; nothing is logged (the URL holds
    the one-time code)."""

    server: _Server

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        flow = self.server.flow
        if url.path == "/":
            self._page(200, flow.form)
        elif url.path == "/callback":
            self._page(*flow.callback(parse_qs(url.query)))
        else:
            self._page(404, PAGE.format(title="Not found", body='<p><a href="/">Start</a></p>'))

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request line carries the code."""

    def _page(self, status: int, page: str) -> None:
        data = page.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


def register(request: Request, out: TextIO) -> tuple[Registered, Path]:
    """Serve the form until GitHub redirects back, then write the credentials.

    Returns the App and its key file; raises ``RegisterError`` (also before serving, when
    ``.env`` exists or ``app.yml`` cannot be used).
    """
    for path in (request.env_file, key_file_for(request.env_file)):
        if path.exists():
            raise RegisterError(
                f"{path} already exists; molt register writes a new one: "
                "move it away or pass --env-file PATH"
            )
    check_webhook_url(request.webhook_url)
    app_yml = read_app_yml(request.app_yml)
    try:
        server = _Server(request.port, request, app_yml)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RegisterError(
            f"cannot listen on {HOST}:{request.port} ({reason}); pass --port"
        ) from None
    with server:
        flow = server.flow
        out.write(
            OPEN.format(url=flow.address, account=flow.account, web=web_url(request.github_url))
        )
        out.flush()
        while flow.outcome is None:
            server.handle_request()
    if isinstance(flow.outcome, RegisterError):
        raise flow.outcome
    return flow.outcome


def report(app: Registered, key_file: Path, env_file: Path) -> str:
    """What ``molt register`` says when it is done: names and places, never a secret."""
    return REGISTERED.format(
        name=app.name, app_id=app.app_id, html_url=app.html_url, env=env_file, key=key_file
    )
