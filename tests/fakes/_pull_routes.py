"""Routes for pull requests and what hangs off them: comments, labels, reactions, checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._call import Call, HTTPError, Reply, invalid, not_found, page, repo_of
from tests.fakes._state import CheckRun, Comment, Pull, Reaction, Repo


def list_pulls(call: Call) -> Reply:
    repo = repo_of(call)
    found = [p for p in repo.pulls if _pull_matches(repo, p, call)]
    key = "updated_at" if call.arg("sort") == "updated" else "created_at"
    found.sort(key=lambda p: (getattr(p, key), p.number), reverse=call.arg("direction") != "asc")
    return page(call, [shapes.pull(call.api, repo, p, call.world) for p in found])


def create_pull(call: Call) -> Reply:
    repo, body = repo_of(call), call.body
    head, base = body["head"].rpartition(":")[2], body["base"]
    head_sha, base_sha = _check_new_pull(repo, body)
    when = git.now()
    number = call.world.next_number(repo)
    pr = Pull(
        number,
        body.get("title", ""),
        body.get("body"),
        head,
        base,
        head_sha,
        base_sha,
        call.actor,
        when,
        when,
        draft=body.get("draft", False),
    )
    repo.pulls.append(pr)
    reply = shapes.pull(call.api, repo, pr, call.world)
    return Reply(201, reply, {"Location": reply["url"]})


def _check_new_pull(repo: Repo, body: dict[str, Any]) -> tuple[str, str]:
    """Head and base commit ids, or GitHub's 422 for each reason it refuses a pull request."""
    owner, _, head = body["head"].rpartition(":")
    head_sha, base_sha = repo.branch(head), repo.branch(body["base"])
    if owner not in ("", repo.owner) or head_sha is None:
        raise _refused(field="head", code="invalid")
    if base_sha is None:
        raise _refused(field="base", code="invalid")
    if any(p.state == "open" and p.head == head for p in repo.pulls):
        raise _refused(
            code="custom", message=f"A pull request already exists for {repo.owner}:{head}."
        )
    if repo.store.is_ancestor(head_sha, base_sha):
        raise _refused(code="custom", message=f"No commits between {body['base']} and {head}")
    if not body.get("title"):
        raise _refused(field="title", code="missing_field")
    return head_sha, base_sha


def _refused(**error: str) -> HTTPError:
    return invalid("Validation Failed", resource="PullRequest", **error)


def get_pull(call: Call) -> Reply:
    repo = repo_of(call)
    pr = _pull(repo, call.params["pull_number"])
    return Reply(200, shapes.pull(call.api, repo, pr, call.world))


def update_pull(call: Call) -> Reply:
    repo = repo_of(call)
    pr, body = _pull(repo, call.params["pull_number"]), call.body or {}
    if body.get("state") == "closed" and pr.state == "open":
        pr.close()
    elif body.get("state") == "open" and pr.state == "closed":
        if pr.merged_at is not None or repo.branch(pr.head) is None:
            raise _refused(field="state", code="invalid")
        pr.state, pr.closed_at = "open", None
    for key in ("title", "body", "base"):
        if key in body:
            setattr(pr, key, body[key])
    pr.updated_at = git.now()
    return Reply(200, shapes.pull(call.api, repo, pr, call.world))


def list_comments(call: Call) -> Reply:
    repo = repo_of(call)
    number = _issue(repo, call.params["issue_number"])
    since = call.arg("since")
    found = [c for c in repo.comments if c.issue == number]
    if since:
        found = [c for c in found if c.updated_at >= datetime.fromisoformat(since)]
    return page(call, [shapes.comment(call.api, repo, c) for c in found])


def create_comment(call: Call) -> Reply:
    repo = repo_of(call)
    number = _issue(repo, call.params["issue_number"])
    when = git.now()
    found = Comment(call.world.next_id(), number, call.body["body"], call.actor, when, when)
    repo.comments.append(found)
    reply = shapes.comment(call.api, repo, found)
    return Reply(201, reply, {"Location": reply["url"]})


def add_labels(call: Call) -> Reply:
    repo = repo_of(call)
    pr = _pull(repo, call.params["issue_number"])
    for name in _label_names(call.body):
        if name not in pr.labels:
            pr.labels.append(name)
    return Reply(200, shapes.pull(call.api, repo, pr, call.world)["labels"])


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


def get_permission(call: Call) -> Reply:
    repo, login = repo_of(call), call.params["username"]
    level = repo.permissions.get(login, "admin" if login == repo.owner else "read")
    return Reply(200, shapes.permission(call.api, login, level))


def create_check_run(call: Call) -> Reply:
    repo, body = repo_of(call), call.body
    output, status = body.get("output", {}), body.get("status", "queued")
    when = git.now()
    run = CheckRun(
        call.world.next_id(),
        body["name"],
        body["head_sha"],
        status,
        body.get("conclusion"),
        output.get("title"),
        output.get("summary"),
        body.get("details_url"),
        body.get("external_id"),
        when,
        when if status == "completed" else None,
    )
    repo.check_runs.append(run)
    return Reply(201, shapes.check_run(call.api, repo, run, call.world))


def _pull_matches(repo: Repo, pr: Pull, call: Call) -> bool:
    state = call.arg("state", "open")
    if state != "all" and pr.state != state:
        return False
    if call.arg("base") not in (None, pr.base):
        return False
    head = call.arg("head")
    if head is None:
        return True
    owner, _, branch = head.partition(":")
    return owner == repo.owner and branch in ("", pr.head)


def _pull(repo: Repo, number: str) -> Pull:
    found = repo.pull(int(number))
    if found is None:
        raise not_found()
    return found


def _issue(repo: Repo, number: str) -> int:
    """Pull requests are issues too; plain issues have only a number here."""
    if int(number) in repo.issues:
        return int(number)
    return _pull(repo, number).number


def _label_names(body: Any) -> list[str]:
    items = body.get("labels", []) if isinstance(body, dict) else body
    items = [items] if isinstance(items, str) else items
    return [item["name"] if isinstance(item, dict) else item for item in items]
