"""One repository, end to end: read config and files, plan, then publish or close the PR."""

from __future__ import annotations

import dataclasses
import fnmatch
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from app import publish, pull_request, repo_config, schedule
from app.errors import ConfigError, Conflict
from app.github import UNREADABLE_CHECK_TITLE, Pull, Repository, Tree
from app.lockfiles import Locker
from app.memory import LRU
from app.outcome import Done, Outcome, Target
from app.plan import DECLARES_MINIMUM, Plan, plan, reads, scripts_to_read
from app.pull_request import Overrides
from app.repo_config import RepoConfig
from rewriters import Policy
from rewriters.versions import Minor

if TYPE_CHECKING:
    from app.modernise import Modernisation
    from app.package_index import PackageIndex

# Repositories a scan found needing nothing, under the calendar's minimum of that day, with
# the tree they had. The next scan lists the tree conditionally (a 304 is free) and stops
# there when it has not changed: a daily rescan of a finished repository costs nothing.
# The object that runs the jobs keeps one for all of them.
NeededNothing = LRU[tuple[str, Minor], str]
NEEDED_NOTHING_MAX = 10_000


class Prepared(NamedTuple):
    """A repository read for planning: its tree, config and the files molt may rewrite."""

    tree: Tree
    config: RepoConfig
    files: dict[str, str]


def _ignored(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def _read(
    repo: Repository, target: Target, needed_nothing: str | None
) -> tuple[Tree, dict[str, str]] | Outcome:
    """The tree and the claimed files' text, or why there is nothing to read.

    ``needed_nothing`` is the tree sha at which this repository last needed nothing under
    the same policy: an unchanged tree is not read again.
    """
    if target.archived or target.fork:
        return Outcome.SKIPPED
    try:
        tree = repo.tree(target.default_branch)
    except Conflict:  # 409: the repository is empty
        return Outcome.SKIPPED
    if tree.sha == needed_nothing:
        return Outcome.NOTHING
    if not any(_is_python(e.path) for e in tree.files):
        return Outcome.SKIPPED
    wanted = [e for e in tree.files if e.path == repo_config.PATH or reads(e.path)]
    return tree, repo.read_files(target.default_branch, wanted)


# A repository is a Python one when it holds Python code or Python packaging files; a README
# or a Dockerfile alone (claimed by rewriters too) does not make it one.
PYTHON_MARKERS = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "Pipfile", "requirements.txt"}
)


def _is_python(path: str) -> bool:
    return path.endswith(".py") or path.rsplit("/", 1)[-1] in PYTHON_MARKERS


def prepare(
    repo: Repository, target: Target, *, needed_nothing: str | None = None
) -> Prepared | Outcome:
    """Read the repository, or say why there is nothing to plan (an invalid config is reported)."""
    read = _read(repo, target, needed_nothing)
    if isinstance(read, Outcome):
        return read
    tree, files = read
    try:
        config = repo_config.parse(files.pop(repo_config.PATH, None))
    except ConfigError as error:
        repo.report_config_error(target.default_branch, str(error))
        return Outcome.INVALID_CONFIG
    files = {p: t for p, t in files.items() if not _ignored(p, config.ignore_paths)}
    return Prepared(tree, config, files | _read_scripts(repo, target, tree, files, config))


def _read_scripts(
    repo: Repository, target: Target, tree: Tree, files: dict[str, str], config: RepoConfig
) -> dict[str, str]:
    """The scripts the CI files run (``python scripts/check.py``): a second read, one request
    (a blob, or a tarball for several), made only when they run any."""
    wanted = set(scripts_to_read(files, [entry.path for entry in tree.files], config.ignores))
    if not wanted:
        return {}
    return repo.read_files(target.default_branch, [e for e in tree.files if e.path in wanted])


def policy_for(today: date, config: RepoConfig, chosen: Overrides) -> Policy:
    """The policy a repository's config and a pull request's overrides ask for."""
    minimum = str(chosen.minimum) if chosen.minimum is not None else config.minimum
    policy = Policy.for_date(today, minimum)
    keep = frozenset(v for v in chosen.keep if v < policy.minimum)
    return dataclasses.replace(policy, keep=keep)


def run(
    repo: Repository,
    target: Target,
    today: date,
    *,
    on_push: bool = False,
    login: str | None = None,
    needed_nothing: NeededNothing | None = None,
    index: PackageIndex | None = None,
) -> Outcome:
    """Bring one repository's molt pull request in line with the policy.

    ``login`` is the App's (the pull request then lists the commands addressed to it).
    ``needed_nothing`` remembers, across runs, the repositories that need nothing (without it,
    each run reads the repository afresh). With an ``index``, the dependencies the change
    leaves are checked against it (``app.dependencies``).
    """
    remembered = NeededNothing(1) if needed_nothing is None else needed_nothing
    memo = (target.full_name, Policy.for_date(today).minimum)
    known = None if on_push else remembered.get(memo)
    prepared = prepare(repo, target, needed_nothing=known)
    if isinstance(prepared, Outcome):
        return prepared
    default = policy_for(today, prepared.config, Overrides())
    planned = _plan(prepared, default)
    unreadable = any(skip.path in DECLARES_MINIMUM for skip in planned.skipped)
    if not on_push and not planned.files and not unreadable:
        # Only a push can make an open molt PR unneeded; scans skip the look-up (API budget).
        # A file declaring the minimum that does not parse is reported below, not "nothing".
        remembered.put(memo, prepared.tree.sha)
        return Outcome.NOTHING
    remembered.discard(memo)
    current = publish.current_pull(repo, prepared.config.branch_prefix)
    chosen = _overrides_of(current)
    how = publish.SCAN
    return _apply(repo, target, today, prepared, current, chosen, how, login, index).outcome


