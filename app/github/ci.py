"""What GitHub says about a commit's CI and a pull request's reviews, as molt's own values."""

from __future__ import annotations

from typing import Any, NamedTuple

# What fails a check run; neutral and skipped pass, as in GitHub's merge box.
FAILING_CONCLUSIONS = frozenset(
    {"failure", "timed_out", "cancelled", "action_required", "startup_failure"}
)


class CheckSuite(NamedTuple):
    """One App's suite of check runs on a commit."""

    status: str  # queued, in_progress, completed (GitHub Actions also: requested, waiting, …)
    conclusion: str | None
    runs: int  # latest_check_runs_count: 0 for an App that never ran anything on the commit


class CheckRun(NamedTuple):
    """One check run (the latest of its name) on a commit."""

    name: str
    status: str
    conclusion: str | None
    url: str  # the run's page on GitHub


class CommitStatus(NamedTuple):
    """The latest commit status of one context (the older API some CIs use)."""

    context: str
    state: str  # error, failure, pending or success
    url: str | None  # target_url: the CI's page, when it gave one


class Review(NamedTuple):
    """One submitted review of a pull request."""

    author: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED


def check_suite(data: dict[str, Any]) -> CheckSuite:
    return CheckSuite(
        str(data["status"]), data.get("conclusion"), int(data.get("latest_check_runs_count") or 0)
    )


def check_run(data: dict[str, Any]) -> CheckRun:
    url = data.get("html_url") or data.get("details_url") or ""
    return CheckRun(str(data["name"]), str(data["status"]), data.get("conclusion"), str(url))


def commit_status(data: dict[str, Any]) -> CommitStatus:
    return CommitStatus(str(data["context"]), str(data["state"]), data.get("target_url"))


def review(data: dict[str, Any]) -> Review:
    return Review(str((data.get("user") or {}).get("login") or ""), str(data["state"]))
