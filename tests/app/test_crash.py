"""``molt serve`` on a bad day: killed mid-job, stopped by docker, GitHub down or limiting,
hostile repositories, bursts of pushes. Nothing is lost, stuck or duplicated.

molt runs as a user runs it (a process group, configured by environment variables) against the
fake GitHub over HTTP, with its leases, retries and time limit shortened so a test takes seconds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis

from app.leases import open_leases
from tests.app.test_jobs import INSTALLATION, PYPROJECT, private_key, redis_url  # noqa: F401
from tests.app.test_serve import free_port, without_molt_settings
from tests.fakes import webhooks

OWNER = "Codertocat"
BRANCH = "molt/python-3.11"
REPOS = [f"{OWNER}/r{n:02}" for n in range(20)]
FAST = {  # a lease renewed every 0.67 s, retries from 1 s, a 20 s job time limit, no pacing
    "MOLT_LEASE_SECONDS": "2",
    "MOLT_RETRY_SECONDS": "1",
    "MOLT_JOB_TIME_LIMIT": "20",
    "MOLT_WRITE_BUDGET": "100000/60",
}


class Molt:
    """``molt serve`` in its own process group, started and killed as often as a test likes."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.log = cwd / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> Molt:
        port = free_port()
        command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.cwd,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # its workers share its group: kill -9 takes them all
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("molt serve did not become healthy:\n" + self.log.read_text())

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to every process of the group, and wait for the leader to end."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop_as_docker_does(self) -> None:
        """SIGTERM to the main process, then after 10 s SIGKILL to whatever is left."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def deliver(self, event: str, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode()
        headers = webhooks.headers(event, body)
        assert httpx.post(f"{self.url}/webhook", content=body, headers=headers).status_code == 202

    def install(self) -> None:
        """GitHub's installation.created for every repository of the installation."""
        payload = webhooks.load_json("installation/created.json")
        payload["repositories"] = []  # none named: the whole installation
        self.deliver("installation", payload)

    @property
    def logged(self) -> str:
        return self.log.read_text()


def wait_for(predicate, what, molt, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached in {timeout} s; molt logged:\n{molt.logged[-6000:]}")


def held(fake, method, suffix):
    return [
        r
        for r in fake.requests
        if r.status is None and r.method == method and r.path.endswith(suffix)
    ]


def opened(fake, repos=REPOS):
    return sum(1 for repo in repos if fake.pulls(repo))


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request):
    if request.param == "sqlite":
        return ""
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def molt(fake_github, tmp_path, queue_url):
    fake_github.add_installation(INSTALLATION, OWNER)
    for repo in REPOS:
        fake_github.add_repo(repo, {"pyproject.toml": PYPROJECT})
    env = without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=fake_github.url,
        MOLT_DATA_DIR=str(tmp_path / "data"),
        MOLT_QUEUE_URL=queue_url,
        **FAST,
    )
    served = Molt(tmp_path, env)
    yield served
    served.kill()


def settled(fake, molt, repos=REPOS):
    """Every repository ends with exactly one pull request, from one branch with one commit,
    and nothing is left held or running."""
    wait_for(lambda: opened(fake, repos) == len(repos), "a pull request in every repository", molt)
    leases = open_leases(Path(molt.env["MOLT_DATA_DIR"]), molt.env["MOLT_QUEUE_URL"])
    wait_for(
        lambda: not leases.leases("repo:") and not leases.leases("running:"),
        "no lock held, no job running",
        molt,
    )
    time.sleep(1)  # anything still queued would now run and could duplicate
    for repo in repos:
        (pull,) = fake.pulls(repo)
        assert (pull.state, pull.head) == ("open", BRANCH)
        assert [b for b in fake.branches(repo) if b != "main"] == [BRANCH]
        assert len(fake.commits_on(repo, BRANCH)) == 2  # molt's, on the initial commit
    assert not leases.leases("repo:") and not leases.leases("running:")


def test_kill_9_while_jobs_run_loses_nothing(molt, fake_github):
    fake_github.hold_seconds = 5
    fake_github.fail_next("POST", "/repos/*/pulls", timeout=True, times=2)  # branch made, no PR
    molt.start().install()
    wait_for(lambda: len(held(fake_github, "POST", "/pulls")) == 2, "two jobs mid-way", molt)
    molt.kill()
    molt.start()
    settled(fake_github, molt)
    # a lock whose 2 s lease ran out while molt restarted is free already: only jobs are sure
    assert "a stopped worker left 2 job(s) running and " in molt.logged


ONE_QUEUE = "queue_url"  # the rarer faults run on one queue each, to keep the suite short


@pytest.mark.parametrize(ONE_QUEUE, ["redis"], indirect=True)
def test_kill_9_while_github_answers_500(molt, fake_github):
    molt.start().install()
    wait_for(lambda: opened(fake_github) >= 3, "the first pull requests", molt)
    # 30 s against retries from 30 s is 1 s against these retries from 1 s: 6 s is longer
    fake_github.fail_next("*", "/repos/*", 500, seconds=6)
    time.sleep(1)
    molt.kill()
    molt.start()
    settled(fake_github, molt)
    assert any(r.status == 500 for r in fake_github.requests)


@pytest.mark.parametrize(ONE_QUEUE, ["sqlite"], indirect=True)
def test_kill_9_through_a_secondary_limit_burst(molt, fake_github):
    fake_github.fail_next("POST", "/repos/*/git/*", 403, retry_after=1, times=8)
    molt.start().install()
    wait_for(lambda: any(r.status == 403 for r in fake_github.requests), "the limit", molt)
    molt.kill()
    molt.start()
    settled(fake_github, molt)


