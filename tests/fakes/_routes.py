"""The route table (operation id → handler) and the App, installation and rate-limit routes."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes import (
    _check_routes,
    _git_routes,
    _issue_routes,
    _pull_routes,
    _user_routes,
    app_manifests,
)
from tests.fakes import _shapes as shapes
from tests.fakes._auth import caller_of
from tests.fakes._call import Call, HTTPError, Reply, not_found, page


def create_access_token(call: Call) -> Reply:
    installation_id = int(call.params["installation_id"])
    if installation_id not in call.world.installations:
        raise not_found()
    token, expires = call.world.issue_token(installation_id)
    body = {"token": token, "expires_at": shapes.stamp(expires), "permissions": shapes.PERMISSIONS}
    return Reply(201, body | {"repository_selection": "selected"})


def get_app(call: Call) -> Reply:
    return Reply(200, shapes.app(call.api, call.world))


def list_installations(call: Call) -> Reply:
    world = call.world
    items = [
        shapes.installation(call.api, i, world.app_id, world.app_slug)
        for i in world.installations.values()
    ]
    return page(call, items)


def list_installation_repos(call: Call) -> Reply:
    if call.installation_id is None:
        raise HTTPError(403, "This endpoint requires an installation access token.")
    repos = [r for r in call.world.repos.values() if r.installation_id == call.installation_id]
    listed = page(call, [shapes.repository(call.api, r, call.world) for r in repos])
    body = {"total_count": len(repos), "repository_selection": "selected"}
    return listed._replace(body=body | {"repositories": listed.body})


def get_rate_limit(call: Call) -> Reply:
    limits, who = call.world.limits, caller_of(call.installation_id, call.actor)
    core, graphql = (limits.bucket(who, resource) for resource in ("core", "graphql"))
    return Reply(200, shapes.rate_limit(limits.primary, core, graphql))


HANDLERS: dict[str, Callable[[Call], Reply]] = {
    "apps/create-installation-access-token": create_access_token,
    "apps/get-authenticated": get_app,
    "apps/create-from-manifest": app_manifests.convert,
    "apps/list-installations": list_installations,
    "apps/list-repos-accessible-to-installation": list_installation_repos,
    "repos/get": _git_routes.get_repo,
    "git/get-tree": _git_routes.get_tree,
    "git/get-blob": _git_routes.get_blob,
    "git/create-blob": _git_routes.create_blob,
    "git/create-tree": _git_routes.create_tree,
    "git/create-commit": _git_routes.create_commit,
    "git/get-ref": _git_routes.get_ref,
    "git/create-ref": _git_routes.create_ref,
    "git/update-ref": _git_routes.update_ref,
    "git/delete-ref": _git_routes.delete_ref,
    "repos/get-content": _git_routes.get_content,
    "repos/get-branch": _git_routes.get_branch,
    "repos/download-tarball-archive": _git_routes.tarball,
    "repos/get-commit": _git_routes.get_commit,
    "repos/compare-commits": _git_routes.compare,
    "pulls/list": _pull_routes.list_pulls,
    "pulls/create": _pull_routes.create_pull,
    "pulls/get": _pull_routes.get_pull,
    "pulls/update": _pull_routes.update_pull,
    "pulls/merge": _pull_routes.merge_pull,
    "pulls/request-reviewers": _pull_routes.request_reviewers,
    "pulls/list-reviews": _pull_routes.list_reviews,
    "repos/get-collaborator-permission-level": _pull_routes.get_permission,
    "issues/list-for-repo": _issue_routes.list_issues,
    "issues/create": _issue_routes.create_issue,
    "issues/update": _issue_routes.update_issue,
    "issues/add-assignees": _issue_routes.add_assignees,
    "issues/add-labels": _issue_routes.add_labels,
    "issues/remove-label": _issue_routes.remove_label,
    "issues/list-comments": _issue_routes.list_comments,
    "issues/create-comment": _issue_routes.create_comment,
    "reactions/create-for-issue-comment": _issue_routes.create_reaction,
    "checks/create": _check_routes.create_check_run,
    "checks/list-for-ref": _check_routes.list_check_runs,
    "checks/list-suites-for-ref": _check_routes.list_check_suites,
    "repos/get-combined-status-for-ref": _check_routes.combined_status,
    "users/get-authenticated": _user_routes.get_user,
    "apps/list-installations-for-authenticated-user": _user_routes.list_installations,
    "apps/list-installation-repos-for-authenticated-user": _user_routes.list_installation_repos,
    "rate-limit/get": get_rate_limit,
}