def steer(
    repo: Repository,
    target: Target,
    today: date,
    how: publish.Steer,
    *,
    pull: Pull | None,
    chosen: Overrides | None,
    login: str,
    index: PackageIndex | None = None,
) -> Done:
    """Run as a command asks: on ``pull`` (molt's, any state) or molt's open pull request.

    ``chosen`` replaces the overrides recorded in the pull request (None keeps them).
    """
    prepared = prepare(repo, target)
    if isinstance(prepared, Outcome):
        return Done(prepared)
    current = pull or publish.current_pull(repo, prepared.config.branch_prefix)
    chosen = _overrides_of(current) if chosen is None else chosen
    return _apply(repo, target, today, prepared, current, chosen, how, login, index)


def preview(
    repo: Repository,
    target: Target,
    today: date,
    chosen: Overrides,
    *,
    index: PackageIndex | None = None,
) -> tuple[Plan, str] | Outcome:
    """What molt would change, without writing anything: the plan and, with an ``index``, the
    pins it moves and the dependency section the pull request would carry (else "")."""
    prepared = prepare(repo, target)
    if isinstance(prepared, Outcome):
        return prepared
    result = _plan(prepared, policy_for(today, prepared.config, chosen))
    return _check_dependencies(result, prepared, index) if result.files else (result, "")


def _plan(prepared: Prepared, policy: Policy) -> Plan:
    return plan(
        prepared.files,
        policy,
        paths=[entry.path for entry in prepared.tree.files],
        changelog_entry=prepared.config.add_changelog_entry,
    )


def _overrides_of(pull: Pull | None) -> Overrides:
    return pull_request.overrides(pull.body) if pull is not None else Overrides()


def _apply(
    repo: Repository,
    target: Target,
    today: date,
    prepared: Prepared,
    current: Pull | None,
    chosen: Overrides,
    how: publish.Steer,
    login: str | None,
    index: PackageIndex | None = None,
) -> Done:
    policy = policy_for(today, prepared.config, chosen)
    result = _plan(prepared, policy)
    unreadable = [skip for skip in result.skipped if skip.path in DECLARES_MINIMUM]
    if unreadable:
        # not "nothing to do": an open pull request stays until the file parses again
        message = "\n".join(f"{skip.path}: {skip.reason}" for skip in unreadable)
        repo.report_config_error(target.default_branch, message, UNREADABLE_CHECK_TITLE)
        return Done(Outcome.UNREADABLE)
    if not result.files:
        if chosen.minimum is not None and how.command:
            return Done(Outcome.NOTHING)  # a minimum that drops nothing changes nothing
        return publish.close_unneeded(repo, current, str(policy.minimum))
    if not how.command and not schedule.open_on(prepared.config.schedule, today):
        return Done(Outcome.WAITING)  # closing is never held back; opening and regenerating are
    branch = f"{prepared.config.branch_prefix}python-{policy.minimum}"
    chosen = chosen._replace(keep=policy.keep)
    result, checked = _check_dependencies(result, prepared, index)
    if index is not None and prepared.config.update_lock_files:
        result = Locker(index.url).regenerate(result, prepared.files)
    change = publish.Change(target, prepared.tree, result, prepared.config, branch, login, chosen)
    change = change._replace(dependencies=checked)
    if prepared.config.modernise or chosen.modernise:
        change = change._replace(modernised=_modernise(repo, target, prepared, result))
    return publish.publish(repo, change, current, how)


def _check_dependencies(
    result: Plan, prepared: Prepared, index: PackageIndex | None
) -> tuple[Plan, str]:
    """``result`` with the pins that do not install on the new minimum moved, and the pull
    request's dependency section; unchanged and "" without an index."""
    if index is None:
        return result, ""
    from app import dependencies  # the checker is only imported where an index is configured

    result, report = dependencies.check_plan(result, prepared.files, index)
    return result, report.body_section()


def _modernise(repo: Repository, target: Target, prepared: Prepared, result: Plan) -> Modernisation:
    """The modernisation after ``result``: the Python files come in one more tarball."""
    from app import modernise  # ruff's runner is only imported where it is used

    python = [
        entry
        for entry in prepared.tree.files
        if modernise.touches(entry.path) and not prepared.config.ignores(entry.path)
    ]
    sources = repo.read_files(target.default_branch, python) if python else {}
    return modernise.for_plan(result, sources, prepared.files)
