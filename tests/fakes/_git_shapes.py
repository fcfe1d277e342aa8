"""Git data as GitHub's JSON: blobs, trees, commits, comparisons, refs, branches, contents."""

from __future__ import annotations

import base64
import difflib
from typing import Any

from tests.fakes import git
from tests.fakes._shapes import WEB, node_id, stamp
from tests.fakes._state import Repo

JSON = dict[str, Any]


def blob(api: str, repo: Repo, sha: str, data: bytes) -> JSON:
    content = base64.encodebytes(data).decode()
    url = f"{api}/repos/{repo.full_name}/git/blobs/{sha}"
    shape: JSON = {"sha": sha, "node_id": node_id("Blob", sha), "url": url, "size": len(data)}
    return shape | {"content": content, "encoding": "base64"}


def tree(api: str, repo: Repo, sha: str, recursive: bool) -> JSON:
    store = repo.store
    pairs = store.walk(sha) if recursive else ((e.name, e) for e in store.tree(sha).entries)  # type: ignore[union-attr]
    return {
        "sha": sha,
        "url": _git_url(api, repo, "trees", sha),
        "truncated": False,
        "tree": [tree_entry(api, repo, path, entry) for path, entry in pairs],
    }


def tree_entry(api: str, repo: Repo, path: str, entry: git.Entry) -> JSON:
    shape: JSON = {"path": path, "mode": entry.mode, "type": entry.type, "sha": entry.sha}
    if entry.type == "commit":
        return shape
    shape["url"] = _git_url(api, repo, f"{entry.type}s", entry.sha)
    found = repo.store.blob(entry.sha) if entry.type == "blob" else None
    return shape | ({"size": len(found.data)} if found else {})


def commit(api: str, repo: Repo, sha: str) -> JSON:
    found = repo.store.commit(sha)
    assert found is not None
    people = {"author": found.author, "committer": found.committer}
    shape: JSON = {key: _person(p) for key, p in people.items()}
    shape |= {
        "sha": sha,
        "node_id": node_id("Commit", sha),
        "url": _git_url(api, repo, "commits", sha),
    }
    shape |= {"html_url": f"{WEB}/{repo.full_name}/commit/{sha}", "message": found.message}
    shape["tree"] = {"sha": found.tree, "url": _git_url(api, repo, "trees", found.tree)}
    shape["parents"] = [_parent(api, repo, p) for p in found.parents]
    unsigned = {"verified": False, "reason": "unsigned", "signature": None, "payload": None}
    return shape | {"verification": unsigned}


def commit_with_files(api: str, repo: Repo, sha: str) -> JSON:
    """``GET /repos/…/commits/{ref}``: the commit, its changes against its first parent."""
    found = repo.store.commit(sha)
    assert found is not None
    parent = repo.store.commit(found.parents[0]) if found.parents else None
    files = diff_entries(api, repo, parent.tree if parent else None, found.tree, sha)
    added, removed = sum(f["additions"] for f in files), sum(f["deletions"] for f in files)
    stats = {"additions": added, "deletions": removed, "total": added + removed}
    return repo_commit(api, repo, sha) | {"files": files, "stats": stats}


