"""What the dashboard knows of one repository: the state its last job left it in."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import NamedTuple


class State(enum.Enum):
    """Where a repository stands in the migration (the value is what the page says)."""

    OPEN = "pull request open"
    WAITING = "waiting for its schedule"
    FAILED = "failed"
    INVALID_CONFIG = "invalid molt.yml"
    IGNORED = "ignored"
    MERGED = "merged"
    UP_TO_DATE = "up to date"
    NO_PYTHON = "no Python"

    @property
    def slug(self) -> str:
        """The state as a query parameter and CSS class: ``pull-request-open``."""
        return _SLUGS[self]


_SLUGS = {state: state.value.lower().replace(" ", "-").replace(".", "-") for state in State}
# States that are finished: the repository supports no end-of-life Python.
DONE = frozenset({State.MERGED, State.UP_TO_DATE})


class RepoState(NamedTuple):
    """One repository's row: its state, why, its pull request and the Python it still supports.

    ``oldest`` is the oldest Python the default branch still supports when the job knew it
    exactly (a pull request drops it); otherwise ``floor`` is the minimum the repository was
    found at or above.
    """

    installation_id: int
    full_name: str
    state: State
    checked_at: datetime
    reason: str = ""
    pull_number: int | None = None
    ci: str | None = None  # the pull request's CI: success, failure, pending, or None (unknown)
    oldest: str | None = None
    floor: str | None = None
    head_sha: str | None = None  # the pull request's head when molt last pushed or looked

    def to_json(self) -> str:
        """The record as stored."""
        data = self._asdict()
        data["state"] = self.state.name
        data["checked_at"] = self.checked_at.isoformat()
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RepoState:
        """A stored record."""
        data = json.loads(text)
        data["state"] = State[data["state"]]
        data["checked_at"] = datetime.fromisoformat(data["checked_at"])
        return cls(**data)
