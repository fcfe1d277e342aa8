from __future__ import annotations

import pytest

import rewriters
from rewriters import UnparsableInput
from tests.conftest import POLICY


def test_rewrite_dispatches_by_path():
    result = rewriters.rewrite("sub/tox.ini", "[tox]\nenvlist = py39, py311\n", POLICY)
    assert result is not None
    assert result.text == "[tox]\nenvlist = py311\n"


def test_unclaimed_path_is_none():
    assert rewriters.rewrite("LICENSE", "Python 3.9+\n", POLICY) is None


def test_unparsable_input_names_the_path():
    with pytest.raises(UnparsableInput) as error:
        rewriters.rewrite("pkg/pyproject.toml", "[project\nname = 1\n", POLICY)
    assert error.value.path == "pkg/pyproject.toml"
    assert str(error.value).startswith("pkg/pyproject.toml")
