"""Webhook acknowledgement latency of the real ``molt serve``: median and p99, throughput.

Starts ``python -m app serve`` as a subprocess on a free 127.0.0.1 port with a throwaway
environment (app id 1, a freshly generated RSA key, a random webhook secret, a temporary data
directory, and a GitHub URL on 127.0.0.1 where nothing listens), waits for ``/healthz``, then
sends signed deliveries of GitHub's own example payloads (``push`` to a tag and
``issue_comment.created``, both carrying an installation, so every one is claimed and queued)
from concurrent clients, each with a unique ``X-GitHub-Delivery``, after ``--warmup`` unmeasured
ones. What is timed is the answer (202) only; the queued jobs touch no GitHub API for these
events. The clients run on the same machine and share its CPUs with the server. A forged and an
unsigned delivery must get 401, and the server must still be healthy afterwards. The server is
stopped with SIGINT (then terminated) at the end, also on error; its log is shown on failure.

Run: ``python bench/webhook_latency.py [--requests 2000] [--concurrency 100]``.
Exit status 0 only when every delivery got 202 and both forgeries got 401.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
WEBHOOKS = ROOT / "tests" / "fixtures" / "webhooks"
EXAMPLES = (
    ("push", "push/with-installation.json"),
    ("issue_comment", "issue_comment/created.with-installation.json"),
)
HOST = "127.0.0.1"
STARTUP_SECONDS = 30.0
STOP_SECONDS = 15.0
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Delivery:
    """One example payload, ready to send: event name, exact bytes, their signature."""

    event: str
    body: bytes
    signature: str


@dataclass
class Results:
    """What the load run saw: latencies of 202 answers, every status, failed transports."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    replies: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)


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


def load_deliveries(secret: str) -> list[Delivery]:
    """The example payloads, byte for byte, signed with ``secret``."""
    deliveries = []
    for event, name in EXAMPLES:
        body = (WEBHOOKS / name).read_bytes()
        deliveries.append(Delivery(event, body, sign(secret, body)))
    return deliveries


def server_env(data_dir: Path, secret: str) -> dict[str, str]:
    """The environment of the server: ours without any ``MOLT_*``, plus throwaway settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    env.update(
        MOLT_APP_ID="1",
        MOLT_PRIVATE_KEY=private_key_pem(),
        MOLT_WEBHOOK_SECRET=secret,
        MOLT_DATA_DIR=str(data_dir),
        MOLT_GITHUB_URL=f"http://{HOST}:{free_port()}",  # nothing listens: no real GitHub
        PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))),
    )
    return env


@contextlib.contextmanager
def running_server(workdir: Path, secret: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``molt serve`` on ``port``, logging to ``workdir/server.log``; always stopped on exit.

    The working directory is ``workdir``, so no ``.env`` of the caller is read.
    """
    command = [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port)]
    with (workdir / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=server_env(workdir / "data", secret),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL, each with a deadline."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_SECONDS)
    process.wait()


async def wait_healthy(client: httpx.AsyncClient, process: subprocess.Popen[bytes]) -> None:
    """Poll ``/healthz`` until it answers 200; raise if the server exits or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"molt serve exited with status {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if (await client.get("/healthz")).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"molt serve not healthy after {STARTUP_SECONDS:.0f} s")


def delivery_headers(delivery: Delivery, signature: str | None) -> dict[str, str]:
    """GitHub's delivery headers with a fresh delivery id; unsigned when ``signature`` is None."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/molt-bench",
        "X-GitHub-Event": delivery.event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
    }
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return headers


async def send(client: httpx.AsyncClient, delivery: Delivery, results: Results) -> None:
    """One signed delivery; a 202 records its latency and the reply's status."""
    headers = delivery_headers(delivery, delivery.signature)
    start = time.perf_counter()
    try:
        response = await client.post("/webhook", content=delivery.body, headers=headers)
    except httpx.TransportError as error:
        results.errors[type(error).__name__] += 1
        return
    elapsed = time.perf_counter() - start
    results.statuses[response.status_code] += 1
    if response.status_code == 202:
        results.latencies.append(elapsed)
        results.replies[str(response.json().get("status"))] += 1


