from __future__ import annotations

import pytest

from rewriters.ci import appveyor
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("build: off\n", id="no versions"),
        pytest.param(
            "environment:\n  matrix:\n    - PYTHON: C:\\Python311-x64\n      PYTHON_ARCH: '64'\n"
            "    - PYTHON: C:\\Python312\n      PYTHON_ARCH: '32'\n",
            id="current paths and architectures",
        ),
        pytest.param("environment:\n  PYTHON: C:\\Python27\n", id="python 2 path"),
    ),
)
def test_noop(before):
    noop(appveyor, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "environment:\n  matrix:\n"
            '    - PYTHON: "C:\\\\Python39-x64"\n'
            '    - PYTHON: "C:\\\\Python311-x64"\n',
            'environment:\n  matrix:\n    - PYTHON: "C:\\\\Python311-x64"\n',
            id="escaped path entry goes",
        ),
        pytest.param(
            "environment:\n  matrix:\n"
            "    - PYTHON: C:\\Python310\n      APPVEYOR_JOB_NAME: py310\n"
            "    - PYTHON: C:\\Python312\n      APPVEYOR_JOB_NAME: py312\n",
            "environment:\n  matrix:\n"
            "    - PYTHON: C:\\Python311\n      APPVEYOR_JOB_NAME: py311\n"
            "    - PYTHON: C:\\Python312\n      APPVEYOR_JOB_NAME: py312\n",
            id="path entry moves with its name",
        ),
        pytest.param(
            "environment:\n  matrix:\n    - ID: WinP39\n      PY: 39-x64\n",
            "environment:\n  matrix:\n    - ID: WinP311\n      PY: 311-x64\n",
            id="short spelling and nodot name",
        ),
        pytest.param(
            "environment:\n  PYTHON_VERSION: 3.10\n",
            "environment:\n  PYTHON_VERSION: 3.11\n",
            id="appveyor reads strings: no quotes added",
        ),
    ),
)
def test_rewrite(before, after):
    check(appveyor, before, after, POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("appveyor"))
def test_real_files(before, after, policy):
    check(appveyor, before, after, policy)


def test_path_named_twice_is_left_alone():
    text = 'environment:\n  PYTHON: "C:\\\\Python39;C:\\\\Python39\\\\Scripts"\n'
    noop(appveyor, text, POLICY)
