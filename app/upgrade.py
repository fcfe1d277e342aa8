"""One repository, end to end: read config and files, plan, then publish or close the PR."""

from __future__ import annotations

import fnmatch
from datetime import date

import rewriters
from app import publish, repo_config
from app.errors import ConfigError, Conflict
from app.github import Repository, Tree
from app.outcome import Outcome, Target
from app.plan import plan
from rewriters import Policy


def _ignored(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def _read(repo: Repository, target: Target) -> tuple[Tree, dict[str, str]] | None:
    """The tree and the claimed files' text; None for a repository molt skips."""
    if target.archived or target.fork:
        return None
    try:
        tree = repo.tree(target.default_branch)
    except Conflict:  # 409: the repository is empty
        return None
    if not any(_is_python(e.path) for e in tree.files):
        return None
    wanted = [e for e in tree.files if e.path == repo_config.PATH or rewriters.claims(e.path)]
    return tree, repo.read_files(target.default_branch, wanted)


# A repository is a Python one when it holds Python code or Python packaging files; a README
# or a Dockerfile alone (claimed by rewriters too) does not make it one.
PYTHON_MARKERS = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "Pipfile", "requirements.txt"}
)


def _is_python(path: str) -> bool:
    return path.endswith(".py") or path.rsplit("/", 1)[-1] in PYTHON_MARKERS


def run(repo: Repository, target: Target, today: date, *, on_push: bool = False) -> Outcome:
    """Bring one repository's molt pull request in line with the policy."""
    read = _read(repo, target)
    if read is None:
        return Outcome.SKIPPED
    tree, files = read
    try:
        config = repo_config.parse(files.pop(repo_config.PATH, None))
    except ConfigError as error:
        repo.report_config_error(target.default_branch, str(error))
        return Outcome.INVALID_CONFIG
    policy = Policy.for_date(today, config.minimum)
    files = {p: t for p, t in files.items() if not _ignored(p, config.ignore_paths)}
    result = plan(files, policy)
    branch = f"{config.branch_prefix}python-{policy.minimum}"
    if not result.files:
        # Only a push can make an open molt PR unneeded; scans skip the look-up (API budget).
        return (
            publish.close_unneeded(repo, branch, str(policy.minimum))
            if on_push
            else Outcome.NOTHING
        )
    return publish.publish(repo, publish.Change(target, tree, result, config, branch))
