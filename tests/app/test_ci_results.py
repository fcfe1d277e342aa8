"""Following CI on molt's pull request: the verdict on a commit, the comment, and (below) the
whole flow against the fake GitHub."""

from __future__ import annotations

import pytest

from app import ci_results, upgrade
from app import github as gh
from app.ci_results import Failing, Followed, Result, Verdict
from app.github import CheckRun, CheckSuite, CommitStatus
from app.outcome import Outcome, Target
from tests.app import test_jobs
from tests.conftest import TODAY
from tests.fakes import webhooks
from tests.fakes._state import MERGE_METHODS

SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
DONE = CheckSuite("completed", "success", 2)
RUN_OK = CheckRun("tests (3.11)", "completed", "success", "https://github.com/o/r/runs/1")
RUN_FAILED = CheckRun("lint", "completed", "failure", "https://github.com/o/r/runs/2")
STATUS_OK = CommitStatus("ci/circleci", "success", "https://circleci.com/1")


@pytest.mark.parametrize(
    ("suites", "runs", "statuses", "verdict"),
    [
        pytest.param([DONE], [RUN_OK], [], Verdict.PASSED, id="all-passed"),
        pytest.param([DONE], [RUN_OK], [STATUS_OK], Verdict.PASSED, id="runs-and-statuses"),
        pytest.param(
            [DONE, CheckSuite("queued", None, 0)],
            [RUN_OK],
            [],
            Verdict.PASSED,
            id="a-suite-that-never-runs-is-not-waited-for",
        ),
        pytest.param(
            [CheckSuite("in_progress", None, 2)], [RUN_OK], [], Verdict.PENDING, id="suite-running"
        ),
        pytest.param(
            [DONE],
            [RUN_OK, CheckRun("tests (3.13)", "in_progress", None, "")],
            [],
            Verdict.PENDING,
            id="run-running",
        ),
        pytest.param(
            [DONE],
            [RUN_FAILED],
            [CommitStatus("ci/circleci", "pending", None)],
            Verdict.PENDING,
            id="status-pending-even-with-a-failure",
        ),
        pytest.param([], [], [], Verdict.PENDING, id="nothing-ran"),
        pytest.param([DONE], [RUN_OK, RUN_FAILED], [], Verdict.FAILED, id="one-run-failed"),
        pytest.param(
            [DONE],
            [CheckRun("docs", "completed", "neutral", ""), RUN_OK],
            [CommitStatus("ci/circleci", "error", None)],
            Verdict.FAILED,
            id="status-error",
        ),
        pytest.param(
            [DONE],
            [CheckRun("docs", "completed", "skipped", ""), RUN_OK],
            [],
            Verdict.PASSED,
            id="skipped-passes",
        ),
    ],
)
def test_verdict(suites, runs, statuses, verdict):
    assert ci_results.judge(suites, runs, statuses).verdict is verdict


def test_failing_checks_are_listed_runs_then_statuses():
    status = CommitStatus("ci/circleci", "failure", None)
    timed_out = CheckRun("tests (3.12)", "completed", "timed_out", "https://github.com/o/r/runs/3")
    result = ci_results.judge([DONE], [RUN_OK, RUN_FAILED, timed_out], [status])
    assert result == Result(
        Verdict.FAILED,
        (
            Failing("lint", "failure", "https://github.com/o/r/runs/2"),
            Failing("tests (3.12)", "timed_out", "https://github.com/o/r/runs/3"),
            Failing("ci/circleci", "failure", None),
        ),
    )


def test_failed_comment():
    failing = [
        Failing("lint", "failure", "https://github.com/o/r/runs/2"),
        Failing("a|b", "error", None),
    ]
    assert ci_results.failed_comment(SHA, failing, "molt-bot") == (
        f"<!-- molt: ci-failed {SHA} -->\n"
        "The checks on ec26c3e failed:\n"
        "\n"
        "| check | result |\n"
        "| --- | --- |\n"
        "| [lint](https://github.com/o/r/runs/2) | failure |\n"
        "| a\\|b | error |\n"
        "\n"
        "molt labelled this pull request `molt:ci-failed`; the label comes off when a later run "
        "passes. Once the default branch has a fix, comment `@molt-bot rebase` to regenerate "
        "this pull request on top of it."
    )


@pytest.mark.parametrize(
    ("branch", "molts"),
    [
        ("molt/python-3.11", True),
        ("deps/python-3.13", True),
        ("python-3.11-support", False),
        ("changes", False),
        (None, False),
    ],
)
def test_molt_branch(branch, molts):
    assert ci_results.is_molt_branch(branch) is molts


