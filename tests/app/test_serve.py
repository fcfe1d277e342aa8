"""``molt serve`` as a user starts it: a process, configured by environment variables."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.app.test_jobs import private_key
from tests.fakes import webhooks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def molt_serve(fake_github, tmp_path):
    port = free_port()
    env = os.environ | {
        "MOLT_APP_ID": "1",
        "MOLT_PRIVATE_KEY": private_key(),
        "MOLT_WEBHOOK_SECRET": webhooks.SECRET,
        "MOLT_GITHUB_URL": fake_github.url,
        "MOLT_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


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


def test_signed_ping_is_accepted_and_forged_one_refused(molt_serve):
    body = webhooks.load("ping/with-app_id.json")
    signed = httpx.post(
        f"{molt_serve}/webhook", content=body, headers=webhooks.headers("ping", body)
    )
    assert 200 <= signed.status_code < 300
    forged = webhooks.headers("ping", body, secret="not the secret")
    assert httpx.post(f"{molt_serve}/webhook", content=body, headers=forged).status_code == 401


def test_healthz_reports_queue_and_store(molt_serve):
    report = httpx.get(f"{molt_serve}/healthz").json()
    assert report == {"status": "ok", "checks": {"deliveries": "ok", "queue": "ok"}}


def test_missing_setting_stops_serve_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        env=env | {"MOLT_APP_ID": "1", "MOLT_PRIVATE_KEY": private_key()},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == "molt: MOLT_WEBHOOK_SECRET is missing\n"
