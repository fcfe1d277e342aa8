"""upgrade.run() against the fake GitHub: what the fake ends up holding, and what it cost."""

from __future__ import annotations

from datetime import date

import pytest

from app import github as gh
from app import publish, upgrade
from app.errors import RateLimited, ServerError
from app.outcome import Outcome, Target
from app.plan import FileChange
from tests.conftest import TODAY
from tests.fakes.github import FakeGitHub
from tests.rewriters.test_ci_scripts import PINNED

REPO = "octo/inkwell"
BRANCH = "molt/python-3.11"
PYPROJECT = """\
[project]
name = "inkwell"
requires-python = ">=3.9"
classifiers = [
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
]
"""
PYPROJECT_AFTER = """\
[project]
name = "inkwell"
requires-python = ">=3.11"
classifiers = [
    "Programming Language :: Python :: 3.11",
]
"""
TOX = "[tox]\nenvlist = py39, py311\n"
TOX_AFTER = "[tox]\nenvlist = py311\n"
TARGET = Target(REPO, "main")


def remembering(listings=gh.LISTINGS_MAX, needed_nothing=upgrade.NEEDED_NOTHING_MAX):
    """Fresh memory, as the object running the jobs keeps it between them."""
    return gh.Listings(listings), upgrade.NeededNothing(needed_nothing)


def run(fake, target=TARGET, today=TODAY, login="molt-bot", memory=None, **kwargs):
    """One run; with ``memory`` (from ``remembering()``) it shares what earlier runs learned."""
    listings, needed_nothing = memory or (None, None)
    client = gh.client_for_token("personal-token", fake.url, throttle=False)
    repo = gh.Repository(client, target.full_name, listings=listings)
    return upgrade.run(repo, target, today, login=login, needed_nothing=needed_nothing, **kwargs)


def cost(fake, before):
    """API requests since ``before``; the tarball download from codeload is not an API call."""
    return sum(1 for r in fake.requests[before:] if not r.path.startswith("/_codeload/"))


def test_opens_one_pull_request_with_one_commit(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "tox.ini": TOX, "src/a.py": "x = 1\n"})
    main_head = fake_github.branches(REPO)["main"]
    assert run(fake_github) is Outcome.OPENED
    (pull,) = fake_github.pulls(REPO)
    assert (pull.state, pull.head, pull.base) == ("open", BRANCH, "main")
    assert pull.title == "Drop Python 3.9 and 3.10 (end-of-life)"
    assert pull.labels == ["dependencies", "python"]
    assert "### What changed" in (pull.body or "")
    files = fake_github.branch_files(REPO, BRANCH)
    assert files["pyproject.toml"] == PYPROJECT_AFTER
    assert files["tox.ini"] == TOX_AFTER
    assert files["src/a.py"] == "x = 1\n"
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.author == gh.BOT_AUTHOR
    assert newest.parents == (main_head,)
    assert newest.message.startswith("Drop Python 3.9 and 3.10 (end-of-life)\n\n")


def test_one_commit_deletes_and_renames_files_named_for_dropped_versions(fake_github):
    environment = "dependencies:\n  - python={}\n"
    files = {
        "pyproject.toml": PYPROJECT,
        "ci/py3.9.yml": environment.format("3.9"),
        "ci/py3.10-min.yml": environment.format("3.10"),
        "ci/py3.11.yml": environment.format("3.11"),
    }
    fake_github.add_repo(REPO, files)
    assert run(fake_github) is Outcome.OPENED
    assert fake_github.branch_files(REPO, BRANCH) == {
        "pyproject.toml": PYPROJECT_AFTER,
        "ci/py3.11-min.yml": environment.format("3.11"),
        "ci/py3.11.yml": environment.format("3.11"),
    }
    assert len(fake_github.commits_on(REPO, BRANCH)) == 2  # main's and molt's one commit


@pytest.mark.parametrize(
    ("change", "mode"),
    (
        pytest.param(FileChange("run.sh", "a", "b", (), ()), "100755", id="its own mode"),
        pytest.param(
            FileChange("ci/py3.11.sh", "", "b", (), (), "ci/py3.10.sh"),
            "100755",
            id="a renamed file takes the old one's",
        ),
        pytest.param(FileChange("CHANGES/1.md", "", "b", (), ()), "100644", id="a new file"),
    ),
)
def test_file_mode(change, mode):
    assert publish.file_mode({"run.sh": "100755", "ci/py3.10.sh": "100755"}, change) == mode


