"""Every CI system gives a list of versions the same answer: the list table of
``test_rules.py`` run through each system's own file shape."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from rewriters.ci import (
    appveyor,
    azure_pipelines,
    bitbucket_pipelines,
    circleci,
    github_actions,
    gitlab_ci,
    travis,
)
from tests.rewriters.test_rules import DECLARED, LISTS

# (module, file text around the list, path to the list in the loaded file)
SHAPES = (
    pytest.param(
        github_actions,
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
        "        python-version: {list}\n    steps:\n      - run: tox\n",
        ("jobs", "test", "strategy", "matrix", "python-version"),
        id="github_actions",
    ),
    pytest.param(
        gitlab_ci,
        "test:\n  image: python:$PYTHON_VERSION\n  parallel:\n    matrix:\n"
        "      - PYTHON_VERSION: {list}\n  script: tox\n",
        ("test", "parallel", "matrix", 0, "PYTHON_VERSION"),
        id="gitlab_ci",
    ),
    pytest.param(
        travis,
        "language: python\npython: {list}\nscript: tox\n",
        ("python",),
        id="travis",
    ),
    pytest.param(
        circleci,
        "version: 2.1\nworkflows:\n  test:\n    jobs:\n      - test:\n          matrix:\n"
        "            parameters:\n              python-version: {list}\n",
        ("workflows", "test", "jobs", 0, "test", "matrix", "parameters", "python-version"),
        id="circleci",
    ),
    pytest.param(
        azure_pipelines,
        "parameters:\n  - name: pythonVersions\n    type: object\n    default: {list}\n",
        ("parameters", 0, "default"),
        id="azure_pipelines",
    ),
    pytest.param(
        appveyor,
        "environment:\n  PYTHON_VERSIONS: {list}\nbuild: off\n",
        ("environment", "PYTHON_VERSIONS"),
        id="appveyor",
    ),
    pytest.param(
        bitbucket_pipelines,
        "pipelines:\n  default:\n    - step:\n        name: test\n"
        "        python-version: {list}\n        script: [tox]\n",
        ("pipelines", "default", 0, "step", "python-version"),
        id="bitbucket_pipelines",
    ),
)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def at(data: Any, path: tuple[object, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize(("module", "shape", "path"), SHAPES)
@pytest.mark.parametrize(("before", "after"), LISTS)
def test_same_list_same_answer(module, shape, path, before, after):
    text = shape.format(list=flow(before))
    result = module.rewrite(text, DECLARED)
    written = text if result is None else result.text
    assert written == shape.format(list=flow(after))
    assert at(YAML(typ="safe", pure=True).load(written), path) == after


# The same, under a key whose name does not say Python: the values decide.
UNNAMED = (
    pytest.param(
        github_actions,
        "jobs:\n  test:\n    strategy:\n      matrix:\n        interpreter: {list}\n",
        id="github_actions",
    ),
    pytest.param(
        gitlab_ci,
        "test:\n  parallel:\n    matrix:\n      - INTERPRETER: {list}\n  script: nox\n",
        id="gitlab_ci",
    ),
    pytest.param(travis, "language: python\ninterpreter: {list}\n", id="travis"),
    pytest.param(
        circleci,
        "workflows:\n  test:\n    jobs:\n      - test:\n          matrix:\n"
        "            parameters:\n              interpreter: {list}\n",
        id="circleci",
    ),
    pytest.param(
        azure_pipelines,
        "jobs:\n- template: t.yml\n  parameters:\n    interpreters: {list}\n",
        id="azure_pipelines",
    ),
    pytest.param(appveyor, "environment:\n  INTERPRETERS: {list}\n", id="appveyor"),
    pytest.param(
        bitbucket_pipelines,
        "pipelines:\n  default:\n    - step:\n        interpreter: {list}\n",
        id="bitbucket_pipelines",
    ),
)


@pytest.mark.parametrize(("module", "shape"), UNNAMED)
@pytest.mark.parametrize(
    ("before", "after"),
    (
        (["3.9", "3.10", "3.11", "3.12"], ["3.11", "3.12"]),
        (["3.9", "3.13"], ["3.11", "3.13"]),
    ),
)
def test_a_list_of_versions_under_any_key(module, shape, before, after):
    result = module.rewrite(shape.format(list=flow(before)), DECLARED)
    assert result is not None
    assert result.text == shape.format(list=flow(after))


@pytest.mark.parametrize(("module", "shape"), UNNAMED)
@pytest.mark.parametrize(
    "values", (["3.2", "3.3"], ["3.1", "3.4"], ["2.12", "2.13"], ["3.9"]), ids=str
)
def test_a_list_that_may_not_be_python_stays(module, shape, values):
    assert module.rewrite(shape.format(list=flow(values)), DECLARED) is None


# One scalar holding several versions or envs, in a variable every system can set.
VARIABLES = (
    pytest.param(github_actions, "env:\n  {key}: {value}\njobs: {{}}\n", id="github_actions"),
    pytest.param(gitlab_ci, "variables:\n  {key}: {value}\n", id="gitlab_ci"),
    pytest.param(travis, "env:\n  global:\n    {key}: {value}\n", id="travis"),
    pytest.param(circleci, "jobs:\n  t:\n    environment:\n      {key}: {value}\n", id="circleci"),
    pytest.param(azure_pipelines, "variables:\n  {key}: {value}\n", id="azure_pipelines"),
    pytest.param(appveyor, "environment:\n  {key}: {value}\n", id="appveyor"),
    pytest.param(
        bitbucket_pipelines,
        "definitions:\n  variables:\n    {key}: {value}\n",
        id="bitbucket_pipelines",
    ),
)


@pytest.mark.parametrize(("module", "shape"), VARIABLES)
@pytest.mark.parametrize(
    ("key", "before", "after"),
    (
        ("PYTHON_VERSIONS", '"3.9 3.10 3.11 3.12"', '"3.11 3.12"'),
        ("PYTHON_VERSIONS", '"3.9 3.12"', '"3.11 3.12"'),
        ("PYTHON_VERSIONS", '"3.12 3.13 3.10"', '"3.12 3.13 3.11"'),
        ("PYTHON_VERSIONS", '"3.12 3.11 3.10"', '"3.13 3.12 3.11"'),
        ("PYTHON_VERSIONS", '"3.11 3.13 3.10"', '"3.11 3.13"'),
        ("PYTHON_VERSIONS", '"3.12 3.9 3.10"', '"3.12 3.11"'),
        ("TOXENV", "py39,py310,py311", "py311,py312,py313"),
        ("TOXENV", "py39,py311,py312", "py311,py312"),
        ("TOXENV", "py39", "py311"),
        ("PYTHON_VERSION", "'3.9'", "'3.11'"),
    ),
)
def test_a_variable_gets_the_same_answer(module, shape, key, before, after):
    result = module.rewrite(shape.format(key=key, value=before), DECLARED)
    assert result is not None
    assert result.text == shape.format(key=key, value=after)
