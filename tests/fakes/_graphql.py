"""``POST /graphql``: only the mutations molt sends, enabling and disabling auto-merge.

Enabling is refused where the repository does not allow auto-merge and, under required
checks, when nothing is left to wait for (``_merging``), in GitHub's words.

The input comes from ``variables.input`` (PyGithub's ``enable_automerge`` sends it so) or
inline (``input: {pullRequestId: "…", mergeMethod: SQUASH}``). Errors are GraphQL's: HTTP 200
with ``errors`` and the mutation's ``data`` null. Any other query is reported as off-spec.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._merging import merge_state
from tests.fakes._state import NOT_ALLOWED, AutoMerge, Pull, Repo, World

_MUTATION = re.compile(r"\b(enablePullRequestAutoMerge|disablePullRequestAutoMerge)\s*\(")
_INLINE = re.compile(r'(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(\w+))')
_NOT_ALLOWED = "Pull request Auto merge is not allowed for this repository"


class Unsupported(Exception):
    """A query the fake does not serve: a gap in the fake, not an answer GitHub would give."""


def answer(world: World, installation_id: int | None, actor: str, body: Any) -> dict[str, Any]:
    """The JSON GitHub would answer with (always HTTP 200), or ``Unsupported``."""
    query = body.get("query", "") if isinstance(body, dict) else ""
    found = _MUTATION.search(query)
    if found is None:
        raise Unsupported(f"POST /graphql: the fake serves no such query: {query[:120]!r}")
    name = found.group(1)
    given = _input(query, body.get("variables") or {})
    node = str(given.get("pullRequestId", ""))
    located = _pull_by_node(world, node)
    if located is None or installation_id not in (None, located[0].installation_id):
        message = f"Could not resolve to a node with the global id of '{node}'."
        return _error(name, "NOT_FOUND", message)
    repo, pr = located
    if name == "disablePullRequestAutoMerge":
        pr.auto_merge = None
    elif not repo.allow_auto_merge:
        return _error(name, "UNPROCESSABLE", _NOT_ALLOWED)
    elif pr.state != "open":
        return _error(name, "UNPROCESSABLE", "Pull request is closed")
    elif (state := merge_state(repo, pr)) in ("CLEAN", "UNSTABLE"):
        # GitHub's wording, word for word: nothing is left to wait for.
        message = f"Pull request Pull request is in {state.lower()} status"
        return _error(name, "UNPROCESSABLE", message)
    elif (method := str(given.get("mergeMethod", "MERGE")).lower()) not in repo.merge_methods:
        return _error(name, "UNPROCESSABLE", NOT_ALLOWED.get(method, f"no merge method {method}"))
    else:
        pr.auto_merge = AutoMerge(actor, method)
    return {"data": {name: _payload(repo, pr, actor, given)}}


def _input(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    if isinstance(variables.get("input"), dict):
        return dict(variables["input"])
    inline = re.search(r"input\s*:\s*\{([^}]*)\}", query)
    pairs = _INLINE.findall(inline.group(1)) if inline else []
    return {key: quoted or bare for key, quoted, bare in pairs}


def _pull_by_node(world: World, node: str) -> tuple[Repo, Pull] | None:
    for repo in world.repos.values():
        for pr in repo.pulls:
            if shapes.node_id("PullRequest", (repo.id, pr.number)) == node:
                return repo, pr
    return None


def _payload(repo: Repo, pr: Pull, actor: str, given: dict[str, Any]) -> dict[str, Any]:
    person = {"login": actor, "resourcePath": f"/{actor}", "url": f"{shapes.WEB}/{actor}"}
    person["avatarUrl"] = f"{shapes.WEB}/{actor}.png"
    request = None
    if pr.auto_merge is not None:
        method = pr.auto_merge.merge_method.upper()
        request = {"mergeMethod": method, "enabledAt": shapes.stamp(git.now())}
    node = shapes.node_id("PullRequest", (repo.id, pr.number))
    pull = {"id": node, "number": pr.number, "autoMergeRequest": request}
    mutation = given.get("clientMutationId")
    return {"actor": person, "clientMutationId": mutation, "pullRequest": pull}


def _error(name: str, kind: str, message: str) -> dict[str, Any]:
    error = {"type": kind, "path": [name], "locations": [{"line": 1, "column": 1}]}
    return {"data": {name: None}, "errors": [error | {"message": message}]}
