from __future__ import annotations

import pytest

from rewriters.ci import azure_pipelines
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("trigger: [main]\npool:\n  vmImage: ubuntu-latest\n", id="no versions"),
        pytest.param(
            "steps:\n- task: UsePythonVersion@0\n  inputs:\n    versionSpec: '$(python.version)'\n",
            id="version from a variable",
        ),
        pytest.param(
            "steps:\n- task: UseDotNet@2\n  inputs:\n    versionSpec: '3.1.x'\n",
            id="dotnet version is not python",
        ),
        pytest.param(
            "strategy:\n  matrix:\n    Python311:\n      python.version: '3.11'\n",
            id="current matrix",
        ),
        pytest.param("strategy:\n  matrix: {}\n", id="empty matrix"),
        pytest.param("variables:\n  TOXENV: docs-3.9\n", id="tox env word without py prefix"),
        pytest.param("strategy:\n  matrix: $[ variables.m ]\n", id="matrix from an expression"),
    ),
)
def test_noop(before):
    noop(azure_pipelines, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "strategy:\n  matrix:\n"
            "    Python39:\n      python.version: '3.9'\n"
            "    Python310:\n      python.version: '3.10'\n"
            "    Python311:\n      python.version: '3.11'\n",
            "strategy:\n  matrix:\n    Python311:\n      python.version: '3.11'\n",
            id="matrix entries for dropped versions go",
        ),
        pytest.param(
            "strategy:\n  matrix:\n"
            "    linux-py39:\n      PYTHON_VERSION: 3.9\n      TOXENV: py39\n"
            "    linux-py312:\n      PYTHON_VERSION: 3.12\n      TOXENV: py312\n",
            "strategy:\n  matrix:\n"
            "    linux-py311:\n      PYTHON_VERSION: 3.11\n      TOXENV: py311\n"
            "    linux-py312:\n      PYTHON_VERSION: 3.12\n      TOXENV: py312\n",
            id="oldest entry moves with its name, unquoted as azure reads strings",
        ),
        pytest.param(
            "strategy:\n  matrix:\n"
            "    py39:\n      python.version: '3.9'\n      T: a\n"
            "    py310:\n      python.version: '3.10'\n      T: b\n",
            "strategy:\n  matrix:\n"
            "    py39:\n      python.version: '3.11'\n      T: a\n"
            "    py311:\n      python.version: '3.11'\n      T: b\n",
            id="a name already taken is not reused",
        ),
        pytest.param(
            "parameters:\n- name: pythonVersions\n  type: object\n"
            "  default: ['3.9', '3.10', '3.12']\n"
            "- name: python_version\n  default: '3.9'\n  values: ['3.9', '3.12']\n"
            "- name: other\n  default: '3.9'\n",
            "parameters:\n- name: pythonVersions\n  type: object\n"
            "  default: ['3.11', '3.12']\n"
            "- name: python_version\n  default: '3.11'\n  values: ['3.11', '3.12']\n"
            "- name: other\n  default: '3.9'\n",
            id="template parameters named for python",
        ),
        pytest.param(
            "steps:\n- task: UsePythonVersion@0\n  inputs:\n    versionSpec: '3.9.x'\n",
            "steps:\n- task: UsePythonVersion@0\n  inputs:\n    versionSpec: '3.11.x'\n",
            id="versionSpec with a wildcard",
        ),
        pytest.param(
            "jobs:\n- template: t.yml\n  parameters:\n    toxenvs: [py39, py310, py312]\n",
            "jobs:\n- template: t.yml\n  parameters:\n    toxenvs: [py311, py312]\n",
            id="tox env list keeps testing the oldest supported",
        ),
        pytest.param(
            "jobs:\n- template: t.yml\n  parameters:\n    toxenvs: [py39-django]\n",
            "jobs:\n- template: t.yml\n  parameters:\n    toxenvs: [py311-django]\n",
            id="tox env list keeps its minimum",
        ),
    ),
)
def test_rewrite(before, after):
    check(azure_pipelines, before, after, POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("azure_pipelines"))
def test_real_files(before, after, policy):
    check(azure_pipelines, before, after, policy)


def test_entry_that_cannot_take_its_new_name_gets_a_note():
    text = (
        "strategy:\n  matrix:\n"
        "    py39:\n      python.version: '3.9'\n      T: a\n"
        "    py311:\n      python.version: '3.11'\n      T: b\n"
    )
    result = azure_pipelines.rewrite(text, POLICY)
    assert result is not None
    assert result.notes == (
        "line 3: `py39` now runs Python 3.11 but its name is taken by another entry; "
        "rename it by hand",
    )


CARRIED = (
    "strategy:\n  matrix:\n"
    "    Python39:\n      python.version: '3.9'\n      numpy: '1.19'\n"
    "    Python311:\n      python.version: '3.11'\n      numpy: '1.26'\n"
    "    Python312:\n      python.version: '3.12'\n      numpy: '2.1'\n"
)


@pytest.mark.parametrize(
    ("before", "after", "notes"),
    (
        pytest.param(
            CARRIED,
            CARRIED.replace("'3.9'", "'3.11'"),
            (
                "line 3: `Python39` moved from 3.9 to 3.11 keeps `numpy`, picked for the old "
                "Python, while another entry tests 3.11 already; check it by hand",
                "line 3: `Python39` now runs Python 3.11 but its name is taken by another "
                "entry; rename it by hand",
            ),
            id="a row with an old numpy beside a row at the minimum",
        ),
        pytest.param(
            "strategy:\n  matrix:\n"
            "    py39:\n      python.version: '3.9'\n      numpy: '1.19'\n"
            "    py312:\n      python.version: '3.12'\n      numpy: '2.1'\n",
            "strategy:\n  matrix:\n"
            "    py311:\n      python.version: '3.11'\n      numpy: '1.19'\n"
            "    py312:\n      python.version: '3.12'\n      numpy: '2.1'\n",
            (),
            id="the oldest supported job: nothing else tests the minimum",
        ),
        pytest.param(
            "strategy:\n  matrix:\n"
            "    py39:\n      python.version: '3.9'\n      numpy: '1.26'\n      OS: linux\n"
            "    py311:\n      python.version: '3.11'\n      numpy: '1.26'\n      OS: mac\n",
            "strategy:\n  matrix:\n"
            "    py39:\n      python.version: '3.11'\n      numpy: '1.26'\n      OS: linux\n"
            "    py311:\n      python.version: '3.11'\n      numpy: '1.26'\n      OS: mac\n",
            (
                "line 3: `py39` now runs Python 3.11 but its name is taken by another entry; "
                "rename it by hand",
            ),
            id="a release another row holds, and a value that is no release",
        ),
    ),
)
def test_moved_row_with_releases_for_the_old_python_gets_a_note(before, after, notes):
    check(azure_pipelines, before, after, POLICY)
    result = azure_pipelines.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == notes
