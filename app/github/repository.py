"""One repository through the few calls molt makes: tree, files, one-commit pushes, pull
requests, comments, labels and check runs."""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import quote

import github
import requests
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest

from app.errors import Conflict, NotFound
from app.github.contents import (
    MAX_FILE_BYTES,
    Listings,
    Tree,
    TreeEntry,
    decoded,
    files_from_tarball,
)
from app.github.failures import translated

log = logging.getLogger(__name__)

BOT_AUTHOR = "molt[bot]"
BOT_EMAIL = "molt-bot@users.noreply.github.com"
CHECK_NAME = "molt"
CONFIG_CHECK_TITLE = ".github/molt.yml is invalid; molt opens no pull request until it is fixed"
UNREADABLE_CHECK_TITLE = (
    "The file declaring the minimum Python does not parse; molt changes nothing until it does"
)
OWN_LISTINGS = 4  # what a Repository made without shared listings remembers of its own


class Pull(NamedTuple):
    """The parts of a pull request molt decides on."""

    number: int
    state: str
    merged: bool
    head_sha: str
    title: str
    body: str
    head_ref: str = ""
    own_head: bool = True  # the head branch is in this repository, not a fork


class BranchHead(NamedTuple):
    """The tip of a branch: its commit, tree, author name and parents."""

    sha: str
    tree_sha: str
    author: str
    parents: tuple[str, ...]


