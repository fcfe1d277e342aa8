"""What the fake GitHub holds: installations, repositories, issues, pulls, checks, users, tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import NamedTuple

from tests.fakes._limits import Limits
from tests.fakes.git import Store, now

BOT = "molt-bot[bot]"


class Grant(NamedTuple):
    """A code the authorize page handed out: who signed in, for which redirect, when."""

    login: str
    redirect_uri: str | None
    issued: float


# as the REST API spells them, with what GitHub answers when a repository does not allow one
MERGE_METHODS = ("merge", "squash", "rebase")
NOT_ALLOWED = {
    "merge": "Merge commits are not allowed on this repository.",
    "squash": "Squash merges are not allowed on this repository.",
    "rebase": "Rebase merges are not allowed on this repository.",
}


@dataclass
class OAuthApp:
    """The App's OAuth client: its credentials, callback URL (None: any) and live codes."""

    client_id: str = "Iv1.fakeclientid0000"
    client_secret: str = "fake-client-secret"
    callback_url: str | None = None
    codes: dict[str, Grant] = field(default_factory=dict)


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
    merged_by: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)  # team slugs
    reviews: list[Review] = field(default_factory=list)
    auto_merge: AutoMerge | None = None

    def close(self) -> None:
        self.state, self.closed_at = "closed", now()
        self.updated_at = self.closed_at


@dataclass
class Issue:
    """A plain issue; pull requests are issues too, and share its numbering."""

    number: int
    title: str
    body: str | None
    user: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    closed_at: datetime | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.state, self.closed_at = "closed", now()
        self.updated_at = self.closed_at


@dataclass
class Review:
    id: int
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    body: str
    commit_id: str
    submitted_at: datetime


class AutoMerge(NamedTuple):
    enabled_by: str
    merge_method: str  # one of MERGE_METHODS


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
    app_slug: str | None = None  # None: the App itself; else another App (e.g. a CI)


@dataclass
class CheckSuite:
    id: int
    head_sha: str
    head_branch: str | None
    status: str
    conclusion: str | None
    app_slug: str
    created_at: datetime


@dataclass
class Status:
    """A commit status (the older API CIs use), one per context and sha, newest wins."""

    id: int
    sha: str
    state: str  # error, failure, pending or success
    context: str
    description: str | None
    target_url: str | None
    created_at: datetime


@dataclass
class User:
    """Someone who signs in with GitHub; sees the given installations, or only some repos."""

    login: str
    name: str | None
    installations: tuple[int, ...] = ()
    repos: frozenset[str] | None = None  # lower-case full names; None: all the installations'
    created_at: datetime = field(default_factory=now)

    def can_see(self, repo: Repo) -> bool:
        listed = self.repos is None or repo.full_name.lower() in self.repos
        return repo.installation_id in self.installations and listed


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
    allow_auto_merge: bool = False
    merge_methods: tuple[str, ...] = MERGE_METHODS  # those the repository's settings allow
    required_checks: tuple[str, ...] | None = None  # branch protection on the base: None, none
    store: Store = field(default_factory=Store)
    pulls: list[Pull] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    check_runs: list[CheckRun] = field(default_factory=list)
    check_suites: list[CheckSuite] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)  # plain issues only

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def branch(self, name: str) -> str | None:
        return self.store.refs.get(f"refs/heads/{name}")

    def pull(self, number: int) -> Pull | None:
        return next((p for p in self.pulls if p.number == number), None)

    def issue_or_pull(self, number: int) -> Issue | Pull | None:
        return self.issues.get(number) or self.pull(number)

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
    users: dict[str, User] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)  # token → login
    oauth: OAuthApp = field(default_factory=lambda: OAuthApp())
    ids: count[int] = field(default_factory=lambda: count(1000))
    limits: Limits = field(default_factory=Limits)

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

    def issue_user_token(self, login: str) -> str:
        """A user-to-server token acting as ``login`` (what the OAuth web flow hands out)."""
        token = "ghu_" + secrets.token_hex(18)
        self.user_tokens[token] = login
        return token

    def next_number(self, repo: Repo) -> int:
        """Pull requests and issues share one sequence per repository."""
        return 1 + max((*(p.number for p in repo.pulls), *repo.issues), default=0)
