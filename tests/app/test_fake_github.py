"""The fake GitHub driven by PyGithub, unmodified: git data, App auth, pagination, faults."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import github
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth, GithubException, InputGitAuthor, InputGitTreeElement

from tests.fakes import _call, _routes, git, openapi
from tests.fakes import github as fakes
from tests.fakes.github import BOT, FakeGitHub

fake_github = fakes.fake_github

APP_ID = 4242
FILES = {
    "setup.py": "from setuptools import setup\nsetup()\n",
    "src/pkg/__init__.py": "",
    "src/pkg/core.py": "X = 1\n",
    ".github/workflows/ci.yml": "on: push\n",
}
RATE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-used",
    "x-ratelimit-resource",
)


@pytest.fixture(scope="module")
def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode()


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(app_id=APP_ID, hold_seconds=2) as running:
        running.add_installation(1, "octo")
        running.add_repo("octo/demo", FILES, installation_id=1)
        yield running


TOKEN = {"Authorization": "token t"}
NO_THROTTLE: dict[str, Any] = {"seconds_between_requests": 0, "seconds_between_writes": 0}


def client(fake: FakeGitHub, auth: Auth.Auth | None = None, **options) -> github.Github:
    options = {"retry": None, **NO_THROTTLE} | options
    return github.Github(auth=auth or Auth.Token("t"), base_url=fake.url, **options)


def app_client(
    fake: FakeGitHub, key: str, app_id: int = APP_ID, **options
) -> github.GithubIntegration:
    auth = Auth.AppAuth(app_id, key)
    return github.GithubIntegration(auth=auth, base_url=fake.url, **NO_THROTTLE, **options)


@pytest.fixture
def gh(fake: FakeGitHub) -> Iterator[github.Github]:
    with client(fake) as opened:
        yield opened


@pytest.fixture
def repo(gh: github.Github):
    return gh.get_repo("octo/demo")


def commit_files(repo, branch: str, files: dict[str, str], message: str) -> str:
    """Blobs → tree over the branch's tree → commit → ref, the way the App commits."""
    head = repo.get_branch(branch).commit
    elements = [
        InputGitTreeElement(path, "100644", "blob", sha=repo.create_git_blob(text, "utf-8").sha)
        for path, text in files.items()
    ]
    tree = repo.create_git_tree(elements, base_tree=head.commit.tree)
    # PyGithub's create_git_commit wants GitCommit parents, and completing one from a branch
    # calls GET git/commits/{sha}, which is not in the subset: post the commit directly.
    body = {"message": message, "tree": tree.sha, "parents": [head.sha]}
    _, made = repo.requester.requestJsonAndCheck("POST", f"{repo.url}/git/commits", input=body)
    sha = str(made["sha"])
    repo.get_git_ref(f"heads/{branch}").edit(sha)
    return sha


# --- the git object store --------------------------------------------------------------------


def test_object_ids_are_the_ones_git_computes():
    store = git.Store()
    # Expected ids from `git write-tree` / `git commit` on the same content.
    tree = store.write_files(None, {"setup.py": "hello\n", "src/pkg/__init__.py": "x = 1\n"})
    when = datetime.fromtimestamp(1764150000, UTC)
    ann = git.Person("Ann", "ann@example.com", when)
    commit = store.put(git.Commit(tree, (), ann, ann, "Drop 3.9\n"))
    assert tree == "d0dad19154c7b6c412ac7e7daf8789198fbf8965"
    assert commit == "7c0614a676c44cd608ee6560a5a06b90a38d86fd"
    assert store.put(git.Blob(b"hello\n")) == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert store.put(git.Tree(())) == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def test_tree_order_puts_directories_after_dotted_names():
    files = {"a.py": "1\n", "a/x": "2\n", "a-b": "3\n", "a0": "4\n"}
    assert git.Store().write_files(None, files) == "2c3d4b57ebbe85c5fdf87bd0a1c3120e6c5b7020"


# --- git data through PyGithub ----------------------------------------------------------------


def test_commit_through_git_data_api_moves_the_branch(fake, repo):
    sha = commit_files(repo, "main", {"setup.py": "setup()\n", "new/file.txt": "hi\n"}, "Bump")
    assert repo.get_branch("main").commit.sha == sha
    files = fake.branch_files("octo/demo", "main")
    assert files["setup.py"] == "setup()\n"
    assert files["new/file.txt"] == "hi\n"
    assert files["src/pkg/core.py"] == "X = 1\n"
    log = fake.commits_on("octo/demo", "main")
    assert [entry.message for entry in log] == ["Bump", "Initial commit"]
    assert log[0].author == "token-user"


def test_create_git_commit_keeps_author_and_parents(repo):
    tree = repo.get_branch("main").commit.commit.tree
    root = repo.create_git_commit("Root", tree, [])
    ann = InputGitAuthor("Ann", "ann@example.com", "2026-11-26T10:00:00Z")
    made = repo.create_git_commit("Signed", tree, [root], author=ann)
    assert (made.author.name, made.author.date) == ("Ann", datetime(2026, 11, 26, 10, tzinfo=UTC))
    assert made.committer.email == "ann@example.com"
    assert [p.sha for p in made.parents] == [root.sha]
    assert made.tree.sha == tree.sha


def test_tree_entry_with_null_sha_deletes_the_file(fake, repo):
    head = repo.get_branch("main").commit.commit
    gone = InputGitTreeElement("src/pkg/core.py", "100644", "blob", sha=None)
    tree = repo.create_git_tree([gone], base_tree=head.tree)
    paths = {e.path for e in repo.get_git_tree(tree.sha, recursive=True).tree}
    assert paths == {*FILES, "src", "src/pkg", ".github", ".github/workflows"} - {"src/pkg/core.py"}


def test_repository_flags_and_default_branch(fake, gh):
    fake.add_repo("octo/old", {"a": "b"}, default_branch="master", archived=True, fork=True)
    old = gh.get_repo("octo/old")
    assert (old.default_branch, old.archived, old.fork) == ("master", True, True)
    assert [e.path for e in old.get_git_tree("master").tree] == ["a"]


