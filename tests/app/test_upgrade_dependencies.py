"""upgrade.run() with a package index: pins moved in the pull request, the body's dependency
section, and an index that fails costing the pull request nothing but a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from huey import SqliteHuey
from pydantic import SecretStr

from app import service
from app.jobs import Jobs, app_clients
from app.outcome import Outcome, Target
from app.package_index import IndexCache, PackageIndex, open_index
from app.server import create_app
from app.settings import Settings
from tests.app.test_jobs import INSTALLATION, Server, drain, installation_created, private_key
from tests.app.test_upgrade import cost as api_requests
from tests.app.test_upgrade import run
from tests.conftest import TODAY
from tests.fakes import webhooks
from tests.fakes.index import fake_index

__all__ = ["fake_index"]  # the fixture

REPO = "octo/inkwell"
BRANCH = "molt/python-3.11"
TARGET = Target(REPO, "main")
PYPROJECT = """\
[project]
name = "inkwell"
requires-python = ">=3.9"
"""
REQUIREMENTS = """\
numpy==1.21.6  # arrays
packaging>=24
"""
REQUIREMENTS_AFTER = """\
numpy==1.23.2  # arrays
packaging>=24
"""


@pytest.fixture
def index(fake_index, tmp_path):
    with PackageIndex(fake_index.url, IndexCache(tmp_path / "index-cache")) as client:
        yield client


def test_a_pin_without_a_wheel_for_the_minimum_moves_in_the_pull_request(fake_github, index):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    assert run(fake_github, index=index) is Outcome.OPENED
    files = fake_github.branch_files(REPO, BRANCH)
    assert files["requirements.txt"] == REQUIREMENTS_AFTER
    (pull,) = fake_github.pulls(REPO)
    body = pull.body or ""
    assert "### Dependencies on Python 3.11" in body
    assert "| `requirements.txt` | numpy | 1.21.6 | 1.23.2 |" in body


def test_the_index_costs_no_github_request(fake_github, index):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    fake_github.add_repo(
        "octo/other", {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS}
    )
    assert run(fake_github, index=index) is Outcome.OPENED
    with_index = api_requests(fake_github, 0)
    before = len(fake_github.requests)
    assert run(fake_github, target=Target("octo/other", "main")) is Outcome.OPENED
    assert api_requests(fake_github, before) == with_index


def test_an_index_that_fails_leaves_the_pins_and_says_so(fake_github, fake_index, index):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    fake_index.fail_next(500, times=50)
    assert run(fake_github, index=index) is Outcome.OPENED
    files = fake_github.branch_files(REPO, BRANCH)
    assert files["requirements.txt"] == REQUIREMENTS
    (pull,) = fake_github.pulls(REPO)
    assert "The package index check was skipped" in (pull.body or "")
    assert files["pyproject.toml"] == PYPROJECT.replace(">=3.9", ">=3.11")


def settings_for(fake_github, tmp_path, **more):
    return Settings(
        app_id=fake_github.world.app_id,
        private_key=SecretStr(private_key()),
        webhook_secret=SecretStr(webhooks.SECRET),
        github_url=fake_github.url,
        data_dir=tmp_path,
        **more,
    )


def test_the_app_opens_the_configured_index_unless_told_not_to(fake_github, fake_index, tmp_path):
    on = service.build(settings_for(fake_github, tmp_path / "on", index_url=fake_index.url))
    index = on.package_index()
    assert index is not None and index.url == fake_index.url
    assert on.package_index() is index  # one client per worker process
    off = settings_for(fake_github, tmp_path / "off", check_dependencies=False)
    assert service.build(off).package_index() is None


@contextmanager
def app_with_index(fake_github, fake_index, tmp_path) -> Iterator[tuple[Server, Jobs]]:
    """The App's web server and jobs, with the package index at `fake_index`."""
    settings = settings_for(fake_github, tmp_path)
    huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    clients = app_clients(settings, throttle=False)
    index = partial(open_index, fake_index.url, tmp_path)
    jobs = Jobs(settings, huey, clients, today=lambda: TODAY, index=index)
    server = Server(create_app(settings, jobs.enqueue))
    try:
        yield server, jobs
    finally:
        server.close()


def test_an_installation_scan_checks_the_pins(fake_github, fake_index, tmp_path):
    repo = "Codertocat/Hello-World"
    fake_github.add_installation(INSTALLATION, "Codertocat")
    fake_github.add_repo(repo, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    with app_with_index(fake_github, fake_index, tmp_path) as (server, jobs):
        assert server.deliver("installation", installation_created()).status_code == 202
        drain(jobs)
    assert fake_github.branch_files(repo, BRANCH)["requirements.txt"] == REQUIREMENTS_AFTER
    (pull,) = fake_github.pulls(repo)
    assert "| `requirements.txt` | numpy | 1.21.6 | 1.23.2 |" in (pull.body or "")


def test_a_preview_comment_shows_the_pins_the_pull_request_would_move(
    fake_github, fake_index, tmp_path
):
    repo = "Codertocat/Hello-World"
    fake_github.add_installation(INSTALLATION, "Codertocat")
    files = {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS}
    fake_github.add_repo(repo, files, default_branch="master")  # as the example payload says
    issue = fake_github.add_issue(repo)
    made = fake_github.add_comment(repo, issue, "@molt-bot preview", "Codertocat")
    payload = webhooks.load_json("issue_comment/created.with-installation.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": "x"}
    payload["comment"] |= {"id": made.id, "body": made.body}
    payload["issue"]["number"] = issue
    with app_with_index(fake_github, fake_index, tmp_path) as (server, jobs):
        assert server.deliver("issue_comment", payload).status_code == 202
        drain(jobs)
    (reply,) = [c.body for c in fake_github.comments(repo, issue) if c.user != "Codertocat"]
    assert "-numpy==1.21.6  # arrays\n+numpy==1.23.2  # arrays" in reply
    assert "### Dependencies on Python 3.11" in reply
    assert "| `requirements.txt` | numpy | 1.21.6 | 1.23.2 |" in reply
    assert fake_github.pulls(repo) == []