def test_a_new_pull_request_costs_at_most_10_requests(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "tox.ini": TOX})
    before = len(fake_github.requests)
    run(fake_github)
    # tree, tarball, open pulls (molt's on any target), pulls from the branch (ignored?),
    # base branch, new tree, commit, ref, pull request, labels
    assert cost(fake_github, before) <= 10


def test_second_run_changes_nothing(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    head = fake_github.branches(REPO)[BRANCH]
    assert run(fake_github) is Outcome.UP_TO_DATE
    assert fake_github.branches(REPO)[BRANCH] == head
    assert len(fake_github.pulls(REPO)) == 1


@pytest.mark.parametrize(
    "files",
    (
        pytest.param({"pyproject.toml": PYPROJECT_AFTER}, id="one-file"),
        pytest.param({"pyproject.toml": PYPROJECT_AFTER, "tox.ini": TOX_AFTER}, id="two-files"),
    ),
)
def test_a_repository_needing_nothing_costs_at_most_2_requests(fake_github, files):
    fake_github.add_repo(REPO, files)
    before = len(fake_github.requests)
    assert run(fake_github) is Outcome.NOTHING
    assert cost(fake_github, before) <= 2
    assert fake_github.pulls(REPO) == []


def test_repository_without_python_costs_one_request(fake_github):
    fake_github.add_repo(REPO, {"LICENSE": "MIT\n", "index.js": "1\n"})
    before = len(fake_github.requests)
    assert run(fake_github) is Outcome.SKIPPED
    assert cost(fake_github, before) == 1


@pytest.mark.parametrize(
    "target",
    (Target(REPO, "main", archived=True), Target(REPO, "main", fork=True)),
    ids=("archived", "fork"),
)
def test_archived_and_forks_are_skipped_without_a_request(fake_github, target):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, archived=target.archived)
    before = len(fake_github.requests)
    assert run(fake_github, target) is Outcome.SKIPPED
    assert cost(fake_github, before) == 0


def test_push_that_makes_the_pull_request_stale_updates_the_branch(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    new_main = fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert run(fake_github, on_push=True) is Outcome.UPDATED
    assert len(fake_github.pulls(REPO)) == 1
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.parents == (new_main,)
    files = fake_github.branch_files(REPO, BRANCH)
    assert (files["pyproject.toml"], files["tox.ini"]) == (PYPROJECT_AFTER, TOX_AFTER)
    assert "tox.ini" in (fake_github.pulls(REPO)[0].body or "")


def test_closed_unmerged_pull_request_means_ignored(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    fake_github.close_pull(REPO, fake_github.pulls(REPO)[0].number)
    fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert run(fake_github, on_push=True) is Outcome.IGNORED
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]


def test_never_overwrites_someone_elses_commit(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    theirs = fake_github.push(REPO, {"NOTES.md": "wip\n"}, "WIP", branch=BRANCH, author="alice")
    fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert run(fake_github, on_push=True) is Outcome.BLOCKED
    assert fake_github.branches(REPO)[BRANCH] == theirs
    (comment,) = fake_github.comments(REPO, fake_github.pulls(REPO)[0].number)
    recreate = publish.RECREATE_STEP.format(mention="@molt-bot")
    assert comment.body == publish.BLOCKED.format(branch=BRANCH, next_step=recreate)


def test_token_mode_blocked_comment_needs_no_app(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github, login=None)
    fake_github.push(REPO, {"NOTES.md": "wip\n"}, "WIP", branch=BRANCH, author="alice")
    fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert run(fake_github, login=None, on_push=True) is Outcome.BLOCKED
    (comment,) = fake_github.comments(REPO, fake_github.pulls(REPO)[0].number)
    assert comment.body == publish.BLOCKED.format(branch=BRANCH, next_step=publish.DELETE_STEP)
    assert "@" not in (fake_github.pulls(REPO)[0].body or "").split("<!--")[0]


def test_pull_request_closed_when_done_by_hand(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    fake_github.push(REPO, {"pyproject.toml": PYPROJECT_AFTER}, "Drop 3.9 and 3.10 by hand")
    assert run(fake_github, on_push=True) is Outcome.CLOSED
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "closed"
    (comment,) = fake_github.comments(REPO, pull.number)
    assert comment.body == publish.CLOSED_COMMENT.format(minimum="3.11")
    assert BRANCH not in fake_github.branches(REPO)


def test_invalid_config_is_reported_in_a_check_run_and_opens_nothing(fake_github):
    config = "minimum: 3.11\nschedule: hourly\n"
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, ".github/molt.yml": config})
    assert run(fake_github) is Outcome.INVALID_CONFIG
    assert fake_github.pulls(REPO) == []
    (check,) = fake_github.check_runs(REPO)
    assert (check.name, check.conclusion) == ("molt", "failure")
    assert check.summary == (
        "```\n.github/molt.yml:2: schedule: Input should be 'daily', 'weekly' or 'monthly'\n```"
    )


def test_a_push_that_breaks_the_minimum_file_keeps_the_pull_request(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "tox.ini": TOX})
    assert run(fake_github) is Outcome.OPENED
    fake_github.push(REPO, {"pyproject.toml": "[project\n"}, "Break pyproject.toml")
    assert run(fake_github, on_push=True) is Outcome.UNREADABLE
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "open"
    (check,) = fake_github.check_runs(REPO)
    assert (check.name, check.conclusion) == ("molt", "failure")
    assert check.summary.startswith("```\npyproject.toml: line 1")