def test_archived_repository_refuses_writes(fake, gh):
    fake.add_repo("octo/old", {"a": "b"}, archived=True)
    with pytest.raises(GithubException) as caught:
        gh.get_repo("octo/old").create_git_blob("x", "utf-8")
    assert (caught.value.status, caught.value.data["message"]) == (
        403,
        "Repository was archived so is read-only.",
    )


def test_tree_entry_with_content_makes_the_blob(repo):
    head = repo.get_branch("main").commit.commit
    inline = InputGitTreeElement("tox.ini", "100644", "blob", content="[tox]\n")
    tree = repo.create_git_tree([inline], base_tree=head.tree)
    entry = next(e for e in tree.tree if e.path == "tox.ini")
    assert repo.get_git_blob(entry.sha).content.strip() == "W3RveF0K"


def test_recursive_tree_lists_every_entry_with_sizes(repo):
    flat = repo.get_git_tree("main")
    deep = repo.get_git_tree("main", recursive=True)
    assert [e.path for e in flat.tree] == [".github", "setup.py", "src"]
    blobs = {e.path: e.size for e in deep.tree if e.type == "blob"}
    assert blobs == {path: len(text) for path, text in FILES.items()}
    assert {e.mode for e in deep.tree if e.type == "tree"} == {"040000"}


def test_blob_roundtrip_in_base64(repo):
    made = repo.create_git_blob("AAEC", "base64")
    assert repo.get_git_blob(made.sha).size == 3
    assert made.sha == git.object_id(git.Blob(b"\x00\x01\x02"))


def test_non_fast_forward_ref_update_is_422_unless_forced(fake, repo):
    first = commit_files(repo, "main", {"a.txt": "1\n"}, "one")
    fake.push("octo/demo", {"b.txt": "2\n"}, "someone else")
    ref = repo.get_git_ref("heads/main")
    with pytest.raises(GithubException) as caught:
        ref.edit(first)
    assert caught.value.status == 422
    assert caught.value.data["message"] == "Update is not a fast forward"
    ref.edit(first, force=True)
    assert repo.get_branch("main").commit.sha == first


def test_create_ref_twice_is_422(repo):
    head = repo.get_branch("main").commit.sha
    made = repo.create_git_ref("refs/heads/molt/python-3.11", head)
    assert made.ref == "refs/heads/molt/python-3.11"
    assert repo.get_git_ref("heads/molt/python-3.11").object.sha == head
    with pytest.raises(GithubException) as caught:
        repo.create_git_ref("refs/heads/molt/python-3.11", head)
    assert (caught.value.status, caught.value.data["message"]) == (422, "Reference already exists")


def test_delete_ref_removes_the_branch_and_closes_its_pull_request(fake, repo):
    fake.push("octo/demo", {"x": "1\n"}, branch="gone")
    repo.create_pull(base="main", head="gone", title="t", body="")
    repo.get_git_ref("heads/gone").delete()
    assert "gone" not in fake.branches("octo/demo")
    assert fake.pulls("octo/demo")[0].state == "closed"
    with pytest.raises(github.UnknownObjectException):
        repo.get_branch("gone")


def test_contents_reads_a_file_at_a_ref_and_lists_a_directory(fake, repo):
    fake.push("octo/demo", {"setup.py": "changed\n"}, branch="dev")
    assert repo.get_contents("setup.py").decoded_content == FILES["setup.py"].encode()
    assert repo.get_contents("setup.py", ref="dev").decoded_content == b"changed\n"
    assert [c.path for c in repo.get_contents("src/pkg")] == [
        "src/pkg/__init__.py",
        "src/pkg/core.py",
    ]
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents(".github/molt.yml")


def test_tarball_link_downloads_the_tree(fake, repo):
    link = repo.get_archive_link("tarball", "main")
    with requests.get(link, timeout=5) as response:
        archive = tarfile.open(fileobj=io.BytesIO(response.content))
    names = sorted(name.split("/", 1)[1] for name in archive.getnames())
    assert names == sorted(FILES)


# --- App authentication and pagination ---------------------------------------------------------


def test_app_jwt_gets_an_installation_token(fake, private_key):
    with app_client(fake, private_key) as app:
        token = app.get_access_token(1)
        assert token.token.startswith("ghs_")
        assert token.expires_at > datetime.now(UTC)
        assert app.get_app().id == APP_ID
    assert fake.requests[0].path == "/app/installations/1/access_tokens"


def test_installations_and_their_repositories_paginate(fake, private_key):
    for n in range(2, 5):
        fake.add_installation(n, f"org{n}")
    for n in range(5):
        fake.add_repo(f"octo/r{n}", {"README": "x\n"})
    fake.add_repo("org2/hidden", {"README": "x\n"})
    with app_client(fake, private_key, per_page=2) as app:
        installations = list(app.get_installations())
        assert [i.id for i in installations] == [1, 2, 3, 4]
        repos = installations[0].get_repos()
        assert repos.totalCount == 6
        assert sorted(r.full_name for r in repos) == [
            "octo/demo",
            *(f"octo/r{n}" for n in range(5)),
        ]
    pages = [parse_qs(r.query) for r in fake.requests if r.path == "/installation/repositories"]
    assert {"per_page": ["2"], "page": ["3"]} in pages


def test_link_header_names_next_and_last(fake):
    token = fake.issue_token(1)
    for n in range(4):
        fake.add_repo(f"octo/r{n}", {})
    headers = {"Authorization": f"Bearer {token}"}  # as good as "token …"
    url = f"{fake.url}/installation/repositories?per_page=2&page=2"
    with requests.get(url, headers=headers, timeout=5) as response:
        assert len(response.json()["repositories"]) == 2
        assert set(response.links) == {"prev", "first", "next", "last"}
        assert response.links["last"]["url"].endswith("per_page=2&page=3")


