"""Leases: keys a process holds for a while, renews while it works, and loses when it stops.

A lease is a key, its owner, when it expires and a short value, kept in the queue's own store:
a table in the data directory beside the SQLite queue, or one hash on the Redis server the
workers share. An expired lease stays readable until it is claimed again or reaped, so what a
crash left behind can be found afterwards. The per-repository locks, the record of each running
job and the markers of queued repository runs are all leases.

An owner names a process: ``host:pid:start``, where ``start`` is when the process started (so a
pid the system reused is not taken for the crashed process). ``Holder`` keeps the leases of one
process and renews them from a thread, so a lease outlives its time-to-live only while its
process is alive.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import NamedTuple, Protocol

import redis

from app.sqlite import connect, write_transaction

LEASES_FILE = "leases.sqlite3"
REDIS_HASH = "molt.leases"


class Lease(NamedTuple):
    """One held (or expired, not yet reaped) key."""

    key: str
    owner: str
    expires: float  # seconds since the epoch, by the store's clock
    value: str


class Busy(Exception):
    """Another live owner holds the lease."""


class Leases(Protocol):
    """A store of leases; every method is atomic against other processes and machines."""

    def claim(self, key: str, owner: str, ttl: float, value: str = "") -> bool:
        """Take ``key`` if it is free or expired; False when a live lease holds it."""

    def renew(self, keys: Collection[str], owner: str, ttl: float) -> set[str]:
        """Extend those of ``keys`` that ``owner`` still holds; return them."""

    def release(self, key: str, owner: str) -> bool:
        """Drop ``key`` if ``owner`` holds it (expired or not); True when it did."""

    def update(self, key: str, value: str) -> bool:
        """Replace the value of a live lease; False when there is none."""

    def take(self, key: str) -> str | None:
        """Drop ``key`` whoever holds it; the value if the lease was live, else None."""

    def leases(self, prefix: str) -> list[Lease]:
        """Every lease whose key starts with ``prefix``, expired ones included."""

    def now(self) -> float:
        """The store's clock, in seconds since the epoch."""

    def health(self) -> str:
        """Say "ok", or raise when the store cannot be reached."""


def open_leases(data_dir: Path, queue_url: str, namespace: str = "molt") -> Leases:
    """The leases beside the queue: Redis when ``queue_url`` is set, else SQLite in ``data_dir``."""
    if queue_url:
        return RedisLeases(queue_url, f"{namespace}.leases")
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteLeases(data_dir / LEASES_FILE)


class SqliteLeases:
    """Leases in a SQLite table, shared by the processes of one machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        with self._connection() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT NULL,"
                " expires REAL NOT NULL, value TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        # one connection per thread and process: a forked worker never shares its parent's
        if getattr(self._local, "pid", None) != os.getpid():
            db = connect(self.path, timeout=10)
            db.execute("PRAGMA journal_mode = WAL")
            self._local.db, self._local.pid = db, os.getpid()
        connection: sqlite3.Connection = self._local.db
        return connection

    def _connection(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._connect())

    def claim(self, key: str, owner: str, ttl: float, value: str = "") -> bool:
        now = self.now()
        with self._connection() as db:
            found = db.execute(
                "INSERT INTO leases VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                " owner = excluded.owner, expires = excluded.expires, value = excluded.value"
                " WHERE leases.expires <= ?",
                (key, owner, now + ttl, value, now),
            )
            return found.rowcount == 1

    def renew(self, keys: Collection[str], owner: str, ttl: float) -> set[str]:
        held = set()
        expires = self.now() + ttl
        with self._connection() as db:
            for key in keys:
                found = db.execute(
                    "UPDATE leases SET expires = ? WHERE key = ? AND owner = ?",
                    (expires, key, owner),
                )
                if found.rowcount:
                    held.add(key)
        return held

    def release(self, key: str, owner: str) -> bool:
        with self._connection() as db:
            found = db.execute("DELETE FROM leases WHERE key = ? AND owner = ?", (key, owner))
            return found.rowcount == 1

    def update(self, key: str, value: str) -> bool:
        with self._connection() as db:
            found = db.execute(
                "UPDATE leases SET value = ? WHERE key = ? AND expires > ?",
                (value, key, self.now()),
            )
            return found.rowcount == 1

    def take(self, key: str) -> str | None:
        with self._connection() as db:
            row = db.execute(
                "DELETE FROM leases WHERE key = ? RETURNING expires, value", (key,)
            ).fetchone()
        return row[1] if row is not None and row[0] > self.now() else None

    def leases(self, prefix: str) -> list[Lease]:
        rows = self._connect().execute(
            "SELECT key, owner, expires, value FROM leases WHERE substr(key, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return [Lease(*row) for row in rows]

    def now(self) -> float:
        return time.time()

    def health(self) -> str:
        self._connect().execute("SELECT count(*) FROM leases").fetchone()
        return "ok"


# The Redis side runs each operation as one script, on the server's clock (several machines
# share the leases, and their clocks need not agree). Expiry is kept in milliseconds.
_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
_CLAIM = (
    _NOW
    + """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current).e > now then return 0 end
local lease = {o = ARGV[2], e = now + tonumber(ARGV[3]), v = ARGV[4]}
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(lease))
return 1
"""
)
_RENEW = (
    _NOW
    + """
local held = {}
for i = 3, #ARGV do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local lease = cjson.decode(current)
    if lease.o == ARGV[1] then
      lease.e = now + tonumber(ARGV[2])
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(lease))
      table.insert(held, ARGV[i])
    end
  end
end
return held
"""
)
_RELEASE = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current).o == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""
_UPDATE = (
    _NOW
    + """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local lease = cjson.decode(current)
