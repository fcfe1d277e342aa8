"""Pacing each installation within GitHub's limits, shared by every job and every process.

::

    budget    the rules, pure: token buckets for content-creating requests, the primary
              limit read from x-ratelimit-* headers, pauses after a 403/429 rate limit
    store     where processes share the budget: SQLite beside the queue, or Redis
    progress  an installation scan's done / total and its ETA

A ``Gate`` is one installation's door: ``before(method)`` waits until the budget allows the
request (or raises ``RateLimited`` when the wait is long, so the job is retried later and the
worker is free meanwhile); ``after(...)`` records what the answer said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from app.errors import RateLimited
from app.pacing import budget
from app.pacing.budget import DEFAULT_WINDOWS, WRITES, Budget, Window, parse_windows
from app.pacing.progress import Progress, ScanProgress
from app.pacing.store import FILENAME, MemoryStore, RedisStore, SqliteStore, Store

__all__ = [
    "DEFAULT_WINDOWS",
    "Gate",
    "MemoryStore",
    "Pacer",
    "Progress",
    "RedisStore",
    "ScanProgress",
    "SqliteStore",
    "Store",
    "Window",
    "parse_windows",
    "store_for",
]

log = logging.getLogger(__name__)

LONGEST_SLEEP = 30.0  # longer waits free the worker: the job is retried when the wait is over


def store_for(data_dir: Path, redis_url: str) -> Store:
    """Redis when the queue is Redis (workers may be on several machines), else SQLite."""
    return RedisStore(redis_url) if redis_url else SqliteStore(data_dir / FILENAME)


class Pacer:
    """Every installation's budget, in one store; ``windows`` bound content-creating requests."""

    def __init__(
        self,
        store: Store,
        windows: tuple[Window, ...] = parse_windows(DEFAULT_WINDOWS),
        *,
        longest_sleep: float = LONGEST_SLEEP,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store, self.windows, self.longest_sleep = store, windows, longest_sleep
        self.clock, self.sleep = clock, sleep

    def gate(self, installation_id: int) -> Gate:
        return Gate(self, installation_id)


class Gate:
    """One installation's requests, paced; implements ``app.github.clients.Pace``."""

    def __init__(self, pacer: Pacer, installation_id: int) -> None:
        self._pacer = pacer
        self.installation_id = installation_id
        self._key = f"budget:{installation_id}"

    def before(self, method: str) -> None:
        """Wait until the installation's budget lets a ``method`` request go, and spend it."""
        write = method.upper() in WRITES
        pacer = self._pacer
        while True:
            wait = pacer.store.update(self._key, partial(self._admit, write=write))
            if wait <= 0:
                return
            if wait > pacer.longest_sleep:
                until = datetime.fromtimestamp(pacer.clock() + wait, UTC)
                raise RateLimited(
                    f"installation {self.installation_id} waits for GitHub's limits until "
                    f"{until:%H:%M:%S} UTC",
                    reset_at=until,
                )
            pacer.sleep(wait)

    def after(self, method: str, status: int, headers: Mapping[str, str], message: str) -> None:
        """Record the limits an answer reports, and pause the installation on a rate limit."""
        observe = partial(self._observe, status=status, headers=headers, message=message)
        until = self._pacer.store.update(self._key, observe)
        if until is not None:
            log.warning(
                "GitHub answered %d to %s: installation %d pauses until %s UTC",
                status,
                method,
                self.installation_id,
                f"{datetime.fromtimestamp(until, UTC):%H:%M:%S}",
                extra={"installation_id": self.installation_id},
            )

    # The clock is read inside the store's transaction: a time read before waiting for it
    # would be older than what another process has written meanwhile.
    def _admit(self, record: budget.Record | None, write: bool) -> tuple[budget.Record, float]:
        state = Budget.load(record)
        wait = budget.admit(state, self._pacer.windows, write, self._pacer.clock())
        return state.dump(), wait

    def _observe(
        self,
        record: budget.Record | None,
        status: int,
        headers: Mapping[str, str],
        message: str,
    ) -> tuple[budget.Record, float | None]:
        state = Budget.load(record)
        until = budget.observe(state, status, headers, message, self._pacer.clock())
        return state.dump(), until
