"""Slices of a version list that molt shortened: ``PYTHON_VERSIONS[:-1]`` in a noxfile.

A slice picks versions by position, so removing entries shifts what it picks. strawberry's
``@session(python=PYTHON_VERSIONS[:-1])`` left out 3.9, the last entry; once 3.9 is gone from
the list, ``[:-1]`` would leave out 3.10 instead. The slice is rewritten to pick the versions
it picked before, less the dropped ones: here the whole list, so the slice goes, and so does a
comment right above it that names the dropped version ("skipping python 3.9 because ...").
A slice molt cannot recompute (a computed bound, a list with starred parts) gets a note.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rewriters.formats.python_ast import Source
from rewriters.result import Edit, Record
from rewriters.versions import Minor, join_names, mentions


@dataclass(frozen=True)
class Shortened:
    """A module-level list that lost entries: how long it was, and which entries went."""

    length: int
    removed: frozenset[int]
    # the version each entry names (None for an entry that is no version, ``"pypy3"``)
    versions: Sequence[Minor | None]
    # some entry is not a string literal (``*OTHER``): positions cannot be counted
    opaque: bool


def fix_slices(
    record: Record, source: Source, tree: ast.Module, shortened: Mapping[str, Shortened]
) -> None:
    """Keep each slice in ``tree`` of a list that lost entries (``shortened``, by name) picking
    what it picked; what that takes goes into ``record``."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Slice)
            and isinstance(node.value, ast.Name)
            and node.value.id in shortened
        ):
            record.merge(fix_slice(source, node, shortened[node.value.id]))


def fix_slice(source: Source, node: ast.Subscript, shortened: Shortened) -> Record:
    """What keeps ``node`` picking the kept versions it picked before: edits and a change
    line, or a note; nothing when it still does."""
    assert isinstance(node.slice, ast.Slice)
    text = ast.unparse(node)
    bounds = _bound(node.slice.lower), _bound(node.slice.upper)
    if node.slice.step is not None or False in bounds or shortened.opaque:
        return Record(notes=[_unsure(node, text)])
    lower, upper = (b if isinstance(b, int) else None for b in bounds)
    kept = [i for i in range(shortened.length) if i not in shortened.removed]
    position = {old: new for new, old in enumerate(kept)}
    picked = range(shortened.length)[lower:upper]
    wanted = [position[i] for i in picked if i in position]
    if wanted == list(range(len(kept))[lower:upper]):
        return Record()
    if not wanted:
        names = join_names(_named(shortened, picked))
        return Record(
            notes=[
                f"line {node.lineno}: {text} picked only {names}, which molt dropped; "
                "the sessions using it now run other versions"
            ]
        )
    new_lower = _written(wanted[0], 0, len(kept), lower)
    new_upper = _written(wanted[-1] + 1, len(kept), len(kept), upper)
    _, value_end = source.span(node.value)
    _, node_end = source.span(node)
    if new_lower is None and new_upper is None:
        left_out = _named(shortened, [i for i in range(shortened.length) if i not in picked])
        return Record(
            edits=[Edit(value_end, node_end, ""), *_comment_above(source, node, left_out)],
            changes=[
                f"line {node.lineno}: {text} → {ast.unparse(node.value)}: the slice only "
                f"left out {join_names(left_out)}"
            ],
        )
    bracket = f"[{_number(new_lower)}:{_number(new_upper)}]"
    return Record(
        edits=[Edit(value_end, node_end, bracket)],
        changes=[
            f"line {node.lineno}: {text} → {ast.unparse(node.value)}{bracket}, "
            "to pick the versions it picked before"
        ],
    )


def _bound(node: ast.expr | None) -> int | bool | None:
    """A slice bound: an int, None when absent, False when molt cannot read it."""
    if node is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _bound(node.operand)
        return -inner if isinstance(inner, int) and not isinstance(inner, bool) else False
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return False


def _written(index: int, open_end: int, length: int, before: int | None) -> int | None:
    """A new bound: None at the open end, else counted from the side the old bound was."""
    if index == open_end:
        return None
    return index - length if before is not None and before < 0 else index


def _number(bound: int | None) -> str:
    return "" if bound is None else str(bound)


def _named(shortened: Shortened, indices: Sequence[int]) -> list[Minor]:
    return sorted({v for i in indices if (v := shortened.versions[i]) is not None})


def _comment_above(source: Source, node: ast.Subscript, left_out: list[Minor]) -> list[Edit]:
    """The comment lines right above a slice that no longer leaves anything out, when they
    name a version it left out: they explain a skip that is gone."""
    line_start, _, _ = source.line_bounds(source.span(node)[0])
    top = line_start
    while top > 0:
        previous, _, _ = source.line_bounds(top - 1)
        if not source.text[previous:top].lstrip().startswith("#"):
            break
        top = previous
    if top == line_start or not mentions(source.text[top:line_start], left_out):
        return []
    return [Edit(top, line_start, "")]


def _unsure(node: ast.Subscript, text: str) -> str:
    return (
        f"line {node.lineno}: {text} slices a list molt shortened; "
        "check that it still picks the versions meant"
    )
