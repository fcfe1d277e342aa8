from __future__ import annotations

from datetime import date

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
            ".github/molt.yml:2: minimum: not a released CPython 3 minor version",
            id="not-a-version",
        ),
        *(
            pytest.param(
                f"minimum: {version}\n",
                ".github/molt.yml:1: minimum: not a released CPython 3 minor version",
                id=f"minimum-{version}",
            )
            for version in ("'4.0'", "3.99", "'2.7'", "'3.11.2'")
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
            ".github/molt.yml:2: reviewer: not a setting molt knows (the README lists them)",
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


def test_errors_name_the_file_they_were_read_from():
    with pytest.raises(ConfigError) as error:
        repo_config.parse("draft: maybe\n", "ci/molt.yml")
    assert str(error.value).startswith("ci/molt.yml:1: draft: ")


@pytest.mark.parametrize(
    ("path", "ignored"),
    (
        ("docs/conf.py", True),
        ("docs/sub/requirements.txt", True),
        ("tox.ini", True),
        ("src/tox.ini", False),
        ("pyproject.toml", False),
    ),
)
def test_ignore_paths_are_glob_patterns_on_the_whole_path(path, ignored):
    config = repo_config.parse("ignore_paths: ['docs/*', tox.ini]\n")
    assert config.ignores(path) is ignored


def test_check_minimum_knows_what_was_released_when():
    assert str(repo_config.check_minimum("3.11", date(2026, 11, 26))) == "3.11"
    with pytest.raises(ValueError) as error:
        repo_config.check_minimum("3.14", date(2024, 1, 1))
    assert str(error.value) == "not a released CPython 3 minor version (3.0 to 3.12)"
