from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rewriters.policy import Policy, UnknownVersion, load_docker_tags, parse_day
from rewriters.versions import Minor


@pytest.mark.parametrize(
    ("today", "minimum"),
    (
        pytest.param(date(2025, 10, 31), Minor(3, 9), id="3.9-on-its-last-day"),
        pytest.param(date(2025, 11, 1), Minor(3, 10), id="3.9-the-day-after"),
        pytest.param(date(2026, 10, 31), Minor(3, 10), id="month-only-eol-is-last-day"),
        pytest.param(date(2026, 11, 1), Minor(3, 11), id="3.10-gone-in-november"),
        pytest.param(date(2026, 11, 26), Minor(3, 11), id="today"),
    ),
)
def test_default_minimum_follows_the_calendar(today, minimum):
    assert Policy.for_date(today).minimum == minimum


def test_pinned_minimum():
    policy = Policy.for_date(date(2026, 11, 26), minimum="3.10")
    assert policy.minimum == Minor(3, 10)
    assert policy.drops(Minor(3, 9))
    assert not policy.drops(Minor(3, 10))


@pytest.mark.parametrize("minimum", ("3.99", "3.16", "4.0"))
def test_pinned_minimum_must_be_released(minimum):
    with pytest.raises((UnknownVersion, ValueError)):
        Policy.for_date(date(2026, 11, 26), minimum=minimum)


def test_latest_patch():
    policy = Policy.for_date(date(2026, 11, 26))
    assert policy.latest_patch(Minor(3, 11)) == "3.11.16"
    assert policy.latest_patch(Minor(3, 16)) == "3.16.0"
    assert policy.latest_patch(Minor(3, 99)) == "3.99.0"


def test_end_of_life_dates():
    policy = Policy.for_date(date(2026, 11, 26))
    assert policy.end_of_life(Minor(3, 9)) == date(2025, 10, 31)
    assert policy.end_of_life(Minor(3, 10)) == date(2026, 10, 31)
    assert policy.end_of_life(Minor(3, 99)) is None
    assert policy.is_end_of_life(Minor(3, 10))
    assert not policy.is_end_of_life(Minor(3, 11))
    assert not policy.is_end_of_life(Minor(3, 99))


def test_minors_between():
    policy = Policy.for_date(date(2026, 11, 26))
    assert policy.minors_between(Minor(3, 8)) == [Minor(3, 8), Minor(3, 9), Minor(3, 10)]
    assert policy.minors_between(Minor(3, 11)) == []


def test_parse_day():
    assert parse_day("2026-10", month_end=True) == date(2026, 10, 31)
    assert parse_day("2026-02", month_end=True) == date(2026, 2, 28)
    assert parse_day("2026-10", month_end=False) == date(2026, 10, 1)
    assert parse_day("2025-10-31", month_end=True) == date(2025, 10, 31)


def test_docker_tags_are_shipped():
    tags = load_docker_tags()
    assert "3.11-slim-bookworm" in tags[Minor(3, 11)]
    assert Minor(3, 9) not in tags  # no longer built


def test_is_released():
    policy = Policy.for_date(date(2025, 10, 7))
    assert policy.is_released(Minor(3, 14))  # on its first release day
    assert not policy.is_released(Minor(3, 15))
    assert not policy.is_released(Minor(3, 99))
    assert not Policy.for_date(date(2025, 10, 6)).is_released(Minor(3, 14))
    # scheduled for 2026-10-01, but the shipped data records no final release of it yet
    assert not Policy.for_date(date(2026, 11, 26)).is_released(Minor(3, 15))


def test_quote_defaults_to_double():
    assert Policy.for_date(date(2026, 11, 26)).facts.quote == '"'


def test_floor_is_the_oldest_kept_version():
    policy = Policy.for_date(date(2026, 11, 26))
    assert policy.floor == Minor(3, 11)
    assert replace(policy, keep=frozenset({Minor(3, 10), Minor(3, 12)})).floor == Minor(3, 10)
