from __future__ import annotations

import pytest

from app import repo_config
from app.errors import ConfigError
from app.repo_config import RepoConfig


def test_absent_or_empty_file_gives_defaults():
    assert repo_config.parse(None) == RepoConfig()
    assert repo_config.parse("") == RepoConfig()
    assert repo_config.parse("# nothing yet\n") == RepoConfig()


@pytest.mark.parametrize("text", ("minimum: 3.10\n", "minimum: 3.10  # the floor\n"))
def test_unquoted_minimum_is_read_as_written(text):
    assert repo_config.parse(text).minimum == "3.10"


def test_every_key():
    text = """\
minimum: "3.12"
ignore_paths: [docs/**, examples/**]
labels: [python]
reviewers: [alice, octo-org/maintainers]
assignees: [bob]
branch_prefix: bots/molt-
add_changelog_entry: false
schedule: weekly
automerge: true
draft: true
rebase_when: conflicted
"""
    config = repo_config.parse(text)
    assert config == RepoConfig(
        minimum="3.12",
        ignore_paths=("docs/**", "examples/**"),
        labels=("python",),
        reviewers=("alice", "octo-org/maintainers"),
        assignees=("bob",),
        branch_prefix="bots/molt-",
        add_changelog_entry=False,
        schedule="weekly",
        automerge=True,
        draft=True,
        rebase_when="conflicted",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    (
        pytest.param(
            'labels: [python]\nminimum: "three"\n',
            ".github/molt.yml:2: minimum: not a Python minor version: 'three'",
            id="not-a-version",
        ),
        pytest.param(
            "schedule: hourly\n",
            ".github/molt.yml:1: schedule: Input should be 'daily', 'weekly' or 'monthly'",
            id="bad-choice",
        ),
        pytest.param(
            "labels: python\n",
            ".github/molt.yml:1: labels: Input should be a valid tuple",
            id="string-for-list",
        ),
        pytest.param(
            "\nreviewer: [alice]\n",
            ".github/molt.yml:2: reviewer: Extra inputs are not permitted",
            id="typo-key",
        ),
        pytest.param(
            "labels:\n  - python\n  - [nested]\n",
            ".github/molt.yml:3: labels.1: Input should be a valid string",
            id="list-item-line",
        ),
        pytest.param(
            "branch_prefix: 'a b'\n",
            ".github/molt.yml:1: branch_prefix: must be a branch name prefix such as 'molt/'",
            id="bad-branch-prefix",
        ),
        pytest.param(
            "- minimum\n",
            ".github/molt.yml: expected a mapping of settings at the top level",
            id="not-a-mapping",
        ),
        pytest.param(
            "minimum: [\n",
            ".github/molt.yml:2: not valid YAML: "
            "expected the node content, but found '<stream end>'",
            id="broken-yaml",
        ),
    ),
)
def test_invalid_config_says_what_is_wrong(text, message):
    with pytest.raises(ConfigError) as error:
        repo_config.parse(text)
    assert str(error.value) == message


def test_every_problem_is_listed():
    with pytest.raises(ConfigError) as error:
        repo_config.parse("schedule: hourly\ndraft: maybe\n")
    assert str(error.value) == (
        ".github/molt.yml:1: schedule: Input should be 'daily', 'weekly' or 'monthly'; "
        "also draft (line 2): Input should be a valid boolean, unable to interpret input"
    )
    assert error.value.key == "schedule"
    assert error.value.line == 1
