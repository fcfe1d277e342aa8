"""ruamel.yaml node positions as text offsets, scalar reading, and list item removal; never dumps.

``load`` reads plain data (custom tags read as untagged) to check and compare what was written.

The parser only locates: every change is an ``Edit`` on the original text, so comments,
quoting, indentation and line endings stay as the file had them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rewriters.result import BrokenOutput, Edit, UnparsableInput

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "attached_comments",
    "check_parses",
    "compose",
    "get",
    "items",
    "items_of",
    "line_start",
    "load",
    "remove_items",
    "remove_lines",
    "remove_pair",
    "replace_scalar",
    "scalar_span",
    "value_start",
]

# A plain scalar ends at a comment, or in flow context at a flow indicator.
_ANCHOR_OR_TAG = re.compile(r"(?:[&!]\S*\s+)*")
_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*")
_BLANK_TAIL = re.compile(r"(?:^|(?<=\n))(?:[ \t]*\r?\n)*\Z")
_AFTER_FLOW_ITEM = re.compile(r"[ \t]*,?[ \t]*(?:#[^\r\n]*)?(?:\r?\n|$)")


# LibYAML's composer recurses in C: past some ten thousand nested flow collections it
# overflows the stack and kills the process, so deeper text goes to the pure parser (whose
# RecursionError says "nested too deeply"). Block nesting that deep would need gigabytes.
_LIBYAML_MAX_BRACKETS = 5_000


def compose(text: str) -> list[Node]:
    """The node trees of every document in ``text``; raise ``UnparsableInput`` if not YAML.

    LibYAML (``ruamel.yaml.clib``) composes about ten times faster than the pure parser and
    gives the same nodes, but for an empty value, which it places right after its indicator
    (the pure parser: at the next token, which can be on the next line); text it refuses, or
    could not survive, is left to the pure parser.
    """
    if text.count("[") + text.count("{") <= _LIBYAML_MAX_BRACKETS:
        try:
            documents = list(YAML(typ="safe", pure=False).compose_all(text))
        except YAMLError:
            pass
        else:
            found = [doc for doc in documents if doc is not None]
            for document in found:
                _plain_style_as_none(document)
            return found
    try:
        return [doc for doc in YAML(typ="safe", pure=True).compose_all(text) if doc is not None]
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else int(mark.line) + 1
        raise UnparsableInput("", line, f"not valid YAML: {error}") from None


def _plain_style_as_none(root: Node) -> None:
    """LibYAML's plain style is ``""``; the pure parser's, which the rewriters test, None."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            node.style = node.style or None
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        else:  # a mapping
            stack.extend(part for pair in node.value for part in pair)


class _Constructor(SafeConstructor):
    """Plain data from YAML whose custom tags (GitLab's ``!reference``) read as untagged."""


def _untagged(constructor: SafeConstructor, suffix: str, node: Node) -> object:
    if isinstance(node, MappingNode):
        return constructor.construct_mapping(node, deep=True)
    if isinstance(node, SequenceNode):
        return constructor.construct_sequence(node, deep=True)
    return constructor.construct_scalar(node)


_Constructor.add_multi_constructor("!", _untagged)


def load(text: str) -> list[Any]:
    """Every document as plain data; raise ``BrokenOutput`` if it does not parse."""
    loader = YAML(typ="safe", pure=True)
    loader.Constructor = _Constructor
    try:
        return list(loader.load_all(text))
    except YAMLError as error:
        raise BrokenOutput(f"rewritten YAML does not parse: {error}") from None


def check_parses(text: str) -> None:
    """Raise ``BrokenOutput`` when rewritten ``text`` no longer parses.

    LibYAML (``ruamel.yaml.clib``, when installed) answers first, about ten times faster than
    the pure parser; only text it refuses goes to the pure parser, which read the input and so
    has the last word.
    """
    fast = YAML(typ="safe", pure=False)
    fast.Constructor = _Constructor
    try:
        for _ in fast.load_all(text):
            pass
    except YAMLError:
        load(text)


def items(node: Node) -> list[tuple[str, Node]]:
    """The ``(key, value)`` pairs of a mapping whose keys are scalars; [] for anything else."""
    if not isinstance(node, MappingNode):
        return []
    return [(k.value, v) for k, v in node.value if isinstance(k, ScalarNode)]


def items_of(node: Node | None) -> list[Node]:
    """The items of a sequence; [] for anything else."""
    return list(node.value) if isinstance(node, SequenceNode) else []


def get(node: Node, key: str) -> Node | None:
    """The value at ``key`` of a mapping, or None."""
    return next((v for k, v in items(node) if k == key), None)


def scalar_span(text: str, node: ScalarNode) -> tuple[int, int]:
    """Offsets of the scalar's own text (quotes included), without any anchor or tag."""
    start, end = node.start_mark.index, node.end_mark.index
    match = _ANCHOR_OR_TAG.match(text, start, end)
    return (match.end() if match else start), end


def value_start(text: str, node: ScalarNode) -> int | None:
    """Offset of a one-line scalar's value in the text, or None when it is not written as is
    (escapes, folding): only then can the value be edited in place."""
    start, end = scalar_span(text, node)
    if node.style in ("'", '"'):
        start, end = start + 1, end - 1
    return start if text[start:end] == node.value else None


def replace_scalar(text: str, node: ScalarNode, new: str, quote: str) -> Edit:
    """Replace a one-line scalar's value, keeping its quotes; a plain one gets ``quote``."""
    start, end = scalar_span(text, node)
    if node.style in ("'", '"'):
        return Edit(start + 1, end - 1, new)
    return Edit(start, end, f"{quote}{new}{quote}" if quote else new)


