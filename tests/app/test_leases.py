"""Leases in SQLite and on a real Redis server: claimed, renewed, expired, released, taken."""

from __future__ import annotations

import subprocess
import time

import pytest
import redis

from app.leases import Busy, Holder, SqliteLeases, is_gone, open_leases, this_process
from tests.app.test_jobs import redis_url  # noqa: F401  (the fixture)


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_leases(tmp_path, "")
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).delete("test.leases")
    return open_leases(tmp_path, url, "test")


def test_sqlite_leases_live_in_the_data_dir(tmp_path):
    assert isinstance(open_leases(tmp_path / "data", ""), SqliteLeases)
    assert (tmp_path / "data" / "leases.sqlite3").exists()


def test_a_live_lease_cannot_be_claimed_an_expired_one_can(store):
    assert store.claim("repo:o/r", "a", 0.3, "x")
    assert not store.claim("repo:o/r", "b", 0.3)
    time.sleep(0.4)
    assert store.claim("repo:o/r", "b", 10)
    ((key, owner, _, value),) = store.leases("repo:")
    assert (key, owner, value) == ("repo:o/r", "b", "")


def test_renewing_keeps_only_the_owners_leases(store):
    store.claim("repo:a", "me", 0.3)
    store.claim("repo:b", "other", 0.3)
    assert store.renew(["repo:a", "repo:b", "repo:c"], "me", 10) == {"repo:a"}
    time.sleep(0.4)
    assert not store.claim("repo:a", "other", 1)
    assert store.claim("repo:b", "me", 1)


def test_only_the_owner_releases(store):
    store.claim("repo:a", "me", 10)
    assert not store.release("repo:a", "other")
    assert store.release("repo:a", "me")
    assert store.leases("") == []


def test_an_expired_lease_stays_readable_until_reaped(store):
    store.claim("running:1", "me", 0.1, "task")
    time.sleep(0.2)
    ((_, owner, expires, value),) = store.leases("running:")
    assert (owner, value) == ("me", "task")
    assert expires < store.now()


def test_take_returns_a_live_value_once(store):
    store.claim("pending:o/r", "queue", 10, "scan")
    assert store.update("pending:o/r", "push")
    assert store.take("pending:o/r") == "push"
    assert store.take("pending:o/r") is None
    assert not store.update("pending:o/r", "push")
    store.claim("pending:o/r", "queue", 0.1, "scan")
    time.sleep(0.2)
    assert store.take("pending:o/r") is None


def test_prefixes_are_literal(store):
    store.claim("repo:o/r*", "me", 10)
    store.claim("repo_x", "me", 10)
    assert [lease.key for lease in store.leases("repo:")] == ["repo:o/r*"]


def test_a_holder_renews_what_it_holds(store):
    holder = Holder(store, 0.3)
    with holder.hold("repo:o/r"):
        time.sleep(0.7)  # twice the time-to-live
        assert not store.claim("repo:o/r", "other", 1)
        with pytest.raises(Busy), holder.hold("repo:o/r"):
            pass
    assert store.claim("repo:o/r", "other", 1)
    holder.stop()


def test_a_kept_lease_the_store_forgot_is_claimed_again_a_held_one_is_not(store):
    # a Redis restarted without persistence forgets every lease at once
    holder = Holder(store, 60)
    assert holder.keep("worker:me")
    assert holder.claim("repo:o/r")
    for key in ("worker:me", "repo:o/r"):
        assert store.take(key) is not None
    holder.renew()
    assert [lease.key for lease in store.leases("")] == ["worker:me"]
    assert holder.held() == ["worker:me"]  # the lock is not taken back: another may hold it now
    holder.stop()


class Unreachable:
    """A lease store that refuses every call while `down`, as Redis does while it is stopped."""

    def __init__(self, store) -> None:
        self.store, self.down = store, True

    def __getattr__(self, name):
        if self.down:
            raise ConnectionError("the store is down")
        return getattr(self.store, name)


def test_a_kept_lease_is_claimed_once_a_store_down_at_start_answers(store):
    flaky = Unreachable(store)
    holder = Holder(flaky, 60)
    assert holder.keep("worker:me") is False
    flaky.down = False
    holder.renew()
    assert [lease.key for lease in store.leases("")] == ["worker:me"]
    assert holder.held() == ["worker:me"]
    holder.stop()


def test_a_process_that_ended_is_gone_and_this_one_is_not():
    with subprocess.Popen(["sleep", "0"]) as ended:
        owner = this_process().split(":")[0] + f":{ended.pid}:1"
    assert is_gone(owner)
    assert not is_gone(this_process())
    assert not is_gone("another-machine:1:1")  # its leases end when they expire