def test_installation_token_sees_only_its_repositories(fake, private_key):
    fake.add_installation(2, "other")
    fake.add_repo("other/secret", {"a": "b"})
    auth = Auth.AppAuth(APP_ID, private_key).get_installation_auth(1)
    with client(fake, auth) as gh:
        assert gh.get_repo("octo/demo").default_branch == "main"
        with pytest.raises(github.UnknownObjectException):
            gh.get_repo("other/secret")


def test_wrong_app_id_or_malformed_jwt_is_401(fake, private_key):
    with app_client(fake, private_key, app_id=APP_ID + 1) as app:
        with pytest.raises(GithubException) as caught:
            app.get_access_token(1)
    assert caught.value.status == 401
    with requests.get(f"{fake.url}/app", headers={"Authorization": "Bearer a.b"}, timeout=5) as r:
        assert r.status_code == 401


def test_expired_installation_token_is_bad_credentials(fake):
    token = fake.issue_token(1)
    fake.expire_tokens()
    with client(fake, Auth.Token(token)) as gh, pytest.raises(github.BadCredentialsException):
        gh.get_repo("octo/demo")


def test_listing_installation_repositories_needs_an_installation_token(fake):
    with requests.get(
        f"{fake.url}/installation/repositories", headers={"Authorization": "token t"}, timeout=5
    ) as response:
        assert response.status_code == 403


# --- errors, rate limits and faults --------------------------------------------------------


def test_unknown_repository_is_404_with_githubs_body(gh):
    with pytest.raises(github.UnknownObjectException) as caught:
        gh.get_repo("octo/missing")
    assert caught.value.status == 404
    assert caught.value.data == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
    }


def test_every_response_carries_rate_limit_headers(fake, gh):
    headers, _ = gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo")
    assert all(name in {k.lower() for k in headers} for name in RATE_HEADERS)
    with pytest.raises(github.UnknownObjectException) as caught:
        gh.get_repo("octo/missing")
    assert all(name in {k.lower() for k in caught.value.headers or {}} for name in RATE_HEADERS)
    assert gh.get_rate_limit().resources.core.used == 2


def test_matching_etag_is_304_and_free(fake, gh):
    headers, _ = gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo/git/trees/main")
    again, body = gh.requester.requestJsonAndCheck(
        "GET", "/repos/octo/demo/git/trees/main", headers={"If-None-Match": headers["etag"]}
    )
    assert body is None
    assert fake.requests[-1].status == 304
    assert again["x-ratelimit-used"] == "1"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_injected_server_error_surfaces(fake, repo, status):
    fake.fail_next("POST", "/repos/octo/demo/git/trees", status)
    element = InputGitTreeElement("a", "100644", "blob", content="x")
    with pytest.raises(GithubException) as caught:
        repo.create_git_tree([element])
    assert caught.value.status == status
    repo.create_git_tree([element])  # one-shot: the next one goes through
    assert [r.status for r in fake.requests_for("octo/demo")[-2:]] == [status, 201]


def test_pygithub_default_retry_recovers_from_a_502(fake):
    fake.fail_next("GET", "/repos/octo/demo", 502)
    with client(fake, retry=github.GithubRetry(total=2)) as gh:
        assert gh.get_repo("octo/demo").name == "demo"
    assert [r.status for r in fake.requests] == [502, 200]


def test_timeout_surfaces_as_read_timeout(fake):
    fake.fail_next("GET", "/repos/octo/*", timeout=True)
    started = time.monotonic()
    with client(fake, timeout=1) as gh, pytest.raises(requests.exceptions.ReadTimeout):
        gh.get_repo("octo/demo")  # PyGithub takes whole seconds only
    assert time.monotonic() - started < 1.9
    assert fake.requests[-1].status is None


def test_dropped_connection_surfaces_as_connection_error(fake, gh):
    fake.hold_seconds = 0.01
    fake.fail_next("GET", "/repos/octo/demo", timeout=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        gh.get_repo("octo/demo")
    assert gh.get_repo("octo/demo").name == "demo"


def test_secondary_rate_limit_has_retry_after(fake, gh):
    fake.fail_next("POST", "/repos/octo/demo/issues/*/comments", 403, retry_after=1)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.requester.requestJsonAndCheck(
            "POST", "/repos/octo/demo/issues/1/comments", input={"body": "x"}
        )
    assert (caught.value.headers or {})["retry-after"] == "1"
    assert caught.value.data["message"].startswith("You have exceeded a secondary rate limit")


def test_pygithub_retry_honours_retry_after(fake):
    fake.fail_next("GET", "/repos/octo/demo", 403, retry_after=0)
    with client(fake, retry=github.GithubRetry(total=2)) as gh:
        assert gh.get_repo("octo/demo").name == "demo"
    assert [r.status for r in fake.requests] == [403, 200]


@pytest.mark.parametrize("status", [403, 429])
def test_primary_rate_limit_reports_zero_remaining_and_reset(fake, gh, status):
    fake.fail_next("GET", "/repos/octo/demo", status, reset_in=60)
    with pytest.raises(GithubException) as caught:
        gh.get_repo("octo/demo")
    assert caught.value.status == status
    headers = caught.value.headers or {}
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= time.time() + 55
    assert caught.value.data["message"].startswith("API rate limit exceeded")
    if status == 403:
        assert isinstance(caught.value, github.RateLimitExceededException)


# --- pull requests, comments, reactions, permissions, checks -----------------------------------


def test_pull_request_lifecycle(fake, repo):
    head = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/molt/python-3.11", head)
    commit_files(repo, "molt/python-3.11", {"setup.py": "new\n"}, "Drop 3.9")
    pr = repo.create_pull(base="main", head="molt/python-3.11", title="Drop 3.9", body="Because")
    assert (pr.number, pr.state, pr.head.ref, pr.base.ref) == (
        1,
        "open",
        "molt/python-3.11",
        "main",
    )
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="molt/python-3.11", title="again", body="")
    assert caught.value.status == 422
    assert "already exists" in caught.value.data["errors"][0]["message"]
    assert [p.number for p in repo.get_pulls(head="octo:molt/python-3.11")] == [1]
    assert list(repo.get_pulls(head="octo:other")) == []
    assert list(repo.get_pulls(base="dev")) == []
    pr.edit(title="Drop 3.9 and 3.10", state="closed")
    assert list(repo.get_pulls(state="open")) == []
    assert [p.title for p in repo.get_pulls(state="closed")] == ["Drop 3.9 and 3.10"]
    assert repo.get_pull(1).closed_at is not None
    pr.edit(state="open")
    assert fake.pulls("octo/demo")[0].state == "open"


