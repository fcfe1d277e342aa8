"""What the fake GitHub holds: installations, repositories, pull requests, comments, tokens."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import NamedTuple

from tests.fakes.git import Store, now

BOT = "molt-bot[bot]"
RATE_LIMIT = 5000


class Request(NamedTuple):
    """One entry of the request log; ``status`` is None when no answer was sent (a timeout)."""

    method: str
    path: str
    status: int | None
    query: str = ""

    @property
    def repo(self) -> str | None:
        """``owner/name`` for ``/repos/owner/name/…`` paths, else None."""
        parts = self.path.split("/")
        return f"{parts[2]}/{parts[3]}" if len(parts) > 3 and parts[1] == "repos" else None


@dataclass
class Installation:
    id: int
    account: str
    account_type: str = "Organization"
    created_at: datetime | None = None


@dataclass
class Token:
    installation_id: int
    expires_at: datetime


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    user: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Reaction:
    id: int
    comment_id: int
    content: str
    user: str
    created_at: datetime


@dataclass
class Pull:
    number: int
    title: str
    body: str | None
    head: str
    base: str
    head_sha: str
    base_sha: str
    user: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    draft: bool = False
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None
    labels: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.state, self.closed_at = "closed", now()
        self.updated_at = self.closed_at


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    title: str | None
    summary: str | None
    details_url: str | None
    external_id: str | None
    started_at: datetime
    completed_at: datetime | None


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    default_branch: str
    installation_id: int | None
    created_at: datetime
    archived: bool = False
    fork: bool = False
    private: bool = False
    store: Store = field(default_factory=Store)
    pulls: list[Pull] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    check_runs: list[CheckRun] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)
    issues: dict[int, str] = field(default_factory=dict)  # plain issues: number → title

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def branch(self, name: str) -> str | None:
        return self.store.refs.get(f"refs/heads/{name}")

    def pull(self, number: int) -> Pull | None:
        return next((p for p in self.pulls if p.number == number), None)

    def follow_branch(self, branch: str, sha: str) -> None:
        """Open pull requests track their head branch, as on GitHub."""
        for pr in self.pulls:
            if pr.state == "open" and pr.head == branch:
                pr.head_sha, pr.updated_at = sha, now()


@dataclass
class World:
    """All state, guarded by the fake's lock; ids come from one counter like GitHub's."""

    app_id: int
    app_slug: str = "molt-bot"
    installations: dict[int, Installation] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    reactions: list[Reaction] = field(default_factory=list)
    ids: count[int] = field(default_factory=lambda: count(1000))
    rate_used: int = 0
    rate_reset: int = field(default_factory=lambda: int(time.time()) + 3600)

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def next_id(self) -> int:
        return next(self.ids)

    def issue_token(self, installation_id: int) -> tuple[str, datetime]:
        """A fresh installation token, valid for an hour like GitHub's."""
        token = "ghs_" + secrets.token_hex(18)
        expires = now() + timedelta(hours=1)
        self.tokens[token] = Token(installation_id, expires)
        return token, expires

    def next_number(self, repo: Repo) -> int:
        """Pull requests and issues share one sequence per repository."""
        return 1 + max((*(p.number for p in repo.pulls), *repo.issues), default=0)
