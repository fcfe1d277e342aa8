"""A fake GitHub over real HTTP on 127.0.0.1: in-memory git, OpenAPI-checked, request log, faults.

Every request and response is checked against GitHub's OpenAPI description (the 2022 subset
in ``tests/fixtures``); a mismatch lands in ``fake.errors`` and fails the test on ``close()``.
Beside the REST API it serves the OAuth web flow (``fake.web_url + "/login/oauth/…"``, see
``_oauth``) and the auto-merge mutations of ``POST /graphql`` (see ``_graphql``).

Limits and failures, as GitHub has them (``fake.limits``):

- ``primary`` (default 5000): requests per ``window`` (default 3600 s; shorten it to see a
  reset) per installation token, or per user for any other token. Every answer carries
  ``X-RateLimit-Limit/-Remaining/-Used/-Reset/-Resource``; at zero the answer is 403 "API
  rate limit exceeded for installation ID …". 304s (a matching ``If-None-Match``) and
  ``GET /rate_limit`` are free; GraphQL has its own budget.
- ``secondary`` (default None, off): ``(per_minute, per_hour)`` content-creating requests
  (POST, PATCH, PUT, DELETE) per caller, in sliding windows; past either, 403 "You have
  exceeded a secondary rate limit…" with ``Retry-After`` (seconds until the window has room).
  ``fake.secondary_limited`` counts those answers.
- ``latency`` (default 0): seconds added to every answer, requests waiting side by side.
- ``fake.enforce_github_limits(latency=0.05)`` sets all three as GitHub documents them.
- The fault table: ``fake.fail_next(method, path, status, times=…, seconds=…, timeout=…,
  retry_after=…, reset_in=…)`` answers the next ``times`` matching requests, or all of them
  for ``seconds``, with a 5xx, a held-then-dropped connection, or a rate-limit answer.

    with FakeGitHub() as fake:
        fake.add_installation(1, "octo")
        fake.add_repo("octo/demo", files={"setup.py": "..."}, installation_id=1)
        gh = github.Github(auth=github.Auth.Token("t"), base_url=fake.url)
        ...
        assert fake.branch_files("octo/demo", "molt/python-3.11")["setup.py"] == "..."
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import NamedTuple

import pytest

from tests.fakes import git
from tests.fakes._auth import PERSONAL_USER
from tests.fakes._limits import Limits
from tests.fakes._merging import merge, settle_auto_merge
from tests.fakes._server import Fault, Wire
from tests.fakes._state import (
    BOT,
    MERGE_METHODS,
    CheckRun,
    CheckSuite,
    Comment,
    Installation,
    Issue,
    OAuthApp,
    Pull,
    Reaction,
    Repo,
    Request,
    Review,
    Status,
    User,
    World,
)

__all__ = ["BOT", "PERSONAL_USER", "FakeGitHub", "LogEntry", "Request", "fake_github"]


class LogEntry(NamedTuple):
    """A commit on a branch, newest first in ``commits_on``."""

    sha: str
    message: str
    author: str
    parents: tuple[str, ...]


class FakeGitHub:
    """The fake server and everything it holds. Start on construction, stop with ``close()``."""

    def __init__(self, app_id: int = 1, hold_seconds: float = 5.0) -> None:
        self.world = World(app_id)
        self._lock = threading.RLock()
        self._wire = Wire(self.world, self._lock, hold_seconds)
        self.url = self._wire.url
        # github.com's pages (the OAuth web flow) are served beside the API, on the same port.
        self.web_url = self._wire.url

    @property
    def oauth(self) -> OAuthApp:
        """The App's OAuth client: set ``client_id``, ``client_secret``, ``callback_url``."""
        return self.world.oauth

    @property
    def errors(self) -> list[str]:
        """Every way a request or response broke GitHub's description, so far."""
        return self._wire.errors

    @property
    def requests(self) -> list[Request]:
        """The request log: method, path, status (None for a held request), query."""
        return self._wire.requests

    @property
    def hold_seconds(self) -> float:
        """How long a ``timeout=True`` fault holds the request before dropping it."""
        return self._wire.hold_seconds

    @hold_seconds.setter
    def hold_seconds(self, seconds: float) -> None:
        self._wire.hold_seconds = seconds

    # --- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(check=kind is None)

    def close(self, check: bool = True) -> None:
        """Stop serving; raise AssertionError if any request or response broke the description."""
        self._wire.stop()
        if check and self.errors:
            raise AssertionError("fake GitHub saw off-spec traffic:\n" + "\n".join(self.errors))

    def take_errors(self) -> list[str]:
        """Return and forget the validation errors (for tests that provoke them on purpose)."""
        with self._lock:
            found, self._wire.errors = self._wire.errors, []
        return found

    # --- setting up state -------------------------------------------------------------------

    def add_installation(
        self, installation_id: int, account: str, account_type: str = "Organization"
    ) -> Installation:
        inst = Installation(installation_id, account, account_type, git.now())
        with self._lock:
            self.world.installations[installation_id] = inst
        return inst

    def add_repo(
        self,
        full_name: str,
        files: Mapping[str, str | bytes] | None = None,
        *,
        default_branch: str = "main",
        archived: bool = False,
        fork: bool = False,
        private: bool = False,
        allow_auto_merge: bool = False,
        merge_methods: tuple[str, ...] = MERGE_METHODS,
        installation_id: int | None = None,
        message: str = "Initial commit",
    ) -> Repo:
        """A repository with one commit holding ``files`` on ``default_branch``.

        Without ``installation_id`` it joins the installation on its owner's account, if any.
        """
        owner, name = full_name.split("/")
        with self._lock:
            if installation_id is None:
                found = [i.id for i in self.world.installations.values() if i.account == owner]
                installation_id = found[0] if found else None
            repo = Repo(
                self.world.next_id(),
                owner,
                name,
                default_branch,
                installation_id,
                git.now(),
                archived=archived,
                fork=fork,
                private=private,
                allow_auto_merge=allow_auto_merge,
                merge_methods=merge_methods,
            )
            self.world.repos[full_name.lower()] = repo
            tree = repo.store.write_files(None, files or {})
            sha = repo.store.put(git.Commit(tree, (), *_people(owner), message))
            repo.store.refs[f"refs/heads/{default_branch}"] = sha
        return repo

    def push(
        self,
        repo: str,
        files: Mapping[str, str | bytes | None],
        message: str = "Update",
        *,
        branch: str | None = None,
        author: str | None = None,
    ) -> str:
        """Commit ``files`` (None deletes) on top of a branch, as a person pushing would."""
        with self._lock:
            found = self._repo(repo)
            branch = branch or found.default_branch
            parent = found.branch(branch) or found.branch(found.default_branch)
            assert parent is not None
            base = found.store.commit(parent)
            assert base is not None
            tree = found.store.write_files(base.tree, files)
            sha = found.store.put(
                git.Commit(tree, (parent,), *_people(author or found.owner), message)
            )
            found.store.refs[f"refs/heads/{branch}"] = sha
            found.follow_branch(branch, sha)
        return sha

    def add_comment(self, repo: str, number: int, body: str, user: str) -> Comment:
        """A comment by someone other than the App (e.g. a ``@molt-bot`` command)."""
        with self._lock:
            found = self._repo(repo)
            when = git.now()
            comment = Comment(self.world.next_id(), number, body, user, when, when)
            found.comments.append(comment)
        return comment

    def add_issue(
        self,
        repo: str,
        title: str = "An issue",
        body: str | None = None,
        *,
        user: str | None = None,
        labels: Iterable[str] = (),
    ) -> int:
        """A plain issue (not a pull request); its number follows the pull requests'."""
        with self._lock:
            found = self._repo(repo)
            number, when = self.world.next_number(found), git.now()
            issue = Issue(number, title, body, user or found.owner, when, when)
            issue.labels = list(labels)
            found.issues[number] = issue
        return number

    def add_review(
        self, repo: str, number: int, user: str, state: str = "APPROVED", body: str = ""
    ) -> Review:
        """A submitted review (``APPROVED``, ``CHANGES_REQUESTED``, ``COMMENTED``) on the head."""
        with self._lock:
            pr = self._pull(repo, number)
            review = Review(self.world.next_id(), user, state, body, pr.head_sha, git.now())
            pr.reviews.append(review)
            if user in pr.requested_reviewers:
                pr.requested_reviewers.remove(user)
        return review

    def add_check_run(
        self,
        repo: str,
        ref: str,
        name: str = "test",
        *,
        status: str = "completed",
        conclusion: str | None = "success",
        app: str = "github-actions",
    ) -> CheckRun:
        """A check run by another App (a CI) on a commit, branch or made-up sha."""
        with self._lock:
            found = self._repo(repo)
            sha, when = found.store.resolve(ref) or ref, git.now()
            done = when if status == "completed" else None
            run = CheckRun(
                self.world.next_id(),
                name,
                sha,
                status,
                conclusion,
                None,
                None,
                None,
                None,
                when,
                done,
                app_slug=app,
            )
            found.check_runs.append(run)
            settle_auto_merge(found)
        return run

    def add_check_suite(
        self,
        repo: str,
        ref: str,
        *,
        status: str = "completed",
        conclusion: str | None = "success",
        app: str = "github-actions",
        branch: str | None = None,
    ) -> CheckSuite:
        """A check suite by another App on a commit, branch or made-up sha."""
        with self._lock:
            found = self._repo(repo)
            sha = found.store.resolve(ref) or ref
            head_branch = branch or (ref if found.branch(ref) else None)
            suite = CheckSuite(
                self.world.next_id(), sha, head_branch, status, conclusion, app, git.now()
            )
            found.check_suites.append(suite)
        return suite

    def add_status(
        self,
        repo: str,
        ref: str,
        state: str = "success",
        context: str = "ci/test",
        *,
        description: str | None = None,
        target_url: str | None = None,
    ) -> Status:
        """A commit status (error, failure, pending, success); the newest per context counts."""
        with self._lock:
            found = self._repo(repo)
            sha = found.store.resolve(ref) or ref
            made = Status(
                self.world.next_id(), sha, state, context, description, target_url, git.now()
            )
            found.statuses.append(made)
            settle_auto_merge(found)
        return made

    def set_auto_merge_allowed(self, repo: str, allowed: bool = True) -> None:
        """The repository setting "Allow auto-merge" (off by default, as on GitHub)."""
        with self._lock:
            self._repo(repo).allow_auto_merge = allowed

    def protect_branch(self, repo: str, required_checks: Iterable[str]) -> None:
        """Branch protection requiring these checks (run names or status contexts) to pass.

        From then on the fake judges readiness as GitHub does: auto-merge is refused on a pull
        request with nothing left to wait for, and merges one once its required checks pass.
        """
        with self._lock:
            found = self._repo(repo)
            found.required_checks = tuple(required_checks)
            settle_auto_merge(found)

    def add_user(
        self,
        login: str,
        *,
        installations: Iterable[int] = (),
        repos: Iterable[str] | None = None,
        name: str | None = None,
    ) -> User:
        """Someone who can sign in: sees ``installations``, and in them all repos or ``repos``."""
        only = None if repos is None else frozenset(r.lower() for r in repos)
        user = User(login, name, tuple(installations), only)
        with self._lock:
            self.world.users[login] = user
        return user

    def user_token(self, login: str) -> str:
        """A user-to-server token for ``login``, as the OAuth web flow would hand out."""
        with self._lock:
            return self.world.issue_user_token(login)

    def close_pull(self, repo: str, number: int, *, merged: bool = False) -> Pull:
        """Close a pull request as a maintainer would; ``merged`` also merges it into its base."""
        with self._lock:
            found = self._repo(repo)
            pr = self._pull(repo, number)
            if not merged:
                pr.close()
            elif merge(found, pr, "merge", found.owner) is None:
                raise AssertionError(f"#{number} in {repo} conflicts with its base")
        return pr

    def set_permission(self, repo: str, user: str, level: str) -> None:
        """``admin``, ``write``, ``read`` or ``none``, as the permission API reports it."""
        with self._lock:
            self._repo(repo).permissions[user] = level

    def issue_token(self, installation_id: int) -> str:
        """An installation token, as ``POST /app/installations/{id}/access_tokens`` would give."""
        with self._lock:
            return self.world.issue_token(installation_id)[0]

    def expire_tokens(self) -> None:
        """Every installation token issued so far now answers 401."""
        with self._lock:
            for token in self.world.tokens.values():
                token.expires_at = git.now()

    def fail_next(
        self,
        method: str,
        path: str,
        status: int = 502,
        *,
        timeout: bool = False,
        retry_after: int | None = None,
        reset_in: int | None = None,
        times: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """Add a row to the fault table: matching requests get a fault instead of the real thing.

        ``method`` and ``path`` are fnmatch patterns on the path without query. The row answers
        the next ``times`` requests (default 1), or, with ``seconds``, every request for that
        long (and at most ``times``, if given too). ``timeout`` holds the request
        ``hold_seconds`` then drops the connection. ``retry_after`` gives a secondary rate
        limit (GitHub's body and ``Retry-After``); ``reset_in`` a primary one
        (``X-RateLimit-Remaining: 0``, ``X-RateLimit-Reset`` that many seconds from now).
        Rows are tried in the order they were added.
        """
        until = None if seconds is None else time.monotonic() + seconds
        count = times if times is not None or seconds is not None else 1
        fault = Fault(method, path, status, timeout, retry_after, reset_in, count, until)
        with self._lock:
            self._wire.faults.append(fault)

    @property
    def limits(self) -> Limits:
        """GitHub's limits as enforced here; set ``primary``, ``secondary``, ``latency``."""
        return self.world.limits

    def enforce_github_limits(self, latency: float = 0.05) -> None:
        """GitHub's documented limits (5,000/hour; writes 80 a minute, 500 an hour), and latency."""
        with self._lock:
            self.world.limits.primary = 5000
            self.world.limits.secondary = (80, 500)
            self.world.limits.latency = latency

    @property
    def secondary_limited(self) -> int:
        """How many requests have been answered with the secondary rate limit so far."""
        return self.world.limits.secondary_responses

    # --- reading state ----------------------------------------------------------------------

    def branch_files(self, repo: str, branch: str | None = None) -> dict[str, str]:
        """Path → text of every file on a branch (default: the default branch)."""
        with self._lock:
            found = self._repo(repo)
            commit = self._branch_commit(found, branch or found.default_branch)
            return {p: d.decode() for p, d in found.store.files(commit.tree).items()}

    def commits_on(self, repo: str, branch: str | None = None) -> list[LogEntry]:
        """First-parent history of a branch, newest first."""
        with self._lock:
            found = self._repo(repo)
            head = found.branch(branch or found.default_branch)
            assert head is not None, f"no branch {branch} in {repo}"
            commits = [(sha, found.store.commit(sha)) for sha in found.store.history(head)]
            return [LogEntry(sha, c.message, c.author.name, c.parents) for sha, c in commits if c]

    def branches(self, repo: str) -> dict[str, str]:
        with self._lock:
            refs = self._repo(repo).store.refs.items()
            return {
                r.removeprefix("refs/heads/"): s for r, s in refs if r.startswith("refs/heads/")
            }

    def pulls(self, repo: str) -> list[Pull]:
        with self._lock:
            return list(self._repo(repo).pulls)

    def comments(self, repo: str, number: int) -> list[Comment]:
        with self._lock:
            return [c for c in self._repo(repo).comments if c.issue == number]

    def issues(self, repo: str) -> list[Issue]:
        """The plain issues (pull requests are in ``pulls``)."""
        with self._lock:
            return list(self._repo(repo).issues.values())

    def check_runs(self, repo: str) -> list[CheckRun]:
        with self._lock:
            return list(self._repo(repo).check_runs)

    @property
    def reactions(self) -> list[Reaction]:
        with self._lock:
            return list(self.world.reactions)

    def requests_for(self, repo: str) -> list[Request]:
        """The logged requests under ``/repos/<repo>/``."""
        with self._lock:
            return [r for r in self.requests if r.repo == repo]

    def _repo(self, full_name: str) -> Repo:
        found = self.world.repo(full_name)
        assert found is not None, f"no repository {full_name} in the fake"
        return found

    def _pull(self, repo: str, number: int) -> Pull:
        pr = self._repo(repo).pull(number)
        assert pr is not None, f"no pull request #{number} in {repo}"
        return pr

    def _branch_commit(self, repo: Repo, branch: str) -> git.Commit:
        sha = repo.branch(branch)
        commit = repo.store.commit(sha) if sha else None
        assert commit is not None, f"no branch {branch} in {repo.full_name}"
        return commit


def _people(login: str) -> tuple[git.Person, git.Person]:
    person = git.Person(login, f"{login}@example.com", git.now())
    return person, person


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running fake; the test fails at teardown if any traffic broke GitHub's description."""
    with FakeGitHub() as fake:
        yield fake
