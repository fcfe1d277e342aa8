"""Checks and statuses as GitHub's JSON: check runs, check suites, the combined status."""

from __future__ import annotations

from typing import Any

from tests.fakes import _shapes as shapes
from tests.fakes._state import CheckRun, CheckSuite, Repo, Status, World

JSON = dict[str, Any]
_STATUS_ORDER = ("error", "failure", "pending", "success")  # the worst one names the whole


def check_run(api: str, repo: Repo, run: CheckRun, world: World) -> JSON:
    url = f"{api}/repos/{repo.full_name}/check-runs/{run.id}"
    output = {"title": run.title, "summary": run.summary, "text": None, "annotations_count": 0}
    output["annotations_url"] = f"{url}/annotations"
    app_slug = run.app_slug or world.app_slug
    suites = (s for s in repo.check_suites if (s.head_sha, s.app_slug) == (run.head_sha, app_slug))
    suite = next((s.id for s in suites), run.id)
    shape: JSON = {"id": run.id, "node_id": shapes.node_id("CheckRun", run.id)}
    shape |= {"head_sha": run.head_sha, "name": run.name, "url": url}
    shape |= {"html_url": f"{shapes.WEB}/{repo.full_name}/runs/{run.id}"}
    shape |= {"details_url": run.details_url, "external_id": run.external_id, "output": output}
    shape |= {"status": run.status, "conclusion": run.conclusion, "check_suite": {"id": suite}}
    shape |= {"app": app(api, world, run.app_slug), "pull_requests": []}
    started, completed = shapes.stamp(run.started_at), shapes.stamp(run.completed_at)
    return shape | {"started_at": started, "completed_at": completed}


def check_suite(api: str, repo: Repo, suite: CheckSuite, world: World) -> JSON:
    url = f"{api}/repos/{repo.full_name}/check-suites/{suite.id}"
    names = {
        r.name
        for r in repo.check_runs
        if (r.head_sha, r.app_slug or world.app_slug) == (suite.head_sha, suite.app_slug)
    }
    shape: JSON = {"id": suite.id, "node_id": shapes.node_id("CheckSuite", suite.id), "url": url}
    shape |= {"head_branch": suite.head_branch, "head_sha": suite.head_sha}
    shape |= {"status": suite.status, "conclusion": suite.conclusion}
    shape |= {"before": None, "after": suite.head_sha, "pull_requests": []}
    shape |= {"app": app(api, world, suite.app_slug), "head_commit": _head_commit(repo, suite)}
    shape |= {"repository": shapes.repository(api, repo, world)}
    shape |= {"latest_check_runs_count": len(names), "check_runs_url": f"{url}/check-runs"}
    when = shapes.stamp(suite.created_at)
    return shape | {"created_at": when, "updated_at": when}


def combined_status(api: str, repo: Repo, sha: str, found: list[Status], world: World) -> JSON:
    """GitHub's roll-up: the worst state, ``pending`` when there is none."""
    states = {s.state for s in found}
    state = next((s for s in _STATUS_ORDER if s in states), "pending")
    state = "failure" if state == "error" else state
    url = f"{api}/repos/{repo.full_name}/commits/{sha}/status"
    shape: JSON = {"state": state, "sha": sha, "total_count": len(found), "url": url}
    shape |= {"statuses": [status(api, repo, s) for s in found]}
    shape |= {"repository": shapes.repository(api, repo, world)}
    return shape | {"commit_url": f"{api}/repos/{repo.full_name}/commits/{sha}"}


def status(api: str, repo: Repo, found: Status) -> JSON:
    url = f"{api}/repos/{repo.full_name}/statuses/{found.sha}"
    shape: JSON = {"id": found.id, "node_id": shapes.node_id("StatusContext", found.id)}
    shape |= {"state": found.state, "context": found.context, "url": url}
    # The 2022 description types target_url as a plain string; GitHub sends null for none.
    shape |= {"description": found.description, "target_url": found.target_url or ""}
    shape |= {"avatar_url": f"{shapes.WEB}/{found.context}.png", "creator": None}
    when = shapes.stamp(found.created_at)
    return shape | {"created_at": when, "updated_at": when}


def app(api: str, world: World, slug: str | None) -> JSON:
    """The App itself, or another App (a CI) by its slug."""
    shape = shapes.app(api, world)
    if slug is None or slug == world.app_slug:
        return shape
    other: JSON = {"id": shapes.user_id(slug), "slug": slug, "name": slug}
    other |= {"node_id": shapes.node_id("App", slug), "html_url": f"{shapes.WEB}/apps/{slug}"}
    return shape | other


def _head_commit(repo: Repo, suite: CheckSuite) -> JSON:
    found = repo.store.commit(suite.head_sha)
    if found is None:  # a sha the test made up: GitHub would never have one
        when = shapes.stamp(suite.created_at)
        shape: JSON = {"id": suite.head_sha, "tree_id": suite.head_sha, "message": ""}
        return shape | {"timestamp": when, "author": None, "committer": None}
    author = {"name": found.author.name, "email": found.author.email}
    person = {"name": found.committer.name, "email": found.committer.email}
    shape = {"id": suite.head_sha, "tree_id": found.tree, "message": found.message}
    shape |= {"timestamp": shapes.stamp(found.committer.date), "author": author}
    return shape | {"committer": person}