class Repository:
    """One repository, seen through the few calls molt makes.

    ``listings`` are the tree listings remembered across jobs (the job runner's); without
    them, the repository remembers only the listings it makes itself.
    """

    def __init__(
        self, client: github.Github, full_name: str, *, listings: Listings | None = None
    ) -> None:
        self.full_name = full_name
        self.owner = full_name.split("/", 1)[0]
        self._client = client
        self._repo = client.get_repo(full_name)  # lazy: the client is
        self._listings = Listings(OWN_LISTINGS) if listings is None else listings

    def tree(self, ref: str) -> Tree:
        """Every file at ``ref`` (a branch name or commit sha), in one recursive listing.

        A remembered listing is asked for again conditionally (``If-None-Match``): when nothing
        changed GitHub answers 304, which does not count against the rate limit.
        """
        url = f"{self._repo.url}/git/trees/{quote(ref, safe='')}"
        known = self._listings.get(url)
        headers = {"If-None-Match": known[0]} if known else {}
        with translated():
            answer, data = self._client.requester.requestJsonAndCheck(
                "GET", url, parameters={"recursive": "1"}, headers=headers
            )
        if data is None and known is not None:
            return known[1]._replace(unchanged=True)
        assert data is not None
        files = tuple(
            TreeEntry(e["path"], e["mode"], e["sha"], e.get("size") or 0)
            for e in data["tree"]
            if e["type"] == "blob"
        )
        tree = Tree(str(data["sha"]), files)
        if "etag" in answer:
            self._listings.put(url, (answer["etag"], tree))
        return tree

    def read_files(self, ref: str, entries: list[TreeEntry]) -> dict[str, str]:
        """UTF-8 text of ``entries``: one blob request for a single file, else one tarball."""
        wanted = [e for e in entries if e.size <= MAX_FILE_BYTES]
        if len(wanted) > 1:
            return self._read_tarball(ref, {e.path for e in wanted})
        files = {}
        for entry in wanted:
            with translated():
                blob = self._repo.get_git_blob(entry.sha)
            text = decoded(base64.b64decode(blob.content))
            if text is not None:
                files[entry.path] = text
        return files

    def _read_tarball(self, ref: str, paths: set[str]) -> dict[str, str]:
        with translated():
            link = self._repo.get_archive_link("tarball", ref)
            response = requests.get(link, timeout=60)
            response.raise_for_status()
        return files_from_tarball(response.content, paths)

    def branch(self, name: str) -> BranchHead | None:
        """The tip of branch ``name``, or None when there is no such branch."""
        try:
            with translated():
                commit = self._repo.get_branch(name).commit
                git_commit = commit.commit
                author = git_commit.author.name if git_commit.author else ""
                head = BranchHead(
                    commit.sha, git_commit.tree.sha, author, tuple(p.sha for p in commit.parents)
                )
        except NotFound:
            return None
        return head

    def commit(
        self, parent: BranchHead, files: Mapping[str, tuple[str, str | None]], message: str
    ) -> str:
        """One commit on top of ``parent`` that changes ``files`` (path → (mode, text)); a text
        of None deletes the file.

        ``parent`` comes from ``branch()``.
        """
        entries = [
            {"path": path, "mode": mode, "type": "blob", "content": text}
            if text is not None
            else {"path": path, "mode": mode, "type": "blob", "sha": None}
            for path, (mode, text) in sorted(files.items())
        ]
        requester = self._client.requester
        with translated():
            _, tree = requester.requestJsonAndCheck(
                "POST",
                f"{self._repo.url}/git/trees",
                input={"base_tree": parent.tree_sha, "tree": entries},
            )
            # PyGithub's create_git_commit would first GET the parent commit; its sha is enough.
            _, data = requester.requestJsonAndCheck(
                "POST",
                f"{self._repo.url}/git/commits",
                input={
                    "message": message,
                    "tree": tree["sha"],
                    "parents": [parent.sha],
                    "author": {"name": BOT_AUTHOR, "email": BOT_EMAIL},
                },
            )
        return str(data["sha"])

    def set_branch(self, name: str, sha: str, *, create: bool, force: bool = False) -> None:
        """Point branch ``name`` at ``sha``, creating it or moving it (one request)."""
        with translated():
            if create:
                self._repo.create_git_ref(f"refs/heads/{name}", sha)
            else:
                self._client.requester.requestJsonAndCheck(
                    "PATCH", self._ref_url(name), input={"sha": sha, "force": force}
                )

    def delete_branch(self, name: str) -> None:
        """Delete branch ``name``; a branch already gone is fine."""
        try:
            with translated():
                self._client.requester.requestJsonAndCheck("DELETE", self._ref_url(name))
        except (NotFound, Conflict):  # GitHub answers 422 for a ref that does not exist
            pass

    def _ref_url(self, branch: str) -> str:
        return f"{self._repo.url}/git/refs/heads/{quote(branch, safe='/')}"

    def find_pull(self, branch: str) -> Pull | None:
        """The open pull request from ``branch``, else the most recent closed one."""
        with translated():
            pulls = [
                _pull(p) for p in self._repo.get_pulls(state="all", head=f"{self.owner}:{branch}")
            ]
        open_pulls = [p for p in pulls if p.state == "open"]
        if open_pulls:
            return open_pulls[0]
        return max(pulls, key=lambda p: p.number, default=None)

    def open_pulls(self) -> list[Pull]:
        """Every open pull request, 100 per request."""
        listing = PaginatedList(
            PullRequest,
            self._client.requester,
            f"{self._repo.url}/pulls",
            {"state": "open", "per_page": 100},
        )
        with translated():
            return [_pull(p) for p in listing]

    def get_pull(self, number: int) -> Pull | None:
        """Pull request ``number``; None when it is an issue (or gone)."""
        try:
            with translated():
                return _pull(self._repo.get_pull(number))
        except NotFound:
            return None

    def permission(self, login: str) -> str:
        """``admin``, ``write``, ``read`` or ``none``: what ``login`` may do here."""
        with translated():
            _, data = self._client.requester.requestJsonAndCheck(
                "GET", f"{self._repo.url}/collaborators/{quote(login, safe='')}/permission"
            )
        return str(data.get("permission") or "none")

    def react(self, comment_id: int, content: str) -> None:
        """React to issue comment ``comment_id`` (``eyes``, ``+1``, …); a repeat is harmless."""
        with translated():
            self._client.requester.requestJsonAndCheck(
                "POST",
                f"{self._repo.url}/issues/comments/{comment_id}/reactions",
                input={"content": content},
            )

    def open_pull(self, branch: str, base: str, title: str, body: str, *, draft: bool) -> Pull:
        """Open a pull request from ``branch`` into ``base``."""
        with translated():
            created = self._repo.create_pull(
                title=title, body=body, head=branch, base=base, draft=draft
            )
            return _pull(created)

    def update_pull(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
    ) -> None:
        """Change a pull request's title, body or state (``"open"`` / ``"closed"``)."""
        changes = {"title": title, "body": body, "state": state}
        with translated():
            pull = self._repo.get_pull(number)
            pull.edit(**{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    def comment(self, number: int, body: str) -> None:
        """Comment on issue or pull request ``number``."""
        with translated():
            self._repo.get_issue(number).create_comment(body)

    def report_config_error(
        self, branch: str, message: str, title: str = CONFIG_CHECK_TITLE
    ) -> None:
        """A failed check run on the tip of ``branch`` saying what is wrong with the config
        (or, with another ``title``, with a file molt must read)."""
        head = self.branch(branch)
        if head is None:
            return
        output: dict[str, str | list[dict[str, str | int]]] = {
            "title": title,
            "summary": f"```\n{message}\n```",
        }
        with translated():
            self._repo.create_check_run(
                name=CHECK_NAME,
                head_sha=head.sha,
                status="completed",
                conclusion="failure",
                output=output,
            )

    def add_labels(self, number: int, labels: tuple[str, ...]) -> None:
        """Label issue or pull request ``number``; GitHub creates labels that do not exist."""
        if labels:
            with translated():
                self._repo.get_issue(number).add_to_labels(*labels)


def _pull(pull: PullRequest) -> Pull:
    head_repo, base_repo = pull.head.repo, pull.base.repo
    return Pull(
        number=pull.number,
        state=pull.state,
        merged=bool(pull.merged_at),
        head_sha=pull.head.sha,
        title=pull.title,
        body=pull.body or "",
        head_ref=pull.head.ref,
        own_head=head_repo is not None and head_repo.id == base_repo.id,
    )
