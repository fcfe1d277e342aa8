"""One repository through the few calls molt makes: tree, files, one-commit pushes, pull
requests, comments, labels, reviews, merges and check runs."""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

import github
import requests
from github.IssueComment import IssueComment
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest

from app.errors import Conflict, GitHubError, NotFound
from app.github.ci import (
    CheckRun,
    CheckSuite,
    CommitStatus,
    Review,
    check_run,
    check_suite,
    commit_status,
    review,
)
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
KEPT_TARBALL_BYTES = 32 * 1024 * 1024  # a larger tarball is read again rather than kept


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
    labels: tuple[str, ...] = ()
    node_id: str = ""  # the GraphQL id, for enabling auto-merge
    auto_merge: bool = False  # GitHub's auto-merge is enabled: GitHub merges it itself


class Comment(NamedTuple):
    """One comment in an issue's or pull request's thread."""

    author: str
    body: str


class BranchHead(NamedTuple):
    """The tip of a branch: its commit, tree, author name and parents."""

    sha: str
    tree_sha: str
    author: str
    parents: tuple[str, ...]


class Repository:
    """One repository, seen through the few calls molt makes.

    ``listings`` are the tree listings remembered across jobs (the job runner's); without
    them, the repository remembers only the listings it makes itself. The last tarball read
    (up to ``KEPT_TARBALL_BYTES``) is kept, so a second read at the same ref in the same job
    (the scripts CI runs, the Python files to modernise) costs no request.
    """

    def __init__(
        self, client: github.Github, full_name: str, *, listings: Listings | None = None
    ) -> None:
        self.full_name = full_name
        self.owner = full_name.split("/", 1)[0]
        self._client = client
        self._repo = client.get_repo(full_name)  # lazy: the client is
        self._listings = Listings(OWN_LISTINGS) if listings is None else listings
        self._tarball: tuple[str, bytes] | None = None  # (ref, gzipped tar) of the last read
        self._merge_method: str | None = None

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
        """UTF-8 text of ``entries``: from the tarball kept of an earlier read at ``ref``, else
        one blob request for a single file, else one tarball."""
        wanted = [e for e in entries if e.size <= MAX_FILE_BYTES]
        if self._tarball is not None and self._tarball[0] == ref:
            return files_from_tarball(self._tarball[1], {e.path for e in wanted})
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
        kept = len(response.content) <= KEPT_TARBALL_BYTES
        self._tarball = (ref, response.content) if kept else None
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

    def remove_label(self, number: int, label: str) -> None:
        """Take ``label`` off issue or pull request ``number``; one already gone is fine."""
        try:
            with translated():
                self._client.requester.requestJsonAndCheck(
                    "DELETE", f"{self._repo.url}/issues/{number}/labels/{quote(label, safe='')}"
                )
        except NotFound:
            pass

    def comments(self, number: int) -> list[Comment]:
        """The thread of issue or pull request ``number``, oldest first, 100 per request."""
        listing = PaginatedList(
            IssueComment,
            self._client.requester,
            f"{self._repo.url}/issues/{number}/comments",
            {"per_page": 100},
        )
        with translated():
            return [Comment(c.user.login if c.user else "", c.body or "") for c in listing]

    def request_reviews(self, number: int, reviewers: tuple[str, ...]) -> None:
        """Ask ``reviewers`` (logins, or ``org/team`` for a team) to review pull ``number``."""
        teams = [name.split("/", 1)[1] for name in reviewers if "/" in name]
        people = [name for name in reviewers if "/" not in name]
        with translated():
            self._client.requester.requestJsonAndCheck(
                "POST",
                f"{self._repo.url}/pulls/{number}/requested_reviewers",
                input={"reviewers": people, "team_reviewers": teams},
            )

    def assign(self, number: int, assignees: tuple[str, ...]) -> None:
        """Assign issue or pull request ``number``; GitHub skips logins it cannot assign."""
        with translated():
            self._client.requester.requestJsonAndCheck(
                "POST",
                f"{self._repo.url}/issues/{number}/assignees",
                input={"assignees": list(assignees)},
            )

    def reviews(self, number: int) -> list[Review]:
        """The submitted reviews of pull request ``number``, oldest first."""
        return [review(r) for r in self._every(f"/pulls/{number}/reviews", None)]

    def check_suites(self, sha: str) -> list[CheckSuite]:
        """Every App's check suite on commit ``sha``."""
        return [check_suite(s) for s in self._every(f"/commits/{sha}/check-suites", "check_suites")]

    def check_runs(self, sha: str) -> list[CheckRun]:
        """The latest check run of each name on commit ``sha``."""
        return [check_run(r) for r in self._every(f"/commits/{sha}/check-runs", "check_runs")]

    def statuses(self, sha: str) -> list[CommitStatus]:
        """The latest commit status of each context on ``sha`` (the combined status's list)."""
        return [commit_status(s) for s in self._every(f"/commits/{sha}/status", "statuses")]

    def _every(self, path: str, key: str | None) -> list[dict[str, Any]]:
        """Every item of a listing under the repository, 100 per request; ``key`` names the
        list inside an object answer (None: the answer is the list)."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            with translated():
                _, data = self._client.requester.requestJsonAndCheck(
                    "GET", f"{self._repo.url}{path}", parameters={"per_page": 100, "page": page}
                )
            batch = data if key is None else data[key]
            items += batch
            if len(batch) < 100:
                return items
            page += 1

    def merge_method(self) -> str:
        """The first way of merging the repository's settings allow, in GitHub's own order
        (merge commit, squash, rebase), as the REST API spells it; one request, once."""
        if self._merge_method is None:
            with translated():
                allowed = {
                    "merge": self._repo.allow_merge_commit,
                    "squash": self._repo.allow_squash_merge,
                    "rebase": self._repo.allow_rebase_merge,
                }
            # the settings are hidden from a caller without push access: GitHub's default then
            self._merge_method = next((m for m, ok in allowed.items() if ok), "merge")
        return self._merge_method

    def merge(self, number: int, sha: str) -> bool:
        """Merge pull request ``number`` if its head is still ``sha``, the way the repository
        allows; False when GitHub refuses (not mergeable, a branch protection rule, or the
        head moved)."""
        body = {"sha": sha, "merge_method": self.merge_method()}
        try:
            with translated():
                self._client.requester.requestJsonAndCheck(
                    "PUT", f"{self._repo.url}/pulls/{number}/merge", input=body
                )
        except GitHubError as error:
            if error.status not in (405, 409, 422):
                raise
            log.info("%s#%d: GitHub did not merge: %s", self.full_name, number, error)
            return False
        return True

    def enable_auto_merge(self, node_id: str) -> bool:
        """Turn on GitHub's auto-merge for the pull request with GraphQL id ``node_id``;
        False when GitHub refuses (auto-merge not allowed here, or nothing left to wait for)."""
        try:
            with translated():
                self._client.requester.graphql_named_mutation(
                    "enablePullRequestAutoMerge",
                    {"pullRequestId": node_id, "mergeMethod": self.merge_method().upper()},
                    "pullRequest { number }",
                )
        except GitHubError as error:
            if error.status != 400:  # PyGithub's status for an answer carrying GraphQL errors
                raise
            log.info("%s: GitHub did not enable auto-merge: %s", self.full_name, error)
            return False
        return True


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
        labels=tuple(label.name for label in pull.labels),
        node_id=pull.node_id,
        auto_merge=pull.auto_merge is not None,
    )