@pytest.mark.parametrize(ONE_QUEUE, ["sqlite"], indirect=True)
def test_docker_stop_while_github_is_slow_loses_nothing(molt, fake_github):
    fake_github.limits.latency = 0.05  # as the fake sets GitHub's own
    fake_github.hold_seconds = 12  # longer than docker's grace
    fake_github.fail_next("GET", "/repos/*/git/trees/*", timeout=True, times=2)
    molt.start().install()
    wait_for(lambda: len(held(fake_github, "GET", "")) == 2, "two jobs waiting on GitHub", molt)
    molt.stop_as_docker_does()
    molt.start()
    settled(fake_github, molt)


# --- hostile repositories, the time limit, the memory ceiling ------------------------------

ALIAS_BOMB = "\n".join(
    ['.a0: &a0 ["3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9"]']
    + [f".a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    + ["jobs: {test: {runs-on: ubuntu-latest, strategy: {matrix: {python: *a9}}}}", ""]
)
DEEP_PYPROJECT = PYPROJECT + "x = " + "[" * 5000 + "]" * 5000 + "\n"
HUGE_SETUP = "from setuptools import setup\nsetup(x=" + "+".join(["1"] * 200_000) + ")\n"


def test_hostile_repositories_do_not_hold_up_the_others(fake_github, tmp_path):
    fake_github.add_installation(INSTALLATION, OWNER)
    ordinary = [f"{OWNER}/plain{n}" for n in range(4)]
    for repo in ordinary:
        fake_github.add_repo(repo, {"pyproject.toml": PYPROJECT})
    bomb = f"{OWNER}/bomb"
    fake_github.add_repo(
        bomb, {"pyproject.toml": PYPROJECT, ".github/workflows/ci.yml": ALIAS_BOMB}
    )
    fake_github.add_repo(f"{OWNER}/deep", {"pyproject.toml": DEEP_PYPROJECT})
    fake_github.add_repo(f"{OWNER}/huge", {"pyproject.toml": PYPROJECT, "setup.py": HUGE_SETUP})
    fake_github.add_repo(f"{OWNER}/stuck", {"pyproject.toml": PYPROJECT})
    fake_github.hold_seconds = 30  # a job waiting this long meets the time limit first
    fake_github.fail_next("GET", f"/repos/{OWNER}/stuck/git/trees/*", timeout=True)
    env = without_molt_settings(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key(),
        MOLT_WEBHOOK_SECRET=webhooks.SECRET,
        MOLT_GITHUB_URL=fake_github.url,
        MOLT_DATA_DIR=str(tmp_path / "data"),
        **(FAST | {"MOLT_JOB_TIME_LIMIT": "3", "MOLT_JOB_MEMORY_MB": "1500"}),
    )
    molt = Molt(tmp_path, env)
    try:
        molt.start().install()
        started = time.monotonic()
        wait_for(lambda: opened(fake_github, [*ordinary, bomb]) == 5, "the ordinary PRs", molt)
        for repo, path in ((f"{OWNER}/deep", "pyproject.toml"), (f"{OWNER}/huge", "setup.py")):
            wait_for(lambda r=repo: fake_github.check_runs(r), f"a check run on {repo}", molt)
            (check,) = fake_github.check_runs(repo)
            assert f"{path}: nested too deeply to read" in (check.summary or "")
            assert fake_github.pulls(repo) == []
        wait_for(
            lambda: (
                "upgrade_repository Codertocat/stuck: stopped at the job time limit" in molt.logged
            ),
            "the limit",
            molt,
        )
        assert time.monotonic() - started < 20  # within the limit's reach, not the 30 s hold
        wait_for(lambda: fake_github.pulls(f"{OWNER}/stuck"), "the stuck one's retry", molt)
        health = httpx.get(f"{molt.url}/healthz").json()
        assert health["checks"]["workers"] == "ok"
        leases = open_leases(tmp_path / "data", "")
        workers = [int(lease.owner.split(":")[1]) for lease in leases.leases("worker:")]
        assert len(workers) == 2
        for pid in workers:
            limits = Path(f"/proc/{pid}/limits").read_text()
            assert re.search(r"Max address space\s+1572864000\s+1572864000", limits)
    finally:
        molt.kill()


# --- coalescing ----------------------------------------------------------------------------


def test_twenty_pushes_in_a_second_run_the_job_at_most_twice(molt, fake_github):
    repo = REPOS[0]
    molt.start()
    payload = webhooks.load_json("push/ordinary.derived-from-with-new-branch.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": payload["installation"]["node_id"]}
    payload["repository"]["full_name"] = repo
    payload["repository"]["name"] = repo.split("/")[1]
    payload["repository"]["default_branch"] = "main"
    payload["ref"] = "refs/heads/main"
    bodies = []
    for n in range(20):
        payload["after"] = fake_github.push(repo, {"tox.ini": f"[tox]\nenvlist = py39\n# {n}\n"})
        bodies.append(json.dumps(payload).encode())
    began = time.monotonic()
    with httpx.Client() as client, ThreadPoolExecutor(4) as pool:
        post = lambda body: client.post(  # noqa: E731
            f"{molt.url}/webhook", content=body, headers=webhooks.headers("push", body)
        )
        assert {r.status_code for r in pool.map(post, bodies)} == {202}
    delivered = time.monotonic() - began
    assert delivered < 1
    wait_for(lambda: fake_github.pulls(repo), "the pull request", molt)
    time.sleep(3)  # a second run, if any, has ended
    runs = re.findall(rf"app\.jobs {re.escape(repo)}: (?!a run is|another job)", molt.logged)
    assert 1 <= len(runs) <= 2
