"""upgrade.run() with a package index: pins moved in the pull request, the body's dependency
section, and an index that fails costing the pull request nothing but a sentence."""

from __future__ import annotations

import pytest

from app import github as gh
from app import upgrade
from app.outcome import Outcome, Target
from app.package_index import IndexCache, PackageIndex
from tests.conftest import TODAY
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


def run(fake, index):
    client = gh.client_for_token("personal-token", fake.url, throttle=False)
    repo = gh.Repository(client, TARGET.full_name)
    return upgrade.run(repo, TARGET, TODAY, login="molt-bot", index=index)


def api_requests(fake, before=0):
    return sum(1 for r in fake.requests[before:] if not r.path.startswith("/_codeload/"))


def test_a_pin_without_a_wheel_for_the_minimum_moves_in_the_pull_request(fake_github, index):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    assert run(fake_github, index) is Outcome.OPENED
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
    assert run(fake_github, index) is Outcome.OPENED
    with_index = api_requests(fake_github)
    client = gh.client_for_token("personal-token", fake_github.url, throttle=False)
    other = Target("octo/other", "main")
    before = len(fake_github.requests)
    repo = gh.Repository(client, other.full_name)
    assert upgrade.run(repo, other, TODAY, login="molt-bot") is Outcome.OPENED
    assert api_requests(fake_github, before) == with_index


def test_an_index_that_fails_leaves_the_pins_and_says_so(fake_github, fake_index, index):
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT, "requirements.txt": REQUIREMENTS})
    fake_index.fail_next(500, times=50)
    assert run(fake_github, index) is Outcome.OPENED
    files = fake_github.branch_files(REPO, BRANCH)
    assert files["requirements.txt"] == REQUIREMENTS
    (pull,) = fake_github.pulls(REPO)
    assert "The package index check was skipped" in (pull.body or "")
    assert files["pyproject.toml"] == PYPROJECT.replace(">=3.9", ">=3.11")
