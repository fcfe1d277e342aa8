from __future__ import annotations

import pytest

from rewriters.repository.version_named import Move, follow, mentions, moves, named_versions
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310

V38, V39, V310 = Minor(3, 8), Minor(3, 9), Minor(3, 10)


def _moves(paths, dropped, policy=POLICY_310):
    return moves(paths, policy, dict.fromkeys(paths, frozenset(dropped)))


@pytest.mark.parametrize(
    ("paths", "expected"),
    (
        pytest.param(
            ["ci/requirements-py3.9.yml", "ci/requirements-py3.10.yml"],
            [Move("ci/requirements-py3.9.yml", V39, "ci/requirements-py3.10.yml", True)],
            id="the minimum's sibling exists: the file goes",
        ),
        pytest.param(
            ["ci/requirements-py3.9-min.yml", "ci/requirements-py3.11.yml"],
            [Move("ci/requirements-py3.9-min.yml", V39, "ci/requirements-py3.10-min.yml", False)],
            id="no sibling for the minimum: renamed to it",
        ),
        pytest.param(
            ["ci/py38.yml", "ci/py39.yml", "ci/py311.yml"],
            [
                Move("ci/py38.yml", V38, "ci/py310.yml", True),
                Move("ci/py39.yml", V39, "ci/py310.yml", False),
            ],
            id="the latest dropped one becomes the minimum's, the others go",
        ),
        pytest.param(
            ["docker/python3.9-slim.dockerfile", "docker/python3.10-slim.dockerfile"],
            [
                Move(
                    "docker/python3.9-slim.dockerfile",
                    V39,
                    "docker/python3.10-slim.dockerfile",
                    True,
                )
            ],
            id="prefixed token in the middle",
        ),
        pytest.param(
            ["ci/deps/actions-39.yaml", "ci/deps/actions-310.yaml"],
            [Move("ci/deps/actions-39.yaml", V39, "ci/deps/actions-310.yaml", True)],
            id="bare digits next to siblings",
        ),
        pytest.param(
            ["ci/deps/actions-27.yaml", "ci/deps/actions-39.yaml"],
            [],
            id="bare digits are read as Python 3 only",
        ),
        pytest.param(
            ["environment-3.9.yml", "environment-3.12.yml"],
            [Move("environment-3.9.yml", V39, "environment-3.10.yml", False)],
            id="repository root",
        ),
        pytest.param(["ci/requirements-py3.9.yml"], [], id="alone: name kept"),
        pytest.param(
            ["ci/py3.9.yml", "other/py3.10.yml"], [], id="siblings must share the directory"
        ),
        pytest.param(["ci/py3.10.yml", "ci/py3.11.yml"], [], id="no dropped version in the family"),
        pytest.param(
            ["ci/py3.9-3.10.yml", "ci/py3.11.yml"], [], id="two versions in a name: not one's"
        ),
        pytest.param(
            ["ci/numpy3.9.yml", "ci/numpy3.10.yml"], [], id="a token glued to a word is not one"
        ),
        pytest.param(
            ["ci/py3.9-dev.yml", "ci/py3.10.yml"], [], id="a pre-release spelling is not a family"
        ),
        pytest.param(
            ["docs/changelog/3.9.md", "docs/changelog/3.10.md"], [], id="history keeps its files"
        ),
    ),
)
def test_moves(paths, expected):
    assert _moves(paths, {V38, V39}) == expected


def test_a_file_whose_rewrite_did_not_drop_its_version_stays():
    paths = ["ci/py3.9.yml", "ci/py3.10.yml"]
    assert moves(paths, POLICY_310, {"ci/py3.9.yml": {V38}}) == []
    assert moves(paths, POLICY_310, {}) == []


def test_every_dropped_version_moves_under_the_default_policy():
    paths = ["ci/py3.9.yml", "ci/py3.10.yml", "ci/py3.11.yml"]
    assert moves(paths, POLICY, dict.fromkeys(paths, frozenset({V39, V310}))) == [
        Move("ci/py3.10.yml", V310, "ci/py3.11.yml", True),
        Move("ci/py3.9.yml", V39, "ci/py3.11.yml", True),
    ]


MOVED = [
    Move("ci/requirements-py3.9.yml", V39, "ci/requirements-py3.10.yml", True),
    Move("ci/requirements-py3.9-min.yml", V39, "ci/requirements-py3.10-min.yml", False),
]


@pytest.mark.parametrize(
    ("before", "after"),
    (
        (
            "environment-file: ci/requirements-py3.9.yml\n",
            "environment-file: ci/requirements-py3.10.yml\n",
        ),
        (
            "files: ['requirements-py3.9-min.yml', requirements-py3.9.yml]\n",
            "files: ['requirements-py3.10-min.yml', requirements-py3.10.yml]\n",
        ),
        ("cp ci/requirements-py3.9.yml.bak x\n", "cp ci/requirements-py3.9.yml.bak x\n"),
        ("old-requirements-py3.9.yml\n", "old-requirements-py3.9.yml\n"),
    ),
)
def test_follow_replaces_whole_basenames_only(before, after):
    assert follow(before, MOVED)[0] == after


def test_follow_says_what_it_followed():
    text = "a: ci/requirements-py3.9.yml\n"
    assert follow(text, MOVED)[1] == ["requirements-py3.9.yml → requirements-py3.10.yml"]
    assert follow("nothing\n", MOVED) == ("nothing\n", [])


def test_mentions():
    assert mentions("see ci/requirements-py3.9.yml.", MOVED[0])
    assert not mentions("see ci/requirements-py3.9-min.yml", MOVED[0])


def test_a_file_that_only_names_its_version_goes_but_is_never_renamed():
    paths = ["img/python3.10.dockerfile", "img/python3.11.dockerfile"]
    named = {"img/python3.10.dockerfile": {V310}}
    assert moves(paths, POLICY, {}, named) == [
        Move("img/python3.10.dockerfile", V310, "img/python3.11.dockerfile", True)
    ]
    alone = ["img/python3.10.dockerfile", "img/python3.12.dockerfile"]
    assert moves(alone, POLICY, {}, named) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    (
        ("FROM vendor/app:python3.10-slim\n", {V310}),
        ("RUN tox -e py39,py310\n", {V39, V310}),
        ("FROM python:3.11\n# supports 3.9\n", set()),
    ),
)
def test_named_versions(text, expected):
    assert named_versions(text) == expected
