"""What a new pull request gets once, and a regenerated one does not: reviewers, assignees."""

from __future__ import annotations

from app import upgrade
from app.outcome import Outcome
from tests.app.test_ci_results import REPO, TARGET, opened, repository, the_pull
from tests.conftest import TODAY
from tests.fakes.github import PERSONAL_USER

PEOPLE = "reviewers: [ann, bob]\nassignees: [cy]\n"
TEAM = ("ann", "bob", "cy")  # the repository's collaborators


def asked(fake, path):
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith(path)]


def test_reviewers_and_assignees_are_asked_on_a_new_pull_request(fake_github):
    opened(fake_github, PEOPLE, collaborators=TEAM)
    pull = the_pull(fake_github)
    assert (pull.requested_reviewers, pull.assignees) == (["ann", "bob"], ["cy"])


def test_a_team_is_named_org_slash_slug(fake_github):
    opened(fake_github, "reviewers: [ann, octo/python-maintainers]\n", collaborators=TEAM)
    pull = the_pull(fake_github)
    assert (pull.requested_reviewers, pull.requested_teams) == (["ann"], ["python-maintainers"])


def test_not_asked_again_when_the_pull_request_is_regenerated(fake_github):
    opened(fake_github, PEOPLE, collaborators=TEAM)
    fake_github.push(REPO, {"tox.ini": "[tox]\nenvlist = py39, py311\n"}, "Add tox")
    before = len(fake_github.requests)
    done = upgrade.run(repository(fake_github), TARGET, TODAY, on_push=True, login="molt-bot")
    assert done is Outcome.UPDATED
    later = fake_github.requests[before:]
    assert not [r for r in later if r.path.endswith(("/requested_reviewers", "/assignees"))]


def test_without_the_keys_nobody_is_asked(fake_github):
    opened(fake_github)
    assert asked(fake_github, "/requested_reviewers") == []
    assert asked(fake_github, "/assignees") == []


def test_a_reviewer_who_may_not_review_is_skipped_and_the_others_asked(fake_github):
    # GitHub refuses (422) a review request of the pull request's author, and of a stranger
    config = f"reviewers: [ann, {PERSONAL_USER}, stranger, bob]\nassignees: [cy]\n"
    opened(fake_github, config, collaborators=TEAM)
    pull = the_pull(fake_github)
    assert (pull.state, pull.requested_reviewers, pull.assignees) == (
        "open",
        ["ann", "bob"],
        ["cy"],
    )