# -- against the fake GitHub -------------------------------------------------------------------

REPO = "octo/inkwell"
TARGET = Target(REPO, "main")
BRANCH = "molt/python-3.11"
PYPROJECT = '[project]\nname = "inkwell"\nrequires-python = ">=3.9"\n'


def repository(fake):
    client = gh.client_for_token("personal-token", fake.url, throttle=False)
    return gh.Repository(client, REPO)


def opened(
    fake, config=None, *, allow_auto_merge=False, merge_methods=MERGE_METHODS, collaborators=()
):
    """molt's pull request, opened by a scan; returns its head commit."""
    files = {"pyproject.toml": PYPROJECT}
    if config is not None:
        files[".github/molt.yml"] = config
    fake.add_repo(REPO, files, allow_auto_merge=allow_auto_merge, merge_methods=merge_methods)
    for login in collaborators:
        fake.set_permission(REPO, login, "write")
    assert upgrade.run(repository(fake), TARGET, TODAY, login="molt-bot") is Outcome.OPENED
    return fake.branches(REPO)[BRANCH]


def follow(fake, sha, branch=BRANCH):
    return ci_results.follow(repository(fake), TARGET, branch, sha, "molt-bot")


def ci(fake, sha, *runs, suite="completed"):
    """GitHub Actions' suite on ``sha`` and its runs, as (name, conclusion) pairs."""
    made = fake.add_check_suite(REPO, sha, status=suite, conclusion=None, branch=BRANCH)
    for name, conclusion in runs:
        status = "completed" if conclusion else "in_progress"
        fake.add_check_run(REPO, sha, name, status=status, conclusion=conclusion)
    return made


def the_pull(fake):
    (pull,) = fake.pulls(REPO)
    return pull


