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


def _nodes(node):
    """Every node of a tree as (kind, start, end, line, column, style, value), in order; an
    empty value without its position (LibYAML and the pure parser place it differently)."""
    row = (type(node).__name__, node.start_mark.index, node.end_mark.index)
    row += (node.start_mark.line, node.start_mark.column, getattr(node, "style", None))
    if isinstance(node, yaml.ScalarNode):
        if node.value == "" and node.style is None:
            return [("empty", node.tag)]
        return [(*row, node.value)]
    if isinstance(node, yaml.SequenceNode):
        return [row, *(n for item in node.value for n in _nodes(item))]
    return [row, *(n for pair in node.value for item in pair for n in _nodes(item))]


def _pure(text):
    from ruamel.yaml import YAML

    return [_nodes(doc) for doc in YAML(typ="safe", pure=True).compose_all(text) if doc]


@pytest.mark.parametrize(
    "text",
    (
        pytest.param("a:\nb: 1\n", id="empty value, next key"),
        pytest.param("a:   # nothing\n\n  # more\nb: [1, '3.10']\n", id="empty value, comments"),
        pytest.param("on:\n  push:\n    branches: [main]\n", id="workflow"),
        pytest.param("x: &v [3.9, 3.10]\ny: *v\nz:\n", id="alias and empty value at the end"),
        pytest.param("- \n- 'q'\n- \"d\"\n- |\n  block\n", id="styles"),
        pytest.param("a: 1\n---\nb:\n", id="two documents"),
    ),
)
def test_compose_gives_the_pure_parsers_nodes(text):
    assert [_nodes(doc) for doc in yaml.compose(text)] == _pure(text)


def test_compose_leaves_deep_flow_nesting_to_the_pure_parser():
    text = "[" * 6_000 + "]" * 6_000
    with pytest.raises(RecursionError):
        yaml.compose(text)  # LibYAML would overflow the C stack; the caller skips the file


def test_compose_leaves_what_libyaml_refuses_to_the_pure_parser(monkeypatch):
    from ruamel.yaml.error import YAMLError

    class Refusing:
        def __init__(self, typ, pure):
            self.pure = pure

        def compose_all(self, text):
            if not self.pure:
                raise YAMLError("refused")
            from ruamel.yaml import YAML

            return YAML(typ="safe", pure=True).compose_all(text)

    monkeypatch.setattr(yaml, "YAML", Refusing)
    assert [_nodes(doc) for doc in yaml.compose("a: [3.9]\n")] == _pure("a: [3.9]\n")


def test_an_empty_value_is_placed_right_after_its_indicator():
    text = "jobs:\n  test:\n    python:\n    os: linux\n"
    (root,) = yaml.compose(text)
    empty = yaml.get(yaml.get(yaml.get(root, "jobs"), "test"), "python")
    assert empty.start_mark.index == empty.end_mark.index == text.index(":\n    os") + 1
