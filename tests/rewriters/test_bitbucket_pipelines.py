from __future__ import annotations

import pytest

from rewriters.ci import bitbucket_pipelines
from tests.conftest import POLICY
from tests.rewriters._check import check, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("image: python:3.12\n", id="current image"),
        pytest.param("image:\n  name: python:3.12\n  username: u\n", id="current image name"),
        pytest.param("image: atlassian/default-image:4\n", id="not python"),
    ),
)
def test_noop(before):
    noop(bitbucket_pipelines, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param("image: python:3.9\n", "image: python:3.11\n", id="pipeline image"),
        pytest.param(
            "pipelines:\n  default:\n    - step:\n        image: python:3.10-slim\n"
            "        script: [pytest]\n",
            "pipelines:\n  default:\n    - step:\n        image: python:3.11-slim\n"
            "        script: [pytest]\n",
            id="step image",
        ),
        pytest.param(
            "pipelines:\n  default:\n    - parallel:\n"
            "        - step:\n            name: py39\n            image: python:3.9\n"
            "            script: [pytest]\n"
            "        - step:\n            name: py311\n            image: python:3.11\n"
            "            script: [pytest]\n",
            "pipelines:\n  default:\n    - parallel:\n"
            "        - step:\n            name: py311\n            image: python:3.11\n"
            "            script: [pytest]\n",
            id="parallel step for a dropped version goes",
        ),
    ),
)
def test_rewrite(before, after):
    check(bitbucket_pipelines, before, after, POLICY)