async def load(
    client: httpx.AsyncClient, deliveries: list[Delivery], count: int, concurrency: int
) -> Results:
    """``count`` deliveries (cycling through the examples) from ``concurrency`` clients."""
    results = Results()
    queue = iter(deliveries[i % len(deliveries)] for i in range(count))

    async def worker() -> None:
        for delivery in queue:  # a shared iterator: each delivery is taken by one worker
            await send(client, delivery, results)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def forgery_statuses(client: httpx.AsyncClient, delivery: Delivery) -> dict[str, int]:
    """Statuses for a delivery signed with the wrong secret and for one with no signature."""
    wrong = sign("not-" + secrets.token_hex(8), delivery.body)
    answers = {}
    for name, signature in (("forged signature", wrong), ("no signature", None)):
        headers = delivery_headers(delivery, signature)
        response = await client.post("/webhook", content=delivery.body, headers=headers)
        answers[name] = response.status_code
    return answers


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (which must not be empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def report(results: Results, count: int, concurrency: int, seconds: float) -> int:
    """Print the numbers; return how many deliveries did not get a 202."""
    not_accepted = count - results.statuses[202]
    print(f"molt serve, {count} signed deliveries, {concurrency} concurrent clients:")
    if results.latencies:
        median = statistics.median(results.latencies) * 1000
        p99 = percentile(results.latencies, 0.99) * 1000
        print(f"  202 latency: median {median:.1f} ms, p99 {p99:.1f} ms,", end=" ")
        print(f"max {max(results.latencies) * 1000:.1f} ms")
    print(f"  throughput: {count / seconds:.0f} deliveries/s ({seconds:.2f} s in all)")
    print(f"  replies: {dict(results.replies)}")
    print(f"  non-202 answers: {not_accepted}", end="")
    others = {s: n for s, n in results.statuses.items() if s != 202}
    print(f" (statuses {others}, transport errors {dict(results.errors)})" if not_accepted else "")
    return not_accepted


def client(port: int, connections: int = 1) -> httpx.AsyncClient:
    """A client of the server with up to ``connections`` keep-alive connections.

    Each phase gets its own, so no phase reuses a connection that sat idle past uvicorn's
    keep-alive timeout (5 s) while the previous phase finished: that races the server's close.
    """
    return httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=None),
        timeout=REQUEST_TIMEOUT,
        trust_env=False,
    )


async def checks(port: int, delivery: Delivery, process: subprocess.Popen[bytes]) -> bool:
    """Forgeries get 401 and the server is still healthy; print both."""
    async with client(port) as checker:
        forged = await forgery_statuses(checker, delivery)
        print("  " + ", ".join(f"{name}: {status}" for name, status in forged.items()))
        healthy = (await checker.get("/healthz")).status_code == 200 and process.poll() is None
    print(f"  server healthy afterwards: {'yes' if healthy else 'NO'}")
    return all(status == 401 for status in forged.values()) and healthy


async def bench(port: int, secret: str, process: subprocess.Popen[bytes], args: Namespace) -> bool:
    """Warm up, measure, check forgeries and health; True when everything was as it must be."""
    deliveries = load_deliveries(secret)
    async with client(port) as probe:
        await wait_healthy(probe, process)
    warmers = max(1, min(args.concurrency, args.warmup))
    async with client(port, warmers) as warmup:
        await load(warmup, deliveries, args.warmup, warmers)
    async with client(port, args.concurrency) as clients:
        start = time.perf_counter()
        async with asyncio.timeout(args.timeout):
            results = await load(clients, deliveries, args.requests, args.concurrency)
        seconds = time.perf_counter() - start
    failures = report(results, args.requests, args.concurrency, seconds)
    return await checks(port, deliveries[0], process) and failures == 0


class Namespace(argparse.Namespace):
    """The command line, typed."""

    requests: int
    concurrency: int
    warmup: int
    timeout: float


def parse_args() -> Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="deliveries measured")
    parser.add_argument("--concurrency", type=int, default=100, help="concurrent clients")
    parser.add_argument("--warmup", type=int, default=100, help="deliveries sent, not measured")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run")
    args = parser.parse_args(namespace=Namespace())
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--requests, --concurrency, --timeout must be positive; --warmup >= 0")
    return args


def exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the benchmark like Ctrl-C does, so the server is still stopped."""
    sys.exit(128 + signum)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    secret = secrets.token_hex(20)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="molt-bench-") as directory:
        workdir = Path(directory)
        ok = False
        try:
            with running_server(workdir, secret, port) as process:
                ok = asyncio.run(bench(port, secret, process, args))
            print(f"  server stopped with status {process.returncode}", flush=True)
        finally:
            if not ok:
                log = (workdir / "server.log").read_text(errors="replace")
                sys.stderr.write("--- last lines of the server log ---\n")
                sys.stderr.write("\n".join(log.splitlines()[-40:]) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