def line_start(text: str, position: int) -> int:
    """Offset where the line holding ``position`` starts."""
    return text.rfind("\n", 0, position) + 1


def _line_end(text: str, position: int) -> int:
    """Offset just past the line break that ends the line holding ``position - 1``."""
    if position > 0 and text[position - 1] == "\n":
        return position
    found = text.find("\n", position)
    return len(text) if found < 0 else found + 1


def content_end(node: Node) -> int:
    """Offset just past the last character a node's content occupies."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        key, value = node.value[-1]
        return max(content_end(key), content_end(value))
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return content_end(node.value[-1])
    return int(node.end_mark.index)


def attached_comments(text: str, start: int, about: Callable[[str], bool]) -> int:
    """Move ``start`` (a line start) up over comment lines right above it that ``about`` accepts."""
    while start > 0:
        above = line_start(text, start - 1)
        line = text[above:start].strip()
        if not line.startswith("#") or not about(line):
            return start
        start = above
    return start


def _next_line(text: str, position: int) -> int:
    """Offset just past the line starting at ``position``."""
    found = text.find("\n", position)
    return len(text) if found < 0 else found + 1


def _blank_lines_after(text: str, position: int) -> int:
    return _BLANK_LINES.match(text, position).end()  # type: ignore[union-attr]


def _blank_lines_before(text: str, position: int) -> int:
    return _BLANK_TAIL.search(text, 0, position).start()  # type: ignore[union-attr]


def _block_item(
    text: str, seq: SequenceNode, index: int, gone: set[int], about: Callable[[str], bool]
) -> Edit:
    """An item's whole lines; blank lines that separated it from the next item go with it."""
    node = seq.value[index]
    start = attached_comments(text, line_start(text, node.start_mark.index), about)
    end = _line_end(text, content_end(node))
    nodes = seq.value
    if index + 1 < len(nodes):
        end = min(
            _blank_lines_after(text, end), line_start(text, nodes[index + 1].start_mark.index)
        )
    if index > 0 and index - 1 not in gone and gone.issuperset(range(index, len(nodes))):
        start = max(
            _blank_lines_before(text, start), _line_end(text, content_end(nodes[index - 1]))
        )
    return Edit(start, end, "")


def _alone_on_line(text: str, node: Node) -> bool:
    start, end = node.start_mark.index, content_end(node)
    before = text[line_start(text, start) : start]
    return not before.strip() and _AFTER_FLOW_ITEM.match(text, end) is not None


def _flow_run(text: str, seq: SequenceNode, first: int, last: int) -> Edit:
    """Remove items ``first..last`` of a flow sequence with one separating comma."""
    nodes = seq.value
    if all(_alone_on_line(text, n) for n in nodes[first : last + 1]):
        start = line_start(text, nodes[first].start_mark.index)
        return Edit(start, _line_end(text, content_end(nodes[last])), "")
    if last + 1 < len(nodes):
        return Edit(nodes[first].start_mark.index, nodes[last + 1].start_mark.index, "")
    return Edit(content_end(nodes[first - 1]), content_end(nodes[last]), "")


def _runs(indices: Sequence[int]) -> Iterator[tuple[int, int]]:
    ordered = sorted(set(indices))
    first = previous = ordered[0]
    for index in ordered[1:]:
        if index != previous + 1:
            yield first, previous
            first = index
        previous = index
    yield first, previous


def remove_items(
    text: str,
    seq: SequenceNode,
    indices: Sequence[int],
    about: Callable[[str], bool] = lambda line: False,
) -> list[Edit]:
    """Edits removing the items at ``indices`` (never all of them) from a sequence.

    A block item goes with its whole lines, and with a comment line right above it when
    ``about`` says the comment is about it; a flow item goes with one ", ".
    """
    if not indices:
        return []
    if seq.flow_style:
        return [_flow_run(text, seq, first, last) for first, last in _runs(indices)]
    gone = set(indices)
    return [_block_item(text, seq, i, gone, about) for i in sorted(gone)]


def remove_pair(text: str, mapping: MappingNode, value: Node) -> Edit:
    """Remove the key holding ``value``, and the value: whole lines, or one pair of a flow map."""
    index = next(i for i, (_, v) in enumerate(mapping.value) if v is value)
    key = mapping.value[index][0]
    if not mapping.flow_style:
        start = line_start(text, key.start_mark.index)
        return Edit(start, _line_end(text, max(content_end(value), key.end_mark.index)), "")
    if index + 1 < len(mapping.value):
        return Edit(key.start_mark.index, mapping.value[index + 1][0].start_mark.index, "")
    if index > 0:
        return Edit(content_end(mapping.value[index - 1][1]), content_end(value), "")
    return Edit(key.start_mark.index, content_end(value), "")


def block_lines(text: str, node: ScalarNode) -> list[tuple[int, int, str]]:
    """The content lines of a ``|`` block scalar: (line start, line end, stripped text)."""
    start, end = scalar_span(text, node)
    position = _line_end(text, start)
    lines = []
    while position < end:
        stop = _next_line(text, position)
        lines.append((position, stop, text[position:stop].strip()))
        position = stop
    return lines


def remove_lines(spans: Sequence[tuple[int, int, str]]) -> list[Edit]:
    """Edits deleting whole lines given as (start, end, text)."""
    return [Edit(start, end, "") for start, end, _ in spans]