def test_config_pins_minimum_and_ignores_paths(fake_github):
    config = 'minimum: "3.10"\nignore_paths: ["legacy/*"]\nlabels: []\n'
    files = {
        "pyproject.toml": PYPROJECT,
        "legacy/tox.ini": TOX,
        ".github/molt.yml": config,
    }
    fake_github.add_repo(REPO, files)
    assert run(fake_github) is Outcome.OPENED
    (pull,) = fake_github.pulls(REPO)
    assert (pull.head, pull.title, pull.labels) == (
        "molt/python-3.10",
        "Drop Python 3.9 (end-of-life)",
        [],
    )
    assert fake_github.branch_files(REPO, "molt/python-3.10")["legacy/tox.ini"] == TOX


def test_server_error_surfaces_and_the_next_run_succeeds(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    fake_github.fail_next("POST", f"/repos/{REPO}/git/trees", 502)
    with pytest.raises(ServerError):
        run(fake_github)
    assert fake_github.pulls(REPO) == []
    assert run(fake_github) is Outcome.OPENED


def test_secondary_rate_limit_carries_retry_after(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    fake_github.fail_next("GET", f"/repos/{REPO}/git/trees/*", 403, retry_after=30)
    with pytest.raises(RateLimited) as error:
        run(fake_github)
    assert error.value.status == 403


def test_push_elsewhere_leaves_the_pull_request_alone(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    head = fake_github.branches(REPO)[BRANCH]
    fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    before = len(fake_github.requests)
    assert run(fake_github, on_push=True) is Outcome.UP_TO_DATE
    assert fake_github.branches(REPO)[BRANCH] == head
    assert cost(fake_github, before) == 3


def test_rebase_when_behind_follows_every_push(fake_github):
    config = "rebase_when: behind\n"
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, ".github/molt.yml": config})
    run(fake_github)
    new_main = fake_github.push(REPO, {"src/a.py": "x = 2\n"}, "Unrelated")
    assert run(fake_github, on_push=True) is Outcome.UPDATED
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.parents == (new_main,)


def test_rebase_when_never_leaves_an_open_pull_request(fake_github):
    fake_github.add_repo(
        REPO, {"pyproject.toml": PYPROJECT, ".github/molt.yml": "rebase_when: never\n"}
    )
    run(fake_github)
    head = fake_github.branches(REPO)[BRANCH]
    fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert run(fake_github, on_push=True) is Outcome.UP_TO_DATE
    assert fake_github.branches(REPO)[BRANCH] == head


def test_policy_moving_on_replaces_the_open_pull_request(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    later = date(2027, 11, 26)  # 3.11 reached end-of-life in October 2027
    assert run(fake_github, today=later) is Outcome.RETARGETED
    old, new = fake_github.pulls(REPO)
    assert (old.head, old.state) == (BRANCH, "closed")
    assert (new.head, new.state, new.title) == (
        "molt/python-3.12",
        "open",
        "Drop Python 3.9, 3.10 and 3.11 (end-of-life)",
    )
    (comment,) = fake_github.comments(REPO, old.number)
    assert comment.body == publish.SUPERSEDED_COMMENT.format(number=new.number, minimum="3.12")
    assert BRANCH not in fake_github.branches(REPO)
    assert run(fake_github, today=later) is Outcome.UP_TO_DATE
    assert len(fake_github.pulls(REPO)) == 2


def test_policy_moving_on_keeps_a_branch_others_pushed_to(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT})
    run(fake_github)
    theirs = fake_github.push(REPO, {"NOTES.md": "x\n"}, "WIP", branch=BRANCH, author="alice")
    assert run(fake_github, today=date(2027, 11, 26)) is Outcome.RETARGETED
    assert fake_github.branches(REPO)[BRANCH] == theirs
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed", "open"]


def test_an_ignored_new_target_leaves_the_old_pull_request_alone(fake_github):
    fake_github.add_repo(
        REPO, {"pyproject.toml": PYPROJECT, ".github/molt.yml": 'minimum: "3.12"\n'}
    )
    run(fake_github)
    fake_github.close_pull(REPO, 1)  # the 3.12 pull request is ignored
    fake_github.push(REPO, {".github/molt.yml": ""}, "unpin")
    run(fake_github)  # 3.11 is opened
    fake_github.push(REPO, {".github/molt.yml": 'minimum: "3.12"\n'}, "pin again")
    assert run(fake_github) is Outcome.IGNORED
    assert [(p.head, p.state) for p in fake_github.pulls(REPO)] == [
        ("molt/python-3.12", "closed"),
        (BRANCH, "open"),
    ]


def test_rescan_of_an_unchanged_repository_is_one_free_request(fake_github):
    fake_github.add_repo("octo/finished", {"pyproject.toml": PYPROJECT_AFTER, "tox.ini": TOX_AFTER})
    target, memory = Target("octo/finished", "main"), remembering()
    assert run(fake_github, target, memory=memory) is Outcome.NOTHING
    before = len(fake_github.requests)
    assert run(fake_github, target, memory=memory) is Outcome.NOTHING
    assert [(r.method, r.status) for r in fake_github.requests[before:]] == [("GET", 304)]
    fake_github.push("octo/finished", {"tox.ini": TOX}, "Back to 3.9")
    assert run(fake_github, target, memory=memory) is Outcome.OPENED


def test_independent_runs_spend_the_same_requests():
    """What one run remembers lives in its own memory: a fresh one pays in full."""
    spent = []
    for _ in range(2):
        with FakeGitHub() as fake:
            fake.add_repo(REPO, {"pyproject.toml": PYPROJECT_AFTER, "tox.ini": TOX_AFTER})
            assert run(fake, memory=remembering()) is Outcome.NOTHING
            spent.append(cost(fake, 0))
    assert spent == [2, 2]  # the tree listing and the tarball


def test_memory_is_bounded(fake_github):
    files = {"pyproject.toml": PYPROJECT_AFTER, "tox.ini": TOX_AFTER}
    first, second = Target("octo/first", "main"), Target("octo/second", "main")
    fake_github.add_repo(first.full_name, files)
    fake_github.add_repo(second.full_name, files)
    memory = remembering(listings=1, needed_nothing=1)
    for target in (first, second):
        assert run(fake_github, target, memory=memory) is Outcome.NOTHING
    rescans = []
    for _ in range(2):
        before = len(fake_github.requests)
        assert run(fake_github, first, memory=memory) is Outcome.NOTHING
        api = [r for r in fake_github.requests[before:] if not r.path.startswith("/_codeload/")]
        rescans.append([r.status for r in api])
    # the second repository pushed the first out: read again in full (tree, tarball), then free
    assert rescans == [[200, 302], [304]]


BUILD = PINNED.format(command="bash ci/build.sh")
BUILD_SCRIPT = "#!/bin/sh\npython3.9 -m pip install .\n"


def test_the_scripts_ci_runs_are_read_from_the_kept_tarball_and_rewritten(fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, ".github/workflows/b.yml": BUILD})
    before = len(fake_github.requests)
    run(fake_github)
    without = cost(fake_github, before)
    other = "octo/other"
    files = {"pyproject.toml": PYPROJECT, ".github/workflows/b.yml": BUILD}
    fake_github.add_repo(other, {**files, "ci/build.sh": BUILD_SCRIPT, "ci/unused.sh": "x\n"})
    before = len(fake_github.requests)
    assert run(fake_github, Target(other, "main")) is Outcome.OPENED
    branch = fake_github.branch_files(other, BRANCH)
    assert branch["ci/build.sh"] == "#!/bin/sh\npython3.11 -m pip install .\n"
    assert branch[".github/workflows/b.yml"] == BUILD.replace('"3.9"', '"3.11"')
    assert not [r for r in fake_github.requests[before:] if "/git/blobs/" in r.path]
    assert cost(fake_github, before) == without  # the second read is the first's tarball
