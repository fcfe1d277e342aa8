"""Following CI on molt's pull request: the verdict on a commit, the comment, and (below) the
whole flow against the fake GitHub."""

from __future__ import annotations

import pytest

from app import ci_results
from app.ci_results import Failing, Result, Verdict
from app.github import CheckRun, CheckSuite, CommitStatus

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
