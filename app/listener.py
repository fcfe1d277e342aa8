"""The HTTP listener of ``molt serve``: uvicorn, set up for clients that hold connections.

An idle connection costs a file descriptor and nothing else, so the process first raises its
own descriptor limit as far as the OS allows (soft limit up to the hard one). uvicorn closes an
idle keep-alive connection after ``KEEP_ALIVE_SECONDS``, but not a new connection that never
sends its request: ``HEAD_SECONDS`` bounds that. Past ``limit_concurrency`` connections (the
descriptor limit less what the process needs for itself) uvicorn answers 503 at once rather
than run out of descriptors. Bodies are bounded by ``app.bodies``; request heads by h11 (16 KiB).

What exists once the app is built (the framework, the queue's modules, the rewriters' tables)
lives as long as the process, so it is frozen out of the garbage collector's walks: walking it
again at each full collection stalled one acknowledgement in a hundred by tens of ms.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
from typing import Final

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS: Final = 5
HEAD_SECONDS: Final = 10.0
RESERVED_DESCRIPTORS: Final = 64  # SQLite files, the queue, logs, the workers' pipes


def raise_descriptor_limit() -> int:
    """Raise the soft limit on open files to the hard limit if the OS allows; the new soft."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Linux refuses an infinite soft limit on files, macOS one past OPEN_MAX
    wanted = max(soft, 1 << 16) if hard == resource.RLIM_INFINITY else hard
    if wanted == soft:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError) as error:
        log.warning("could not raise the open-file limit from %d: %s", soft, error)
        return soft
    log.info("open-file limit raised from %d to %d", soft, wanted)
    return wanted


class _Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a new connection that sends no request in time."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(HEAD_SECONDS, self._no_head)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _no_head(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()


def run(app: ASGIApp, host: str, port: int) -> None:
    """Serve `app` on `host`:`port` until interrupted."""
    descriptors = raise_descriptor_limit()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_Protocol,
        log_level="info",
        access_log=False,  # molt logs each delivery itself; this would double the work
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=max(descriptors - RESERVED_DESCRIPTORS, 64),
    )
    gc.freeze()
    uvicorn.Server(config).run()
