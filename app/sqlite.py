"""SQLite as molt's processes share it: a write transaction that takes the lock at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


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
