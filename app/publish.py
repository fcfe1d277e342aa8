"""The GitHub side of an upgrade: one commit on the molt branch, and the pull request around it."""

from __future__ import annotations

from typing import NamedTuple

from app import pull_request
from app.errors import Conflict
from app.github import BOT_AUTHOR, BranchHead, Pull, Repository, Tree
from app.outcome import Outcome, Target
from app.plan import Plan
from app.repo_config import RepoConfig

CLOSED_COMMENT = (
    "Closing: the default branch no longer supports any Python older than {minimum}, "
    "so this pull request has nothing left to do."
)
BLOCKED_COMMENT = (
    "The default branch changed, but someone else has pushed to `{branch}`, so molt will not "
    "overwrite it. Comment `@molt-bot recreate` to discard those commits and regenerate this "
    "pull request."
)


class Change(NamedTuple):
    """A planned change for one repository, and where it goes."""

    target: Target
    tree: Tree
    plan: Plan
    config: RepoConfig
    branch: str


def _commit(repo: Repository, change: Change, base: BranchHead) -> str:
    modes = {entry.path: entry.mode for entry in change.tree.files}
    files = {f.path: (modes.get(f.path, "100644"), f.after) for f in change.plan.files}
    title = pull_request.title(change.plan)
    return repo.commit(base, files, f"{title}\n\n{pull_request.commit_summary(change.plan)}")


def _base(repo: Repository, change: Change) -> BranchHead:
    base = repo.branch(change.target.default_branch)
    if base is None or base.tree_sha != change.tree.sha:
        raise Conflict("the default branch moved while molt read it; the job will run again")
    return base


def _move_branch(repo: Repository, branch: str, sha: str, head: BranchHead | None) -> bool:
    """Point ``branch`` at ``sha``; False when a branch left without a PR is not molt's alone."""
    if head is not None:
        repo.set_branch(branch, sha, create=False, force=True)
        return True
    try:
        repo.set_branch(branch, sha, create=True)
    except Conflict:  # a branch without an open pull request, e.g. after an unmerged close
        leftover = repo.branch(branch)
        if leftover is None or leftover.author != BOT_AUTHOR:
            return False
        repo.set_branch(branch, sha, create=False, force=True)
    return True


def _needs_update(repo: Repository, change: Change, pull: Pull, text: tuple[str, str]) -> bool:
    """Whether the open pull request must be regenerated, per ``rebase_when``.

    ``conflicted`` (default): only when the change itself differs (the fingerprint in the body
    covers every file's text before and after); ``behind``: also whenever the default branch
    moved; ``never``: leave an open pull request alone.
    """
    when = change.config.rebase_when
    if when == "never":
        return False
    if (pull.title, pull.body) != text:
        return True
    if when == "conflicted":
        return False
    base, head = repo.branch(change.target.default_branch), repo.branch(change.branch)
    return base is None or head is None or head.parents != (base.sha,)


def publish(repo: Repository, change: Change) -> Outcome:
    """Open the pull request, or bring the open one up to date; never overwrite others' work."""
    pull = repo.find_pull(change.branch)
    if pull is not None and pull.state == "closed" and not pull.merged:
        return Outcome.IGNORED
    if pull is not None and pull.state != "open":
        pull = None
    title, body = pull_request.title(change.plan), pull_request.body(change.plan, app=True)
    if pull is not None and not _needs_update(repo, change, pull, (title, body)):
        return Outcome.UP_TO_DATE
    base = _base(repo, change)
    head = repo.branch(change.branch) if pull is not None else None
    if head is not None and head.author != BOT_AUTHOR:
        if pull is not None:
            repo.comment(pull.number, BLOCKED_COMMENT.format(branch=change.branch))
        return Outcome.BLOCKED
    sha = _commit(repo, change, base)
    if not _move_branch(repo, change.branch, sha, head):
        return Outcome.BLOCKED
    if pull is not None:
        repo.update_pull(pull.number, title=title, body=body)
        return Outcome.UPDATED
    target = change.target
    opened = repo.open_pull(
        change.branch, target.default_branch, title, body, draft=change.config.draft
    )
    repo.add_labels(opened.number, change.config.labels)
    return Outcome.OPENED


def close_unneeded(repo: Repository, branch: str, minimum: str) -> Outcome:
    """Close molt's open pull request from ``branch`` when the repository needs nothing more."""
    pull = repo.find_pull(branch)
    if pull is None or pull.state != "open":
        return Outcome.NOTHING
    repo.comment(pull.number, CLOSED_COMMENT.format(minimum=minimum))
    repo.update_pull(pull.number, state="closed")
    repo.delete_branch(branch)
    return Outcome.CLOSED