def test_pull_request_needs_commits_ahead_of_base(repo):
    repo.create_git_ref("refs/heads/same", repo.get_branch("main").commit.sha)
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="same", title="t", body="")
    assert caught.value.status == 422


def test_push_moves_the_pull_request_head(fake, repo):
    fake.push("octo/demo", {"x": "1\n"}, branch="feature", author="alice")
    repo.create_pull(base="main", head="feature", title="t", body="")
    sha = fake.push("octo/demo", {"x": "2\n"}, branch="feature", author="bob")
    assert repo.get_pull(1).head.sha == sha
    assert [c.author for c in fake.commits_on("octo/demo", "feature")] == ["bob", "alice", "octo"]


def test_merged_pull_request_lands_on_base(fake, repo):
    fake.push("octo/demo", {"x": "1\n"}, branch="feature")
    repo.create_pull(base="main", head="feature", title="t", body="")
    fake.close_pull("octo/demo", 1, merged=True)
    pr = repo.get_pull(1)
    assert pr.merged and pr.state == "closed"
    assert fake.branch_files("octo/demo")["x"] == "1\n"


def test_comments_labels_and_reactions(fake, repo):
    fake.push("octo/demo", {"x": "1\n"}, branch="feature")
    pr = repo.create_pull(base="main", head="feature", title="t", body="")
    human = fake.add_comment("octo/demo", 1, "@molt-bot recreate", "alice")
    mine = pr.create_issue_comment("Done.")
    assert mine.user.login == "token-user"
    listed = list(pr.get_issue_comments())
    assert [(c.user.login, c.body) for c in listed] == [
        ("alice", "@molt-bot recreate"),
        ("token-user", "Done."),
    ]
    first = listed[0].create_reaction("eyes")
    again = listed[0].create_reaction("eyes")  # GitHub answers 200 with the same reaction
    assert (first.content, again.id) == ("eyes", first.id)
    assert [(r.comment_id, r.content) for r in fake.reactions] == [(human.id, "eyes")]
    pr.add_to_labels("dependencies")
    pr.add_to_labels("dependencies", "python")
    assert fake.pulls("octo/demo")[0].labels == ["dependencies", "python"]
    assert [c.body for c in fake.comments("octo/demo", 1)] == ["@molt-bot recreate", "Done."]


def test_missing_pull_request_and_its_comments_are_404(gh, repo):
    with pytest.raises(github.UnknownObjectException):
        repo.get_pull(7)
    with pytest.raises(github.UnknownObjectException):
        gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo/issues/7/comments")


def test_collaborator_permission(fake, repo):
    fake.set_permission("octo/demo", "alice", "write")
    assert repo.get_collaborator_permission("alice") == "write"
    assert repo.get_collaborator_permission("octo") == "admin"
    assert repo.get_collaborator_permission("stranger") == "read"


def test_check_run_is_recorded(fake, repo):
    head = repo.get_branch("main").commit.sha
    output = {"title": "Nothing to do", "summary": "All supported."}
    run = repo.create_check_run(
        "molt", head, status="completed", conclusion="neutral", output=output
    )
    assert (run.name, run.conclusion) == ("molt", "neutral")
    assert fake.check_runs("octo/demo")[0].title == "Nothing to do"


def test_installation_bot_is_the_commenter(fake, private_key):
    fake.push("octo/demo", {"x": "1\n"}, branch="feature")
    auth = Auth.AppAuth(APP_ID, private_key).get_installation_auth(1)
    with client(fake, auth) as gh:
        pr = gh.get_repo("octo/demo").create_pull(base="main", head="feature", title="t", body="")
        assert pr.create_issue_comment("hello").user.login == BOT
        assert pr.user.type == "Bot"


# --- the validator ------------------------------------------------------------------------------


def test_invalid_request_body_is_caught(fake, gh):
    body = {"tree": [{"path": "a", "mode": "644", "type": "blob", "content": "x"}]}
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/trees", input=body)
    assert caught.value.status == 422
    errors = fake.take_errors()
    assert errors == [
        "POST /repos/{owner}/{repo}/git/trees request: $.tree[0].mode: '644' is not one of "
        "['100644', '100755', '040000', '160000', '120000']"
    ]


def test_tree_entry_without_mode_is_422_like_github(fake, gh):
    # The 2022 description leaves tree entry fields optional; GitHub (and the fake) refuse it.
    body = {"tree": [{"path": "a", "type": "blob", "content": "x"}]}
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/trees", input=body)
    assert (caught.value.status, caught.value.data["message"]) == (422, "Invalid tree info")
    assert fake.errors == []


def test_missing_required_body_field_is_caught(fake, gh):
    with pytest.raises(GithubException):
        gh.requester.requestJsonAndCheck(
            "POST", "/repos/octo/demo/git/refs", input={"ref": "refs/heads/x"}
        )
    assert fake.take_errors() == [
        "POST /repos/{owner}/{repo}/git/refs request: $: 'sha' is a required property"
    ]


def test_unknown_query_parameter_is_caught(fake, gh):
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck(
            "GET", "/repos/octo/demo/pulls", parameters={"labels": "x"}
        )
    assert caught.value.status == 422
    assert fake.take_errors() == [
        "GET /repos/{owner}/{repo}/pulls request: unknown query parameter 'labels'"
    ]


def test_unknown_endpoint_is_recorded(fake, gh):
    with pytest.raises(github.UnknownObjectException):
        gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo/releases")
    assert fake.take_errors() == ["GET /repos/octo/demo/releases: not in the OpenAPI subset"]


