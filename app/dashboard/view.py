"""What the page shows, decided apart from serving it: per installation its rows (filtered by
state), counts and progress, and the end-of-life calendar of the repositories shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from app.dashboard.oauth import Installation
from app.dashboard.states import DONE, RepoState, State
from rewriters.policy import load_releases
from rewriters.versions import Minor

CALENDAR_LENGTH = 4  # coming end-of-life dates shown


class Section(NamedTuple):
    """One installation on the page."""

    installation: Installation
    rows: list[RepoState]  # those the filter keeps
    counts: dict[State, int]  # of every row, filtered or not
    total: int  # Python repositories (those with a state other than "no Python")
    done: int
    unchecked: int  # repositories the visitor can access that no job has recorded yet

    @property
    def percent(self) -> int:
        """How far the installation is: finished Python repositories, in percent."""
        return round(100 * self.done / self.total) if self.total else 100


class EndOfLife(NamedTuple):
    """A coming end-of-life and the repositories it will touch."""

    version: Minor
    day: date
    exact: int  # repositories known to support it
    at_most: int  # and those whose exact oldest Python is unknown but may be it


def section(installation: Installation, states: Iterable[RepoState], only: State | None) -> Section:
    """The installation's rows the visitor may see (GitHub said which), filtered by ``only``."""
    visible = [s for s in states if s.full_name in installation.repositories]
    counts = Counter(s.state for s in visible)
    python = len(visible) - counts[State.NO_PYTHON]
    done = sum(counts[state] for state in DONE)
    rows = visible if only is None else [s for s in visible if s.state is only]
    unchecked = len(installation.repositories) - len(visible)
    return Section(installation, rows, dict(counts), python, done, unchecked)


def calendar(states: Sequence[RepoState], today: date) -> list[EndOfLife]:
    """The next end-of-life dates, each with the repositories still supporting that version."""
    coming = sorted(
        (release.end_of_life, version)
        for version, release in load_releases().items()
        if version.major == 3 and release.end_of_life >= today
    )[:CALENDAR_LENGTH]
    return [_touched(version, day, states) for day, version in coming]


def _touched(version: Minor, day: date, states: Sequence[RepoState]) -> EndOfLife:
    """Known: the oldest Python is ``version`` or older. At most: also every Python repository
    whose oldest is not known exactly, unless it is known to be above ``version``."""
    exact = unknown = 0
    for state in states:
        if state.oldest is not None:
            exact += Minor.parse(state.oldest) <= version
        elif state.state is not State.NO_PYTHON:
            unknown += state.floor is None or Minor.parse(state.floor) <= version
    return EndOfLife(version, day, exact, exact + unknown)


def parse_filter(value: str | None) -> State | None:
    """The ``state`` query parameter as a state; anything else shows every row."""
    return next((state for state in State if state.slug == value), None)
