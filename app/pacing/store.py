"""Small JSON records every process of the App shares: in SQLite beside the queue, or in Redis.

``update(key, change)`` reads a record, lets ``change`` edit it and writes it back, atomically
across processes (SQLite: one ``BEGIN IMMEDIATE`` transaction; Redis: ``WATCH``/``MULTI``, retried
when another process wrote first).  Records expire after ``ttl`` seconds without a write, so
what a finished scan or a quiet installation leaves behind does not accumulate.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol, TypeVar

import redis

from app.sqlite import connect, write_transaction

T = TypeVar("T")
Record = dict[str, Any]
Change = Callable[[Record | None], tuple[Record, T]]

FILENAME = "pacing.sqlite3"
TTL_SECONDS = 2 * 3600.0  # longer than GitHub's longest window (an hour)
_PREFIX = "molt:pacing:"

_SCHEMA = "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT, expires REAL)"


class Store(Protocol):
    def update(self, key: str, change: Change[T]) -> T:
        """Apply ``change`` to the record under ``key`` (None when there is none), atomically."""
        ...


class MemoryStore:
    """One process's records (tests, and the token mode's single client)."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._lock = threading.Lock()

    def update(self, key: str, change: Change[T]) -> T:
        with self._lock:
            record, result = change(self._records.get(key))
            self._records[key] = record
            return result


class SqliteStore:
    """Records in a SQLite file, shared by the processes of one machine."""

    def __init__(self, path: Path, *, ttl: float = TTL_SECONDS) -> None:
        self.path, self.ttl = path, ttl
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(_SCHEMA)

    def update(self, key: str, change: Change[T]) -> T:
        now = time.time()
        with self._connect() as connection, write_transaction(connection) as db:
            row = db.execute(
                "SELECT value FROM records WHERE key = ? AND expires > ?", (key, now)
            ).fetchone()
            record, result = change(None if row is None else json.loads(row[0]))
            db.execute(
                "INSERT OR REPLACE INTO records (key, value, expires) VALUES (?, ?, ?)",
                (key, json.dumps(record), now + self.ttl),
            )
            db.execute("DELETE FROM records WHERE expires <= ?", (now,))
        return result

    def _connect(self) -> closing[sqlite3.Connection]:
        # A connection per call: safe across threads and across the consumer's forks.
        return closing(connect(self.path, timeout=30.0))


class RedisStore:
    """Records in Redis, shared by workers on every machine that uses the queue."""

    def __init__(self, url: str, *, ttl: float = TTL_SECONDS) -> None:
        self._redis = redis.Redis.from_url(url)
        self.ttl = ttl

    def update(self, key: str, change: Change[T]) -> T:
        name = _PREFIX + key
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(name)  # type: ignore[no-untyped-call]
                    raw = pipe.get(name)
                    record, result = change(None if raw is None else json.loads(raw))
                    pipe.multi()
                    pipe.set(name, json.dumps(record), px=int(self.ttl * 1000))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process wrote first: read again
