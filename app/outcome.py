"""What a repository job works on (``Target``) and what it did (``Outcome``)."""

from __future__ import annotations

import enum
from typing import NamedTuple


class Target(NamedTuple):
    """A repository to upgrade, as the webhook payload or the installation listing gives it."""

    full_name: str
    default_branch: str
    archived: bool = False
    fork: bool = False


class Outcome(enum.Enum):
    """What ``run()`` did to one repository."""

    SKIPPED = "skipped: archived, fork, empty or no Python"
    INVALID_CONFIG = "invalid .github/molt.yml: reported in a check run"
    UNREADABLE = "the file declaring the minimum Python does not parse: reported in a check run"
    NOTHING = "nothing to change"
    IGNORED = "the molt pull request was closed unmerged: ignored"
    WAITING = "outside the schedule of .github/molt.yml: a rescan in the window does it"
    UP_TO_DATE = "the pull request is up to date"
    OPENED = "opened a pull request"
    UPDATED = "updated the pull request"
    REOPENED = "reopened and updated the pull request"
    RETARGETED = "opened a pull request for the new minimum and closed the old one"
    CLOSED = "closed the pull request: no longer needed"
    BLOCKED = "someone else pushed to the branch: commented instead of overwriting"


class Done(NamedTuple):
    """What a run did, and to which pull request (None when it touched none)."""

    outcome: Outcome
    number: int | None = None
    branch: str | None = None  # BLOCKED: the branch others pushed to