if lease.e <= now then return 0 end
lease.v = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(lease))
return 1
"""
)
_TAKE = (
    _NOW
    + """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local lease = cjson.decode(current)
if lease.e <= now then return false end
return lease.v
"""
)


class RedisLeases:
    """Leases in one Redis hash, shared by every worker of every machine."""

    def __init__(self, url: str, name: str = REDIS_HASH) -> None:
        self.name = name
        self._redis = redis.Redis.from_url(url)
        self._scripts = {
            script: self._redis.register_script(text)
            for script, text in (
                ("claim", _CLAIM),
                ("renew", _RENEW),
                ("release", _RELEASE),
                ("update", _UPDATE),
                ("take", _TAKE),
            )
        }

    def _run(self, script: str, *args: str | float) -> object:
        return self._scripts[script](keys=[self.name], args=list(args))

    def claim(self, key: str, owner: str, ttl: float, value: str = "") -> bool:
        return bool(self._run("claim", key, owner, _ms(ttl), value))

    def renew(self, keys: Collection[str], owner: str, ttl: float) -> set[str]:
        if not keys:
            return set()
        held = self._run("renew", owner, _ms(ttl), *keys)
        assert isinstance(held, list)
        return {key.decode() for key in held}

    def release(self, key: str, owner: str) -> bool:
        return bool(self._run("release", key, owner))

    def update(self, key: str, value: str) -> bool:
        return bool(self._run("update", key, value))

    def take(self, key: str) -> str | None:
        value = self._run("take", key)
        return value.decode() if isinstance(value, bytes) else None

    def leases(self, prefix: str) -> list[Lease]:
        found = []
        for key, text in self._redis.hscan_iter(self.name, match=f"{_glob_escape(prefix)}*"):
            lease = json.loads(text)
            found.append(Lease(key.decode(), lease["o"], lease["e"] / 1000, lease["v"]))
        return found

    def now(self) -> float:
        seconds, micros = self._redis.time()
        return float(seconds) + micros / 1_000_000

    def health(self) -> str:
        self._redis.hlen(self.name)
        return "ok"


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


# --- owners ----------------------------------------------------------------------------------


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot); "" when it runs but the system
    does not say when it started; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "" if _exists(pid) else None
    return stat.rsplit(")", 1)[1].split()[19]


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def this_process() -> str:
    """The owner name of the calling process."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def is_gone(owner: str) -> bool:
    """True when ``owner`` is a process of this machine that no longer runs.

    A process of another machine is never known gone: its leases end when they expire.
    """
    host, _, rest = owner.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    running_since = _started(int(pid))
    return running_since is None or bool(running_since and started and running_since != started)


# --- holding -------------------------------------------------------------------------------


class Holder:
    """The leases one process holds, renewed every third of their time-to-live while it runs.

    Forked worker processes each get their own renewal thread (started on their first claim).
    """

    def __init__(self, store: Leases, ttl: float) -> None:
        self.store, self.ttl = store, ttl
        self._held: dict[str, str] = {}  # key → owner
        self._kept: set[str] = set()  # claimed again when the store forgets them
        self._lock = threading.Lock()
        self._thread_pid: int | None = None
        self._stop = threading.Event()

    @property
    def owner(self) -> str:
        return this_process()

    def claim(self, key: str, value: str = "") -> bool:
        """Hold ``key`` (see ``Leases.claim``) and keep renewing it until ``release``."""
        owner = self.owner
        if not self.store.claim(key, owner, self.ttl, value):
            return False
        with self._lock:
            self._held[key] = owner
        self._start_renewing()
        return True

    def release(self, key: str) -> None:
        """Stop holding ``key`` and drop it from the store."""
        with self._lock:
            owner = self._held.pop(key, None)
        if owner is not None:
            self.store.release(key, owner)

    @contextmanager
    def hold(self, key: str, value: str = "") -> Iterator[None]:
        """Hold ``key`` for the block; ``Busy`` when a live lease of another holds it."""
        if not self.claim(key, value):
            raise Busy(key)
        try:
            yield
        finally:
            self.release(key)

    def held(self) -> list[str]:
        with self._lock:
            return list(self._held)

    def keep(self, key: str) -> bool:
        """Hold ``key`` for as long as this process runs, claiming it again whenever the store
        does not have it (a Redis down at start, or restarted without persistence). Only for a
        key no other process claims, such as this process's heartbeat. False until it is held."""
        with self._lock:
            self._kept.add(key)
        self._start_renewing()
        try:
            return self.claim(key)
        except Exception:  # the store is unreachable: the renewals claim it once it answers
            return False

    def renew(self) -> None:
        """Renew every held lease now; forget those the store says are no longer ours, and
        claim the kept ones the store does not have."""
        owner = self.owner
        with self._lock:
            mine = [key for key, by in self._held.items() if by == owner]
            kept_keys = set(self._kept)
        renewed = self.store.renew(mine, owner, self.ttl)
        claimed = {k for k in kept_keys - renewed if self.store.claim(k, owner, self.ttl)}
        with self._lock:
            for key in set(mine) - renewed:
                self._held.pop(key, None)
            self._held.update(dict.fromkeys(claimed, owner))

    def _start_renewing(self) -> None:
        if self._thread_pid == os.getpid():
            return
        self._thread_pid = os.getpid()
        self._stop = threading.Event()
        threading.Thread(target=self._renewing, name="molt-leases", daemon=True).start()

    def _renewing(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.renew()
            except Exception:  # the store is unreachable: retry at the next beat
                continue

    def stop(self) -> None:
        """Stop renewing (the held leases then expire unless released)."""
        self._stop.set()
