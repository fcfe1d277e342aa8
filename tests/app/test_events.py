"""Which CI and review events reach the job that follows molt's pull request, from GitHub's
own example payloads (the branch, state or review changed as noted per test)."""

from __future__ import annotations

import pytest

from app import events
from app.outcome import Target
from tests.fakes.webhooks import load_json

BRANCH = "molt/python-3.11"
SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"  # the head of "changes" in the examples
TARGET = Target("Codertocat/Hello-World", "master")


class Recorder:
    """Stands in for the job layer: records what the handlers ask for."""

    def __init__(self):
        self.followed = []

    def follow_checks(self, installation_id, target, branch, sha):
        self.followed.append((installation_id, target, branch, sha))


def handle(name, payload):
    recorder = Recorder()
    assert events.handle(recorder, name, payload.get("action"), 1, payload)
    return recorder.followed


def check_suite(branch=BRANCH):
    payload = load_json("check_suite/completed.json")
    payload["check_suite"]["head_branch"] = branch
    return payload


def check_run(branch=BRANCH):
    payload = load_json("check_run/completed.1.json")  # a failed run
    payload["check_run"]["check_suite"]["head_branch"] = branch
    return payload


def status(state="failure", branch=BRANCH, at_tip=True):
    payload = load_json("status/with-installation.json")
    payload["state"] = state
    # "changes" renamed, and moved so that the status's commit is its tip (or left behind it)
    payload["branches"][1]["name"] = branch
    if at_tip:
        payload["branches"][1]["commit"]["sha"] = payload["sha"]
    return payload


def review(state="approved", branch=BRANCH):
    payload = load_json("pull_request_review/submitted.json")
    payload["review"]["state"] = state
    payload["pull_request"]["head"]["ref"] = branch
    return payload


STATUS_SHA = load_json("status/with-installation.json")["sha"]


@pytest.mark.parametrize(
    ("name", "payload", "sha"),
    [
        pytest.param("check_suite", check_suite(), SHA, id="check-suite-completed"),
        pytest.param("check_run", check_run(), SHA, id="check-run-completed"),
        pytest.param("status", status(), STATUS_SHA, id="status-failure"),
        pytest.param("status", status("success"), STATUS_SHA, id="status-success"),
        pytest.param("pull_request_review", review(), SHA, id="review-approved"),
    ],
)
def test_checks_on_a_molt_branch_are_followed(name, payload, sha):
    assert handle(name, payload) == [(1, TARGET, BRANCH, sha)]


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        pytest.param("check_suite", check_suite("changes"), id="check-suite-other-branch"),
        pytest.param("check_suite", check_suite(None), id="check-suite-from-a-fork"),
        pytest.param("check_run", check_run("main"), id="check-run-other-branch"),
        pytest.param("status", status("pending"), id="status-pending"),
        pytest.param("status", status(at_tip=False), id="status-not-at-the-branch-tip"),
        pytest.param("pull_request_review", review("commented"), id="review-comment-only"),
        pytest.param("pull_request_review", review("changes_requested"), id="review-asks-changes"),
    ],
)
def test_other_events_cost_nothing(name, payload):
    assert handle(name, payload) == []


def test_any_branch_prefix_is_followed():
    assert handle("check_suite", check_suite("deps/python-3.12"))[0][2] == "deps/python-3.12"
