"""``molt register``: GitHub's App-manifest flow against the fake GitHub, then ``molt serve``."""

from __future__ import annotations

import html
import json
import re
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from ruamel.yaml import YAML

from app import register
from app.settings import is_pem_private_key
from tests.app.test_serve import (
    answers_signed_ping,
    free_port,
    molt_serve_in,
    run_molt,
    without_molt_settings,
)
from tests.fakes import app_manifests

APP_YML = Path(__file__).resolve().parents[2] / "app.yml"
WEBHOOK_URL = "https://molt.example.org/webhook"
OPEN_RE = re.compile(r"Open (?P<url>http://127\.0\.0\.1:\d+/) in a browser")


class Registration:
    """``molt register`` running in a subprocess, and the page it serves."""

    def __init__(self, tmp_path, github_url, *argv):
        env = without_molt_settings(MOLT_GITHUB_URL=github_url)
        command = [sys.executable, "-m", "app", "register", "--app-yml", str(APP_YML)]
        command += ["--webhook-url", WEBHOOK_URL, "--port", "0", *argv]
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline()
        found = OPEN_RE.match(self.first_line)
        assert found, self.first_line + self.process.stderr.read()
        self.url = found["url"]

    def form(self):
        """The form's action and the manifest it posts, as a browser would read them."""
        page = httpx.get(self.url).text
        action = re.search(r'<form action="([^"]+)" method="post">', page)
        value = re.search(r'<input type="hidden" name="manifest" value="([^"]+)">', page)
        assert action and value, page
        return html.unescape(action[1]), json.loads(html.unescape(value[1]))

    def finish(self, timeout=60):
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, self.first_line + out, err

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@pytest.fixture
def registration(tmp_path, fake_github):
    started = []

    def start(*argv):
        started.append(Registration(tmp_path, fake_github.url, *argv))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def read_env(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_registers_from_app_yml_then_serve_answers_a_signed_ping(
    registration, fake_github, tmp_path
):
    flow = registration("--org", "octo-org", "--name", "molt-test")
    assert flow.first_line == (
        f"Open {flow.url} in a browser to create the GitHub App on the organisation octo-org "
        f"({fake_github.url}).\n"
    )
    action, manifest = flow.form()
    app_yml = YAML(typ="safe").load(APP_YML)
    assert manifest == {
        "name": "molt-test",
        "url": app_yml["url"],
        "description": app_yml["description"],
        "public": False,
        "default_events": app_yml["default_events"],
        "default_permissions": app_yml["default_permissions"],
        "request_oauth_on_install": False,
        "hook_attributes": {"url": WEBHOOK_URL, "active": True},
        "redirect_url": f"{flow.url}callback",
        "callback_urls": [WEBHOOK_URL.removesuffix("/webhook") + "/login/callback"],
    }
    assert action.startswith(f"{fake_github.url}/organizations/octo-org/settings/apps/new?state=")

    # the user presses "Create GitHub App"; GitHub sends the browser back with the code
    redirect = app_manifests.create_app(fake_github.url, action, manifest)
    page = httpx.get(redirect)
    assert page.status_code == 200
    assert "<h1>molt-test is registered</h1>" in page.text

    code, out, err = flow.finish()
    key_name = "molt-private-key.pem"
    assert (code, err) == (0, "")
    assert out.splitlines()[1:] == [
        "Registered the GitHub App molt-test (id 1): https://github.com/apps/molt-test",
        f"Wrote .env and {key_name} (mode 600; they hold the App's secrets: "
        "keep them out of version control).",
        "Next: install the App from https://github.com/apps/molt-test/installations/new, "
        "then run `molt serve` here.",
    ]
    env = read_env(tmp_path / ".env")
    assert sorted(env) == [
        "MOLT_APP_ID",
        "MOLT_CLIENT_ID",
        "MOLT_CLIENT_SECRET",
        "MOLT_GITHUB_URL",
        "MOLT_PRIVATE_KEY_FILE",
        "MOLT_WEBHOOK_SECRET",
    ]
    assert (env["MOLT_APP_ID"], env["MOLT_PRIVATE_KEY_FILE"]) == ("1", key_name)
    assert env["MOLT_GITHUB_URL"] == fake_github.url
    key = (tmp_path / key_name).read_text()
    assert is_pem_private_key(key)
    assert mode(tmp_path / ".env") == mode(tmp_path / key_name) == 0o600
    for secret in (key, env["MOLT_WEBHOOK_SECRET"], env["MOLT_CLIENT_SECRET"]):
        assert secret.strip() not in out + err + page.text

    with molt_serve_in(tmp_path, without_molt_settings()) as served:
        assert (
            f"molt serve: authenticated as the GitHub App molt-test (id 1) at {fake_github.url}\n"
            in served.banner
        )
        assert answers_signed_ping(served.url, env["MOLT_WEBHOOK_SECRET"])
        # the OAuth client it wrote turns the dashboard on, behind sign-in
        assert "molt serve: dashboard at / (sign in with GitHub)\n" in served.banner
        assert httpx.get(f"{served.url}/").headers["location"] == "/login"


def test_a_personal_app_is_created_on_the_users_page(registration, fake_github):
    flow = registration()
    action, manifest = flow.form()
    assert action.startswith(f"{fake_github.url}/settings/apps/new?state=")
    assert manifest["name"] == "molt"
    assert "on your account" in flow.first_line


def test_a_redirect_without_this_flows_state_is_refused(registration, fake_github, tmp_path):
    flow = registration()
    action, manifest = flow.form()
    redirect = app_manifests.create_app(fake_github.url, action, manifest)
    forged = redirect.replace("state=", "state=x")
    assert httpx.get(forged).status_code == 400
    assert not (tmp_path / ".env").exists()
    assert httpx.get(redirect).status_code == 200  # the real one still works
    assert flow.finish()[0] == 0
    assert (tmp_path / ".env").exists()


def test_a_refused_code_writes_nothing_and_says_what_to_do(registration, fake_github, tmp_path):
    flow = registration()
    action, manifest = flow.form()
    redirect = app_manifests.create_app(fake_github.url, action, manifest)
    unknown = re.sub(r"code=[^&]+", "code=expired", redirect)
    assert httpx.get(unknown).status_code == 502
    code, _, err = flow.finish()
    assert (code, err) == (
        1,
        "molt: register: GitHub answered 404 when asked for the new App's credentials "
        "(Not Found); a code works once, for an hour: run molt register again\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", (".env", "molt-private-key.pem"))
def test_an_existing_env_or_key_file_is_never_replaced(tmp_path, name):
    (tmp_path / name).write_text("kept\n")
    argv = ["register", "--webhook-url", WEBHOOK_URL, "--app-yml", str(APP_YML)]
    result = run_molt(tmp_path, without_molt_settings(), *argv, "--port", str(free_port()))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"molt: register: {name} already exists; molt register writes a new one: "
        "move it away or pass --env-file PATH\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_text() == "kept\n"


def test_env_file_elsewhere_gets_the_key_beside_it(registration, fake_github, tmp_path):
    flow = registration("--env-file", "app/.env")
    (tmp_path / "app").mkdir()
    action, manifest = flow.form()
    httpx.get(app_manifests.create_app(fake_github.url, action, manifest))
    code, out, _ = flow.finish()
    assert code == 0
    assert "Wrote app/.env and app/molt-private-key.pem (mode 600;" in out
    assert read_env(tmp_path / "app" / ".env")["MOLT_PRIVATE_KEY_FILE"] == "molt-private-key.pem"


@pytest.mark.parametrize(
    ("argv", "message"),
    (
        (
            ["--webhook-url", "molt.example.org"],
            "molt: register: --webhook-url molt.example.org: not an http(s) URL; give the "
            "public address that reaches molt serve, e.g. https://molt.example.org/webhook\n",
        ),
        (
            ["--webhook-url", WEBHOOK_URL, "--app-yml", "missing.yml"],
            "molt: register: missing.yml: no such file; run molt register in molt's clone or "
            "pass --app-yml PATH\n",
        ),
    ),
)
def test_bad_arguments_stop_before_serving(tmp_path, argv, message):
    result = run_molt(tmp_path, without_molt_settings(), "register", *argv)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


@pytest.mark.parametrize(
    ("api", "web"),
    (
        ("https://api.github.com", "https://github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
    ),
)
def test_github_enterprise_server_forms_post_to_its_own_host(api, web):
    assert register.web_url(api) == web
    action = register.new_app_url(web, "octo org", "s")
    assert urlsplit(action).path == "/organizations/octo%20org/settings/apps/new"
    assert parse_qs(urlsplit(action).query) == {"state": ["s"]}
