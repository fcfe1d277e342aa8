"""``automerge: true``: GitHub's auto-merge on a new molt pull request, or, where the repository
does not allow it, a merge by molt once every check has passed and no review requests changes."""

from __future__ import annotations

from collections.abc import Iterable

from app.github import Pull, Repository, Review

# The review states that decide a reviewer's verdict; a later comment-only review keeps it.
DECIDING = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})


def enable(repo: Repository, pull: Pull) -> bool:
    """Ask GitHub to merge ``pull`` when its required checks pass; False when it will not
    (auto-merge not allowed in the repository, or no check left to wait for)."""
    return repo.enable_auto_merge(pull.node_id)


def changes_requested(reviews: Iterable[Review]) -> bool:
    """Whether a reviewer's latest deciding review requests changes."""
    latest = {review.author: review.state for review in reviews if review.state in DECIDING}
    return "CHANGES_REQUESTED" in latest.values()


def merge_passed(repo: Repository, pull: Pull) -> bool:
    """Merge ``pull``, whose checks have all passed, unless GitHub's auto-merge will, or a
    review requests changes; False when it is left open."""
    if pull.auto_merge or pull.state != "open":
        return False
    if changes_requested(repo.reviews(pull.number)):
        return False
    return repo.merge(pull.number, pull.head_sha)
