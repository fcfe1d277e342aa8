from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.deliveries import FILENAME, DeliveryStore

DAY = 24 * 60 * 60.0


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    return DeliveryStore(tmp_path / FILENAME, clock=clock)


def rows(store: DeliveryStore) -> list[str]:
    with sqlite3.connect(store.path) as db:
        found = [row[0] for row in db.execute("SELECT delivery_id FROM deliveries")]
    db.close()
    return sorted(found)


def test_first_claim_wins_and_second_is_refused(store):
    assert store.claim("72d3162e-cc78-11e3-81ab-4c9367dc0958") is True
    assert store.claim("72d3162e-cc78-11e3-81ab-4c9367dc0958") is False
    assert store.seen("72d3162e-cc78-11e3-81ab-4c9367dc0958") is True


def test_other_ids_are_independent(store):
    store.claim("a")

    assert store.claim("b") is True
    assert store.seen("c") is False


def test_released_id_can_be_claimed_again(store):
    store.claim("a")
    store.release("a")

    assert store.seen("a") is False
    assert store.claim("a") is True


def test_claims_survive_a_new_store_on_the_same_file(store, clock):
    store.claim("a")

    again = DeliveryStore(store.path, clock=clock)

    assert again.claim("a") is False


def test_claim_is_refused_until_the_ttl_has_passed(store, clock):
    store.claim("a")
    clock.now += 7 * DAY - 1

    assert store.claim("a") is False

    clock.now += 1
    assert store.seen("a") is False
    assert store.claim("a") is True


def test_ttl_is_configurable(tmp_path, clock):
    store = DeliveryStore(tmp_path / FILENAME, ttl=timedelta(hours=1), clock=clock)
    store.claim("a")
    clock.now += 3600

    assert store.claim("a") is True


def test_expired_ids_are_purged(store, clock):
    store.claim("old")
    clock.now += 3 * DAY
    store.claim("recent")
    clock.now += 5 * DAY

    store.claim("new")

    assert rows(store) == ["new", "recent"]


def test_concurrent_claims_of_one_id_give_exactly_one_winner(store):
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: store.claim("same"), range(64)))

    assert results.count(True) == 1


def test_concurrent_claims_from_separate_stores_give_exactly_one_winner(store, clock):
    # Separate stores on one file stand in for separate server processes.
    stores = [DeliveryStore(store.path, clock=clock) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: s.claim("same"), stores * 4))

    assert results.count(True) == 1


def test_in_data_dir_creates_the_directory(tmp_path):
    store = DeliveryStore.in_data_dir(tmp_path / "molt-data" / "nested")

    assert store.path == tmp_path / "molt-data" / "nested" / FILENAME
    assert store.claim("a") is True


def test_health_is_ok(store):
    assert store.health() == "ok"


def test_health_reports_a_broken_database(store):
    for path in store.path.parent.glob(FILENAME + "*"):
        path.unlink()
    store.path.write_bytes(b"this is not a database" * 100)

    assert store.health().startswith("error: ")
