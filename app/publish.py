"""The GitHub side of an upgrade: one commit on the molt branch, and the pull request around it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from app import automerge, pull_request
from app.errors import Conflict
from app.github import BOT_AUTHOR, BranchHead, Pull, Repository, Tree
from app.outcome import Done, Outcome, Target
from app.plan import FileChange, Plan
from app.repo_config import RepoConfig

if TYPE_CHECKING:
    from app.modernise import Modernisation

log = logging.getLogger(__name__)

CLOSED_COMMENT = (
    "Closing: the default branch no longer supports any Python older than {minimum}, "
    "so this pull request has nothing left to do."
)
# Said once, in the pull request's thread, when others' commits on molt's branch stop molt:
# as a comment when a scan finds the branch so, as the reply when a command does. What to do
# next depends on what works there: `recreate` needs the App and molt's pull request.
BLOCKED = "Someone else has pushed to `{branch}`, so molt did not overwrite it. {next_step}"
RECREATE_STEP = (
    "Comment `{mention} recreate` to discard those commits and regenerate the pull request."
)
DELETE_STEP = "Delete the branch to let molt regenerate the pull request."
SUPERSEDED_COMMENT = (
    "Superseded by #{number}, which makes Python {minimum} the oldest supported version. "
    "Closing this one so that only one molt pull request is open."
)


class Steer(NamedTuple):
    """What a maintainer's command asks of a run, beyond what a scan does."""

    command: bool = False  # a command asked: it replies itself, so no comment on the PR
    force: bool = False  # regenerate even when the pull request is up to date (rebase)
    overwrite: bool = False  # push over commits others made on the branch (recreate)
    reopen: bool = False  # reopen a closed, unmerged pull request (recreate, unignore, open)


SCAN = Steer()


class Change(NamedTuple):
    """A planned change for one repository, and where it goes."""

    target: Target
    tree: Tree
    plan: Plan
    config: RepoConfig
    branch: str
    login: str | None = None  # the App's login, for the commands in the body
    chosen: pull_request.Overrides = pull_request.Overrides()
    modernised: Modernisation | None = None  # the second commit, when asked for
    dependencies: str = ""  # the pull request's dependency section (app.dependencies)


def _commit(repo: Repository, change: Change, base: BranchHead) -> str:
    """The configuration commit on ``base``; the modernisation, if any, as a second commit on
    top of it (its own, so that it can be reverted alone). The sha of the last."""
    modes = {entry.path: entry.mode for entry in change.tree.files}
    files = {f.path: (file_mode(modes, f), f.after) for f in change.plan.files}
    title = pull_request.title(change.plan)
    sha = repo.commit(base, files, f"{title}\n\n{pull_request.commit_summary(change.plan)}")
    if change.modernised is None or not change.modernised.files:
        return sha
    # the second tree is the base tree with both commits' files: no request for the first's
    files |= {f.path: (file_mode(modes, f), f.after) for f in change.modernised.files}
    first = BranchHead(sha, base.tree_sha, BOT_AUTHOR, base.parents)
    return repo.commit(first, files, pull_request.modernise_message(change.modernised))


def _base(repo: Repository, change: Change) -> BranchHead:
    base = repo.branch(change.target.default_branch)
    if base is None or base.tree_sha != change.tree.sha:
        raise Conflict("the default branch moved while molt read it; the job will run again")
    return base


def _move_branch(
    repo: Repository, branch: str, sha: str, head: BranchHead | None, overwrite: bool
) -> bool:
    """Point ``branch`` at ``sha``; False when a branch left without a PR is not molt's alone."""
    if head is not None:
        repo.set_branch(branch, sha, create=False, force=True)
        return True
    try:
        repo.set_branch(branch, sha, create=True)
    except Conflict:  # a branch without an open pull request, e.g. after an unmerged close
        leftover = repo.branch(branch)
        if leftover is None or (leftover.author != BOT_AUTHOR and not overwrite):
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


def _body(change: Change) -> str:
    return pull_request.body(
        change.plan,
        app=True,
        login=change.login,
        chosen=change.chosen,
        dependencies=change.dependencies,
        modernised=change.modernised,
    )


def _reopen(repo: Repository, pull: Pull) -> Pull | None:
    """Reopen ``pull``; None when GitHub refuses because its branch is gone."""
    try:
        repo.update_pull(pull.number, state="open")
    except Conflict:
        return None
    return pull._replace(state="open")


def blocked(branch: str, login: str | None, *, on_pull: bool) -> str:
    """What happened to ``branch`` and what to do next, said on molt's pull request (``on_pull``)
    or elsewhere, by the App whose slug is ``login`` or in token mode (None)."""
    if login is None or not on_pull:
        return BLOCKED.format(branch=branch, next_step=DELETE_STEP)
    step = RECREATE_STEP.format(mention=pull_request.mention(login))
    return BLOCKED.format(branch=branch, next_step=step)


def _blocked(repo: Repository, change: Change, pull: Pull | None, steer: Steer) -> Done:
    if pull is None:
        return Done(Outcome.BLOCKED, branch=change.branch)
    if not steer.command:  # a command says it in its reply
        repo.comment(pull.number, blocked(change.branch, change.login, on_pull=True))
    return Done(Outcome.BLOCKED, pull.number, change.branch)


