"""The few issue calls the tracking issue needs, and reading one file of a repository."""

from __future__ import annotations

import base64
from typing import NamedTuple
from urllib.parse import quote

import github

from app.errors import NotFound
from app.github.failures import translated


class Issue(NamedTuple):
    """An issue as the tracking issue needs it."""

    number: int
    state: str
    title: str
    body: str


def _issue(data: dict[str, object]) -> Issue:
    return Issue(
        int(str(data["number"])), str(data["state"]), str(data["title"]), str(data["body"] or "")
    )


def find_issue(
    client: github.Github, full_name: str, marker: str, number: int | None = None
) -> Issue | None:
    """Issue ``number`` if given and listed, else the newest whose body holds ``marker``, among
    the 100 issues (open or closed) updated last."""
    with translated():
        _, data = client.requester.requestJsonAndCheck(
            "GET",
            f"/repos/{full_name}/issues",
            parameters={"state": "all", "per_page": 100, "sort": "updated", "direction": "desc"},
        )
    issues = [_issue(d) for d in data if "pull_request" not in d]
    known = [issue for issue in issues if issue.number == number]
    found = known or [issue for issue in issues if marker in issue.body]
    return max(found, key=lambda issue: issue.number, default=None)


def create_issue(client: github.Github, full_name: str, title: str, body: str) -> Issue:
    """Open a new issue."""
    with translated():
        _, data = client.requester.requestJsonAndCheck(
            "POST", f"/repos/{full_name}/issues", input={"title": title, "body": body}
        )
    return _issue(data)


def edit_issue(client: github.Github, full_name: str, number: int, **changes: str) -> None:
    """Change an issue's ``title``, ``body`` or ``state``."""
    with translated():
        client.requester.requestJsonAndCheck(
            "PATCH", f"/repos/{full_name}/issues/{number}", input=changes
        )


def read_file(client: github.Github, full_name: str, path: str) -> str | None:
    """The text of ``path`` on the default branch, or None when there is no such file."""
    try:
        with translated():
            _, data = client.requester.requestJsonAndCheck(
                "GET", f"/repos/{full_name}/contents/{quote(path)}"
            )
    except NotFound:
        return None
    if not isinstance(data, dict) or data.get("type") != "file":
        return None
    return base64.b64decode(str(data.get("content") or "")).decode("utf-8", "replace")