def test_failed_checks_get_one_comment_and_the_label(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"), ("lint", "success"))
    assert follow(fake_github, sha) is Followed.FAILED
    (comment,) = fake_github.comments(REPO, the_pull(fake_github).number)
    assert comment.body.startswith(f"<!-- molt: ci-failed {sha} -->\nThe checks on {sha[:7]}")
    assert "| [tests (3.11)](https://github.com/octo/inkwell/runs/" in comment.body
    assert "lint" not in comment.body
    assert "molt:ci-failed" in the_pull(fake_github).labels


def test_a_second_event_for_the_same_commit_says_nothing_more(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    assert follow(fake_github, sha) is Followed.FAILED
    assert follow(fake_github, sha) is Followed.ALREADY_SAID
    assert len(fake_github.comments(REPO, the_pull(fake_github).number)) == 1


def test_a_later_passing_run_removes_the_label(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    assert follow(fake_github, sha) is Followed.FAILED
    fake_github.add_check_run(REPO, sha, "tests (3.11)", conclusion="success")  # re-run
    assert follow(fake_github, sha) is Followed.PASSED
    pull = the_pull(fake_github)
    assert "molt:ci-failed" not in pull.labels
    assert pull.labels == ["dependencies", "python"]
    assert len(fake_github.comments(REPO, pull.number)) == 1


def test_a_new_head_that_fails_again_gets_its_own_comment(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    assert follow(fake_github, sha) is Followed.FAILED
    newer = fake_github.push(REPO, {"fix.txt": "x\n"}, branch=BRANCH, author="molt[bot]")
    ci(fake_github, newer, ("tests (3.11)", "failure"))
    assert follow(fake_github, newer) is Followed.FAILED
    assert len(fake_github.comments(REPO, the_pull(fake_github).number)) == 2


def test_running_checks_cost_one_request_and_change_nothing(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"), ("tests (3.13)", None), suite="in_progress")
    before = len(fake_github.requests)
    assert follow(fake_github, sha) is Followed.PENDING
    assert len(fake_github.requests) - before == 1
    assert fake_github.comments(REPO, the_pull(fake_github).number) == []


def test_a_failed_commit_status_fails_and_a_pending_one_waits(fake_github):
    sha = opened(fake_github)
    fake_github.add_status(REPO, sha, "pending", "ci/circleci")
    assert follow(fake_github, sha) is Followed.PENDING
    fake_github.add_status(REPO, sha, "error", "ci/circleci", target_url="https://circleci.com/1")
    assert follow(fake_github, sha) is Followed.FAILED
    (comment,) = fake_github.comments(REPO, the_pull(fake_github).number)
    assert "| [ci/circleci](https://circleci.com/1) | error |" in comment.body


def test_checks_of_an_older_commit_or_another_branch_are_not_followed(fake_github):
    sha = opened(fake_github)
    old = fake_github.branches(REPO)["main"]
    ci(fake_github, old, ("tests", "failure"))
    assert follow(fake_github, old) is Followed.NOT_OURS
    fake_github.push(REPO, {"a.txt": "a\n"}, branch="other/python-3.11")
    other = fake_github.branches(REPO)["other/python-3.11"]
    ci(fake_github, other, ("tests", "failure"))
    assert follow(fake_github, other, "other/python-3.11") is Followed.NOT_OURS
    assert fake_github.comments(REPO, the_pull(fake_github).number) == []
    assert sha != other


def test_a_finished_failure_costs_a_handful_of_requests(fake_github):
    sha = opened(fake_github)
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    before = len(fake_github.requests)
    assert follow(fake_github, sha) is Followed.FAILED
    spent = [(r.method, r.path) for r in fake_github.requests[before:]]
    # suites, runs, statuses, tree (molt.yml absent: no blob), the pull, the thread, label, comment
    assert len(spent) == 8, spent


# -- through signed webhooks and the job queue -------------------------------------------------


@pytest.fixture
def served(fake_github, tmp_path):
    """molt's web app and its job queue, as in ``test_jobs``."""
    server, jobs = test_jobs._app(fake_github, tmp_path)
    yield server, jobs
    server.close()


def hello_world_pull(fake, server, jobs, config=None):
    """molt's pull request in GitHub's example repository, opened by an installation event."""
    files = {"pyproject.toml": PYPROJECT}
    if config is not None:
        files[".github/molt.yml"] = config
    fake.add_repo(test_jobs.REPO, files, default_branch="master")
    server.deliver("installation", test_jobs.installation_created())
    test_jobs.drain(jobs)
    (pull,) = fake.pulls(test_jobs.REPO)
    return pull


def installed(payload):
    payload["installation"] = {"id": test_jobs.INSTALLATION, "node_id": "MDIzOkludGVncmF0aW9u"}
    return payload


def check_suite_completed(sha, conclusion):
    """GitHub's example, on molt's branch and commit, as delivered to the installation."""
    payload = installed(webhooks.load_json("check_suite/completed.json"))
    suite = payload["check_suite"]
    suite["head_branch"], suite["head_sha"], suite["conclusion"] = BRANCH, sha, conclusion
    return payload


def status_settled(sha, state):
    """GitHub's example status, on the tip of molt's branch."""
    payload = installed(webhooks.load_json("status/with-installation.json"))
    payload["sha"], payload["state"] = sha, state
    payload["branches"] = [{"name": BRANCH, "commit": {"sha": sha, "url": ""}, "protected": False}]
    return payload


def test_failed_checks_are_reported_once_through_webhooks(served, fake_github):
    server, jobs = served
    pull = hello_world_pull(fake_github, server, jobs)
    fake_github.add_check_suite(test_jobs.REPO, pull.head_sha, conclusion="failure", branch=BRANCH)
    fake_github.add_check_run(
        test_jobs.REPO, pull.head_sha, "Octocoders-linter", conclusion="failure"
    )
    for _ in range(2):  # two events (two deliveries) for one commit
        payload = check_suite_completed(pull.head_sha, "failure")
        assert server.deliver("check_suite", payload).status_code == 202
        test_jobs.drain(jobs)
    (comment,) = fake_github.comments(test_jobs.REPO, pull.number)
    assert "Octocoders-linter" in comment.body
    assert "molt:ci-failed" in fake_github.pulls(test_jobs.REPO)[0].labels


def test_a_passing_status_merges_with_automerge_through_webhooks(served, fake_github):
    server, jobs = served
    pull = hello_world_pull(fake_github, server, jobs, "automerge: true\n")
    fake_github.add_status(test_jobs.REPO, pull.head_sha, "success", "default")
    assert server.deliver("status", status_settled(pull.head_sha, "success")).status_code == 202
    test_jobs.drain(jobs)
    assert fake_github.pulls(test_jobs.REPO)[0].merged_at is not None


def test_with_an_invalid_config_failures_are_still_reported_and_nothing_merges(fake_github):
    sha = opened(fake_github, "automerge: true\n")
    fake_github.push(REPO, {".github/molt.yml": "automerge: sometimes\n"}, "Break the config")
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    assert follow(fake_github, sha) is Followed.FAILED
    fake_github.add_check_run(REPO, sha, "tests (3.11)", conclusion="success")
    assert follow(fake_github, sha) is Followed.PASSED
    assert the_pull(fake_github).merged_at is None
