"""Every real-file fixture is read by a test: no orphan folder, no ``.before`` alone."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from tests.rewriters._check import FIXTURES

# What each loader in _check.py reads from a fixture folder.
LOADERS = {"fixture_pairs": {".before", ".after"}, "fixture_noops": {".noop"}}
KINDS = sorted(folder.name for folder in FIXTURES.iterdir() if folder.is_dir())


def _loaded() -> dict[str, set[str]]:
    """Fixture folder → the loaders the test modules call on it, as written in their source."""
    loaded: dict[str, set[str]] = defaultdict(set)
    for path in Path(__file__).parent.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in LOADERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                loaded[node.args[0].value].add(node.func.id)
    return loaded


LOADED = _loaded()


def test_every_folder_is_loaded_and_every_loaded_folder_exists():
    assert sorted(LOADED) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_every_file_is_read_by_a_loader(kind):
    read = set().union(*(LOADERS[loader] for loader in LOADED[kind]))
    unread = sorted(path.name for path in (FIXTURES / kind).iterdir() if path.suffix not in read)
    assert unread == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_before_has_its_after(kind):
    folder = FIXTURES / kind
    befores = sorted(path.stem for path in folder.glob("*.before"))
    afters = sorted(path.stem for path in folder.glob("*.after"))
    assert befores == afters
