"""Recent webhook delivery ids, and the deliveries not yet on the queue, persisted in SQLite.

A delivery id is remembered for a week, so a redelivery is a no-op. An accepted delivery is
spooled (its headers' facts and raw body) in the same transaction as its id is recorded, and
stays spooled until it is on the queue: a queue that cannot be reached (Redis down) loses
nothing, and GitHub does not redeliver on its own.

Each thread keeps one connection (opening one per call costs a checkpoint of the write-ahead
log each time the last one closes). Several threads and processes may share the file: SQLite
serialises the writes. The webhook path writes from one thread only (``app.outbox``), with a
short busy timeout and no automatic checkpoint: ``checkpoint()`` is called off that path.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from app.sqlite import connect, write_transaction

FILENAME = "deliveries.sqlite3"
DEFAULT_TTL = timedelta(days=7)
SWEEP_EVERY_SECONDS = 60.0  # expired rows are deleted at most this often
BUSY_SECONDS = 1.0  # a write waits this long for another connection's, then fails

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    delivery_id TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_seen_at ON deliveries (seen_at);
CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    action TEXT,
    installation_id INTEGER NOT NULL,
    body BLOB NOT NULL
);
"""
# Insert the id, or take over a row that has expired; changes() == 0 means "seen recently".
_CLAIM = """
INSERT INTO deliveries (delivery_id, seen_at) VALUES (:id, :now)
ON CONFLICT (delivery_id) DO UPDATE SET seen_at = excluded.seen_at
WHERE deliveries.seen_at <= :cutoff
"""
_SPOOL = """
INSERT OR REPLACE INTO spool (delivery_id, event, action, installation_id, body)
VALUES (?, ?, ?, ?, ?)
"""


class Delivery(NamedTuple):
    """An accepted delivery as spooled: what its headers and payload say, and its raw body."""

    delivery_id: str
    event: str
    action: str | None
    installation_id: int
    body: bytes


class DeliveryStore:
    """Remembers delivery ids for `ttl` and spools deliveries; `clock` returns epoch seconds."""

    def __init__(
        self,
        path: Path,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
        automatic_checkpoints: bool = True,
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.automatic_checkpoints = automatic_checkpoints
        self._swept_at = float("-inf")
        self._local = threading.local()
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
        automatic_checkpoints: bool = True,
    ) -> DeliveryStore:
        """The store kept in molt's data directory (`MOLT_DATA_DIR`).

        Without `automatic_checkpoints`, a commit never copies the log into the database
        (which waits for the disk): the owner calls `checkpoint()` from another thread.
        """
        path = data_dir / FILENAME
        return cls(path, ttl=ttl, clock=clock, automatic_checkpoints=automatic_checkpoints)

    def claim(self, delivery_id: str) -> bool:
        """Record `delivery_id`; True if it is new (or expired), False if seen within the ttl.

        Atomic: of several concurrent claims of one id, exactly one gets True.
        """
        with self._transaction() as db:
            return self._claim(db, delivery_id)

    def accept(self, deliveries: Sequence[Delivery], *, through: int = 0) -> list[bool]:
        """Claim each delivery's id and spool those that are new, in one transaction that
        also drops from the spool the deliveries up to position `through` (they are on the
        queue).

        One flag per delivery, as `claim` would answer; a second delivery of one id in the
        same batch is seen.
        """
        with self._transaction() as db:
            if through:
                db.execute("DELETE FROM spool WHERE seq <= ?", (through,))
            fresh = [self._claim(db, delivery.delivery_id) for delivery in deliveries]
            db.executemany(_SPOOL, [d for d, new in zip(deliveries, fresh, strict=True) if new])
        return fresh

    def spooled(
        self, limit: int, after: int = 0, *, bodies: bool = True
    ) -> list[tuple[int, Delivery]]:
        """The oldest `limit` spooled deliveries after position `after`, with their positions;
        without `bodies`, each with an empty body (see `spooled_body`)."""
        body = "body" if bodies else "x''"
        rows = self._db().execute(
            f"SELECT seq, delivery_id, event, action, installation_id, {body} FROM spool "
            "WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )
        return [(seq, Delivery(*row)) for seq, *row in rows]

    def spooled_body(self, delivery_id: str) -> bytes:
        """The raw body of a spooled delivery."""
        (body,) = (
            self._db()
            .execute("SELECT body FROM spool WHERE delivery_id = ?", (delivery_id,))
            .fetchone()
        )
        return bytes(body)

    def spooled_count(self) -> int:
        """How many deliveries wait in the spool."""
        (count,) = self._db().execute("SELECT count(*) FROM spool").fetchone()
        return int(count)

    def release(self, delivery_id: str) -> None:
        """Forget `delivery_id`, so a redelivery is handled again (its first handling failed)."""
        with self._transaction() as db:
            db.execute("DELETE FROM deliveries WHERE delivery_id = ?", (delivery_id,))

    def seen(self, delivery_id: str) -> bool:
        """True if `delivery_id` was claimed within the ttl."""
        cutoff = self.clock() - self.ttl.total_seconds()
        row = (
            self._db()
            .execute(
                "SELECT 1 FROM deliveries WHERE delivery_id = ? AND seen_at > ?",
                (delivery_id, cutoff),
            )
            .fetchone()
        )
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

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database as far as no reader needs it."""
        self._db().execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close this thread's connection (the next call opens another)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _claim(self, db: sqlite3.Connection, delivery_id: str) -> bool:
        now = self.clock()
        cutoff = now - self.ttl.total_seconds()
        claimed = db.execute(_CLAIM, {"id": delivery_id, "now": now, "cutoff": cutoff})
        fresh = claimed.rowcount == 1
        if now - self._swept_at >= SWEEP_EVERY_SECONDS:
            self._swept_at = now
            db.execute("DELETE FROM deliveries WHERE seen_at <= ?", (cutoff,))
        return fresh

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db())

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._open()
        return db

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(self._open()) as db:
            yield db

    def _open(self) -> sqlite3.Connection:
        # A power cut may forget the last ids: that costs at most a repeated (idempotent) job.
        db = connect(self.path, timeout=BUSY_SECONDS, check_same_thread=False)
        if not self.automatic_checkpoints:
            db.execute("PRAGMA wal_autocheckpoint = 0")
        return db
