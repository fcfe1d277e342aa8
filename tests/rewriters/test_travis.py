from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.ci import travis
from rewriters.policy import Facts
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("language: python\nscript: pytest\n", id="no versions"),
        pytest.param('python: ["3.11", "3.12", pypy3, nightly]\n', id="current list"),
        pytest.param("env:\n  - TOXENV=docs\n  - DJANGO=3.2\n", id="env without python"),
        pytest.param("env: DJANGO=3.2\n", id="env string without python"),
        pytest.param(
            "jobs:\n  include:\n    - python: '3.12'\n      env: TOXENV=lint\n",
            id="current include",
        ),
        pytest.param("install: pip install 'idna>=3.9'\n", id="install lines untouched"),
    ),
)
def test_noop(before):
    noop(travis, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            'python:\n  - "3.9"\n  - "3.10"\n  - "3.11"\n  - "3.12"\n',
            'python:\n  - "3.11"\n  - "3.12"\n',
            id="python list",
        ),
        pytest.param(
            "python: [3.9, 3.12]\n",
            'python: ["3.11", 3.12]\n',
            id="bookend list keeps testing the oldest supported",
        ),
        pytest.param("python: 3.9\n", 'python: "3.11"\n', id="plain single version gets quoted"),
        pytest.param(
            "python:\n  # 3.9 is the oldest\n  - '3.9'\n  - '3.11'\n",
            "python:\n  - '3.11'\n",
            id="comment about a removed version goes with it",
        ),
        pytest.param("python: 3.10\n", 'python: "3.11"\n', id="3.10 read as a float"),
        pytest.param('python: "3.9-dev"\n', 'python: "3.11"\n', id="dev build becomes the release"),
        pytest.param(
            "python: '3.11'\nenv:\n  - TOXENV=py39\n  - TOXENV=py311\n  - TOXENV=docs\n",
            "python: '3.11'\nenv:\n  - TOXENV=py311\n  - TOXENV=docs\n",
            id="env list",
        ),
        pytest.param(
            "env:\n  global:\n    - PYTHON=3.9 FOO=1\n",
            "env:\n  global:\n    - PYTHON=3.11 FOO=1\n",
            id="global env pin",
        ),
        pytest.param(
            "env: PYTHON=3.9 TOXENV=py39\n",
            "env: PYTHON=3.11 TOXENV=py311\n",
            id="assignments in one string",
        ),
        pytest.param(
            "jobs:\n  include:\n"
            "    - python: '3.9'\n      env: TOXENV=py39\n"
            "    - python: '3.11'\n      env: TOXENV=py311\n"
            "    - python: '3.10'\n      name: lint 3.10\n      env: TOXENV=lint\n",
            "jobs:\n  include:\n"
            "    - python: '3.11'\n      env: TOXENV=py311\n"
            "    - python: '3.11'\n      name: lint 3.11\n      env: TOXENV=lint\n",
            id="include entries go or move with their names",
        ),
        pytest.param(
            "python: ['3.9', '3.11']\nmatrix:\n  fast_finish: true\n  allow_failures:\n"
            "    - python: '3.9'\n    - python: nightly\n",
            "python: ['3.11']\nmatrix:\n  fast_finish: true\n  allow_failures:\n"
            "    - python: nightly\n",
            id="allow_failures entry goes",
        ),
        pytest.param(
            "python: ['3.9', '3.11']\n\nmatrix:\n  exclude:\n    - python: '3.9'\n\n"
            "script: pytest\n",
            "python: ['3.11']\n\nscript: pytest\n",
            id="exclude and matrix go when empty",
        ),
    ),
)
def test_rewrite(before, after):
    check(travis, before, after, POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("travis"))
def test_real_files(before, after, policy):
    check(travis, before, after, policy)


def test_changes_name_moves_and_drops():
    result = travis.rewrite("python: ['3.9']\nenv: [TOXENV=py39, TOXENV=py310]\n", POLICY)
    assert result is not None
    assert result.changes == ("python: 3.9 → 3.11", "env: dropped 3.9 and 3.10")


@pytest.mark.parametrize(
    ("before", "quote", "after"),
    (
        pytest.param("python: 3.9\n", "'", "python: '3.11'\n", id="the repository's quote"),
        pytest.param(
            "python: 3.9\nenv: PY='3.12'\ndist: '3.12'\n",
            '"',
            "python: '3.11'\nenv: PY='3.12'\ndist: '3.12'\n",
            id="the file's quote first",
        ),
    ),
)
def test_quote_for_plain_values(before, quote, after):
    check(travis, before, after, replace(POLICY, facts=Facts(quote=quote)))
