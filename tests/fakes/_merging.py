"""Merging a pull request: the merge commit, whether it is ready, and GitHub's auto-merge.

Readiness is judged only on a repository with required checks (``fake.protect_branch``), as
GitHub judges it under branch protection: ``BLOCKED`` until every required check has passed
on the head, then ``CLEAN`` (or ``UNSTABLE`` while another check fails or runs, ``DIRTY`` on
a conflict). Auto-merge waits while ``BLOCKED`` and merges as soon as it is not.
"""

from __future__ import annotations

from tests.fakes import git
from tests.fakes._state import Pull, Repo

_PASSED = frozenset({"success", "neutral", "skipped"})


def merge(repo: Repo, pr: Pull, method: str, by: str) -> str | None:
    """Merge (or squash, or rebase as one commit) the head into the base; None on a conflict."""
    base, head = repo.branch(pr.base), repo.branch(pr.head) or pr.head_sha
    assert base is not None
    tree = repo.store.merge_trees(base, head)
    if tree is None:
        return None
    parents = (base, head) if method == "merge" else (base,)
    person = git.Person(by, f"{by}@example.com", git.now())
    merged = f"Merge pull request #{pr.number}"
    title = merged if method == "merge" else f"{pr.title} (#{pr.number})"
    sha = repo.store.put(git.Commit(tree, parents, person, person, title))
    repo.store.refs[f"refs/heads/{pr.base}"] = sha
    pr.close()
    pr.merged_at, pr.merge_commit_sha, pr.merged_by = pr.closed_at, sha, by
    return sha


def merge_state(repo: Repo, pr: Pull) -> str | None:
    """GraphQL's ``mergeStateStatus`` under required checks; None when none are required."""
    if repo.required_checks is None:
        return None
    results = check_results(repo, pr.head_sha)
    if any(results.get(name) not in _PASSED for name in repo.required_checks):
        return "BLOCKED"
    base = repo.branch(pr.base)
    if base is None or repo.store.merge_trees(base, pr.head_sha) is None:
        return "DIRTY"
    return "CLEAN" if all(r in _PASSED for r in results.values()) else "UNSTABLE"


def check_results(repo: Repo, sha: str) -> dict[str, str | None]:
    """Latest conclusion per check-run name and status context on ``sha`` (None: still running)."""
    found: dict[str, str | None] = {}
    for run in sorted((r for r in repo.check_runs if r.head_sha == sha), key=lambda r: r.id):
        found[run.name] = run.conclusion if run.status == "completed" else None
    for status in sorted((s for s in repo.statuses if s.sha == sha), key=lambda s: s.id):
        found[status.context] = None if status.state == "pending" else status.state
    return found


def settle_auto_merge(repo: Repo) -> None:
    """GitHub merges a pull request with auto-merge on once its required checks have passed."""
    for pr in list(repo.pulls):
        ready = merge_state(repo, pr) in ("CLEAN", "UNSTABLE")
        if pr.state == "open" and pr.auto_merge is not None and ready:
            merge(repo, pr, pr.auto_merge.merge_method, pr.auto_merge.enabled_by)
