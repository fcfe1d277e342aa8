from __future__ import annotations

import pytest

from rewriters.ci import gitlab_ci
from rewriters.formats import yaml
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("stages: [test]\ntest:\n  script: [pytest]\n", id="no versions"),
        pytest.param("image: python:3.12\n", id="current image"),
        pytest.param("test:\n  image: python:$PYTHON_VERSION\n", id="image from a variable"),
        pytest.param("image: node:16\n", id="not a python image"),
        pytest.param("test:\n  image:\n    entrypoint: ['']\n", id="image without a name"),
        pytest.param("variables:\n  PIP_VERSION: '3.9'\n", id="pip version is not python"),
        pytest.param("test:\n  script:\n    - pip install idna>=3.9\n", id="scripts untouched"),
        pytest.param(
            "test:\n  parallel:\n    matrix:\n      - PYTHON: ['3.11', '3.12']\n",
            id="matrix already current",
        ),
        pytest.param("variables:\n  PYTHON_VERSION: '3.11'\n", id="current variable"),
        pytest.param("test:\n  image: >\n    python:3.9\n", id="folded image left alone"),
        pytest.param(
            "image: python:3.9-windowsservercore-1809\n", id="image with no maintained equivalent"
        ),
    ),
)
def test_noop(before):
    noop(gitlab_ci, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param("image: python:3.9\n", "image: python:3.11\n", id="default image"),
        pytest.param(
            "test:\n  image:\n    name: 'python:3.9-slim'\n  script: [pytest]\n",
            "test:\n  image:\n    name: 'python:3.11-slim'\n  script: [pytest]\n",
            id="image name keeps quotes and variant",
        ),
        pytest.param(
            "variables:\n  PYTHON_VERSION: 3.9  # oldest\n",
            'variables:\n  PYTHON_VERSION: "3.11"  # oldest\n',
            id="plain variable gets quoted",
        ),
        pytest.param(
            "variables:\n  PYTHON_VERSION: '3.9.18'\n",
            "variables:\n  PYTHON_VERSION: '3.11.16'\n",
            id="patch pin moves to the latest patch",
        ),
        pytest.param(
            "test:\n  parallel:\n    matrix:\n"
            '      - PYTHON_VERSION: ["3.9", "3.10", "3.11", "3.12"]\n        OS: [linux]\n',
            "test:\n  parallel:\n    matrix:\n"
            '      - PYTHON_VERSION: ["3.11", "3.12"]\n        OS: [linux]\n',
            id="matrix list",
        ),
        pytest.param(
            "test:\n  parallel:\n    matrix:\n      - PYTHON_VERSION:\n"
            '          - "3.9"\n          - "3.10"\n',
            'test:\n  parallel:\n    matrix:\n      - PYTHON_VERSION:\n          - "3.11"\n',
            id="matrix list that would empty keeps the minimum",
        ),
        pytest.param(
            "test:\n  parallel:\n    matrix:\n"
            "      - PYTHON: '3.9'\n        DB: pg\n"
            "      - PYTHON: '3.11'\n        DB: pg\n"
            "      - PYTHON: '3.10'\n        DB: mysql\n",
            "test:\n  parallel:\n    matrix:\n"
            "      - PYTHON: '3.11'\n        DB: pg\n"
            "      - PYTHON: '3.11'\n        DB: mysql\n",
            id="matrix entries go or move",
        ),
        pytest.param(
            ".test:\n  script: [pytest]\n\n"
            "test-py39:\n  extends: .test\n  image: python:3.9\n\n"
            "test-py311:\n  extends: .test\n  image: python:3.11\n",
            ".test:\n  script: [pytest]\n\ntest-py311:\n  extends: .test\n  image: python:3.11\n",
            id="job for a dropped version goes",
        ),
        pytest.param(
            ".test:\n  script: [pytest]\n"
            "test-py39:\n  extends: .test\n  image: python:3.9\n"
            "test-py310:\n  extends: .test\n  image: python:3.10\n"
            "test-py312:\n  extends: .test\n  image: python:3.12\n",
            ".test:\n  script: [pytest]\n"
            "test-py311:\n  extends: .test\n  image: python:3.11\n"
            "test-py312:\n  extends: .test\n  image: python:3.12\n",
            id="newest old job moves to the minimum with its name",
        ),
        pytest.param(
            "lint-3.9:\n  image: python:3.9\n  script: [flake8]\n"
            "test:\n  image: python:3.12\n  script: [pytest]\n",
            "lint-3.11:\n  image: python:3.11\n  script: [flake8]\n"
            "test:\n  image: python:3.12\n  script: [pytest]\n",
            id="lone job moves",
        ),
        pytest.param(
            "t39:\n  image: python:3.9\n  script: [pytest]\n"
            "t311:\n  image: python:3.11\n  script: [pytest]\n"
            "deploy:\n  needs: [t39]\n  script: [x]\n",
            "t39:\n  image: python:3.11\n  script: [pytest]\n"
            "t311:\n  image: python:3.11\n  script: [pytest]\n"
            "deploy:\n  needs: [t39]\n  script: [x]\n",
            id="job another job needs moves and keeps its name",
        ),
        pytest.param(
            "spec:\n  inputs:\n    python_versions:\n"
            "      default: ['python-3.10', 'python-3.12']\n"
            "---\ntest:\n  script: [pytest]\n",
            "spec:\n  inputs:\n    python_versions:\n"
            "      default: ['python-3.11', 'python-3.12']\n"
            "---\ntest:\n  script: [pytest]\n",
            id="spec input default list keeps the oldest supported",
        ),
        pytest.param(
            "stages: [test]\nworkflow: x\nimage: python:3.10\n",
            "stages: [test]\nworkflow: x\nimage: python:3.11\n",
            id="root keywords are not jobs",
        ),
        pytest.param(
            ".base: &base\n  image: python:3.9\n  script: [t]\ntest:\n  <<: *base\n  stage: t\n",
            ".base: &base\n  image: python:3.11\n  script: [t]\ntest:\n  <<: *base\n  stage: t\n",
            id="anchored template moves where it is written",
        ),
        pytest.param(
            "39:\n  image: python:3.9\n  script: [t]\n311:\n  image: python:3.11\n  script: [t]\n",
            "311:\n  image: python:3.11\n  script: [t]\n",
            id="job names YAML reads as numbers",
        ),
        pytest.param(
            "default:\n  parallel:\n    matrix:\n      - PY: '3.9'\n      - PY: '3.11'\n",
            "default:\n  parallel:\n    matrix:\n      - PY: '3.11'\n",
            id="collections under root keywords",
        ),
        pytest.param(
            "- image: python:3.9\n",
            "- image: python:3.11\n",
            id="a document that is not a mapping is walked",
        ),
    ),
)
def test_rewrite(before, after):
    check(gitlab_ci, before, after, POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("gitlab_ci"))
