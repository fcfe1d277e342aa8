from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.containers import compose
from rewriters.policy import Facts
from rewriters.result import UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop

NOOP = (
    pytest.param("", id="empty file"),
    pytest.param('version: "3.9"\nservices:\n  web:\n    image: nginx\n', id="schema version"),
    pytest.param("services:\n  app:\n    image: python:3.12-slim\n", id="already current"),
    pytest.param("services:\n  db:\n    image: postgres:9.6\n", id="other images"),
    pytest.param("services:\n  app:\n    image: python:${TAG}\n", id="variable without default"),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n        NODE_VERSION: '3.9'\n"
        "        VARIANT: '3.1'\n",
        id="args not for python in a file without python",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n        PYTHON_VERSION: latest\n"
        "        PY: '3.12'\n",
        id="python args already current",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n        - PYTHON_VERSION\n        - A=1\n",
        id="list args without python version",
    ),
    pytest.param("services:\n  app:\n    build: .\n", id="build as a string"),
    pytest.param("services:\n  app:\n    image: {x: 1}\n", id="image not a scalar"),
    pytest.param(
        'services:\n  app:\n    image: "python:3.9\\u002Dslim"\n', id="escaped image left alone"
    ),
    pytest.param("services:\n  app:\n    command: python3.9 app.py\n", id="commands untouched"),
    pytest.param("services:\n", id="services empty"),
    pytest.param("- a\n", id="not a mapping"),
)


@pytest.mark.parametrize("before", NOOP)
def test_noop(before):
    noop(compose, before, POLICY)


REWRITE = (
    pytest.param(
        'version: "3.9"\nservices:\n  app:\n    image: python:3.9-slim\n',
        'version: "3.9"\nservices:\n  app:\n    image: python:3.11-slim\n',
        id="image moves, schema version stays",
    ),
    pytest.param(
        "services:\n  app:\n    image: 'docker.io/library/python:3.10-bullseye'  # base\n",
        "services:\n  app:\n    image: 'docker.io/library/python:3.11-bookworm'  # base\n",
        id="quoted image with old suite",
    ),
    pytest.param(
        'services:\n  app:\n    image: "python:${PY:-3.9}-alpine"\n',
        'services:\n  app:\n    image: "python:${PY:-3.11}-alpine"\n',
        id="variable default in image",
    ),
    pytest.param(
        "services:\n  app:\n    image: python:3.9@sha256:abc\n",
        "services:\n  app:\n    image: python:3.11\n",
        id="digest dropped",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      context: .\n      args:\n"
        '        PYTHON_VERSION: "3.9"\n',
        "services:\n  app:\n    build:\n      context: .\n      args:\n"
        '        PYTHON_VERSION: "3.11"\n',
        id="python build arg",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n        PY_VERSION: 3.9.18\n",
        'services:\n  app:\n    build:\n      args:\n        PY_VERSION: "3.11.16"\n',
        id="plain arg gets quotes",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n"
        "        - PYTHON_VERSION=3.10\n        - X=1\n",
        "services:\n  app:\n    build:\n      args:\n"
        "        - PYTHON_VERSION=3.11\n        - X=1\n",
        id="list build arg",
    ),
    pytest.param(
        "services:\n  app:\n    build:\n      args:\n        # [Choice] Python version\n"
        "        VARIANT: 3.9-bullseye\n",
        "services:\n  app:\n    build:\n      args:\n        # [Choice] Python version\n"
        "        VARIANT: 3.11-bullseye\n",
        id="devcontainer variant in a python file",
    ),
    pytest.param(
        "x-base: &base\n  image: python:3.12\nservices:\n  a:\n    image: python:3.9\n"
        "  b:\n    image: cimg/python:3.10-node\n",
        "x-base: &base\n  image: python:3.12\nservices:\n  a:\n    image: python:3.11\n"
        "  b:\n    image: cimg/python:3.11-node\n",
        id="several services",
    ),
)


@pytest.mark.parametrize(("before", "after"), REWRITE)
def test_rewrite(before, after):
    check(compose, before, after, POLICY)


def test_rewrite_310_quotes_a_plain_310():
    before = "services:\n  a:\n    build:\n      args:\n        PYTHON_VERSION: 3.9\n"
    after = 'services:\n  a:\n    build:\n      args:\n        PYTHON_VERSION: "3.10"\n'
    check(compose, before, after, POLICY_310)


@pytest.mark.parametrize(
    ("before", "quote", "after"),
    (
        pytest.param(
            "services:\n  a:\n    build:\n      args:\n        PYTHON_VERSION: 3.9\n",
            "'",
            "services:\n  a:\n    build:\n      args:\n        PYTHON_VERSION: '3.11'\n",
            id="the repository's quote",
        ),
        pytest.param(
            "services:\n  a:\n    build:\n      args:\n        PY: 3.9\n        NODE: '3.12'\n",
            '"',
            "services:\n  a:\n    build:\n      args:\n        PY: '3.11'\n        NODE: '3.12'\n",
            id="the file's quote first",
        ),
    ),
)
def test_quote_for_plain_values(before, quote, after):
    check(compose, before, after, replace(POLICY, facts=Facts(quote=quote)))


def test_reports_changes_notes_and_dropped():
    before = (
        "services:\n  a:\n    image: python:3.9-alpine3.18\n"
        "    build:\n      args:\n        PYTHON_VERSION: '3.10'\n"
        "  b:\n    image: python:3.9-windowsservercore\n"
    )
    result = compose.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "image: python:3.9-alpine3.18 → python:3.11-alpine3.24",
        "build arg PYTHON_VERSION: 3.10 → 3.11",
    )
    assert result.notes == (
        "python:3.9-alpine3.18: python:3.11-alpine3.18 is not built; "
        "moved to 3.11-alpine3.24, the nearest maintained variant",
        "python:3.9-windowsservercore: python:3.11-windowsservercore is not built and has "
        "no maintained equivalent; left unchanged",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_unparsable_yaml_raises():
    with pytest.raises(UnparsableInput):
        compose.rewrite("services: [\n", POLICY)


def test_patterns_match_compose_names():
    from rewriters.registry import owner_of

    for path in ("docker-compose.yml", "a/docker-compose.test.yaml", "compose.yaml"):
        assert owner_of(path) is compose, path


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("compose"))
def test_real_compose_files(before, after, policy):
    check(compose, before, after, policy)
