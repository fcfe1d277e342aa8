from __future__ import annotations

import pytest

from rewriters.ci import circleci
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("version: 2.1\njobs:\n  t:\n    steps: [checkout]\n", id="config version"),
        pytest.param(
            "jobs:\n  t:\n    docker:\n      - image: cimg/python:3.12\n", id="current image"
        ),
        pytest.param(
            "jobs:\n  t:\n    docker:\n      - image: cimg/python:<< parameters.v >>\n",
            id="image from a parameter",
        ),
        pytest.param(
            "jobs:\n  t:\n    executor:\n      name: dotnet/default\n      version: '3.1'\n",
            id="executor version below 3.5 is not python",
        ),
        pytest.param(
            "workflows:\n  w:\n    jobs:\n      - test\n      - lint:\n          name: Lint\n",
            id="workflow job names",
        ),
    ),
)
def test_noop(before):
    noop(circleci, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "jobs:\n  t:\n    docker:\n      - image: cimg/python:3.9-node\n"
            "      - image: cimg/postgres:14.0\n",
            "jobs:\n  t:\n    docker:\n      - image: cimg/python:3.11-node\n"
            "      - image: cimg/postgres:14.0\n",
            id="cimg image",
        ),
        pytest.param(
            'jobs:\n  t:\n    docker:\n      - image: "cimg/python:3.9.18"\n',
            'jobs:\n  t:\n    docker:\n      - image: "cimg/python:3.11.16"\n',
            id="cimg patch tag",
        ),
        pytest.param(
            "jobs:\n  t:\n    executor:\n      name: python/default\n      tag: '3.9'\n",
            "jobs:\n  t:\n    executor:\n      name: python/default\n      tag: '3.11'\n",
            id="orb executor tag",
        ),
        pytest.param(
            "workflows:\n  w:\n    jobs:\n      - test:\n          matrix:\n"
            "            parameters:\n"
            '              version: ["3.9", "3.10", "3.12"]\n'
            "            exclude:\n              - version: '3.9'\n                os: win\n"
            "              - version: '3.12'\n                os: mac\n",
            "workflows:\n  w:\n    jobs:\n      - test:\n          matrix:\n"
            "            parameters:\n"
            '              version: ["3.11", "3.12"]\n'
            "            exclude:\n"
            "              - version: '3.12'\n                os: mac\n",
            id="matrix parameters and exclude",
        ),
        pytest.param(
            "workflows:\n  w:\n    jobs:\n"
            "      - test:\n          name: test-3.9\n          python-version: '3.9'\n"
            "      - test:\n          name: test-3.11\n          python-version: '3.11'\n"
            "      - test:\n          name: test-3.10-extra\n          python-version: '3.10'\n"
            "          extra: true\n",
            "workflows:\n  w:\n    jobs:\n"
            "      - test:\n          name: test-3.11\n          python-version: '3.11'\n"
            "      - test:\n          name: test-3.11-extra\n          python-version: '3.11'\n"
            "          extra: true\n",
            id="workflow invocations go or move",
        ),
    ),
)
def test_rewrite(before, after):
    check(circleci, before, after, POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("circleci"))
def test_real_files(before, after, policy):
    check(circleci, before, after, policy)


def test_retired_image_moves_with_a_note():
    result = circleci.rewrite(
        "jobs:\n  t:\n    docker:\n      - image: circleci/python:3.9\n", POLICY
    )
    assert result is not None
    assert result.text == "jobs:\n  t:\n    docker:\n      - image: cimg/python:3.11\n"
    assert "no longer built" in result.notes[0]
