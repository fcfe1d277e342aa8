"""In-memory git for the fake GitHub: blobs, trees, commits and refs, with git's own SHA-1 ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

TREE_MODE = "040000"
FILE_MODE = "100644"
_KIND_OF_MODE = {
    "100644": "blob",
    "100755": "blob",
    "120000": "blob",
    "040000": "tree",
    "160000": "commit",
}


class BadObject(Exception):
    """A request named an object that is missing or of the wrong kind (GitHub answers 422)."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    date: datetime

    def line(self) -> str:
        return f"{self.name} <{self.email}> {int(self.date.timestamp())} +0000"


@dataclass(frozen=True)
class Entry:
    """One line of a tree: a name (one path segment), its mode, kind and object id."""

    name: str
    mode: str
    type: str
    sha: str

    def sort_key(self) -> bytes:
        # git orders a tree as if directory names ended in "/".
        return (self.name + ("/" if self.type == "tree" else "")).encode()


@dataclass(frozen=True)
class Blob:
    data: bytes


@dataclass(frozen=True)
class Tree:
    entries: tuple[Entry, ...]

    def get(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)


@dataclass(frozen=True)
class Commit:
    tree: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str


GitObject = Blob | Tree | Commit


def encode(obj: GitObject) -> tuple[str, bytes]:
    """The object's kind and its body exactly as git hashes it."""
    if isinstance(obj, Blob):
        return "blob", obj.data
    if isinstance(obj, Tree):
        body = b"".join(
            f"{e.mode.lstrip('0')} {e.name}".encode() + b"\0" + bytes.fromhex(e.sha)
            for e in sorted(obj.entries, key=Entry.sort_key)
        )
        return "tree", body
    lines = [f"tree {obj.tree}", *(f"parent {p}" for p in obj.parents)]
    lines += [f"author {obj.author.line()}", f"committer {obj.committer.line()}", "", obj.message]
    return "commit", "\n".join(lines).encode()


def object_id(obj: GitObject) -> str:
    kind, body = encode(obj)
    return hashlib.sha1(f"{kind} {len(body)}".encode() + b"\0" + body).hexdigest()


def kind_of_mode(mode: str) -> str:
    return _KIND_OF_MODE[mode]


