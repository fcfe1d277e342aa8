"""SQLite as molt's processes share it: how a connection is opened, and a write transaction
that takes the lock at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def connect(path: Path, *, timeout: float, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode (a transaction only when one is begun, as
    ``write_transaction`` does), waiting up to ``timeout`` seconds for another's write lock.

    ``synchronous = NORMAL``: with WAL a power cut may lose the last commits, never the file;
    everything molt keeps in SQLite can afford that.
    """
    db = sqlite3.connect(
        path, timeout=timeout, isolation_level=None, check_same_thread=check_same_thread
    )
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` on ``db`` (autocommit mode), committed at the end, rolled back on
    any error: the write lock is taken before the first read, so two processes reading then
    writing the same row cannot both decide on what they read."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
