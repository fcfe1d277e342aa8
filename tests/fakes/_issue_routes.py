"""Routes for issues and what hangs off any issue or pull request: comments, labels, assignees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._call import Call, HTTPError, Reply, invalid, not_found, page, repo_of
from tests.fakes._state import Comment, Issue, Pull, Reaction, Repo

_SORT_KEYS = {
    "created": lambda i: i.created_at,
    "updated": lambda i: i.updated_at,
}


def list_issues(call: Call) -> Reply:
    """Issues and pull requests alike, as GitHub lists them, filtered and sorted."""
    repo = repo_of(call)
    found = [i for i in (*repo.issues.values(), *repo.pulls) if _issue_matches(i, call)]
    key = _SORT_KEYS.get(call.arg("sort") or "created", _SORT_KEYS["created"])
    found.sort(key=lambda i: (key(i), i.number), reverse=call.arg("direction") != "asc")
    return page(call, [shapes.issue(call.api, repo, i) for i in found])


def create_issue(call: Call) -> Reply:
    repo, body = repo_of(call), call.body
    if body.get("title") in (None, ""):
        raise invalid("Validation Failed", resource="Issue", field="title", code="missing_field")
    when = git.now()
    number = call.world.next_number(repo)
    found = Issue(number, str(body["title"]), body.get("body"), call.actor, when, when)
    found.labels = _label_names(body.get("labels", []))
    found.assignees = _assignee_names(body)
    repo.issues[number] = found
    reply = shapes.issue(call.api, repo, found)
    return Reply(201, reply, {"Location": reply["url"]})


def update_issue(call: Call) -> Reply:
    """Edit in place: title, body, state, and the label and assignee lists replaced whole."""
    repo, body = repo_of(call), call.body or {}
    found = _issue_or_pull(repo, call.params["issue_number"])
    if body.get("state") == "closed" and found.state == "open":
        found.close()
    elif body.get("state") == "open" and found.state == "closed":
        if isinstance(found, Pull) and found.merged_at is not None:
            raise invalid("Validation Failed", resource="Issue", field="state", code="invalid")
        found.state, found.closed_at = "open", None
    if body.get("title") is not None:
        found.title = str(body["title"])
    if "body" in body:
        found.body = body["body"]
    if "labels" in body:
        found.labels = _label_names(body["labels"])
    if "assignees" in body or "assignee" in body:
        found.assignees = _assignee_names(body)
    found.updated_at = git.now()
    return Reply(200, shapes.issue(call.api, repo, found))


def add_assignees(call: Call) -> Reply:
    repo = repo_of(call)
    found = _issue_or_pull(repo, call.params["issue_number"])
    for login in (call.body or {}).get("assignees", []):
        if login not in found.assignees:
            found.assignees.append(login)
    return Reply(201, shapes.issue(call.api, repo, found))


def add_labels(call: Call) -> Reply:
    repo = repo_of(call)
    found = _issue_or_pull(repo, call.params["issue_number"])
    for name in _label_names(call.body):
        if name not in found.labels:
            found.labels.append(name)
    return Reply(200, [shapes.label(call.api, repo, name) for name in found.labels])


def remove_label(call: Call) -> Reply:
    repo = repo_of(call)
    found = _issue_or_pull(repo, call.params["issue_number"])
    if call.params["name"] not in found.labels:
        raise HTTPError(404, "Label does not exist")
    found.labels.remove(call.params["name"])
    return Reply(200, [shapes.label(call.api, repo, name) for name in found.labels])


def list_comments(call: Call) -> Reply:
    repo = repo_of(call)
    number = _issue_or_pull(repo, call.params["issue_number"]).number
    since = call.arg("since")
    found = [c for c in repo.comments if c.issue == number]
    if since:
        found = [c for c in found if c.updated_at >= datetime.fromisoformat(since)]
    return page(call, [shapes.comment(call.api, repo, c) for c in found])


def create_comment(call: Call) -> Reply:
    repo = repo_of(call)
    number = _issue_or_pull(repo, call.params["issue_number"]).number
    when = git.now()
    found = Comment(call.world.next_id(), number, call.body["body"], call.actor, when, when)
    repo.comments.append(found)
    reply = shapes.comment(call.api, repo, found)
    return Reply(201, reply, {"Location": reply["url"]})


def create_reaction(call: Call) -> Reply:
    repo, comment_id = repo_of(call), int(call.params["comment_id"])
    if not any(c.id == comment_id for c in repo.comments):
        raise not_found()
    content, world = call.body["content"], call.world
    for old in world.reactions:
        if (old.comment_id, old.content, old.user) == (comment_id, content, call.actor):
            return Reply(200, shapes.reaction(call.api, old))
    made = Reaction(world.next_id(), comment_id, content, call.actor, git.now())
    world.reactions.append(made)
    return Reply(201, shapes.reaction(call.api, made))


def _issue_matches(found: Issue | Pull, call: Call) -> bool:
    state = call.arg("state", "open")
    if state != "all" and found.state != state:
        return False
    wanted = [name for name in (call.arg("labels") or "").split(",") if name]
    if any(name not in found.labels for name in wanted):
        return False
    if call.arg("creator") not in (None, found.user):
        return False
    since = call.arg("since")
    if since and found.updated_at < datetime.fromisoformat(since):
        return False
    assignee = call.arg("assignee")
    if assignee == "none":
        return not found.assignees
    if assignee == "*":
        return bool(found.assignees)
    return assignee is None or assignee in found.assignees


def _issue_or_pull(repo: Repo, number: str) -> Issue | Pull:
    found = repo.issue_or_pull(int(number))
    if found is None:
        raise not_found()
    return found


def _label_names(body: Any) -> list[str]:
    items = body.get("labels", []) if isinstance(body, dict) else body
    items = [items] if isinstance(items, str) else items
    return [item["name"] if isinstance(item, dict) else str(item) for item in items]


def _assignee_names(body: dict[str, Any]) -> list[str]:
    names = list(body.get("assignees") or [])
    single = body.get("assignee")
    return [*names, single] if single and single not in names else names
