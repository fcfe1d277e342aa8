"""The repository's CI on molt's pull request: when its checks finish failing, say which (once
per head commit) and label the pull request; when a later run passes, take the label off and,
with ``automerge``, merge.

The checks have finished when every check suite that ran something, every check run and the
combined commit status are done. Whether molt already spoke for a commit is read back from the
thread (a hidden marker naming the commit in molt's comment): nothing is kept locally.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import NamedTuple

from app import automerge, publish, pull_request, repo_config
from app.errors import ConfigError
from app.github import CheckRun, CheckSuite, CommitStatus, Pull, Repository
from app.github.ci import FAILING_CONCLUSIONS
from app.outcome import Target
from app.repo_config import RepoConfig

LABEL = "molt:ci-failed"
MARKER = "<!-- molt: ci-failed {sha} -->"
FAILED_COMMENT = """\
{marker}
The checks on {commit} failed:

| check | result |
| --- | --- |
{rows}

molt labelled this pull request `{label}`; the label comes off when a later run passes. \
Once the default branch has a fix, comment `{mention} rebase` to regenerate this pull request \
on top of it."""
FAILING_STATES = frozenset({"failure", "error"})
# The branch of a molt pull request ends so whatever its prefix (``branch_prefix``).
_MOLT_BRANCH = re.compile(r"python-\d\.\d{1,2}$")


class Verdict(enum.Enum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class Failing(NamedTuple):
    """A failed check as the comment lists it."""

    name: str
    conclusion: str
    url: str | None


class Result(NamedTuple):
    verdict: Verdict
    failing: tuple[Failing, ...] = ()


class Followed(enum.Enum):
    """What following one CI event did."""

    PENDING = "checks still running"
    NOT_OURS = "not the head of molt's open pull request"
    FAILED = "checks failed: labelled and commented"
    ALREADY_SAID = "checks failed: already said for this commit"
    PASSED = "checks passed"
    MERGED = "checks passed: merged"


def is_molt_branch(name: str | None) -> bool:
    """Whether ``name`` may be the branch of a molt pull request (cheap: no request)."""
    return bool(name) and _MOLT_BRANCH.search(name or "") is not None


def _running(suite: CheckSuite) -> bool:
    # GitHub makes a suite for every App with checks permission; one that never runs anything
    # stays queued forever, so only suites with runs count.
    return suite.status != "completed" and suite.runs > 0


def judge(
    suites: Iterable[CheckSuite], runs: Iterable[CheckRun], statuses: Iterable[CommitStatus]
) -> Result:
    """The verdict on a commit: pending until everything has finished (or nothing ran)."""
    runs, statuses = list(runs), list(statuses)
    if any(_running(s) for s in suites) or any(r.status != "completed" for r in runs):
        return Result(Verdict.PENDING)
    if any(s.state == "pending" for s in statuses) or not (runs or statuses):
        return Result(Verdict.PENDING)
    failing = [Failing(r.name, r.conclusion or "", r.url) for r in runs if _failed_run(r)]
    failing += [Failing(s.context, s.state, s.url) for s in statuses if s.state in FAILING_STATES]
    return Result(Verdict.FAILED, tuple(failing)) if failing else Result(Verdict.PASSED)


def _failed_run(run: CheckRun) -> bool:
    return run.conclusion in FAILING_CONCLUSIONS


def failed_comment(sha: str, failing: Iterable[Failing], login: str) -> str:
    """The comment on a pull request whose checks failed on commit ``sha``."""
    rows = "\n".join(f"| {_link(f)} | {f.conclusion} |" for f in failing)
    return FAILED_COMMENT.format(
        marker=MARKER.format(sha=sha),
        commit=sha[:7],
        rows=rows,
        label=LABEL,
        mention=pull_request.mention(login),
    )


def _link(failing: Failing) -> str:
    name = failing.name.replace("|", "\\|")
    return f"[{name}]({failing.url})" if failing.url else name


def follow(repo: Repository, target: Target, branch: str, sha: str, login: str) -> Followed:
    """Act on the checks of commit ``sha`` of ``branch``, if it is molt's open pull request's
    head and they have finished."""
    suites = repo.check_suites(sha)
    if any(_running(s) for s in suites):  # the usual case mid-run: one request, then stop
        return Followed.PENDING
    result = judge(suites, repo.check_runs(sha), repo.statuses(sha))
    if result.verdict is Verdict.PENDING:
        return Followed.PENDING
    config = read_config(repo, target)
    pull = repo.find_pull(branch)
    if pull is None or not _at_head(pull, config.branch_prefix, sha):
        return Followed.NOT_OURS
    if result.verdict is Verdict.FAILED:
        return _failed(repo, pull, result.failing, login)
    if LABEL in pull.labels:
        repo.remove_label(pull.number, LABEL)
    if config.automerge and automerge.merge_passed(repo, pull):
        return Followed.MERGED
    return Followed.PASSED


def _at_head(pull: Pull, prefix: str, sha: str) -> bool:
    """``pull`` is molt's, open, and ``sha`` still its head (else the event is stale)."""
    return pull.state == "open" and publish.is_molts(pull, prefix) and pull.head_sha == sha


def _failed(repo: Repository, pull: Pull, failing: tuple[Failing, ...], login: str) -> Followed:
    marker = MARKER.format(sha=pull.head_sha)
    if any(marker in comment.body for comment in repo.comments(pull.number)):
        return Followed.ALREADY_SAID
    # the label first: a job that dies after it runs again, and still comments
    repo.add_labels(pull.number, (LABEL,))
    repo.comment(pull.number, failed_comment(pull.head_sha, failing, login))
    return Followed.FAILED


def read_config(repo: Repository, target: Target) -> RepoConfig:
    """The default branch's ``.github/molt.yml``; the defaults when absent or invalid (a scan
    reports an invalid file, and with the defaults nothing is merged)."""
    tree = repo.tree(target.default_branch)
    entries = [entry for entry in tree.files if entry.path == repo_config.PATH]
    text = repo.read_files(target.default_branch, entries).get(repo_config.PATH)
    try:
        return repo_config.parse(text)
    except ConfigError:
        return RepoConfig()
