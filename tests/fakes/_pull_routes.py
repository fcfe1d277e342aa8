"""Routes for pull requests: open, edit, merge, reviewers and reviews; and who may do what."""

from __future__ import annotations

from typing import Any

from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._call import Call, HTTPError, Reply, invalid, not_found, page, repo_of
from tests.fakes._merging import merge
from tests.fakes._state import NOT_ALLOWED, Pull, Repo


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


def merge_pull(call: Call) -> Reply:
    repo, body = repo_of(call), call.body or {}
    pr = _pull(repo, call.params["pull_number"])
    if pr.state != "open":
        raise HTTPError(405, "Pull Request is not mergeable")
    if body.get("sha") not in (None, pr.head_sha):
        raise HTTPError(409, "Head branch was modified. Review and try the merge again.")
    method = body.get("merge_method", "merge")
    if method not in repo.merge_methods:
        raise HTTPError(405, NOT_ALLOWED[method])
    sha = merge(repo, pr, method, call.actor)
    if sha is None:
        raise HTTPError(405, "Pull Request is not mergeable")
    return Reply(200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


def request_reviewers(call: Call) -> Reply:
    repo = repo_of(call)
    pr = _pull(repo, call.params["pull_number"])
    wanted, teams = call.body.get("reviewers", []), call.body.get("team_reviewers", [])
    if pr.user in wanted:
        raise invalid("Review cannot be requested from pull request author.")
    strangers = [u for u in wanted if u != repo.owner and repo.permissions.get(u, "none") == "none"]
    if strangers:
        raise invalid(
            "Reviews may only be requested from collaborators. One or more of the users or teams"
            f" you specified is not a collaborator of the {repo.full_name} repository."
        )
    pr.requested_reviewers += [login for login in wanted if login not in pr.requested_reviewers]
    pr.requested_teams += [slug for slug in teams if slug not in pr.requested_teams]
    return Reply(201, shapes.pull(call.api, repo, pr, call.world))


def list_reviews(call: Call) -> Reply:
    repo = repo_of(call)
    pr = _pull(repo, call.params["pull_number"])
    return page(call, [shapes.review(call.api, repo, pr, r) for r in pr.reviews])


def get_permission(call: Call) -> Reply:
    repo, login = repo_of(call), call.params["username"]
    level = repo.permissions.get(login, "admin" if login == repo.owner else "read")
    return Reply(200, shapes.permission(call.api, login, level))


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