def test_off_spec_response_is_caught(fake, gh, monkeypatch):
    def broken(call):
        return _call.Reply(200, {"id": 1, "name": "demo"})

    monkeypatch.setitem(_routes.HANDLERS, "repos/get", broken)
    gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo")
    errors = fake.take_errors()
    assert "GET /repos/{owner}/{repo} response 200: $: 'full_name' is a required property" in errors


def test_every_operation_in_the_subset_has_a_handler():
    assert {op.operation_id for op in openapi.load().operations} == set(_routes.HANDLERS)


def test_fault_can_repeat_and_match_by_pattern(fake, repo):
    fake.fail_next("*", "/repos/octo/*/git/*", 503, times=2)
    for _ in range(2):
        with pytest.raises(GithubException):
            repo.get_git_tree("main")
    assert repo.get_git_tree("main").sha


def test_close_fails_when_traffic_was_off_spec():
    fake = FakeGitHub()
    with requests.get(f"{fake.url}/nowhere", timeout=5) as response:
        assert response.status_code == 404
    with pytest.raises(AssertionError, match="not in the OpenAPI subset"):
        fake.close()


def test_request_log_counts_calls_per_repository(fake):
    fake.add_repo("octo/done", {"setup.py": "x\n"})
    with client(fake, lazy=True) as gh:
        done = gh.get_repo("octo/done")  # lazy: no request
        done.get_git_tree("main", recursive=True)
        with pytest.raises(github.UnknownObjectException):
            done.get_contents(".github/molt.yml")
    assert [(r.method, r.path, r.status) for r in fake.requests_for("octo/done")] == [
        ("GET", "/repos/octo/done/git/trees/main", 200),
        ("GET", "/repos/octo/done/contents/.github/molt.yml", 404),
    ]


def test_fixture_serves_and_logs(fake_github):
    fake_github.add_repo("solo/repo", {"a": "b"})
    with client(fake_github) as gh:
        gh.get_repo("solo/repo").get_git_tree("main", recursive=True)
    assert [(r.method, r.path, r.status) for r in fake_github.requests_for("solo/repo")] == [
        ("GET", "/repos/solo/repo", 200),
        ("GET", "/repos/solo/repo/git/trees/main", 200),
    ]


# --- issues, merging, reviews ------------------------------------------------------------------


def open_pull(fake, repo, files=None, branch="feature", title="t"):
    fake.push("octo/demo", files or {"x": "1\n"}, branch=branch)
    return repo.create_pull(base="main", head=branch, title=title, body="")


def test_tracking_issue_is_created_listed_and_edited_in_place(fake, repo):
    issue = repo.create_issue("Python support", body="- [ ] demo", labels=["molt"])
    assert (issue.number, issue.state, [lb.name for lb in issue.labels]) == (1, "open", ["molt"])
    issue.edit(body="- [x] demo")
    issue.add_to_assignees("alice")
    assert [i.body for i in repo.get_issues(labels=["molt"])] == ["- [x] demo"]
    assert [[u.login for u in i.assignees] for i in repo.get_issues(assignee="alice")] == [
        ["alice"]
    ]
    assert list(repo.get_issues(labels=["other"])) == []
    issue.edit(state="closed")
    assert list(repo.get_issues()) == []
    assert [i.title for i in repo.get_issues(state="closed")] == ["Python support"]
    assert fake.issues("octo/demo")[0].body == "- [x] demo"


def test_issue_list_carries_pull_requests_too(fake, gh, repo):
    open_pull(fake, repo)
    fake.add_issue("octo/demo", "Bug", user="alice")
    _, listed = gh.requester.requestJsonAndCheck("GET", "/repos/octo/demo/issues")
    assert [(i["number"], "pull_request" in i) for i in listed] == [(2, False), (1, True)]
    assert [i.number for i in repo.get_issues(creator="alice")] == [2]


def test_issue_without_title_is_422(gh):
    with pytest.raises(GithubException) as caught:
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/issues", input={"title": ""})
    assert caught.value.status == 422
    assert caught.value.data["errors"][0]["field"] == "title"


def test_remove_label_leaves_the_rest_and_404s_when_absent(fake, repo):
    pr = open_pull(fake, repo)
    pr.add_to_labels("dependencies", "python")
    pr.remove_from_labels("python")
    assert fake.pulls("octo/demo")[0].labels == ["dependencies"]
    with pytest.raises(GithubException) as caught:
        pr.remove_from_labels("python")
    assert (caught.value.status, caught.value.data["message"]) == (404, "Label does not exist")


@pytest.mark.parametrize("method", ["merge", "squash", "rebase"])
def test_merge_lands_the_head_on_base(fake, repo, method):
    pr = open_pull(fake, repo, {"setup.py": "new\n"})
    result = pr.merge(merge_method=method, sha=pr.head.sha)
    assert result.merged
    assert fake.branch_files("octo/demo")["setup.py"] == "new\n"
    parents = fake.commits_on("octo/demo")[0].parents
    assert len(parents) == (2 if method == "merge" else 1)
    assert repo.get_pull(1).merged and repo.get_pull(1).merge_commit_sha == result.sha


def test_merge_keeps_changes_made_on_base_meanwhile(fake, repo):
    pr = open_pull(fake, repo, {"setup.py": "new\n"})
    fake.push("octo/demo", {"other.txt": "base\n"})
    pr.merge()
    assert fake.branch_files("octo/demo")["other.txt"] == "base\n"
    assert fake.branch_files("octo/demo")["setup.py"] == "new\n"


def test_merge_refuses_a_moved_head_a_conflict_and_a_closed_pull(fake, repo):
    pr = open_pull(fake, repo, {"setup.py": "new\n"})
    assert (pr.mergeable, pr.mergeable_state) == (True, "clean")
    with pytest.raises(GithubException) as caught:
        pr.merge(sha="0" * 40)
    assert caught.value.status == 409
    fake.push("octo/demo", {"setup.py": "other\n"})
    assert (repo.get_pull(1).mergeable, repo.get_pull(1).mergeable_state) == (False, "dirty")
    with pytest.raises(GithubException) as caught:
        pr.merge()
    assert caught.value.status == 405
    pr.edit(state="closed")
    with pytest.raises(GithubException) as caught:
        pr.merge()
    assert caught.value.status == 405


