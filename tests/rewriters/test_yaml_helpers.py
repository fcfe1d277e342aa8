from __future__ import annotations

import pytest

from rewriters.formats import yaml
from rewriters.result import apply_edits


def _remove(text, indices, about=lambda line: False):
    (seq,) = yaml.compose(text)
    return apply_edits(text, yaml.remove_items(text, seq, indices, about))


@pytest.mark.parametrize(
    ("before", "indices", "after"),
    (
        pytest.param("- a\n- b\n", [], "- a\n- b\n", id="nothing to remove"),
        pytest.param("# a\n- a\n- b\n", [0], "- b\n", id="comment at the top of the file"),
        pytest.param("\n- a\n- b\n\n", [1], "\n- a\n\n", id="blank lines at both ends"),
        pytest.param("- a\n\n- b\n\n- c\n", [1, 2], "- a\n", id="last items with their blanks"),
        pytest.param("- a\n\n- b\n\n- c\n", [2], "- a\n\n- b\n", id="blank line above last"),
        pytest.param("- a\n- b", [1], "- a\n", id="no final newline"),
        pytest.param("[a, b, c, d]", [1, 3], "[a, c]", id="flow runs"),
        pytest.param("[a, b, c, d]", [2, 3], "[a, b]", id="flow tail"),
    ),
)
def test_remove_items(before, indices, after):
    assert _remove(before, indices, lambda line: "a" in line) == after


def test_block_lines_of_a_literal():
    text = "k: |\n  3.9\n\n  3.10\nn: 1"
    (doc,) = yaml.compose(text)
    node = yaml.get(doc, "k")
    assert [line[2] for line in yaml.block_lines(text, node)] == ["3.9", "", "3.10"]


def test_get_on_a_scalar_is_none():
    (doc,) = yaml.compose("a")
    assert yaml.get(doc, "a") is None


@pytest.mark.parametrize(
    ("before", "key", "after"),
    (
        pytest.param("a: 1\nb:\n  - 2\nc: 3\n", "b", "a: 1\nc: 3\n", id="block"),
        pytest.param("{a: 1, b: [2], c: 3}", "b", "{a: 1, c: 3}", id="flow middle"),
        pytest.param("{a: 1, b: [2]}", "b", "{a: 1}", id="flow last"),
        pytest.param("{b: [2]}", "b", "{}", id="flow only"),
    ),
)
def test_remove_pair(before, key, after):
    (doc,) = yaml.compose(before)
    edit = yaml.remove_pair(before, doc, yaml.get(doc, key))
    assert apply_edits(before, [edit]) == after