def comparison(api: str, repo: Repo, basehead: str, base: str, head: str) -> JSON:
    """``GET /repos/…/compare/{base}...{head}``, as GitHub counts ahead and behind."""
    store = repo.store
    from_base, from_head = store.ancestors(base), store.ancestors(head)
    ahead = [sha for sha in from_head if sha not in set(from_base)]
    behind = [sha for sha in from_base if sha not in set(from_head)]
    common = store.merge_base(base, head)
    status = "diverged" if ahead and behind else "ahead" if ahead else "behind" if behind else ""
    url = f"{api}/repos/{repo.full_name}/compare/{basehead}"
    html = f"{WEB}/{repo.full_name}/compare/{basehead}"
    shape: JSON = {"url": url, "html_url": html, "diff_url": f"{html}.diff"}
    shape |= {"permalink_url": f"{WEB}/{repo.full_name}/compare/{base}...{head}"}
    shape |= {"patch_url": f"{html}.patch", "status": status or "identical"}
    shape |= {"ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead)}
    shape |= {"base_commit": repo_commit(api, repo, base)}
    shape |= {"merge_base_commit": repo_commit(api, repo, common or base)}
    shape |= {"commits": [repo_commit(api, repo, sha) for sha in reversed(ahead)]}
    old = store.commit(common).tree if common and store.commit(common) else None
    new = store.commit(head)
    assert new is not None
    return shape | {"files": diff_entries(api, repo, old, new.tree, head)}


def diff_entries(api: str, repo: Repo, old_tree: str | None, new_tree: str, ref: str) -> list[JSON]:
    """The ``files`` of a commit or a comparison: one entry per changed path, with line counts."""
    old = repo.store.files(old_tree) if old_tree else {}
    new = repo.store.files(new_tree)
    entries = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "modified"
        lines = difflib.ndiff(_lines(before), _lines(after))
        counts = [line[0] for line in lines if line[:1] in "+-"]
        added, removed = counts.count("+"), counts.count("-")
        data = after if after is not None else before
        assert data is not None
        sha = git.object_id(git.Blob(data))
        shape: JSON = {"sha": sha, "filename": path, "status": status}
        shape |= {"additions": added, "deletions": removed, "changes": added + removed}
        shape |= {"blob_url": f"{WEB}/{repo.full_name}/blob/{ref}/{path}"}
        shape |= {"raw_url": f"{WEB}/{repo.full_name}/raw/{ref}/{path}"}
        shape |= {"contents_url": f"{api}/repos/{repo.full_name}/contents/{path}?ref={ref}"}
        entries.append(shape)
    return entries


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode(errors="replace").splitlines()


def ref(api: str, repo: Repo, name: str, sha: str) -> JSON:
    url = f"{api}/repos/{repo.full_name}/git/{name}"
    target = {"type": "commit", "sha": sha, "url": _git_url(api, repo, "commits", sha)}
    return {"ref": name, "node_id": node_id("Ref", name), "url": url, "object": target}


def branch(api: str, repo: Repo, name: str, sha: str) -> JSON:
    url = f"{api}/repos/{repo.full_name}/branches/{name}"
    links = {"self": url, "html": f"{WEB}/{repo.full_name}/tree/{name}"}
    shape: JSON = {"name": name, "commit": repo_commit(api, repo, sha), "_links": links}
    return shape | {
        "protected": False,
        "protection": {"enabled": False},
        "protection_url": f"{url}/protection",
    }


def content_file(api: str, repo: Repo, path: str, entry: git.Entry, ref_name: str) -> JSON:
    found = repo.store.blob(entry.sha)
    data = found.data if found else b""
    url = f"{api}/repos/{repo.full_name}/contents/{path}?ref={ref_name}"
    git_url = _git_url(api, repo, "blobs", entry.sha)
    html = f"{WEB}/{repo.full_name}/blob/{ref_name}/{path}"
    shape: JSON = {"type": "file", "name": path.rsplit("/", 1)[-1], "path": path, "sha": entry.sha}
    shape |= {"size": len(data), "url": url, "git_url": git_url, "html_url": html}
    shape |= {"download_url": f"{api}/_raw/{repo.full_name}/{ref_name}/{path}"}
    shape |= {"content": base64.encodebytes(data).decode(), "encoding": "base64"}
    return shape | {"_links": {"self": url, "git": git_url, "html": html}}


def content_directory(api: str, repo: Repo, path: str, tree_sha: str, ref_name: str) -> list[JSON]:
    found = repo.store.tree(tree_sha)
    assert found is not None
    items = []
    for entry in found.entries:
        full = f"{path.rstrip('/')}/{entry.name}".lstrip("/")
        kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
        url = f"{api}/repos/{repo.full_name}/contents/{full}?ref={ref_name}"
        links = {"self": url, "git": None, "html": None}
        items.append(
            {
                "type": kind,
                "name": entry.name,
                "path": full,
                "sha": entry.sha,
                "size": 0,
                "url": url,
                "git_url": None,
                "html_url": None,
                "download_url": None,
                "_links": links,
            }
        )
    return items


def _git_url(api: str, repo: Repo, kind: str, sha: str) -> str:
    return f"{api}/repos/{repo.full_name}/git/{kind}/{sha}"


def _person(person: git.Person) -> JSON:
    return {"name": person.name, "email": person.email, "date": stamp(person.date)}


def _parent(api: str, repo: Repo, sha: str) -> JSON:
    html = f"{WEB}/{repo.full_name}/commit/{sha}"
    return {"sha": sha, "url": _git_url(api, repo, "commits", sha), "html_url": html}


def repo_commit(api: str, repo: Repo, sha: str) -> JSON:
    """The ``commit`` schema (a commit as /repos/…/commits shows it), used inside a branch."""
    url = f"{api}/repos/{repo.full_name}/commits/{sha}"
    inner = commit(api, repo, sha)
    git_part = {key: inner[key] for key in ("author", "committer", "message", "tree", "url")}
    shape: JSON = {
        "sha": sha,
        "node_id": inner["node_id"],
        "url": url,
        "html_url": inner["html_url"],
    }
    shape |= {"comments_url": f"{url}/comments", "author": None, "committer": None}
    shape["parents"] = [{"sha": p["sha"], "url": p["url"]} for p in inner["parents"]]
    return shape | {"commit": git_part | {"comment_count": 0}}