def test_real_files(before, after, policy):
    check(gitlab_ci, before, after, policy)


def test_reports_changes_and_dropped():
    result = gitlab_ci.rewrite(
        "a39:\n  image: python:3.9\n  script: [t]\na311:\n  image: python:3.11\n  script: [t]\n",
        POLICY,
    )
    assert result is not None
    assert result.changes == ("jobs: removed those for 3.9",)
    assert result.dropped == frozenset({Minor(3, 9)})


def test_unparsable_yaml_names_the_line():
    with pytest.raises(UnparsableInput) as error:
        gitlab_ci.rewrite("a: [\n", POLICY)
    assert error.value.line == 2


def test_custom_tags_are_read_as_plain_data():
    text = (
        "a:\n  script:\n    - !reference [.base, script]\n  x: !foo {k: v}\n  y: !bar z\n"
        "  parallel:\n    matrix:\n      - PYTHON_VERSION: ['3.10', '3.12']\n"
    )
    result = gitlab_ci.rewrite(text, POLICY)
    assert result is not None
    assert result.text == text.replace("'3.10'", "'3.11'")


def test_output_that_does_not_parse_is_a_bug():
    with pytest.raises(BrokenOutput):
        yaml.load("a: [\n")


def test_repeated_job_that_is_needed_gets_a_note():
    text = (
        "t39:\n  image: python:3.9\n  script: [pytest]\n"
        "t311:\n  image: python:3.11\n  script: [pytest]\n"
        "deploy:\n  needs: [t39]\n  script: [x]\n"
    )
    result = gitlab_ci.rewrite(text, POLICY)
    assert result is not None
    assert result.notes == (
        "line 2: `t39` now repeats another entry, but other places name it; "
        "remove it and those references by hand",
    )
