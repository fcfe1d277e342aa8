"""What the page shows: sections, progress, the end-of-life calendar, filters; the pieces of a
row that come from GitHub's answers."""

from __future__ import annotations

from datetime import date

from app.dashboard import view
from app.dashboard.oauth import Installation, web_url
from app.dashboard.record import oldest_dropped
from app.dashboard.states import State
from app.github.checks import summarise
from rewriters.versions import Minor
from tests.app.dashboard.conftest import row
from tests.conftest import TODAY

ACME = Installation(1, "acme", frozenset({"acme/a", "acme/b", "acme/c", "acme/d", "acme/e"}))
STATES = [
    row(1, "acme/a", State.OPEN, pull_number=2, oldest="3.9"),
    row(1, "acme/b", State.UP_TO_DATE, floor="3.11"),
    row(1, "acme/c", State.MERGED, floor="3.11"),
    row(1, "acme/d", State.NO_PYTHON),
    row(1, "acme/hidden", State.OPEN, oldest="3.10"),  # not among the visitor's repositories
]


def test_section_counts_only_what_the_visitor_may_see():
    section = view.section(ACME, STATES, None)
    assert [s.full_name for s in section.rows] == ["acme/a", "acme/b", "acme/c", "acme/d"]
    assert (section.total, section.done, section.percent, section.unchecked) == (3, 2, 67, 1)


def test_filter_keeps_the_counts_of_every_state():
    section = view.section(ACME, STATES, State.OPEN)
    assert [s.full_name for s in section.rows] == ["acme/a"]
    assert section.counts[State.MERGED] == 1


def test_an_installation_without_python_is_done():
    section = view.section(ACME, [row(1, "acme/a", State.NO_PYTHON)], None)
    assert section.percent == 100


def test_filter_parameter():
    assert view.parse_filter("pull-request-open") is State.OPEN
    assert view.parse_filter("invalid-molt-yml") is State.INVALID_CONFIG
    assert view.parse_filter("nonsense") is None
    assert view.parse_filter(None) is None


def test_calendar_counts_known_and_possible_repositories():
    calendar = view.calendar(STATES[:4], TODAY)
    assert [(str(e.version), e.day, e.exact, e.at_most) for e in calendar[:2]] == [
        ("3.11", date(2027, 10, 31), 1, 3),
        ("3.12", date(2028, 10, 31), 1, 3),
    ]
    assert len(calendar) == view.CALENDAR_LENGTH
    assert calendar[0].version == Minor.parse("3.11")


def test_oldest_python_from_molt_titles():
    assert oldest_dropped("Drop Python 3.9 and 3.10 (end-of-life)") == "3.9"
    assert oldest_dropped("Drop Python 3.10") == "3.10"
    assert oldest_dropped("Require Python 3.11") is None


def test_sign_in_pages_are_beside_the_api():
    assert web_url("https://api.github.com") == "https://github.com"
    assert web_url("https://ghe.example/api/v3") == "https://ghe.example"
    assert web_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


def test_ci_in_one_word():
    assert summarise([]) is None
    assert summarise([{"status": "completed", "conclusion": "success"}]) == "success"
    running = [{"status": "completed", "conclusion": "success"}, {"status": "in_progress"}]
    assert summarise(running) == "pending"
    failed = [{"status": "completed", "conclusion": "timed_out"}, {"status": "queued"}]
    assert summarise(failed) == "failure"
