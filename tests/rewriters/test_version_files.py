from __future__ import annotations

import pytest

from rewriters import registry, version_files
from rewriters.result import BrokenOutput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty"),
        pytest.param("3.11\n", id="python-version current"),
        pytest.param("3.12.4\n3.13\n", id="pyenv list current"),
        pytest.param("system\n", id="system interpreter"),
        pytest.param("miniconda3-4.7.12\n", id="conda distribution"),
        pytest.param("pypy3.9-7.3.16\n", id="pypy release left alone"),
        pytest.param("pypy3.9-7.3.16\npypy3.10-7.3.17\n", id="only pypy releases left alone"),
        pytest.param("python-3.12.7\n", id="runtime current"),
        pytest.param("nodejs 18.1.0\nruby 3.1.2\n", id="tool-versions without python"),
        pytest.param("python 3.12.1\nnodejs 16.9\n", id="tool-versions current"),
        pytest.param("3.9.x.y\n", id="not a version"),
        pytest.param("9.99.x\n", id="x patch of no python"),
        pytest.param("# was 3.9\n3.12\n", id="comment names an old version"),
    ),
)
def test_noop(before):
    noop(version_files, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param("3.9\n", "3.11\n", id="minor moves"),
        pytest.param("3.9.18\n", "3.11.16\n", id="patch moves to latest patch"),
        pytest.param("3.10", "3.11", id="no trailing newline"),
        pytest.param("cpython@3.9\n", "cpython@3.11\n", id="uv cpython prefix"),
        pytest.param("3.10-dev\n", "3.11-dev\n", id="dev suffix kept"),
        pytest.param("3.12\n3.9\n3.10\n", "3.12\n", id="pyenv list drops lines"),
        pytest.param("3.12\n3.9", "3.12", id="last line without newline"),
        pytest.param("3.9.18\n3.10.4\n", "3.11.16\n", id="all dropped keeps the highest"),
        pytest.param("3.9 3.12\n", "3.12\n", id="words on one line"),
        pytest.param("3.12 3.9\n", "3.12\n", id="last word on a line"),
        pytest.param("3.12\npypy3.9-7.3.16\n", "3.12\n", id="pypy release dropped from a list"),
        pytest.param("python-3.9.18\n", "python-3.11.16\n", id="runtime patch"),
        pytest.param("python-3.10.x\n", "python-3.11.x\n", id="runtime x patch"),
        pytest.param(
            "nodejs 18.1.0\npython 3.9.18\n",
            "nodejs 18.1.0\npython 3.11.16\n",
            id="tool-versions single",
        ),
        pytest.param(
            "python 3.9.18 3.12.1\nnodejs 18.1.0\n",
            "python 3.12.1\nnodejs 18.1.0\n",
            id="tool-versions list",
        ),
        pytest.param(
            "python 3.12.1 3.9.18 # old\n",
            "python 3.12.1 # old\n",
            id="tool-versions comment kept",
        ),
        pytest.param("python 3.10.4 3.9.18\n", "python 3.11.16\n", id="tool-versions all dropped"),
    ),
)
def test_rewrite(before, after):
    check(version_files, before, after, POLICY)


def test_minimum_310():
    check(version_files, "3.9.18\n", "3.10.21\n", POLICY_310)
    check(version_files, "3.9\n3.10\n", "3.10\n", POLICY_310)


def test_changes_and_dropped():
    result = version_files.rewrite("3.9.18\n", POLICY)
    assert result is not None
    assert result.changes == ("python version: 3.9.18 → 3.11.16",)
    assert result.dropped == frozenset({Minor(3, 9)})
    result = version_files.rewrite("3.9\n3.10\n3.12\n", POLICY)
    assert result is not None
    assert result.changes == ("python versions: dropped 3.9 and 3.10",)
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


@pytest.mark.parametrize(
    "path",
    (
        ".python-version",
        "app/.python-version",
        "runtime.txt",
        ".tool-versions",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is version_files


def test_broken_output_raises():
    with pytest.raises(BrokenOutput):
        version_files._checked("3.9\n", "\n")


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("version_files", POLICY))
def test_real_files(before, after, policy):
    check(version_files, before, after, policy)