def test_reviewers_are_requested_and_reviews_listed(fake, repo):
    pr = open_pull(fake, repo)
    fake.set_permission("octo/demo", "alice", "write")
    fake.set_permission("octo/demo", "bob", "read")
    pr.create_review_request(reviewers=["alice", "bob"])
    assert [u.login for u in repo.get_pull(1).requested_reviewers] == ["alice", "bob"]
    fake.add_review("octo/demo", 1, "alice", "APPROVED", "LGTM")
    fake.add_review("octo/demo", 1, "bob", "CHANGES_REQUESTED")
    reviews = [(r.user.login, r.state, r.commit_id) for r in pr.get_reviews()]
    assert reviews == [
        ("alice", "APPROVED", pr.head.sha),
        ("bob", "CHANGES_REQUESTED", pr.head.sha),
    ]
    assert repo.get_pull(1).requested_reviewers == []


def test_team_reviewers_are_recorded(fake, repo):
    pr = open_pull(fake, repo)
    pr.create_review_request(team_reviewers=["maintainers"])
    assert [t.slug for t in repo.get_pull(1).requested_teams] == ["maintainers"]
    assert fake.pulls("octo/demo")[0].requested_teams == ["maintainers"]


def test_review_cannot_be_requested_from_a_stranger(fake, repo):
    pr = open_pull(fake, repo)
    fake.set_permission("octo/demo", "alice", "write")
    with pytest.raises(GithubException) as caught:
        pr.create_review_request(reviewers=["alice", "stranger"])
    assert caught.value.status == 422
    assert "may only be requested from collaborators" in caught.value.data["message"]
    assert repo.get_pull(1).requested_reviewers == []


def test_review_cannot_be_requested_from_the_author(fake, repo):
    pr = open_pull(fake, repo)
    with pytest.raises(GithubException) as caught:
        pr.create_review_request(reviewers=["token-user"])
    assert caught.value.status == 422


def test_auto_merge_is_enabled_through_graphql(fake, repo):
    fake.set_auto_merge_allowed("octo/demo")
    pr = open_pull(fake, repo)
    data = pr.enable_automerge(merge_method="SQUASH")
    assert data["actor"]["login"] == "token-user"
    assert fake.pulls("octo/demo")[0].auto_merge == ("token-user", "squash")
    assert repo.get_pull(1).auto_merge["merge_method"] == "squash"
    pr.disable_automerge()
    assert fake.pulls("octo/demo")[0].auto_merge is None


def test_auto_merge_refused_when_the_repository_does_not_allow_it(fake, repo):
    pr = open_pull(fake, repo)
    assert repo.allow_auto_merge is False
    with pytest.raises(GithubException) as caught:
        pr.enable_automerge()
    assert caught.value.data["errors"][0]["message"] == (
        "Pull request Auto merge is not allowed for this repository"
    )
    assert fake.pulls("octo/demo")[0].auto_merge is None


def test_auto_merge_waits_for_required_checks_then_github_merges(fake, repo):
    fake.set_auto_merge_allowed("octo/demo")
    fake.protect_branch("octo/demo", ["tests"])
    pr = open_pull(fake, repo, {"setup.py": "new\n"})
    pr.enable_automerge(merge_method="SQUASH")
    fake.add_check_run("octo/demo", pr.head.sha, "tests", status="in_progress", conclusion=None)
    fake.add_check_run("octo/demo", pr.head.sha, "lint", conclusion="failure")  # not required
    assert repo.get_pull(1).state == "open"
    fake.add_check_run("octo/demo", pr.head.sha, "tests", conclusion="success")
    merged = repo.get_pull(1)
    assert merged.merged and merged.merged_by.login == "token-user"
    assert fake.branch_files("octo/demo")["setup.py"] == "new\n"
    assert len(fake.commits_on("octo/demo")[0].parents) == 1  # squashed


@pytest.mark.parametrize(("lint", "state"), [("success", "clean"), ("failure", "unstable")])
def test_auto_merge_refused_when_nothing_is_left_to_wait_for(fake, repo, lint, state):
    fake.set_auto_merge_allowed("octo/demo")
    fake.protect_branch("octo/demo", ["ci/tests"])
    pr = open_pull(fake, repo)
    fake.add_status("octo/demo", pr.head.sha, "success", "ci/tests")
    fake.add_status("octo/demo", pr.head.sha, lint, "ci/lint")
    with pytest.raises(GithubException) as caught:
        pr.enable_automerge()
    assert caught.value.data["errors"][0]["message"] == (
        f"Pull request Pull request is in {state} status"
    )
    assert repo.get_pull(1).state == "open"


def test_graphql_inline_input_and_unknown_node(fake, gh):
    query = 'mutation { enablePullRequestAutoMerge(input: {pullRequestId: "nope"}) { actor } }'
    with pytest.raises(github.UnknownObjectException):
        gh.requester.graphql_query(query, {})
    assert fake.requests[-1].path == "/graphql"


def test_unknown_graphql_query_is_recorded(fake, gh):
    with pytest.raises(GithubException):
        gh.requester.graphql_query("query { viewer { login } }", {})
    assert fake.take_errors()[0].startswith("POST /graphql: the fake serves no such query")


# --- commits, checks, statuses -----------------------------------------------------------------


def test_commit_lists_its_files_against_its_parent(fake, repo):
    sha = fake.push("octo/demo", {"setup.py": "a\nb\n", "new.txt": "n\n", "src/pkg/core.py": None})
    commit = repo.get_commit(sha)
    files = {f.filename: (f.status, f.additions, f.deletions) for f in commit.files}
    assert files == {
        "setup.py": ("modified", 2, 2),
        "new.txt": ("added", 1, 0),
        "src/pkg/core.py": ("removed", 0, 1),
    }
    assert repo.get_commit("main").sha == sha
    with pytest.raises(GithubException) as caught:
        repo.get_commit("no-such-branch")
    assert caught.value.status == 422


