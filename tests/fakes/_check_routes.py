"""Routes for what CI reports on a commit: check runs, check suites, commit statuses."""

from __future__ import annotations

import re

from tests.fakes import _check_shapes as check_shapes
from tests.fakes import git
from tests.fakes._call import Call, Reply, not_found, page, repo_of
from tests.fakes._merging import settle_auto_merge
from tests.fakes._state import CheckRun, Repo, Status

_SHA = re.compile(r"[0-9a-f]{40}")


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
    settle_auto_merge(repo)
    return Reply(201, check_shapes.check_run(call.api, repo, run, call.world))


def list_check_runs(call: Call) -> Reply:
    """The runs on a commit; ``filter=latest`` (the default) keeps the newest run per name."""
    repo, sha = _repo_and_sha(call)
    runs = [r for r in repo.check_runs if r.head_sha == sha and _run_matches(r, call)]
    if call.arg("filter", "latest") == "latest":
        newest = {r.name: r for r in sorted(runs, key=lambda r: (r.started_at, r.id))}
        runs = [r for r in runs if newest[r.name] is r]
    shaped = [check_shapes.check_run(call.api, repo, r, call.world) for r in runs]
    listed = page(call, shaped)
    return listed._replace(body={"total_count": len(runs), "check_runs": listed.body})


def list_check_suites(call: Call) -> Reply:
    repo, sha = _repo_and_sha(call)
    suites = [s for s in repo.check_suites if s.head_sha == sha and _by_app(call, s.app_slug)]
    shaped = [check_shapes.check_suite(call.api, repo, s, call.world) for s in suites]
    listed = page(call, shaped)
    return listed._replace(body={"total_count": len(suites), "check_suites": listed.body})


def combined_status(call: Call) -> Reply:
    repo, sha = _repo_and_sha(call)
    latest: dict[str, Status] = {}
    for found in sorted((s for s in repo.statuses if s.sha == sha), key=lambda s: s.id):
        latest[found.context] = found
    newest_first = sorted(latest.values(), key=lambda s: s.id, reverse=True)
    return Reply(200, check_shapes.combined_status(call.api, repo, sha, newest_first, call.world))


def _repo_and_sha(call: Call) -> tuple[Repo, str]:
    """A branch, tag or commit id; a made-up full sha is taken as is (a test's CI used it)."""
    repo, ref = repo_of(call), call.params["ref"]
    sha = repo.store.resolve(ref) or (ref if _SHA.fullmatch(ref) else None)
    if sha is None:
        raise not_found()
    return repo, sha


def _run_matches(run: CheckRun, call: Call) -> bool:
    name, status = call.arg("check_name"), call.arg("status")
    if name not in (None, run.name) or status not in (None, run.status):
        return False
    return _by_app(call, run.app_slug)


def _by_app(call: Call, app_slug: str | None) -> bool:
    """The ``app_id`` filter: the App itself, or another by the id its shape gives it."""
    app_id = call.arg("app_id")
    return app_id is None or check_shapes.app(call.api, call.world, app_slug)["id"] == int(app_id)
