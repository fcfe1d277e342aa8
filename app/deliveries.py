"""Recent webhook delivery ids, persisted in SQLite, so a redelivery is a no-op.

Each call opens its own short-lived connection and does its work in one SQL statement, so the
store is safe to share between threads (FastAPI's pool) and between processes (several
`molt serve` workers on one data dir): SQLite serialises the writes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path

FILENAME = "deliveries.sqlite3"
DEFAULT_TTL = timedelta(days=7)
SWEEP_EVERY_SECONDS = 60.0  # expired rows are deleted at most this often, off the hot path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    delivery_id TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_seen_at ON deliveries (seen_at);
"""
# Insert the id, or take over a row that has expired; changes() == 0 means "seen recently".
_CLAIM = """
INSERT INTO deliveries (delivery_id, seen_at) VALUES (:id, :now)
ON CONFLICT (delivery_id) DO UPDATE SET seen_at = excluded.seen_at
WHERE deliveries.seen_at <= :cutoff
"""


class DeliveryStore:
    """Remembers delivery ids for `ttl`; `clock` returns seconds since the epoch."""

    def __init__(
        self,
        path: Path,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self._swept_at = float("-inf")
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(
        cls,
        data_dir: Path,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> DeliveryStore:
        """The store kept in molt's data directory (`MOLT_DATA_DIR`)."""
        return cls(data_dir / FILENAME, ttl=ttl, clock=clock)

    def claim(self, delivery_id: str) -> bool:
        """Record `delivery_id`; True if it is new (or expired), False if seen within the ttl.

        Atomic: of several concurrent claims of one id, exactly one gets True.
        """
        now = self.clock()
        cutoff = now - self.ttl.total_seconds()
        with self._connect() as db:
            claimed = db.execute(_CLAIM, {"id": delivery_id, "now": now, "cutoff": cutoff})
            if now - self._swept_at >= SWEEP_EVERY_SECONDS:
                self._swept_at = now
                db.execute("DELETE FROM deliveries WHERE seen_at <= ?", (cutoff,))
            return claimed.rowcount == 1

    def release(self, delivery_id: str) -> None:
        """Forget `delivery_id`, so a redelivery is handled again (its first handling failed)."""
        with self._connect() as db:
            db.execute("DELETE FROM deliveries WHERE delivery_id = ?", (delivery_id,))

    def seen(self, delivery_id: str) -> bool:
        """True if `delivery_id` was claimed within the ttl."""
        cutoff = self.clock() - self.ttl.total_seconds()
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM deliveries WHERE delivery_id = ? AND seen_at > ?",
                (delivery_id, cutoff),
            ).fetchone()
        return row is not None

    def health(self) -> str:
        """Return "ok" when the database can be read and written, else what went wrong."""
        try:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("SELECT count(*) FROM deliveries").fetchone()
                db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            return f"error: {exc}"
        return "ok"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: autocommit, each statement is its own transaction.
        with closing(sqlite3.connect(self.path, timeout=10.0, isolation_level=None)) as db:
            # WAL with NORMAL sync cannot corrupt the file; a power cut may forget the last ids,
            # which costs at most a repeated (idempotent) job.
            db.execute("PRAGMA synchronous = NORMAL")
            yield db
