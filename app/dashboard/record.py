"""A job's outcome as the repository's dashboard state, written to the store.

Outcomes that leave molt's pull request open cost one more request: after molt pushed, the
open pull requests (for its number); when it left the pull request as it was, the check runs
of its head. A repository that needs nothing costs none, unless its last known state was an
open pull request, which one request finds merged or not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from app import github as gh
from app import pull_request
from app.dashboard import tracking_issue
from app.dashboard.oauth import web_url
from app.dashboard.states import RepoState, State
from app.dashboard.store import StateStore
from app.errors import GitHubError
from app.github.checks import ci_state
from app.outcome import Outcome, Target
from rewriters import Policy
from rewriters.versions import Minor

log = logging.getLogger(__name__)

WITH_PULL = frozenset(
    {Outcome.OPENED, Outcome.UPDATED, Outcome.UP_TO_DATE, Outcome.REOPENED, Outcome.RETARGETED}
)
FAILED = frozenset({Outcome.UNREADABLE, Outcome.BLOCKED})
_VERSION = re.compile(r"\b3\.\d+\b")


class Recorder:
    """The jobs' side of the dashboard: each job's result into the store (never failing the
    job: its work is done), and the tracking issue after a scan of an installation."""

    def __init__(
        self,
        store: StateStore,
        clients: Callable[[int], gh.Client],
        github_url: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self._clients = clients
        self._web = web_url(github_url)
        self._clock = clock

    def record(
        self,
        installation_id: int,
        repo: gh.Repository,
        target: Target,
        outcome: Outcome,
        today: date,
    ) -> None:
        """Store what ``outcome`` means for ``target``'s row."""
        try:
            previous = self.store.get(target.full_name)
            base = RepoState(
                installation_id,
                target.full_name,
                State.UP_TO_DATE,
                self._clock(),
                floor=str(Policy.for_date(today).minimum),
            )
            client = self._clients(installation_id)
            self.store.put(observe(client, repo, target, outcome, base, previous))
        except Exception:  # the store or a look-up failed: the next job writes the row again
            extra = {
                "delivery_id": None,
                "installation_id": installation_id,
                "repo": target.full_name,
            }
            log.exception("could not record the dashboard state", extra=extra)

    def keep_tracking_issue(self, installation_id: int, today: date) -> None:
        """Create or edit the installation's tracking issue, if its organisation opted in."""
        client = self._clients(installation_id)
        tracking_issue.keep(client, self.store, installation_id, today, self._web)

    def failed(self, installation_id: int, full_name: str, reason: str) -> None:
        """Store that the last try of the job for ``full_name`` failed, and why; the row keeps
        what was known of its pull request."""
        try:
            previous = self.store.get(full_name)
            now = self._clock()
            state = RepoState(installation_id, full_name, State.FAILED, now, reason)
            if previous is not None:
                kept = previous._replace(state=State.FAILED, checked_at=now, reason=reason)
                state = kept._replace(ci=None, floor=None)
            self.store.put(state)
        except Exception:
            extra = {"delivery_id": None, "installation_id": installation_id, "repo": full_name}
            log.exception("could not record the dashboard state", extra=extra)


def observe(
    client: gh.Client,
    repo: gh.Repository,
    target: Target,
    outcome: Outcome,
    base: RepoState,
    previous: RepoState | None,
) -> RepoState:
    """The row ``outcome`` leaves: ``base`` (up to date, checked now) with what differs."""
    earlier_pull = previous.pull_number if previous is not None else None
    earlier_oldest = previous.oldest if previous is not None else None
    if outcome is Outcome.SKIPPED:
        why = "archived" if target.archived else "fork" if target.fork else ""
        return base._replace(state=State.NO_PYTHON, reason=why, floor=None)
    if outcome is Outcome.INVALID_CONFIG:
        return base._replace(state=State.INVALID_CONFIG, reason=outcome.value, floor=None)
    if outcome in FAILED:
        failed = base._replace(state=State.FAILED, reason=outcome.value)
        return failed._replace(pull_number=earlier_pull, oldest=earlier_oldest, floor=None)
    if outcome is Outcome.WAITING:  # needs a change that its molt.yml schedule holds back
        if previous is not None and previous.state is State.OPEN:
            return previous._replace(checked_at=base.checked_at)
        return base._replace(state=State.WAITING, reason=outcome.value, floor=None)
    if outcome is Outcome.IGNORED:
        ignored = base._replace(state=State.IGNORED, pull_number=earlier_pull)
        return ignored._replace(oldest=earlier_oldest, floor=None)
    if outcome in WITH_PULL:
        return _with_open_pull(client, repo, outcome, base, previous)
    return _finished(repo, base, previous)


def _with_open_pull(
    client: gh.Client,
    repo: gh.Repository,
    outcome: Outcome,
    base: RepoState,
    previous: RepoState | None,
) -> RepoState:
    """molt's open pull request: the one the last job recorded when this one left it as it
    was (its CI asked again), else found among the open pull requests. CI is not asked right
    after molt pushed: nothing has reported yet, the next job asks."""
    opened = base._replace(state=State.OPEN, floor=None)
    if outcome is Outcome.UP_TO_DATE and previous is not None and previous.state is State.OPEN:
        if previous.pull_number is not None and previous.head_sha is not None:
            known = opened._replace(
                pull_number=previous.pull_number,
                head_sha=previous.head_sha,
                oldest=previous.oldest,
            )
            return known._replace(ci=_ci(client, repo, previous.head_sha))
    ours = [p for p in repo.open_pulls() if p.own_head and pull_request.MARKER in p.body]
    pull = max(ours, key=lambda p: p.number, default=None)
    if pull is None:
        return opened
    found = opened._replace(
        pull_number=pull.number, head_sha=pull.head_sha, oldest=oldest_dropped(pull.title)
    )
    if outcome is Outcome.UP_TO_DATE:
        return found._replace(ci=_ci(client, repo, pull.head_sha))
    return found


def _ci(client: gh.Client, repo: gh.Repository, sha: str) -> str | None:
    try:
        return ci_state(client, repo.full_name, sha)
    except GitHubError:  # the row is still worth writing without it
        return None


def _finished(repo: gh.Repository, base: RepoState, previous: RepoState | None) -> RepoState:
    """Nothing to change (or the pull request closed as unneeded): merged, or up to date."""
    if previous is None or previous.pull_number is None:
        return base
    if previous.state is State.MERGED:
        return base._replace(state=State.MERGED, pull_number=previous.pull_number)
    if previous.state is State.OPEN:
        pull = repo.get_pull(previous.pull_number)
        if pull is not None and pull.merged:
            return base._replace(state=State.MERGED, pull_number=pull.number)
    return base


def oldest_dropped(title: str) -> str | None:
    """The oldest version a molt title drops (``Drop Python 3.9 and 3.10`` → ``3.9``)."""
    found = [Minor.parse(v) for v in _VERSION.findall(title)]
    return str(min(found)) if found and title.startswith("Drop ") else None
