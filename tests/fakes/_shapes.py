"""The fake's state as GitHub's JSON: every field GitHub's schemas require, URLs on the fake."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from tests.fakes import git
from tests.fakes._limits import Bucket
from tests.fakes._state import (
    Comment,
    Installation,
    Issue,
    Pull,
    Reaction,
    Repo,
    Review,
    User,
    World,
)

JSON = dict[str, Any]
WEB = "https://github.com"
_USER_LINKS = ("followers", "following", "gists", "starred", "subscriptions", "organizations")
_REPO_LINKS = (
    "archive assignees blobs branches collaborators comments commits compare contents contributors"
    " deployments downloads events forks git_commits git_refs git_tags hooks issue_comment"
    " issue_events issues keys labels languages merges milestones notifications pulls releases"
    " stargazers statuses subscribers subscription tags teams trees"
).split()
PERMISSIONS = {"contents": "write", "pull_requests": "write", "issues": "write", "checks": "write"}
_EVENTS = ["issue_comment", "pull_request", "push", "repository"]


def stamp(when: datetime | None) -> str | None:
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, key: object) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def user_id(login: str) -> int:
    """A stable id per login, so the same user looks the same in every response."""
    return int(hashlib.sha1(login.encode()).hexdigest()[:7], 16)


def user(api: str, login: str, kind: str | None = None) -> JSON:
    kind = kind or ("Bot" if login.endswith("[bot]") else "User")
    url = f"{api}/users/{login}"
    shape: JSON = {
        "login": login,
        "id": user_id(login),
        "node_id": node_id(kind, login),
        "type": kind,
    }
    shape |= {"url": url, "html_url": f"{WEB}/{login}", "avatar_url": f"{WEB}/{login}.png"}
    shape |= {f"{name}_url": f"{url}/{name}" for name in _USER_LINKS}
    shape |= {"repos_url": f"{url}/repos", "events_url": f"{url}/events{{/privacy}}"}
    return shape | {
        "received_events_url": f"{url}/received_events",
        "gravatar_id": "",
        "site_admin": False,
    }


def repository(api: str, repo: Repo, world: World) -> JSON:
    url = f"{api}/repos/{repo.full_name}"
    pushed = max((c.committer.date for c in _commits(repo)), default=repo.created_at)
    open_pulls = sum(p.state == "open" for p in repo.pulls)
    shape: JSON = {f"{name}_url": f"{url}/{name}" for name in _REPO_LINKS}
    shape |= {"id": repo.id, "node_id": node_id("Repository", repo.id), "name": repo.name}
    shape |= {"full_name": repo.full_name, "owner": user(api, repo.owner, _owner_kind(repo, world))}
    shape |= {
        "private": repo.private,
        "fork": repo.fork,
        "archived": repo.archived,
        "disabled": False,
    }
    shape |= {
        "url": url,
        "html_url": f"{WEB}/{repo.full_name}",
        "description": None,
        "homepage": None,
    }
    shape |= {"default_branch": repo.default_branch, "language": "Python", "license": None}
    shape |= {"git_url": f"git://github.com/{repo.full_name}.git", "mirror_url": None}
    shape |= {
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "svn_url": f"{WEB}/{repo.full_name}",
    }
    shape |= {"clone_url": f"{WEB}/{repo.full_name}.git", "size": len(repo.store.objects)}
    shape |= dict.fromkeys(("forks", "forks_count", "stargazers_count", "watchers"), 0)
    shape |= {"watchers_count": 0, "network_count": 0, "subscribers_count": 0}
    shape |= {"open_issues": open_pulls, "open_issues_count": open_pulls}
    shape |= dict.fromkeys(("has_issues", "has_projects", "has_wiki", "has_downloads"), True)
    shape |= {"has_pages": False, "visibility": "private" if repo.private else "public"}
    shape |= {"allow_auto_merge": repo.allow_auto_merge}
    allowed = repo.merge_methods
    shape |= {
        "allow_merge_commit": "merge" in allowed,
        "allow_squash_merge": "squash" in allowed,
        "allow_rebase_merge": "rebase" in allowed,
    }
    times = {"created_at": repo.created_at, "updated_at": pushed, "pushed_at": pushed}
    return shape | {key: stamp(value) for key, value in times.items()}


def installation(api: str, inst: Installation, app_id: int, slug: str) -> JSON:
    url = f"{api}/app/installations/{inst.id}"
    shape: JSON = {
        "id": inst.id,
        "app_id": app_id,
        "app_slug": slug,
        "target_type": inst.account_type,
    }
    shape |= {
        "account": user(api, inst.account, inst.account_type),
        "target_id": user_id(inst.account),
    }
    shape |= {
        "access_tokens_url": f"{url}/access_tokens",
        "repositories_url": f"{api}/installation/repositories",
    }
    shape |= {
        "html_url": f"{WEB}/settings/installations/{inst.id}",
        "repository_selection": "selected",
    }
    shape |= {"permissions": PERMISSIONS, "events": _EVENTS, "single_file_name": None}
    when = stamp(inst.created_at)
    return shape | {
        "created_at": when,
        "updated_at": when,
        "suspended_by": None,
        "suspended_at": None,
    }


def app(api: str, world: World) -> JSON:
    owner = user(api, "molt-org", "Organization")
    shape: JSON = {
        "id": world.app_id,
        "slug": world.app_slug,
        "node_id": node_id("App", world.app_id),
    }
    shape |= {"owner": owner, "name": world.app_slug, "description": "", "external_url": WEB}
    shape |= {
        "html_url": f"{WEB}/apps/{world.app_slug}",
        "permissions": PERMISSIONS,
        "events": _EVENTS,
    }
    return shape | {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}


def pull(api: str, repo: Repo, pr: Pull, world: World) -> JSON:
    url = f"{api}/repos/{repo.full_name}/pulls/{pr.number}"
    issue = f"{api}/repos/{repo.full_name}/issues/{pr.number}"
    html = f"{WEB}/{repo.full_name}/pull/{pr.number}"
    comments = sum(c.issue == pr.number for c in repo.comments)
    links = {"self": url, "html": html, "issue": issue, "comments": f"{issue}/comments"}
    links |= {"review_comments": f"{url}/comments", "commits": f"{url}/commits"}
    links |= {"review_comment": f"{api}/repos/{repo.full_name}/pulls/comments{{/number}}"}
    links |= {"statuses": f"{api}/repos/{repo.full_name}/statuses/{pr.head_sha}"}
    shape: JSON = {
        f"{key}_url": value for key, value in links.items() if key not in ("self", "html")
    }
    shape |= {"_links": {key: {"href": value} for key, value in links.items()}, "url": url}
    shape |= {"html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch"}
    shape |= {
        "id": pr.number * 7919 + repo.id,
        "node_id": node_id("PullRequest", (repo.id, pr.number)),
    }
    shape |= {"number": pr.number, "state": pr.state, "locked": False, "title": pr.title}
    shape |= {"body": pr.body, "user": user(api, pr.user), "draft": pr.draft}
    shape |= {"labels": [label(api, repo, name) for name in pr.labels], "milestone": None}
    shape |= _assigned(api, pr.assignees)
    shape |= {"requested_reviewers": [user(api, login) for login in pr.requested_reviewers]}
    shape |= {"requested_teams": [_team(api, repo, slug) for slug in pr.requested_teams]}
    shape |= {"auto_merge": _auto_merge(api, pr)}
    shape |= {"head": _pull_end(api, repo, pr.head, pr.head_sha, world)}
    shape |= {"base": _pull_end(api, repo, pr.base, pr.base_sha, world)}
    shape |= {"merged": pr.merged_at is not None, "merge_commit_sha": pr.merge_commit_sha}
    shape |= _mergeable(repo, pr)
    shape |= {"merged_by": user(api, pr.merged_by) if pr.merged_by else None, "rebaseable": True}
    shape |= {"author_association": "NONE", "active_lock_reason": None}
    shape |= {"comments": comments, "review_comments": 0, "maintainer_can_modify": False}
    shape |= {"commits": 1, "additions": 0, "deletions": 0, "changed_files": 0}
    times = {"created_at": pr.created_at, "updated_at": pr.updated_at, "closed_at": pr.closed_at}
    return shape | {
        key: stamp(value) for key, value in (times | {"merged_at": pr.merged_at}).items()
    }


def issue(api: str, repo: Repo, item: Issue | Pull) -> JSON:
    """An issue as the issues API shows it; a pull request there carries ``pull_request``."""
    base = f"{api}/repos/{repo.full_name}"
    url = f"{base}/issues/{item.number}"
    kind = "pull" if isinstance(item, Pull) else "issues"
    shape: JSON = {"id": item.number * 7907 + repo.id, "url": url, "number": item.number}
    shape |= {"node_id": node_id("Issue", (repo.id, item.number)), "repository_url": base}
    shape |= {f"{name}_url": f"{url}/{name}" for name in ("comments", "events")}
    shape |= {"labels_url": f"{url}/labels{{/name}}"}
    shape |= {"html_url": f"{WEB}/{repo.full_name}/{kind}/{item.number}"}
    shape |= {"title": item.title, "body": item.body, "user": user(api, item.user)}
    shape |= {"state": item.state, "locked": False, "milestone": None}
    shape |= {"labels": [label(api, repo, name) for name in item.labels]}
    shape |= _assigned(api, item.assignees)
    shape |= {"comments": sum(c.issue == item.number for c in repo.comments)}
    shape |= {"author_association": "OWNER" if item.user == repo.owner else "NONE"}
    times = {"created_at": item.created_at, "updated_at": item.updated_at}
    shape |= {key: stamp(value) for key, value in (times | {"closed_at": item.closed_at}).items()}
    if isinstance(item, Pull):
        pull_url = f"{base}/pulls/{item.number}"
        html = f"{WEB}/{repo.full_name}/pull/{item.number}"
        links = {"url": pull_url, "html_url": html, "diff_url": f"{html}.diff"}
        shape["pull_request"] = links | {"patch_url": f"{html}.patch"}
    return shape


def review(api: str, repo: Repo, pr: Pull, found: Review) -> JSON:
    pull_url = f"{api}/repos/{repo.full_name}/pulls/{pr.number}"
    html = f"{WEB}/{repo.full_name}/pull/{pr.number}#pullrequestreview-{found.id}"
    shape: JSON = {"id": found.id, "node_id": node_id("PullRequestReview", found.id)}
    shape |= {"user": user(api, found.user), "body": found.body, "state": found.state}
    shape |= {"commit_id": found.commit_id, "html_url": html, "pull_request_url": pull_url}
    shape |= {"_links": {"html": {"href": html}, "pull_request": {"href": pull_url}}}
    association = "OWNER" if found.user == repo.owner else "COLLABORATOR"
    return shape | {"author_association": association, "submitted_at": stamp(found.submitted_at)}


def private_user(api: str, found: User) -> JSON:
    """``GET /user``: the signed-in user as they see themselves."""
    shape = user(api, found.login)
    shape |= {"name": found.name, "email": None, "bio": None, "blog": "", "company": None}
    shape |= {"location": None, "hireable": None, "twitter_username": None}
    shape |= dict.fromkeys(("followers", "following", "public_gists", "public_repos"), 0)
    shape |= dict.fromkeys(("private_gists", "total_private_repos", "owned_private_repos"), 0)
    shape |= {"disk_usage": 0, "collaborators": 0, "two_factor_authentication": True}
    when = stamp(found.created_at)
    return shape | {"created_at": when, "updated_at": when}


def comment(api: str, repo: Repo, found: Comment) -> JSON:
    url = f"{api}/repos/{repo.full_name}/issues/comments/{found.id}"
    html = f"{WEB}/{repo.full_name}/pull/{found.issue}#issuecomment-{found.id}"
    shape: JSON = {"id": found.id, "node_id": node_id("IssueComment", found.id), "url": url}
    shape |= {"html_url": html, "body": found.body, "user": user(api, found.user)}
    shape |= {"issue_url": f"{api}/repos/{repo.full_name}/issues/{found.issue}"}
    shape |= {"author_association": "OWNER" if found.user == repo.owner else "NONE"}
    return shape | {"created_at": stamp(found.created_at), "updated_at": stamp(found.updated_at)}


def reaction(api: str, found: Reaction) -> JSON:
    shape: JSON = {
        "id": found.id,
        "node_id": node_id("Reaction", found.id),
        "content": found.content,
    }
    return shape | {"user": user(api, found.user), "created_at": stamp(found.created_at)}


def permission(api: str, login: str, level: str) -> JSON:
    return {"permission": level, "role_name": level, "user": user(api, login)}


def rate_limit(limit: int, core: Bucket, graphql: Bucket) -> JSON:
    def resource(bucket: Bucket) -> JSON:
        remaining = max(limit - bucket.used, 0)
        return {"limit": limit, "remaining": remaining, "reset": bucket.reset, "used": bucket.used}

    search = {"limit": 30, "remaining": 30, "reset": core.reset, "used": 0}
    resources = {"core": resource(core), "search": search, "graphql": resource(graphql)}
    return {"resources": resources, "rate": resource(core)}


def error(message: str, errors: list[JSON] | None = None) -> JSON:
    shape: JSON = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    return shape | ({"errors": errors} if errors else {})


def _assigned(api: str, logins: list[str]) -> JSON:
    people = [user(api, login) for login in logins]
    return {"assignee": people[0] if people else None, "assignees": people}


def _mergeable(repo: Repo, pr: Pull) -> JSON:
    """GitHub's answer to "would it merge?": ``dirty`` when head and base changed one file."""
    base, head = repo.branch(pr.base), repo.branch(pr.head) or pr.head_sha
    if pr.state != "open" or base is None:
        return {"mergeable": None, "mergeable_state": "unknown"}
    clean = repo.store.merge_trees(base, head) is not None
    return {"mergeable": clean, "mergeable_state": "clean" if clean else "dirty"}