def test_compare_counts_ahead_and_behind(fake, repo):
    fake.push("octo/demo", {"x": "1\n"}, branch="feature")
    fake.push("octo/demo", {"x": "2\n"}, branch="feature")
    fake.push("octo/demo", {"y": "1\n"})
    found = repo.compare("main", "feature")
    assert (found.status, found.ahead_by, found.behind_by) == ("diverged", 2, 1)
    assert [f.filename for f in found.files] == ["x"]
    assert found.total_commits == len(list(found.commits)) == 2
    assert repo.compare("main", "main").status == "identical"


def test_check_runs_and_suites_for_a_ref(fake, repo):
    head = repo.get_branch("main").commit.sha
    fake.add_check_suite("octo/demo", "main", conclusion="failure")
    fake.add_check_run("octo/demo", head, "tests", conclusion="failure")
    fake.add_check_run("octo/demo", head, "tests", conclusion="success")  # a re-run
    fake.add_check_run("octo/demo", head, "lint", status="in_progress", conclusion=None)
    commit = repo.get_commit(head)
    runs = [(r.name, r.status, r.conclusion) for r in commit.get_check_runs()]
    assert runs == [("tests", "completed", "success"), ("lint", "in_progress", None)]
    assert len(list(commit.get_check_runs(filter="all"))) == 3
    assert [r.name for r in commit.get_check_runs(check_name="lint")] == ["lint"]
    suites = list(commit.get_check_suites())
    assert [(s.conclusion, s.head_branch, s.app.slug) for s in suites] == [
        ("failure", "main", "github-actions")
    ]
    assert suites[0].latest_check_runs_count == 2
    assert list(commit.get_check_suites(app_id=APP_ID)) == []
    _, theirs = repo.requester.requestJsonAndCheck(
        "GET", f"{repo.url}/commits/{head}/check-runs", {"app_id": suites[0].app.id}
    )
    assert theirs["total_count"] == 2


def test_combined_status_is_the_worst_latest_per_context(fake, repo):
    head = repo.get_branch("main").commit.sha
    assert repo.get_commit(head).get_combined_status().state == "pending"
    fake.add_status("octo/demo", head, "failure", "ci/tests")
    fake.add_status("octo/demo", head, "success", "ci/tests")
    fake.add_status("octo/demo", head, "success", "ci/docs")
    combined = repo.get_commit(head).get_combined_status()
    assert (combined.state, combined.total_count) == ("success", 2)
    fake.add_status("octo/demo", "main", "error", "ci/docs")
    assert repo.get_commit(head).get_combined_status().state == "failure"


# --- signing in: users, their installations, the OAuth web flow ----------------------------------


def test_user_token_sees_the_users_installations_and_repos(fake):
    fake.add_installation(2, "other")
    fake.add_repo("octo/secret", {"a": "b"}, installation_id=1)
    fake.add_user("alice", installations=[1], repos=["octo/demo"], name="Alice")
    with client(fake, Auth.Token(fake.user_token("alice"))) as gh:
        me = gh.get_user()
        assert (me.login, me.name) == ("alice", "Alice")
        assert [i.id for i in me.get_installations()] == [1]
        _, body = gh.requester.requestJsonAndCheck("GET", "/user/installations/1/repositories")
        assert [r["full_name"] for r in body["repositories"]] == ["octo/demo"]
        with pytest.raises(github.UnknownObjectException):
            gh.requester.requestJsonAndCheck("GET", "/user/installations/2/repositories")


def test_user_installations_need_a_user_token(fake, gh):
    with pytest.raises(GithubException) as caught:
        list(gh.get_user().get_installations())
    assert caught.value.status == 403


def test_oauth_web_flow_signs_in_as_the_chosen_user(fake, gh):
    fake.add_user("alice", installations=[1])
    fake.add_user("bob")
    callback = "http://127.0.0.1:9/auth/callback"
    oauth = gh.get_oauth_application(fake.oauth.client_id, fake.oauth.client_secret)
    login_url = oauth.get_login_url(redirect_uri=callback, state="s1")
    assert login_url.startswith(f"{fake.web_url}/login/oauth/authorize?")
    with requests.get(login_url, timeout=5) as page:
        assert page.status_code == 200
        assert "Sign in as alice" in page.text and "Sign in as bob" in page.text
    form = {"client_id": fake.oauth.client_id, "redirect_uri": callback, "state": "s1"}
    with requests.post(
        f"{fake.web_url}/login/oauth/authorize",
        data=form | {"login": "alice"},
        allow_redirects=False,
        timeout=5,
    ) as back:
        assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith(callback + "?")
    query = parse_qs(location.partition("?")[2])
    assert query["state"] == ["s1"]
    token = oauth.get_access_token(query["code"][0])
    assert token.type == "bearer"
    with client(fake, Auth.Token(token.token)) as signed_in:
        assert signed_in.get_user().login == "alice"
    with pytest.raises(github.BadCredentialsException):  # a code works once
        oauth.get_access_token(query["code"][0])
    assert fake.errors == []


def test_oauth_exchange_errors_are_200s_with_an_error_field(fake):
    url = f"{fake.web_url}/login/oauth/access_token"
    given = {"client_id": fake.oauth.client_id, "client_secret": "wrong", "code": "x"}
    headers = {"Accept": "application/json"}
    with requests.post(url, data=given, headers=headers, timeout=5) as answer:
        assert (answer.status_code, answer.json()["error"]) == (
            200,
            "incorrect_client_credentials",
        )
    given["client_secret"] = fake.oauth.client_secret
    with requests.post(url, json=given, headers=headers, timeout=5) as answer:
        assert answer.json()["error"] == "bad_verification_code"
    with requests.post(url, data=given, timeout=5) as answer:  # no Accept: form-encoded
        assert parse_qs(answer.text)["error"] == ["bad_verification_code"]


