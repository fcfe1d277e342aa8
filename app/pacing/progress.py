"""An installation scan's progress, counted across processes: done / total, and an ETA."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from app.pacing.store import Store


class Progress(NamedTuple):
    """Where a scan stands; ``eta`` is when the rest should be done, at the pace so far."""

    done: int
    total: int
    started: float
    now: float

    @property
    def eta(self) -> float:
        return self.now + (self.total - self.done) * (self.now - self.started) / max(self.done, 1)

    @property
    def worth_logging(self) -> bool:
        """Every twentieth of the scan, and its end."""
        step = max(1, self.total // 20)
        return self.done == self.total or self.done % step == 0

    def describe(self) -> str:
        if self.done >= self.total:
            took = _span(self.now - self.started)
            return f"scan: {self.done}/{self.total} repositories in {took}"
        eta = datetime.fromtimestamp(self.eta, UTC)
        return (
            f"scan: {self.done}/{self.total} repositories, "
            f"ETA {eta:%H:%M:%S} UTC (in {_span(self.eta - self.now)})"
        )


class ScanProgress:
    """Counts the repositories each scan has finished, keyed by a scan id."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store, self.clock = store, clock

    def start(self, scan: str, total: int) -> None:
        now = self.clock()
        self.store.update(f"scan:{scan}", lambda _: ({"done": 0, "total": total, "at": now}, None))

    def advance(self, scan: str) -> Progress | None:
        """One more repository of ``scan`` is done; None when the scan is unknown (expired)."""
        now = self.clock()

        def count(record: dict[str, Any] | None) -> tuple[dict[str, Any], Progress | None]:
            if record is None:
                return {"done": 0, "total": 0, "at": now}, None
            record["done"] += 1
            return record, Progress(record["done"], record["total"], record["at"], now)

        return self.store.update(f"scan:{scan}", count)


def _span(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
