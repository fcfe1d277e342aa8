"""Job outcomes as dashboard rows, one repository at a time, and what happens when a look-up,
the store or the sign-in fails."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from huey import SqliteHuey

from app.dashboard import Recorder
from app.dashboard.page import SIGN_IN_REFUSED, Dashboard
from app.dashboard.sessions import COOKIE
from app.dashboard.states import State
from app.jobs import Jobs, app_clients
from app.outcome import Outcome, Target
from tests.app.dashboard.conftest import grant, sign_in
from tests.app.test_jobs import drain
from tests.conftest import TODAY

INSTALLATION = 3
REPO = "acme/api"
OLD = '[project]\nname = "p"\nrequires-python = ">=3.9"\n'


@pytest.fixture
def jobs(fake_github, settings, tmp_path):
    fake_github.add_installation(INSTALLATION, "acme")
    huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    return Jobs(settings, huey, app_clients(settings, throttle=False), today=lambda: TODAY)


def scan(jobs):
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    return jobs.recorder.store.get(REPO)


def test_a_merged_pull_request_stays_merged(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    opened = scan(jobs)
    assert (opened.state, opened.oldest, opened.ci) == (State.OPEN, "3.9", None)
    fake_github.close_pull(REPO, opened.pull_number, merged=True)
    for _ in range(2):
        row = scan(jobs)
        assert (row.state, row.pull_number, row.floor) == (State.MERGED, opened.pull_number, "3.11")


def test_a_pull_request_closed_as_unneeded_is_up_to_date(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    opened = scan(jobs)
    fake_github.close_pull(REPO, opened.pull_number)  # closed unmerged, then done by hand
    fake_github.push(REPO, {"pyproject.toml": OLD.replace("3.9", "3.11")})
    assert scan(jobs).state is State.UP_TO_DATE


def test_ci_that_cannot_be_read_leaves_the_row_without_it(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    scan(jobs)
    fake_github.fail_next("GET", f"/repos/{REPO}/commits/*/check-runs", 500)
    row = scan(jobs)
    assert (row.state, row.ci) == (State.OPEN, None)


def test_a_failing_store_does_not_fail_the_job(jobs, fake_github, caplog):
    class Broken:
        def get(self, full_name):
            raise OSError("disk full")

        put = installation = get

    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    recorder = Recorder(Broken(), lambda installation: None, fake_github.url)
    target = Target(REPO, "main")
    recorder.record(INSTALLATION, None, target, Outcome.NOTHING, date(2026, 11, 26))
    recorder.failed(INSTALLATION, REPO, "boom")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["could not record the dashboard state"] * 2


def test_no_tracking_issue_without_the_key(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    fake_github.add_repo("acme/.github", {".github/molt.yml": "labels: [python]\n"})
    scan(jobs)
    assert fake_github.issues("acme/.github") == []


def test_no_tracking_issue_without_a_github_repository(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    scan(jobs)
    assert not [r for r in fake_github.requests if r.path.startswith("/repos/acme/.github/")]


def test_an_invalid_organisation_config_opens_no_issue(jobs, fake_github, caplog):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    fake_github.add_repo("acme/.github", {".github/molt.yml": "tracking_issue: [not, a, repo]\n"})
    caplog.set_level(logging.WARNING)
    scan(jobs)
    assert fake_github.issues("acme/.github") == []
    assert any("acme/.github" in r.getMessage() for r in caplog.records)


def test_a_revoked_token_signs_the_visitor_out(fake_github, settings, store):
    fake_github.add_installation(INSTALLATION, "acme")
    fake_github.add_user("alice", installations=[INSTALLATION])
    dashboard = Dashboard(settings, store)
    app = FastAPI()
    app.include_router(dashboard.router())
    with TestClient(app) as client:
        sign_in(client, fake_github, "alice")
        assert client.get("/").status_code == 200
        fake_github.world.user_tokens.clear()  # the user revoked the App's access
        session = dashboard.sessions.find(client.cookies[COOKIE])
        session.visible_at = float("-inf")  # the installation list is due again
        answer = client.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_github_refusing_the_code_exchange_is_400(fake_github, settings, store):
    fake_github.oauth.client_secret = "rotated"  # molt's secret is stale
    dashboard = Dashboard(settings, store)
    app = FastAPI()
    app.include_router(dashboard.router())
    with TestClient(app) as client:
        fake_github.add_user("alice")
        started = client.get("/login/github", follow_redirects=False)
        back = urlsplit(grant(fake_github, started.headers["location"], "alice"))
        answer = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 400
    assert SIGN_IN_REFUSED in answer.text


WEEKLY = "schedule: weekly\n"  # Mondays; TODAY is a Tuesday


def test_a_change_held_back_by_the_schedule_is_waiting(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD, ".github/molt.yml": WEEKLY})
    row = scan(jobs)
    assert (row.state, row.pull_number, row.floor) == (State.WAITING, None, None)
    assert "schedule" in row.reason


def test_an_open_pull_request_held_back_by_the_schedule_stays_open(jobs, fake_github):
    fake_github.add_repo(REPO, {"pyproject.toml": OLD})
    opened = scan(jobs)
    fake_github.push(REPO, {".github/molt.yml": WEEKLY, "tox.ini": "[tox]\nenvlist = py39\n"})
    row = scan(jobs)
    assert (row.state, row.pull_number) == (State.OPEN, opened.pull_number)
    assert row.checked_at >= opened.checked_at
