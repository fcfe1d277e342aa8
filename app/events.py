"""What each webhook event means for molt: one small function per event, in one table.

Handlers run inside a job.  They decide which repositories to scan; ``Scanner`` does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from app import ci_results, commands, pull_request
from app.outcome import Target

Payload = dict[str, Any]


class Scanner(Protocol):
    """What handlers may ask of the job layer."""

    def scan(self, installation_id: int, target: Target, *, on_push: bool = False) -> None:
        """Queue one repository for an upgrade run."""

    def scan_installation(self, installation_id: int, only: frozenset[str] | None = None) -> None:
        """Queue every repository of an installation (or those named in ``only``).

        The installation's repository listing carries default branch, archived and fork flags
        for 100 repositories per request, so no repository costs a request of its own.
        """

    def forget_installation(self, installation_id: int) -> None:
        """Drop queued work of an uninstalled installation."""

    def delete_branch(self, installation_id: int, full_name: str, branch: str) -> None:
        """Delete a merged molt branch."""

    def command(self, installation_id: int, request: commands.Request) -> None:
        """Queue a comment (or a ticked check-box) that may hold commands."""

    def follow_checks(self, installation_id: int, target: Target, branch: str, sha: str) -> None:
        """Queue a look at the CI of the pull request from ``branch`` at commit ``sha``."""


Handler = Callable[[Scanner, int, Payload], None]


def target_of(repository: Payload) -> Target:
    """The scan target described by a webhook's ``repository`` object."""
    return Target(
        full_name=repository["full_name"],
        default_branch=repository.get("default_branch") or "main",
        archived=bool(repository.get("archived")),
        fork=bool(repository.get("fork")),
    )


def on_installation_created(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A new installation: scan the repositories it was given."""
    names = frozenset(r["full_name"] for r in payload.get("repositories") or [])
    scanner.scan_installation(installation_id, names or None)


def on_repositories_added(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """Repositories added to an installation: scan each."""
    names = frozenset(r["full_name"] for r in payload.get("repositories_added") or [])
    if names:
        scanner.scan_installation(installation_id, names)


def on_installation_deleted(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """Uninstalled: drop its queued work."""
    scanner.forget_installation(installation_id)


def on_push(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A push to the default branch may make the pull request stale or unneeded."""
    repository = payload["repository"]
    if payload.get("deleted") or payload["ref"] != f"refs/heads/{repository['default_branch']}":
        return
    scanner.scan(installation_id, target_of(repository), on_push=True)


def on_pull_request_closed(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A merged molt pull request: delete its branch. Unmerged: the closed PR is the record."""
    pull = payload["pull_request"]
    branch = pull["head"]["ref"]
    head_repo = pull["head"].get("repo") or {}
    same_repository = head_repo.get("id") == pull["base"]["repo"]["id"]
    if pull.get("merged") and same_repository and pull_request.MARKER in (pull.get("body") or ""):
        scanner.delete_branch(installation_id, payload["repository"]["full_name"], branch)


def on_issue_comment(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A new comment may command molt; bots' comments never do (no bot-to-bot loops)."""
    comment = payload["comment"]
    if commands.is_bot(comment["user"]):
        return
    request = commands.Request(
        target_of(payload["repository"]),
        payload["issue"]["number"],
        comment["id"],
        comment.get("body") or "",
        comment["user"]["login"],
    )
    scanner.command(installation_id, request)


def on_pull_request_edited(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """Someone ticked "rebase/retry this PR" in molt's pull request: a ``rebase`` command."""
    pull, sender = payload["pull_request"], payload["sender"]
    body = pull.get("body") or ""
    if commands.is_bot(sender) or pull_request.MARKER not in body:
        return
    if pull.get("state") != "open" or not pull_request.box_ticked(body):
        return
    target = target_of(payload["repository"])
    request = commands.Request(target, pull["number"], None, "", sender["login"])
    scanner.command(installation_id, request)


def _follow(
    scanner: Scanner, installation_id: int, payload: Payload, branch: str | None, sha: str
) -> None:
    if branch is not None and ci_results.is_molt_branch(branch):
        target = target_of(payload["repository"])
        scanner.follow_checks(installation_id, target, branch, sha)


def on_check_suite_completed(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """One App's checks finished on a commit: if on molt's branch, see whether all did."""
    suite = payload["check_suite"]
    _follow(scanner, installation_id, payload, suite.get("head_branch"), suite["head_sha"])


def on_check_run_completed(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A check run finished on a commit: if on molt's branch, see whether all did."""
    run = payload["check_run"]
    branch = (run.get("check_suite") or {}).get("head_branch")
    _follow(scanner, installation_id, payload, branch, run["head_sha"])


def on_status(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """A commit status settled: if on the tip of molt's branch, see whether all checks did."""
    sha = payload["sha"]
    if payload["state"] == "pending":
        return
    for branch in payload.get("branches") or []:
        if branch["commit"]["sha"] == sha:
            _follow(scanner, installation_id, payload, branch["name"], sha)


def on_review_decided(scanner: Scanner, installation_id: int, payload: Payload) -> None:
    """An approval (or a dismissed review) may let ``automerge`` merge molt's pull request."""
    if payload["action"] == "submitted" and payload["review"]["state"] != "approved":
        return
    head = payload["pull_request"]["head"]
    _follow(scanner, installation_id, payload, head["ref"], head["sha"])


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("installation", "created"): on_installation_created,
    ("installation_repositories", "added"): on_repositories_added,
    ("installation", "deleted"): on_installation_deleted,
    ("push", None): on_push,
    ("pull_request", "closed"): on_pull_request_closed,
    ("pull_request", "edited"): on_pull_request_edited,
    ("issue_comment", "created"): on_issue_comment,
    ("check_suite", "completed"): on_check_suite_completed,
    ("check_run", "completed"): on_check_run_completed,
    ("status", None): on_status,
    ("pull_request_review", "submitted"): on_review_decided,
    ("pull_request_review", "dismissed"): on_review_decided,
}


def handler_for(name: str, action: str | None) -> Handler | None:
    """The handler of event ``name`` with ``action``: its own, or the one for every action."""
    return HANDLERS.get((name, action)) or HANDLERS.get((name, None))


def handle(
    scanner: Scanner, name: str, action: str | None, installation_id: int, payload: Payload
) -> bool:
    """Run the handler of event ``name``/``action``; False when there is none."""
    handler = handler_for(name, action)
    if handler is None:
        return False
    handler(scanner, installation_id, payload)
    return True
