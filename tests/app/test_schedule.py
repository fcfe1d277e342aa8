"""The schedule window (every day, Mondays, the 1st of the month), and what a scan or a command
does outside it, against the fake GitHub."""

from __future__ import annotations

from datetime import date

import pytest

from app import github as gh
from app import publish, schedule, upgrade
from app.outcome import Outcome, Target
from tests.app import test_commands, test_jobs

REPO = "octo/inkwell"
TARGET = Target(REPO, "main")
PYPROJECT = '[project]\nname = "inkwell"\nrequires-python = ">=3.9"\n'

THURSDAY = date(2026, 11, 26)
MONDAY = date(2026, 11, 30)
FIRST = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("name", "day", "open_"),
    [
        pytest.param("daily", THURSDAY, True, id="daily-any-day"),
        pytest.param("weekly", THURSDAY, False, id="weekly-thursday"),
        pytest.param("weekly", MONDAY, True, id="weekly-monday"),
        pytest.param("monthly", MONDAY, False, id="monthly-30th"),
        pytest.param("monthly", FIRST, True, id="monthly-first"),
    ],
)
def test_window(name, day, open_):
    assert schedule.open_on(name, day) is open_


@pytest.mark.parametrize(
    ("name", "day", "opens"),
    [
        pytest.param("daily", THURSDAY, THURSDAY, id="daily-today"),
        pytest.param("weekly", THURSDAY, MONDAY, id="weekly-next-monday"),
        pytest.param("weekly", MONDAY, MONDAY, id="weekly-on-monday"),
        pytest.param("monthly", THURSDAY, FIRST, id="monthly-next-first"),
    ],
)
def test_next_window(name, day, opens):
    assert schedule.next_window(name, day) == opens


def repository(fake):
    client = gh.client_for_token("personal-token", fake.url, throttle=False)
    return gh.Repository(client, REPO)


def weekly_repo(fake):
    files = {"pyproject.toml": PYPROJECT, ".github/molt.yml": "schedule: weekly\n"}
    fake.add_repo(REPO, files)


def test_outside_the_window_a_scan_opens_nothing_until_it_opens(fake_github):
    weekly_repo(fake_github)
    assert upgrade.run(repository(fake_github), TARGET, THURSDAY) is Outcome.WAITING
    assert fake_github.pulls(REPO) == []
    assert set(fake_github.branches(REPO)) == {"main"}
    assert upgrade.run(repository(fake_github), TARGET, MONDAY) is Outcome.OPENED
    assert len(fake_github.pulls(REPO)) == 1


def test_outside_the_window_an_open_pull_request_is_not_regenerated(fake_github):
    weekly_repo(fake_github)
    assert upgrade.run(repository(fake_github), TARGET, MONDAY) is Outcome.OPENED
    (before,) = fake_github.commits_on(REPO, "molt/python-3.11")[:1]
    fake_github.push(REPO, {"tox.ini": "[tox]\nenvlist = py39, py311\n"}, "Add tox")
    repo = repository(fake_github)
    assert upgrade.run(repo, TARGET, THURSDAY, on_push=True) is Outcome.WAITING
    assert fake_github.commits_on(REPO, "molt/python-3.11")[0] == before


def test_a_command_runs_at_once_outside_the_window(fake_github):
    weekly_repo(fake_github)
    how = publish.Steer(command=True, reopen=True)
    done = upgrade.steer(
        repository(fake_github), TARGET, THURSDAY, how, pull=None, chosen=None, login="molt-bot"
    )
    assert done.outcome is Outcome.OPENED
    assert len(fake_github.pulls(REPO)) == 1


def test_closing_an_unneeded_pull_request_does_not_wait(fake_github):
    weekly_repo(fake_github)
    assert upgrade.run(repository(fake_github), TARGET, MONDAY) is Outcome.OPENED
    after = '[project]\nname = "inkwell"\nrequires-python = ">=3.11"\n'
    fake_github.push(REPO, {"pyproject.toml": after}, "Drop 3.9 and 3.10 by hand")
    repo = repository(fake_github)
    assert upgrade.run(repo, TARGET, THURSDAY, on_push=True) is Outcome.CLOSED


# -- through signed webhooks and the job queue -------------------------------------------------

app = test_jobs.app  # the fixture: molt's web app and jobs, wired to the fake GitHub
WEEKLY = {"pyproject.toml": PYPROJECT, ".github/molt.yml": "schedule: weekly\n"}


def test_the_daily_rescan_on_the_windows_day_opens_what_waited(app, fake_github):
    server, jobs = app  # jobs run on THURSDAY (tests.conftest.TODAY)
    fake_github.add_repo(test_jobs.REPO, WEEKLY, default_branch="master")
    server.deliver("installation", test_jobs.installation_created())
    test_jobs.drain(jobs)
    assert fake_github.pulls(test_jobs.REPO) == []
    assert jobs.huey.scheduled() == []  # nothing is kept waiting in the queue
    jobs._today = lambda: MONDAY
    jobs.rescan_all()
    test_jobs.drain(jobs)
    assert len(fake_github.pulls(test_jobs.REPO)) == 1


def test_a_maintainers_command_opens_at_once_outside_the_window(app, fake_github):
    server, jobs = app
    fake_github.add_repo(test_jobs.REPO, WEEKLY, default_branch="master")
    issue = fake_github.add_issue(test_jobs.REPO)
    test_commands.comment(server, fake_github, "@molt-bot open", number=issue)
    test_jobs.drain(jobs)
    (pull,) = fake_github.pulls(test_jobs.REPO)
    assert pull.state == "open"
