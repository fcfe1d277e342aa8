"""A commit's CI result, as the dashboard shows it beside a pull request."""

from __future__ import annotations

from urllib.parse import quote

import github

from app.github.ci import FAILING_CONCLUSIONS
from app.github.failures import translated


def ci_state(client: github.Github, full_name: str, sha: str) -> str | None:
    """``success``, ``failure`` or ``pending`` for the check runs on ``sha``; None without any.

    One request: the first 100 check runs (GitHub Actions and most CI services report there).
    """
    url = f"/repos/{full_name}/commits/{quote(sha, safe='')}/check-runs"
    with translated():
        _, data = client.requester.requestJsonAndCheck("GET", url, parameters={"per_page": 100})
    return summarise(data.get("check_runs") or [])


def summarise(runs: list[dict[str, object]]) -> str | None:
    """One word for a list of check runs: any failing → failure, any running → pending."""
    if not runs:
        return None
    if any(run.get("conclusion") in FAILING_CONCLUSIONS for run in runs):
        return "failure"
    if any(run.get("status") != "completed" for run in runs):
        return "pending"
    return "success"