def test_oauth_cancel_and_unknown_client(fake):
    fake.add_user("alice")
    callback = "http://127.0.0.1:9/cb"
    form = {"client_id": fake.oauth.client_id, "redirect_uri": callback, "state": "s"}
    with requests.post(
        f"{fake.web_url}/login/oauth/authorize",
        data=form | {"deny": "1"},
        allow_redirects=False,
        timeout=5,
    ) as back:
        assert parse_qs(back.headers["Location"].partition("?")[2])["error"] == ["access_denied"]
    with requests.get(
        f"{fake.web_url}/login/oauth/authorize", params={"client_id": "nope"}, timeout=5
    ) as page:
        assert page.status_code == 404


def test_oauth_redirect_must_sit_under_the_registered_callback(fake):
    fake.oauth.callback_url = "http://127.0.0.1:9/auth/"
    params = {"client_id": fake.oauth.client_id, "redirect_uri": "http://evil.example/"}
    with requests.get(f"{fake.web_url}/login/oauth/authorize", params=params, timeout=5) as page:
        assert page.status_code == 400


# --- GitHub's limits ---------------------------------------------------------------------------


def test_primary_limit_is_403_at_zero_and_per_installation(fake, private_key):
    fake.add_installation(2, "other")
    fake.add_repo("other/lib", {"a": "b"})
    fake.limits.primary = 2
    installation = Auth.AppAuth(APP_ID, private_key).get_installation_auth
    with client(fake, installation(1)) as gh:
        repo = gh.get_repo("octo/demo")
        repo.get_git_tree("main")
        with pytest.raises(github.RateLimitExceededException) as caught:
            repo.get_git_tree("main")
    headers = caught.value.headers or {}
    assert (headers["x-ratelimit-remaining"], headers["x-ratelimit-used"]) == ("0", "2")
    assert int(headers["x-ratelimit-reset"]) > time.time() + 3500
    assert caught.value.data["message"] == "API rate limit exceeded for installation ID 1."
    with client(fake, installation(2)) as other:
        assert other.get_repo("other/lib").name == "lib"
        assert other.get_rate_limit().resources.core.used == 1


def test_conditional_requests_are_free_even_near_the_limit(fake, gh):
    fake.limits.primary = 2
    path = "/repos/octo/demo/git/trees/main"
    headers, _ = gh.requester.requestJsonAndCheck("GET", path)
    for _ in range(3):
        again, _ = gh.requester.requestJsonAndCheck(
            "GET", path, headers={"If-None-Match": headers["etag"]}
        )
        assert again["x-ratelimit-remaining"] == "1"
    gh.requester.requestJsonAndCheck("GET", path)
    with pytest.raises(github.RateLimitExceededException):
        gh.requester.requestJsonAndCheck("GET", path)
    assert [r.status for r in fake.requests] == [200, 304, 304, 304, 200, 403]


def test_secondary_limit_per_minute_answers_retry_after(fake, gh):
    fake.limits.secondary = (2, 100)
    blob = {"content": "x", "encoding": "utf-8"}
    for _ in range(2):
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/blobs", input=blob)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/blobs", input=blob)
    assert 55 <= int((caught.value.headers or {})["retry-after"]) <= 60
    assert caught.value.data["message"].startswith("You have exceeded a secondary rate limit")
    assert gh.get_repo("octo/demo").name == "demo"  # reads are not content-creating
    assert fake.secondary_limited == 1


def test_secondary_limit_per_hour(fake, gh):
    fake.limits.secondary = (100, 1)
    blob = {"content": "x", "encoding": "utf-8"}
    gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/blobs", input=blob)
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/blobs", input=blob)
    assert int((caught.value.headers or {})["retry-after"]) > 3500


def test_default_fake_has_no_secondary_limit(fake, gh):
    blob = {"content": "x", "encoding": "utf-8"}
    for _ in range(90):
        gh.requester.requestJsonAndCheck("POST", "/repos/octo/demo/git/blobs", input=blob)
    assert fake.secondary_limited == 0


def test_enforce_github_limits_sets_the_documented_numbers(fake):
    fake.enforce_github_limits(latency=0.01)
    assert (fake.limits.primary, fake.limits.secondary, fake.limits.latency) == (
        5000,
        (80, 500),
        0.01,
    )


def test_graphql_spends_its_own_budget(fake, gh, repo):
    fake.set_auto_merge_allowed("octo/demo")
    pr = open_pull(fake, repo)
    pr.enable_automerge()
    core = gh.get_rate_limit().resources.core.used
    assert gh.get_rate_limit().raw_data["resources"]["graphql"]["used"] == 1
    assert gh.get_rate_limit().resources.core.used == core


def test_latency_is_added_to_every_answer_side_by_side(fake):
    fake.limits.latency = 0.4

    def fetch(_):
        with requests.get(f"{fake.url}/repos/octo/demo", headers=TOKEN, timeout=10) as answer:
            return answer.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(fetch, range(8))) == [200] * 8
    assert 0.4 <= time.monotonic() - started < 2.4  # one after another would take 3.2 s


def test_fault_for_some_seconds(fake, gh):
    fake.fail_next("GET", "/repos/octo/*", 500, seconds=0.3)
    for _ in range(3):
        with pytest.raises(GithubException):
            gh.get_repo("octo/demo")
    time.sleep(0.35)
    assert gh.get_repo("octo/demo").name == "demo"
    assert [r.status for r in fake.requests] == [500, 500, 500, 200]


def test_primary_budget_comes_back_at_reset(fake, gh):
    fake.limits.primary, fake.limits.window = 1, 2
    gh.get_repo("octo/demo")
    with pytest.raises(github.RateLimitExceededException) as caught:
        gh.get_repo("octo/demo")
    reset = int((caught.value.headers or {})["x-ratelimit-reset"])
    assert reset <= time.time() + 2
    time.sleep(max(reset - time.time(), 0) + 0.1)
    assert gh.get_repo("octo/demo").name == "demo"
