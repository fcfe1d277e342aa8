"""The state store: each repository's last state and each tracking issue's number, in SQLite
in the data dir, or in Redis when ``MOLT_QUEUE_URL`` is set.

A cache of GitHub's truth: every job writes its repository's row, the daily rescan rewrites
them all, so losing the store loses nothing the next rescan does not restore.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Protocol

import redis

from app.dashboard.states import RepoState
from app.settings import Settings
from app.sqlite import connect

FILENAME = "states.sqlite3"
REDIS_PREFIX = "molt:dashboard"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS states (
    full_name TEXT PRIMARY KEY,
    installation_id INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS states_installation ON states (installation_id);
CREATE TABLE IF NOT EXISTS tracking_issues (
    repository TEXT PRIMARY KEY,
    number INTEGER NOT NULL
);
"""


class StateStore(Protocol):
    """What the jobs write and the page reads."""

    def put(self, state: RepoState) -> None:
        """Replace the repository's row."""

    def get(self, full_name: str) -> RepoState | None:
        """The repository's row, if any."""

    def installation(self, installation_id: int) -> list[RepoState]:
        """The rows of an installation, by repository name."""

    def tracking_issue(self, repository: str) -> int | None:
        """The number of the tracking issue molt keeps in ``repository``, if it made one."""

    def set_tracking_issue(self, repository: str, number: int) -> None:
        """Remember the tracking issue of ``repository``."""


class SqliteStates:
    """The store in one SQLite file; each call opens its own short-lived connection, so
    threads and processes may share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)

    def put(self, state: RepoState) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO states VALUES (?, ?, ?)",
                (state.full_name, state.installation_id, state.to_json()),
            )

    def get(self, full_name: str) -> RepoState | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT record FROM states WHERE full_name = ?", (full_name,)
            ).fetchone()
        return None if row is None else RepoState.from_json(row[0])

    def installation(self, installation_id: int) -> list[RepoState]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT record FROM states WHERE installation_id = ? ORDER BY full_name",
                (installation_id,),
            ).fetchall()
        return [RepoState.from_json(row[0]) for row in rows]

    def tracking_issue(self, repository: str) -> int | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT number FROM tracking_issues WHERE repository = ?", (repository,)
            ).fetchone()
        return None if row is None else int(row[0])

    def set_tracking_issue(self, repository: str, number: int) -> None:
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO tracking_issues VALUES (?, ?)", (repository, number))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(connect(self.path, timeout=10.0)) as db:
            yield db


class RedisStates:
    """The store in Redis: one hash of rows per installation, a name → installation hash, and
    a hash of tracking issue numbers."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url)

    def put(self, state: RepoState) -> None:
        with self._redis.pipeline() as pipe:
            pipe.hset(self._rows(state.installation_id), state.full_name, state.to_json())
            pipe.hset(f"{REDIS_PREFIX}:owners", state.full_name, state.installation_id)
            pipe.execute()

    def get(self, full_name: str) -> RepoState | None:
        owner = self._redis.hget(f"{REDIS_PREFIX}:owners", full_name)
        if owner is None:
            return None
        record = self._redis.hget(self._rows(int(owner)), full_name)
        return None if record is None else RepoState.from_json(_text(record))

    def installation(self, installation_id: int) -> list[RepoState]:
        rows = self._redis.hgetall(self._rows(installation_id))
        return sorted(_decoded(rows.values()), key=lambda state: state.full_name)

    def tracking_issue(self, repository: str) -> int | None:
        number = self._redis.hget(f"{REDIS_PREFIX}:tracking", repository)
        return None if number is None else int(number)

    def set_tracking_issue(self, repository: str, number: int) -> None:
        self._redis.hset(f"{REDIS_PREFIX}:tracking", repository, number)

    @staticmethod
    def _rows(installation_id: int) -> str:
        return f"{REDIS_PREFIX}:states:{installation_id}"


def _text(record: bytes | str) -> str:
    return record.decode() if isinstance(record, bytes) else record


def _decoded(records: Iterable[bytes | str]) -> Iterator[RepoState]:
    return (RepoState.from_json(_text(record)) for record in records)


def open_store(settings: Settings) -> StateStore:
    """The store beside the queue: Redis when the queue is Redis, else SQLite in the data dir."""
    if settings.uses_redis:
        return RedisStates(settings.queue_url.get_secret_value())
    return SqliteStates(settings.data_dir / FILENAME)
