"""Interpreter names (``python3.9``, ``pip3.9``, ``py -3.9``) in the scripts of CI jobs."""

from __future__ import annotations

import pytest

from rewriters.ci import (
    azure_pipelines,
    bitbucket_pipelines,
    circleci,
    github_actions,
    gitlab_ci,
    travis,
)
from tests.conftest import POLICY
from tests.rewriters._check import check, noop

SETUP = (
    "jobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: actions/setup-python@v5\n        with:\n          python-version: {python}\n"
)


@pytest.mark.parametrize(
    ("module", "before", "after"),
    (
        pytest.param(
            github_actions,
            SETUP.format(python='"3.9"')
            + "      - run: python3.9 -m pip install -r docs/requirements.txt\n"
            "      - run: |\n          pip3.9 install sphinx\n"
            "          /usr/bin/python3.9-config --includes\n",
            SETUP.format(python='"3.11"')
            + "      - run: python3.11 -m pip install -r docs/requirements.txt\n"
            "      - run: |\n          pip3.11 install sphinx\n"
            "          /usr/bin/python3.11-config --includes\n",
            id="job pinned by setup-python",
        ),
        pytest.param(
            github_actions,
            SETUP.format(python="'3.10'") + "      - run: py -3.10 -m pip install build\n",
            SETUP.format(python="'3.11'") + "      - run: py -3.11 -m pip install build\n",
            id="windows launcher",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  test:\n    runs-on: ubuntu-latest\n    container: python:3.9-slim\n"
            "    steps:\n      - run: python3.9 -m pytest\n",
            "jobs:\n  test:\n    runs-on: ubuntu-latest\n    container: python:3.11-slim\n"
            "    steps:\n      - run: python3.11 -m pytest\n",
            id="job in a python container",
        ),
        pytest.param(
            gitlab_ci,
            "default:\n  image: python:3.10\ntest:\n  script:\n    - python3.10 -m venv .venv\n"
            "    - .venv/bin/pip install .\n",
            "default:\n  image: python:3.11\ntest:\n  script:\n    - python3.11 -m venv .venv\n"
            "    - .venv/bin/pip install .\n",
            id="gitlab default image",
        ),
        pytest.param(
            travis,
            'language: python\npython: "3.9"\ninstall:\n  - pip3.9 install -e .\n'
            "script: python3.9 -m pytest\n",
            'language: python\npython: "3.11"\ninstall:\n  - pip3.11 install -e .\n'
            "script: python3.11 -m pytest\n",
            id="travis single python",
        ),
        pytest.param(
            circleci,
            "version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/python:3.9\n"
            "    steps:\n      - checkout\n      - run:\n          name: deps\n"
            "          command: python3.9 -m pip install .\n",
            "version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/python:3.11\n"
            "    steps:\n      - checkout\n      - run:\n          name: deps\n"
            "          command: python3.11 -m pip install .\n",
            id="circleci docker image and run command",
        ),
        pytest.param(
            azure_pipelines,
            "steps:\n  - task: UsePythonVersion@0\n    inputs:\n      versionSpec: '3.9'\n"
            "  - script: python3.9 -m pip install .\n",
            "steps:\n  - task: UsePythonVersion@0\n    inputs:\n      versionSpec: '3.11'\n"
            "  - script: python3.11 -m pip install .\n",
            id="azure UsePythonVersion",
        ),
        pytest.param(
            bitbucket_pipelines,
            "image: python:3.9\npipelines:\n  default:\n    - step:\n        script:\n"
            "          - pip3.9 install tox\n",
            "image: python:3.11\npipelines:\n  default:\n    - step:\n        script:\n"
            "          - pip3.11 install tox\n",
            id="bitbucket image",
        ),
    ),
)
def test_rewrite(module, before, after):
    check(module, before, after, POLICY)


NOTE = "molt cannot tell the job runs on Python {} alone; check it by hand"


@pytest.mark.parametrize(
    ("module", "before", "named"),
    (
        pytest.param(
            github_actions,
            "jobs:\n  t:\n    strategy:\n      matrix:\n        python: ['3.11', '3.12']\n"
            "    steps:\n      - uses: actions/setup-python@v5\n        with:\n"
            "          python-version: ${{ matrix.python }}\n      - run: py -3.9 -m pip list\n",
            "py -3.9",
            id="matrix job",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n"
            "          python-version-file: .python-version\n      - run: python3.10 -V\n",
            "python3.10",
            id="python from a file",
        ),
        pytest.param(
            gitlab_ci,
            "image: python:3.12\nlint:\n  script:\n    - apt-get install -y python3.9\n",
            "python3.9",
            id="another version than the job's",
        ),
        pytest.param(
            gitlab_ci,
            "image: python:3.9\nbuild:\n  image: ubuntu:24.04\n  script:\n"
            "    - apt-get install -y python3.9\n",
            "python3.9",
            id="a job in another image",
        ),
        pytest.param(
            gitlab_ci,
            "image: python:3.9\n.base:\n  image: $IMAGE\nt:\n  extends: .base\n"
            "  script: [python3.9 -V]\n",
            "python3.9",
            id="a job from a template",
        ),
        pytest.param(
            travis,
            "python: ['3.9', '3.12']\nscript: python3.9 -V\n",
            "python3.9",
            id="travis list",
        ),
        pytest.param(
            travis,
            "python: pypy3.9\nscript: python3.9 -V\n",
            "python3.9",
            id="travis pypy",
        ),
        pytest.param(
            circleci,
            "version: 2.1\njobs:\n  t:\n    docker:\n      - {image: {name: 3}}\n"
            "    steps:\n      - run: python3.9 -V\n",
            "python3.9",
            id="odd image",
        ),
    ),
)
def test_unsure_interpreters_are_notes(module, before, named):
    result = module.rewrite(before, POLICY)
    assert result is not None
    assert named in result.text
    version = named.rsplit("3.", 1)[1]
    assert result.notes[-1].endswith(f"a script names {named}, and " + NOTE.format(f"3.{version}"))


@pytest.mark.parametrize(
    "script",
    (
        pytest.param("python3.12 -m pip list", id="a kept version"),
        pytest.param("echo python3.9x mypython3.9 3.9 python3.9.1", id="not interpreter names"),
    ),
)
def test_noop(script):
    noop(github_actions, SETUP.format(python='"3.12"') + f"      - run: {script}\n", POLICY)


def test_a_kept_interpreter_in_a_pinned_job_stays():
    before = SETUP.format(python='"3.9"') + "      - run: python3.12 -m pip list\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('"3.9"', '"3.11"')
    assert result.notes == ()


def test_aliases_are_read_once():
    before = (
        ".lines: &lines\n  - python3.9 -m pip install .\n  - python3.9 -m pytest\n"
        "image: python:3.9\na:\n  script: *lines\nb:\n  script: *lines\n"
    )
    result = gitlab_ci.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace("3.9", "3.11")