def _team(api: str, repo: Repo, slug: str) -> JSON:
    url = f"{api}/orgs/{repo.owner}/teams/{slug}"
    shape: JSON = {"id": user_id(f"team:{repo.owner}/{slug}"), "slug": slug, "name": slug}
    shape |= {"node_id": node_id("Team", slug), "url": url, "description": None, "parent": None}
    shape |= {"members_url": f"{url}/members{{/member}}", "repositories_url": f"{url}/repos"}
    return shape | {"permission": "pull", "html_url": f"{WEB}/orgs/{repo.owner}/teams/{slug}"}


def _auto_merge(api: str, pr: Pull) -> JSON | None:
    if pr.auto_merge is None:
        return None
    shape: JSON = {"enabled_by": user(api, pr.auto_merge.enabled_by)}
    shape |= {"merge_method": pr.auto_merge.merge_method}
    return shape | {"commit_title": pr.title, "commit_message": pr.body or ""}


def _owner_kind(repo: Repo, world: World) -> str:
    inst = world.installations.get(repo.installation_id or -1)
    return inst.account_type if inst and inst.account == repo.owner else "User"


def _commits(repo: Repo) -> list[git.Commit]:
    return [obj for obj in repo.store.objects.values() if isinstance(obj, git.Commit)]


def _pull_end(api: str, repo: Repo, name: str, sha: str, world: World) -> JSON:
    owner = user(api, repo.owner, _owner_kind(repo, world))
    shape: JSON = {"label": f"{repo.owner}:{name}", "ref": name, "sha": sha, "user": owner}
    return shape | {"repo": repository(api, repo, world)}


def label(api: str, repo: Repo, name: str) -> JSON:
    url = f"{api}/repos/{repo.full_name}/labels/{name}"
    shape: JSON = {"id": user_id(f"{repo.full_name}:{name}"), "node_id": node_id("Label", name)}
    return shape | {
        "url": url,
        "name": name,
        "description": "",  # the 2022 description types it as a plain string
        "color": "ededed",
        "default": False,
    }
