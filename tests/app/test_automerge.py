"""``automerge: true``: GitHub's auto-merge where the repository allows it, else molt merges once
every check has passed and no review requests changes."""

from __future__ import annotations

import pytest

from app import automerge
from app.ci_results import Followed
from app.github import Review
from tests.app.test_ci_results import REPO, ci, follow, opened, the_pull

AUTOMERGE = "automerge: true\n"


@pytest.mark.parametrize(
    ("reviews", "held"),
    [
        pytest.param([], False, id="no-review"),
        pytest.param([Review("ann", "CHANGES_REQUESTED")], True, id="changes-requested"),
        pytest.param(
            [Review("ann", "CHANGES_REQUESTED"), Review("ann", "COMMENTED")],
            True,
            id="a-later-comment-keeps-the-request",
        ),
        pytest.param(
            [Review("ann", "CHANGES_REQUESTED"), Review("ann", "APPROVED")],
            False,
            id="approved-since",
        ),
        pytest.param(
            [Review("ann", "CHANGES_REQUESTED"), Review("ann", "DISMISSED")],
            False,
            id="dismissed",
        ),
        pytest.param(
            [Review("ann", "APPROVED"), Review("bob", "CHANGES_REQUESTED")],
            True,
            id="one-of-two-requests-changes",
        ),
    ],
)
def test_changes_requested(reviews, held):
    assert automerge.changes_requested(reviews) is held


def graphql_calls(fake):
    return [r for r in fake.requests if (r.method, r.path) == ("POST", "/graphql")]


def test_auto_merge_is_enabled_where_the_repository_allows_it(fake_github):
    sha = opened(fake_github, AUTOMERGE, allow_auto_merge=True)
    assert len(graphql_calls(fake_github)) == 1
    assert the_pull(fake_github).auto_merge is not None
    ci(fake_github, sha, ("tests (3.11)", "success"))
    assert follow(fake_github, sha) is Followed.PASSED  # GitHub merges it, not molt
    assert the_pull(fake_github).state == "open"


def test_without_auto_merge_molt_merges_once_every_check_passed(fake_github):
    sha = opened(fake_github, AUTOMERGE)
    assert len(graphql_calls(fake_github)) == 1  # refused: the repository does not allow it
    assert the_pull(fake_github).auto_merge is None
    running = ("tests (3.11)", "success"), ("tests (3.13)", None)
    suite = ci(fake_github, sha, *running, suite="in_progress")
    assert follow(fake_github, sha) is Followed.PENDING
    assert the_pull(fake_github).state == "open"
    fake_github.add_check_run(REPO, sha, "tests (3.13)", conclusion="success")
    suite.status, suite.conclusion = "completed", "success"  # as GitHub rolls the suite up
    assert follow(fake_github, sha) is Followed.MERGED
    pull = the_pull(fake_github)
    assert pull.merged_at is not None
    assert fake_github.branch_files(REPO)["pyproject.toml"].endswith('">=3.11"\n')


def test_not_merged_while_a_review_requests_changes(fake_github):
    sha = opened(fake_github, AUTOMERGE)
    number = the_pull(fake_github).number
    fake_github.add_review(REPO, number, "ann", "CHANGES_REQUESTED")
    ci(fake_github, sha, ("tests (3.11)", "success"))
    assert follow(fake_github, sha) is Followed.PASSED
    assert the_pull(fake_github).merged_at is None
    fake_github.add_review(REPO, number, "ann", "APPROVED")
    assert follow(fake_github, sha) is Followed.MERGED


def test_not_merged_when_checks_fail(fake_github):
    sha = opened(fake_github, AUTOMERGE)
    ci(fake_github, sha, ("tests (3.11)", "failure"))
    assert follow(fake_github, sha) is Followed.FAILED
    assert the_pull(fake_github).merged_at is None


def test_without_automerge_nothing_is_merged_or_enabled(fake_github):
    sha = opened(fake_github, allow_auto_merge=True)
    ci(fake_github, sha, ("tests (3.11)", "success"))
    assert follow(fake_github, sha) is Followed.PASSED
    assert graphql_calls(fake_github) == []
    assert (the_pull(fake_github).auto_merge, the_pull(fake_github).merged_at) == (None, None)


def test_a_merge_github_refuses_leaves_the_pull_request_open(fake_github):
    sha = opened(fake_github, AUTOMERGE)
    ci(fake_github, sha, ("tests (3.11)", "success"))
    # e.g. a branch protection rule wants an approving review
    fake_github.fail_next("PUT", f"/repos/{REPO}/pulls/*/merge", 405)
    assert follow(fake_github, sha) is Followed.PASSED
    assert the_pull(fake_github).state == "open"


def test_auto_merge_uses_the_way_of_merging_the_repository_allows(fake_github):
    opened(fake_github, AUTOMERGE, allow_auto_merge=True, merge_methods=("squash", "rebase"))
    auto_merge = the_pull(fake_github).auto_merge
    assert auto_merge is not None
    assert auto_merge.merge_method == "squash"


def test_a_squash_only_repository_gets_its_pull_request_squashed(fake_github):
    sha = opened(fake_github, AUTOMERGE, merge_methods=("squash",))
    ci(fake_github, sha, ("tests (3.11)", "success"))
    before = len(fake_github.requests)
    assert follow(fake_github, sha) is Followed.MERGED
    (merged,) = [r for r in fake_github.requests[before:] if r.path.endswith("/merge")]
    assert merged.status == 200  # a merge commit would have been refused: 405
    (head, *_) = fake_github.commits_on(REPO)
    assert (head.message, len(head.parents)) == (f"{the_pull(fake_github).title} (#1)", 1)
