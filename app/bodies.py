"""Webhook bodies read as they stream: signed while read, bounded in size, time and number.

Nobody is authenticated until the last byte is in, so what an unauthenticated body may cost is
bounded: its HMAC is updated chunk by chunk, the first ``memory_bytes`` stay in memory and the
rest goes to an unlinked temporary file, a body past ``max_bytes`` is refused (413) as soon as
it says or shows so, one that takes longer than ``seconds`` is refused (408), and no more than
``concurrent`` bodies are read at once (503 at once for the next). Only a body whose signature
matches is handed back whole. The body is read from ASGI ``http.request`` messages directly.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import tempfile
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import IO, Any, Final, NamedTuple

MAX_BYTES: Final = 25 * 1024 * 1024  # GitHub does not deliver larger payloads
CLOSE: Final = {"Connection": "close"}  # a refused body is not read to its end

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


class Refused(Exception):
    """A request answered with `status` and `detail` (and `headers`), its body unread or bad."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, detail)
        self.status, self.detail, self.headers = status, detail, dict(headers or {})


class Disconnected(Exception):
    """The client went away before its whole body was sent."""


class Limits(NamedTuple):
    """What one unauthenticated body may cost."""

    max_bytes: int = MAX_BYTES
    memory_bytes: int = 256 * 1024
    concurrent: int = 64
    seconds: float = 30.0


LIMITS: Final = Limits()


class Gate:
    """Counts the bodies being read on one event loop; refuses past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0

    def enter(self) -> None:
        if self.open >= self.limit:
            detail = f"{self.limit} deliveries are being received; redeliver this one"
            raise Refused(503, detail, CLOSE | {"Retry-After": "1"})
        self.open += 1

    def leave(self) -> None:
        self.open -= 1


async def read_signed(
    receive: Receive,
    declared: str | None,
    key: bytes,
    signature: str,
    limits: Limits,
    spool_dir: Path,
) -> bytes:
    """The body `receive` brings, once its size is within `limits` and its HMAC under `key`
    is `signature`; `declared` is its Content-Length header, if any.

    Raises Refused (400 malformed Content-Length, 401, 408, 413) or Disconnected.
    """
    if declared is not None and not declared.isdigit():
        raise Refused(400, "malformed Content-Length", CLOSE)
    if declared is not None and int(declared) > limits.max_bytes:
        raise Refused(413, f"body over {limits.max_bytes} bytes", CLOSE)
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with _Spool(limits.memory_bytes, spool_dir) as body:
        try:
            async with asyncio.timeout(limits.seconds):
                more = True
                while more:
                    message = await receive()
                    if message["type"] != "http.request":
                        raise Disconnected
                    chunk: bytes = message.get("body", b"")
                    more = message.get("more_body", False)
                    if body.size + len(chunk) > limits.max_bytes:
                        raise Refused(413, f"body over {limits.max_bytes} bytes", CLOSE)
                    mac.update(chunk)
                    body.write(chunk)
        except TimeoutError:
            raise Refused(408, f"body not received in {limits.seconds:g} s", CLOSE) from None
        if not hmac.compare_digest("sha256=" + mac.hexdigest(), signature):
            raise Refused(401, "X-Hub-Signature-256 does not match the body")
        return body.read()


class _Spool:
    """Bytes kept in memory up to `memory_bytes`, then in an unlinked temporary file."""

    def __init__(self, memory_bytes: int, directory: Path) -> None:
        self.memory_bytes = memory_bytes
        self.directory = directory
        self.size = 0
        self._chunks: list[bytes] = []
        self._file: IO[bytes] | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._file is None and self.size <= self.memory_bytes:
            self._chunks.append(chunk)
            return
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = tempfile.TemporaryFile(dir=self.directory)
            self._file.writelines(self._chunks)
            self._chunks = []
        self._file.write(chunk)

    def read(self) -> bytes:
        if self._file is None:
            return b"".join(self._chunks)
        self._file.seek(0)
        return self._file.read()

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._file is not None:
            self._file.close()