@dataclass
class Store:
    """A repository's objects and refs (``refs/heads/main`` → commit id)."""

    objects: dict[str, GitObject] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def put(self, obj: GitObject) -> str:
        sha = object_id(obj)
        self.objects[sha] = obj
        return sha

    def blob(self, sha: str) -> Blob | None:
        obj = self.objects.get(sha)
        return obj if isinstance(obj, Blob) else None

    def tree(self, sha: str) -> Tree | None:
        obj = self.objects.get(sha)
        return obj if isinstance(obj, Tree) else None

    def commit(self, sha: str) -> Commit | None:
        obj = self.objects.get(sha)
        return obj if isinstance(obj, Commit) else None

    def write_tree(self, base: str | None, changes: Mapping[str, Entry | None]) -> str:
        """A new tree: ``base`` with each path set to an entry or, for None, removed."""
        entries = {e.name: e for e in self._tree_or_fail(base).entries} if base else {}
        nested: dict[str, dict[str, Entry | None]] = {}
        for path, entry in changes.items():
            head, _, rest = path.strip("/").partition("/")
            if rest:
                nested.setdefault(head, {})[rest] = entry
            elif entry is None:
                entries.pop(head, None)
            else:
                entries[head] = Entry(head, entry.mode, entry.type, entry.sha)
        for name, sub in nested.items():
            old = entries.get(name)
            sha = self.write_tree(old.sha if old and old.type == "tree" else None, sub)
            if self._tree_or_fail(sha).entries:
                entries[name] = Entry(name, TREE_MODE, "tree", sha)
            else:
                entries.pop(name, None)  # git keeps no empty directories
        return self.put(Tree(tuple(sorted(entries.values(), key=Entry.sort_key))))

    def write_files(self, base: str | None, files: Mapping[str, str | bytes | None]) -> str:
        """A tree with these file contents (None deletes the file) over ``base``."""
        changes: dict[str, Entry | None] = {}
        for path, content in files.items():
            if content is None:
                changes[path] = None
                continue
            data = content.encode() if isinstance(content, str) else content
            changes[path] = Entry(path, FILE_MODE, "blob", self.put(Blob(data)))
        return self.write_tree(base, changes)

    def walk(self, tree_sha: str, prefix: str = "") -> Iterator[tuple[str, Entry]]:
        """Every entry below a tree, depth first, with its full path."""
        for entry in self._tree_or_fail(tree_sha).entries:
            path = prefix + entry.name
            yield path, entry
            if entry.type == "tree":
                yield from self.walk(entry.sha, path + "/")

    def files(self, tree_sha: str) -> dict[str, bytes]:
        blobs = ((p, self.blob(e.sha)) for p, e in self.walk(tree_sha) if e.type == "blob")
        return {path: blob.data for path, blob in blobs if blob is not None}

    def lookup(self, tree_sha: str, path: str) -> Entry | None:
        """The entry at a slash-separated path below a tree."""
        entry: Entry | None = Entry("", TREE_MODE, "tree", tree_sha)
        for name in filter(None, path.split("/")):
            tree = self.tree(entry.sha) if entry and entry.type == "tree" else None
            entry = tree.get(name) if tree else None
        return entry

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        seen, todo = set(), [descendant]
        while todo:
            sha = todo.pop()
            if sha == ancestor:
                return True
            commit = self.commit(sha)
            if sha not in seen and commit:
                seen.add(sha)
                todo.extend(commit.parents)
        return False

    def ancestors(self, sha: str) -> list[str]:
        """Every commit reachable from ``sha`` (itself first), nearest first."""
        found: dict[str, None] = {}
        todo = [sha]
        while todo:
            current = todo.pop(0)
            commit = self.commit(current)
            if commit is not None and current not in found:
                found[current] = None
                todo.extend(commit.parents)
        return list(found)

    def merge_base(self, one: str, other: str) -> str | None:
        reachable = set(self.ancestors(one))
        return next((sha for sha in self.ancestors(other) if sha in reachable), None)

    def merge_trees(self, base: str, head: str) -> str | None:
        """``head`` merged into ``base`` file by file; None when both changed one file."""
        common = self.merge_base(base, head)
        old = self.files(self._commit_or_fail(common).tree) if common else {}
        ours = self.files(self._commit_or_fail(base).tree)
        theirs = self.files(self._commit_or_fail(head).tree)
        changes: dict[str, bytes | None] = {}
        for path in old.keys() | theirs.keys():
            if old.get(path) == theirs.get(path):
                continue
            if ours.get(path) not in (old.get(path), theirs.get(path)):
                return None
            changes[path] = theirs.get(path)
        return self.write_files(self._commit_or_fail(base).tree, changes)

    def history(self, sha: str) -> list[str]:
        """First-parent history, newest first."""
        found = []
        commit = self.commit(sha)
        while commit is not None:
            found.append(sha)
            if not commit.parents:
                break
            sha = commit.parents[0]
            commit = self.commit(sha)
        return found

    def resolve(self, name: str) -> str | None:
        """A commit id from a commit id, a branch name or a ``heads/…``/``refs/…`` ref."""
        for ref in (name, f"refs/{name}", f"refs/heads/{name}", f"refs/tags/{name}"):
            if ref in self.refs:
                return self.refs[ref]
        return name if self.commit(name) else None

    def _commit_or_fail(self, sha: str) -> Commit:
        commit = self.commit(sha)
        if commit is None:
            raise BadObject(f"{sha} is not a commit")
        return commit

    def _tree_or_fail(self, sha: str) -> Tree:
        tree = self.tree(sha)
        if tree is None:
            raise BadObject(f"{sha} is not a tree")
        return tree


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
