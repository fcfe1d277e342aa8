"""Workflow version lists that are windows, and action inputs listing one path per version."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.ci import github_actions
from rewriters.policy import Facts
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, noop

# networkx: classifiers up to 3.12 while one job tests three versions
UP_TO_312 = replace(POLICY_310, facts=Facts(newest=Minor(3, 12)))
UP_TO_314 = replace(POLICY_310, facts=Facts(newest=Minor(3, 14)))


def matrix(versions: str) -> str:
    return f"jobs:\n  t:\n    strategy:\n      matrix:\n        python-version: {versions}\n"


def setup(block: str) -> str:
    return (
        "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v6\n        with:\n"
        f"          python-version: |\n{block}"
    )


@pytest.mark.parametrize(
    ("before", "after", "policy"),
    (
        pytest.param(
            matrix('["3.9", "3.10", "3.11"]'),
            matrix('["3.10", "3.11", "3.12"]'),
            UP_TO_312,
            id="window below the newest moves up",
        ),
        pytest.param(
            matrix("['3.11', '3.10', '3.9']"),
            matrix("['3.12', '3.11', '3.10']"),
            UP_TO_312,
            id="newest first",
        ),
        pytest.param(
            matrix('["3.9", "3.10", "3.11"]'),
            matrix('["3.11", "3.12"]'),
            replace(POLICY, facts=Facts(newest=Minor(3, 12))),
            id="an entry past the newest goes",
        ),
        pytest.param(
            setup("            3.9\n            3.10\n"),
            setup("            3.10\n            3.11\n"),
            UP_TO_314,
            id="block list",
        ),
        pytest.param(
            'jobs:\n  t:\n    with:\n      env: \'["py39", "py310"]\'\n',
            'jobs:\n  t:\n    with:\n      env: \'["py310", "py311"]\'\n',
            UP_TO_314,
            id="tox envs in a JSON list",
        ),
        pytest.param(
            matrix('["3.9", "3.10", "3.11", "3.12"]'),
            matrix('["3.10", "3.11", "3.12"]'),
            UP_TO_312,
            id="reaching the newest: the full range shrinks",
        ),
        pytest.param(
            matrix('["3.9", "3.11", "3.12"]'),
            matrix('["3.10", "3.11", "3.12"]'),
            UP_TO_314,
            id="not consecutive: the bookend rule",
        ),
        pytest.param(
            matrix('["3.10", "3.9", "3.11"]'),
            matrix('["3.10", "3.11"]'),
            UP_TO_314,
            id="not in order",
        ),
        pytest.param(
            matrix('["3.9", "3.10", "3.11-dev"]'),
            matrix('["3.10", "3.11"]'),
            UP_TO_314,
            id="a pre-release is no window",
        ),
        pytest.param(
            matrix('["3.9", "3.10", "pypy-3.10"]'),
            matrix('["3.10", "pypy-3.10"]'),
            UP_TO_314,
            id="pypy is no window",
        ),
        pytest.param(
            matrix('["3.9", "3.10", "3.11"]'),
            matrix('["3.10", "3.11"]'),
            POLICY_310,
            id="newest unknown",
        ),
        pytest.param(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        python: ['3.9', '3.10']\n"
            "        include:\n          - python: '3.10'\n            coverage: true\n",
            "jobs:\n  t:\n    strategy:\n      matrix:\n        python: ['3.10', '3.11']\n"
            "        include:\n          - python: '3.10'\n            coverage: true\n",
            UP_TO_314,
            id="include entries of kept versions stay",
        ),
    ),
)
def test_windows(before, after, policy):
    check(github_actions, before, after, policy)


def test_all_dropped_is_no_window():
    before = matrix('["3.8", "3.9"]')
    check(github_actions, before, matrix('["3.10"]'), UP_TO_314)


def test_kept_old_version_is_no_window():
    policy = replace(UP_TO_314, keep=frozenset({Minor(3, 9)}))
    noop(github_actions, matrix('["3.9", "3.10"]'), policy)


def test_window_change_is_reported():
    result = github_actions.rewrite(matrix('["3.9", "3.10", "3.11"]'), UP_TO_312)
    assert result is not None
    assert result.changes == (
        "python-version: dropped 3.9; the window of versions it tests moved up to 3.10, 3.11 "
        "and 3.12",
    )
    assert result.dropped == frozenset({Minor(3, 9)})


def codecov(files: str) -> str:
    step = "      - uses: codecov/codecov-action@v5\n        with:\n"
    return f"jobs:\n  t:\n    steps:\n{step}{files}"


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            codecov(
                "          files: >-\n"
                "            .tox/mypy/python-3.13/cobertura.xml,\n"
                "            .tox/mypy/python-3.9/cobertura.xml,\n"
                "            .tox/mypy/python-3.8/cobertura.xml\n"
            ),
            codecov("          files: >-\n            .tox/mypy/python-3.13/cobertura.xml\n"),
            id="folded list, last items",
        ),
        pytest.param(
            codecov("          files: cov-3.9.xml,cov-3.12.xml\n"),
            codecov("          files: cov-3.12.xml\n"),
            id="one line",
        ),
        pytest.param(
            codecov("          path: |\n            py39/req.txt\n            py312/req.txt\n"),
            codecov("          path: |\n            py312/req.txt\n"),
            id="block of paths",
        ),
        pytest.param(
            codecov("          files: 'cov-3.12.xml cov-3.10.xml'\n"),
            codecov("          files: 'cov-3.12.xml'\n"),
            id="quoted, blank-separated",
        ),
    ),
)
def test_paths_of_dropped_versions_go(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    "files",
    (
        pytest.param("          files: cov-3.9.xml\n", id="one item"),
        pytest.param("          files: cov-3.9.xml, cov-3.10.xml\n", id="all dropped"),
        pytest.param("          files: cov-3.9.xml, report-3.12.xml\n", id="different shapes"),
        pytest.param("          files: cov-3.9.xml, cov.xml\n", id="an item without version"),
        pytest.param("          flags: --cov-3.9 py3.9-3.12\n", id="two versions in an item"),
        pytest.param('          files: "cov-3.9.xml\\t, cov-3.12.xml"\n', id="escapes"),
    ),
)
def test_other_inputs_stay(files):
    noop(github_actions, codecov(files), POLICY)


def test_removed_paths_are_reported():
    result = github_actions.rewrite(codecov("          files: a/3.9.xml, a/3.12.xml\n"), POLICY)
    assert result is not None
    assert result.changes == ("files: removed the paths for 3.9",)
