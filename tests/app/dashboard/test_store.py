"""The state store, on SQLite and on a real Redis server: rows by installation, tracking issues."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from app.dashboard.states import RepoState, State
from app.dashboard.store import RedisStates, SqliteStates, open_store
from tests.app.dashboard.conftest import row
from tests.app.test_jobs import redis_url  # noqa: F401  (the fixture)


@pytest.fixture(params=["sqlite", "redis"])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteStates(tmp_path / "states.sqlite3")
    url = request.getfixturevalue("redis_url")
    made = RedisStates(url)
    made._redis.flushall()
    return made


def test_rows_come_back_by_installation_and_name(any_store):
    any_store.put(row(1, "o/b", State.OPEN, pull_number=3, ci="success", oldest="3.9"))
    any_store.put(row(1, "o/a", State.FAILED, reason="blocked"))
    any_store.put(row(2, "p/c"))
    assert [s.full_name for s in any_store.installation(1)] == ["o/a", "o/b"]
    assert any_store.get("o/b") == row(
        1, "o/b", State.OPEN, pull_number=3, ci="success", oldest="3.9"
    )
    assert any_store.get("o/missing") is None
    assert any_store.installation(3) == []


def test_a_new_state_replaces_the_row(any_store):
    any_store.put(row(1, "o/a", State.OPEN, pull_number=3))
    any_store.put(row(1, "o/a", State.MERGED, pull_number=3))
    assert [s.state for s in any_store.installation(1)] == [State.MERGED]


def test_tracking_issue_numbers(any_store):
    assert any_store.tracking_issue("o/.github") is None
    any_store.set_tracking_issue("o/.github", 12)
    assert any_store.tracking_issue("o/.github") == 12


def test_records_round_trip_through_json():
    state = row(1, "o/a", State.INVALID_CONFIG, reason="bad key")
    assert RepoState.from_json(state.to_json()) == state


def test_store_follows_the_queue(settings, tmp_path, redis_url):  # noqa: F811
    assert isinstance(open_store(settings), SqliteStates)
    on_redis = settings.model_copy(update={"queue_url": SecretStr(redis_url)})
    assert isinstance(open_store(on_redis), RedisStates)
