"""Which Python versions a repository should drop, from the release-cycle data shipped with molt."""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

from rewriters.versions import Minor

# the shipped data (importlib.resources would cost every run a tenth of its start-up)
DATA = Path(__file__).parent / "data"


class Release(NamedTuple):
    """What molt knows of one CPython minor."""

    status: str
    first_release: date
    end_of_life: date
    latest_patch: str | None


def parse_day(text: str, *, month_end: bool) -> date:
    """``2025-10-31`` as is; ``2026-10`` as the last (or first) day of the month."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return date(parts[0], parts[1], parts[2])
    year, month = parts
    day = calendar.monthrange(year, month)[1] if month_end else 1
    return date(year, month, day)


@cache
def load_releases() -> Mapping[Minor, Release]:
    """The shipped release-cycle data (see ``rewriters/data/README.md``)."""
    raw = json.loads((DATA / "python-releases.json").read_text(encoding="utf-8"))
    return {
        Minor.parse(name): Release(
            status=info["status"],
            first_release=parse_day(info["first_release"], month_end=False),
            end_of_life=parse_day(info["end_of_life"], month_end=True),
            latest_patch=info.get("latest_patch"),
        )
        for name, info in raw.items()
    }


@cache
def load_docker_tags() -> Mapping[Minor, frozenset[str]]:
    """Tags of the official ``python`` image currently built, per minor."""
    raw = json.loads((DATA / "docker-python-tags.json").read_text(encoding="utf-8"))
    return {Minor.parse(k): frozenset(v) for k, v in raw["current_tags"].items()}


class Facts(NamedTuple):
    """What a repository itself says that shapes how molt writes its files (read across all of
    them by ``rewriters.repository.read_facts``); the defaults are for a file on its own."""

    # the quote the repository writes version strings with (``'3.10'`` or ``"3.10"``), used
    # when a file itself gives no hint
    quote: str = '"'
    # the newest Python the repository declares support for: a version list ending below it
    # is a window that moves up instead of shrinking
    newest: Minor | None = None


class UnknownVersion(ValueError):
    """A requested minimum that is not a released CPython minor."""


@dataclass(frozen=True)
class Policy:
    """The new minimum Python and the facts needed to write versions that exist."""

    minimum: Minor
    today: date
    releases: Mapping[Minor, Release] = field(default_factory=load_releases, repr=False)
    # Versions below the minimum to keep anyway (a maintainer's ``keep X.Y``).
    keep: frozenset[Minor] = frozenset()
    # What the repository says of itself (its quote style, the newest Python it declares).
    facts: Facts = field(default_factory=Facts)

    @classmethod
    def for_date(cls, today: date, minimum: str | None = None) -> Policy:
        """Drop every minor past end-of-life on ``today``, or everything below ``minimum``."""
        releases = load_releases()
        if minimum is not None:
            pinned = Minor.parse(minimum)
            if pinned not in releases or releases[pinned].first_release > today:
                raise UnknownVersion(f"Python {pinned} is not a released CPython version")
            return cls(pinned, today, releases)
        supported = [
            v
            for v, r in releases.items()
            if v.major == 3 and r.first_release <= today and r.end_of_life >= today
        ]
        return cls(min(supported), today, releases)

    @property
    def floor(self) -> Minor:
        """The oldest Python still supported: the minimum, or a lower version kept anyway
        (``requires-python`` must admit every version the classifiers and CI still list)."""
        return min({self.minimum, *self.keep})

    def drops(self, version: Minor) -> bool:
        """True when ``version`` is below the new minimum and not one to keep."""
        return version < self.minimum and version not in self.keep

    def is_released(self, version: Minor) -> bool:
        """True when the shipped data records a final release of ``version`` (a scheduled
        first release date that has passed is not enough: the data may predate it)."""
        release = self.releases.get(version)
        return (
            release is not None
            and release.latest_patch is not None
            and release.first_release <= self.today
        )

    def latest_patch(self, version: Minor) -> str:
        """``3.11`` → ``3.11.16``; a minor without a final release gets ``X.Y.0``."""
        release = self.releases.get(version)
        if release is None or release.latest_patch is None:
            return f"{version}.0"
        return release.latest_patch

    def end_of_life(self, version: Minor) -> date | None:
        """The end-of-life date of ``version``, when molt knows it."""
        release = self.releases.get(version)
        return release.end_of_life if release else None

    def is_end_of_life(self, version: Minor) -> bool:
        """True when ``version`` reached end-of-life before today."""
        eol = self.end_of_life(version)
        return eol is not None and eol < self.today

    def minors_between(self, low: Minor) -> list[Minor]:
        """Released minors from ``low`` (inclusive) up to the minimum (exclusive)."""
        return sorted(v for v in self.releases if v.major == low.major and low <= v < self.minimum)
