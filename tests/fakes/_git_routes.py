"""Routes for a repository and its git data: trees, blobs, commits, refs, contents, branches."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from tests.fakes import _git_shapes as git_shapes
from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._call import Call, HTTPError, Reply, invalid, not_found, repo_of
from tests.fakes._state import Repo


def get_repo(call: Call) -> Reply:
    return Reply(200, shapes.repository(call.api, repo_of(call), call.world))


def get_tree(call: Call) -> Reply:
    repo = repo_of(call)
    sha = _tree_sha(repo, call.params["tree_sha"])
    return Reply(200, git_shapes.tree(call.api, repo, sha, recursive="recursive" in call.query))


def get_blob(call: Call) -> Reply:
    repo = repo_of(call)
    found = repo.store.blob(call.params["file_sha"])
    if found is None:
        raise not_found()
    return Reply(200, git_shapes.blob(call.api, repo, call.params["file_sha"], found.data))


def create_blob(call: Call) -> Reply:
    repo = repo_of(call)
    encoding = call.body.get("encoding", "utf-8")
    if encoding not in ("utf-8", "base64"):
        raise invalid(f"encoding {encoding!r} is not supported")
    content = call.body["content"]
    data = base64.b64decode(content) if encoding == "base64" else content.encode()
    sha = repo.store.put(git.Blob(data))
    url = f"{call.api}/repos/{repo.full_name}/git/blobs/{sha}"
    return Reply(201, {"sha": sha, "url": url}, {"Location": url})


def create_tree(call: Call) -> Reply:
    repo = repo_of(call)
    base = call.body.get("base_tree")
    if base is not None and repo.store.tree(base) is None:
        raise invalid(
            "base_tree is not a valid tree", resource="Tree", field="base_tree", code="invalid"
        )
    changes = {item.get("path", ""): _tree_change(repo, item) for item in call.body["tree"]}
    sha = repo.store.write_tree(base, changes)
    reply = git_shapes.tree(call.api, repo, sha, recursive=False)
    return Reply(201, reply, {"Location": reply["url"]})


def create_commit(call: Call) -> Reply:
    repo, body = repo_of(call), call.body
    if repo.store.tree(body["tree"]) is None:
        raise invalid("Tree SHA does not exist")
    parents = tuple(body.get("parents", []))
    if any(repo.store.commit(p) is None for p in parents):
        raise invalid("Parent SHA does not exist or is not a commit object")
    author = _person(body.get("author"), call.actor)
    committer = _person(body.get("committer"), call.actor) if "committer" in body else author
    sha = repo.store.put(git.Commit(body["tree"], parents, author, committer, body["message"]))
    reply = git_shapes.commit(call.api, repo, sha)
    return Reply(201, reply, {"Location": reply["url"]})


def get_commit(call: Call) -> Reply:
    repo, ref = repo_of(call), call.params["ref"]
    sha = repo.store.resolve(ref)
    if sha is None:
        raise invalid(f"No commit found for SHA: {ref}")
    return Reply(200, git_shapes.commit_with_files(call.api, repo, sha))


def compare(call: Call) -> Reply:
    """``base...head`` (or ``base..head``); either side may be ``owner:branch``."""
    repo, basehead = repo_of(call), call.params["basehead"]
    base_name, _, head_name = basehead.replace("...", "..").partition("..")
    base, head = (repo.store.resolve(n.rpartition(":")[2]) for n in (base_name, head_name))
    if base is None or head is None:
        raise not_found()
    return Reply(200, git_shapes.comparison(call.api, repo, basehead, base, head))


def get_ref(call: Call) -> Reply:
    repo = repo_of(call)
    name = "refs/" + call.params["ref"]
    if name not in repo.store.refs:
        raise not_found()
    return Reply(200, git_shapes.ref(call.api, repo, name, repo.store.refs[name]))


def create_ref(call: Call) -> Reply:
    repo, name, sha = repo_of(call), call.body["ref"], call.body["sha"]
    if not name.startswith("refs/") or name.count("/") < 2:
        raise invalid("Reference name must start with 'refs/' and have at least two slashes.")
    if name in repo.store.refs:
        raise invalid("Reference already exists")
    if repo.store.commit(sha) is None:
        raise invalid("Object does not exist")
    repo.store.refs[name] = sha
    reply = git_shapes.ref(call.api, repo, name, sha)
    return Reply(201, reply, {"Location": reply["url"]})


def update_ref(call: Call) -> Reply:
    repo, name, sha = repo_of(call), "refs/" + call.params["ref"], call.body["sha"]
    old = repo.store.refs.get(name)
    if old is None:
        raise invalid("Reference does not exist")
    if repo.store.commit(sha) is None:
        raise invalid("Object does not exist")
    if not call.body.get("force", False) and not repo.store.is_ancestor(old, sha):
        raise invalid("Update is not a fast forward")
    repo.store.refs[name] = sha
    repo.follow_branch(name.removeprefix("refs/heads/"), sha)
    return Reply(200, git_shapes.ref(call.api, repo, name, sha))


def delete_ref(call: Call) -> Reply:
    repo, name = repo_of(call), "refs/" + call.params["ref"]
    if repo.store.refs.pop(name, None) is None:
        raise invalid("Reference does not exist")
    for pr in repo.pulls:
        if pr.state == "open" and f"refs/heads/{pr.head}" == name:
            pr.close()
    return Reply(204, None)


def get_content(call: Call) -> Reply:
    repo = repo_of(call)
    ref_name = call.arg("ref") or repo.default_branch
    commit = repo.store.commit(repo.store.resolve(ref_name) or "")
    entry = repo.store.lookup(commit.tree, call.params["path"]) if commit else None
    if commit is None or entry is None:
        raise not_found()
    path = call.params["path"].strip("/")
    if entry.type == "tree":
        return Reply(200, git_shapes.content_directory(call.api, repo, path, entry.sha, ref_name))
    return Reply(200, git_shapes.content_file(call.api, repo, path, entry, ref_name))


def get_branch(call: Call) -> Reply:
    repo, name = repo_of(call), call.params["branch"]
    sha = repo.branch(name)
    if sha is None:
        raise HTTPError(404, "Branch not found")
    return Reply(200, git_shapes.branch(call.api, repo, name, sha))


def tarball(call: Call) -> Reply:
    repo = repo_of(call)
    sha = repo.store.resolve(call.params["ref"])
    if sha is None:
        raise not_found()
    location = f"{call.api}/_codeload/{repo.full_name}/tar.gz/{sha}"
    return Reply(302, None, {"Location": location})


def _tree_sha(repo: Repo, name: str) -> str:
    if repo.store.tree(name):
        return name
    commit = repo.store.commit(repo.store.resolve(name) or "")
    if commit is None:
        raise not_found()
    return commit.tree


def _tree_change(repo: Repo, item: dict[str, Any]) -> git.Entry | None:
    path, mode, kind = item.get("path"), item.get("mode"), item.get("type")
    if not path or mode is None or kind is None or git.kind_of_mode(mode) != kind:
        raise invalid("Invalid tree info", resource="Tree", field="tree", code="invalid")
    if "content" in item:
        return git.Entry(path, mode, kind, repo.store.put(git.Blob(item["content"].encode())))
    sha = item.get("sha")
    if sha is None:
        return None
    if kind != "commit" and not isinstance(repo.store.objects.get(sha), git.Blob | git.Tree):
        raise invalid(
            f"tree.sha {sha} is not a valid {kind}", resource="Tree", field="sha", code="invalid"
        )
    return git.Entry(path, mode, kind, sha)


def _person(given: dict[str, Any] | None, actor: str) -> git.Person:
    if given is None:
        return git.Person(
            actor, f"{shapes.user_id(actor)}+{actor}@users.noreply.github.com", git.now()
        )
    date = given.get("date")
    when = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else git.now()
    return git.Person(given["name"], given["email"], when)