def publish(repo: Repository, change: Change, current: Pull | None, steer: Steer = SCAN) -> Done:
    """Open the pull request, or bring ``current`` (molt's pull request) up to date.

    When ``current`` comes from another branch (the policy moved on, or a maintainer asked for
    another minimum), the change goes to its own branch and ``current`` is closed pointing at it.
    """
    if current is not None and current.head_ref != change.branch:
        return _retarget(repo, change, current, steer)
    return _publish_to(repo, change, current or repo.find_pull(change.branch), steer)


def _publish_to(repo: Repository, change: Change, pull: Pull | None, steer: Steer) -> Done:
    """Never overwrite others' work, unless ``steer`` says so."""
    reopened = False
    if pull is not None and pull.state == "closed":
        if pull.merged:
            pull = None
        elif not steer.reopen:
            return Done(Outcome.IGNORED, pull.number)
        else:
            pull = _reopen(repo, pull)
            reopened = pull is not None
    title, body = pull_request.title(change.plan), _body(change)
    if pull is not None and not (steer.force or reopened):
        if not _needs_update(repo, change, pull, (title, body)):
            return Done(Outcome.UP_TO_DATE, pull.number)
    base = _base(repo, change)
    head = repo.branch(change.branch) if pull is not None else None
    if head is not None and head.author != BOT_AUTHOR and not steer.overwrite:
        return _blocked(repo, change, pull, steer)
    sha = _commit(repo, change, base)
    if not _move_branch(repo, change.branch, sha, head, steer.overwrite):
        return _blocked(repo, change, None, steer)
    if pull is not None:
        repo.update_pull(pull.number, title=title, body=body)
        return Done(Outcome.REOPENED if reopened else Outcome.UPDATED, pull.number)
    target = change.target
    opened = repo.open_pull(
        change.branch, target.default_branch, title, body, draft=change.config.draft
    )
    _opened(repo, change.config, opened)
    return Done(Outcome.OPENED, opened.number)


def _opened(repo: Repository, config: RepoConfig, pull: Pull) -> None:
    """What a new pull request gets once: labels, reviewers, assignees, auto-merge."""
    repo.add_labels(pull.number, config.labels)
    if config.reviewers:
        _request_reviews(repo, pull.number, config.reviewers)
    if config.assignees:
        repo.assign(pull.number, config.assignees)
    if config.automerge:
        automerge.enable(repo, pull)


def _request_reviews(repo: Repository, number: int, reviewers: tuple[str, ...]) -> None:
    """Ask every reviewer GitHub accepts: it refuses (422) the whole request for one login
    that may not review here, so then each is asked alone and the refused ones are skipped."""
    try:
        repo.request_reviews(number, reviewers)
        return
    except Conflict:
        if len(reviewers) == 1:
            log.warning("%s#%d: %s may not review here", repo.full_name, number, reviewers[0])
            return
    for reviewer in reviewers:
        _request_reviews(repo, number, (reviewer,))


def _retarget(repo: Repository, change: Change, old: Pull, steer: Steer) -> Done:
    """One molt pull request per repository: the new target's replaces ``old``."""
    done = _publish_to(repo, change, repo.find_pull(change.branch), steer)
    if done.outcome in (Outcome.IGNORED, Outcome.BLOCKED) or old.state != "open":
        return done
    minimum = change.plan.policy.minimum
    repo.comment(old.number, SUPERSEDED_COMMENT.format(number=done.number, minimum=minimum))
    repo.update_pull(old.number, state="closed")
    old_head = repo.branch(old.head_ref)
    if old_head is not None and old_head.author == BOT_AUTHOR:
        repo.delete_branch(old.head_ref)
    return Done(Outcome.RETARGETED, done.number)


def is_molts(pull: Pull, prefix: str) -> bool:
    """Whether ``pull`` is molt's: its branch here, named with ``prefix``, its body marked."""
    return (
        pull.own_head
        and pull.head_ref.startswith(f"{prefix}python-")
        and pull_request.MARKER in pull.body
    )


def current_pull(repo: Repository, prefix: str) -> Pull | None:
    """molt's open pull request, whatever its target: the newest, if ever there are several."""
    ours = [pull for pull in repo.open_pulls() if is_molts(pull, prefix)]
    return max(ours, key=lambda pull: pull.number, default=None)


def close_unneeded(repo: Repository, pull: Pull | None, minimum: str) -> Done:
    """Close molt's open pull request when the repository needs nothing more."""
    if pull is None or pull.state != "open":
        return Done(Outcome.NOTHING)
    repo.comment(pull.number, CLOSED_COMMENT.format(minimum=minimum))
    repo.update_pull(pull.number, state="closed")
    repo.delete_branch(pull.head_ref)
    return Done(Outcome.CLOSED, pull.number)


def file_mode(modes: Mapping[str, str], change: FileChange) -> str:
    """The mode a changed file is committed with: its own, a renamed file's old one (an
    executable stays executable), else a plain file's."""
    return modes.get(change.path) or modes.get(change.renamed_from or "") or "100644"
