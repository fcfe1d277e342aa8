"""Entries of a CI matrix or job list: the ones for old versions move, or go when they repeat.

An entry is one item of a collection: a mapping in a list (``include:``, ``parallel: matrix:``)
or a mapping under a name (Azure's ``strategy.matrix``, GitLab's jobs). An entry that pins an
old version moves to the new minimum, its name following (``linux-py39`` → ``linux-py311``),
unless, moved, it would equal another entry apart from names: then the whole entry goes. An
entry that something else refers to by name always moves. ``exclude`` and ``allow_failures``
entries for old versions always go; when none is left the key goes too.

A moved entry that carries versions of something else no other entry holds (``numpy:
"1.11"``, ``flask-version: ["0.11", "1.0"]``), picked for the old Python, is noted when
another entry tests the new minimum already: it now runs those old releases on the new
Python, next to a job that covers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from rewriters.ci.values import nodot_spots, spot_edits, word_spots
from rewriters.ci.work import Place, Work, is_tox_key
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.result import BrokenOutput, Edit, apply_edits
from rewriters.rules import entry_goes
from rewriters.versions import Minor, join_names, mentions

Walk = Callable[[Work, Node, Place], None]
Skip = Callable[[str, Node], bool] | None

_ALWAYS_GO = frozenset({"exclude", "allow_failures"})


_BLANKS = re.compile(r"(?:[ \t]*\r?\n)+")
# a release or a list of releases of a library: ``1.11``, ``~=4.2``, ``0.11,0.12,1.0``
_RELEASE = r"[<>=!~^]*\s*\d+(?:\.\d+)+(?:\.[x*])?"
_RELEASES_RE = re.compile(rf"{_RELEASE}(?:\s*,\s*{_RELEASE})*")


class _Entry(NamedTuple):
    name: str | None  # the entry's own key in a mapping collection
    node: Node
    work: Work  # what moving the entry does
    path: tuple[str | int, ...]


def collection(
    work: Work, node: Node, key: str, place: Place, walk: Walk, skip: Skip = None
) -> None:
    """Entries pinning an old version move to the minimum, unless they would repeat another.

    ``walk`` finds what an entry changes; ``skip`` names the keys of a mapping that are not
    entries (GitLab keywords at the root). ``place`` is where ``node`` sits, under ``key``.
    """
    entries: list[_Entry] = []
    parents = (*place.parents, node) if isinstance(node, MappingNode) else place.parents
    for name, step, child in _entries(node, skip):
        forked = work.fork()
        at = Place((*place.path, step), parents, key)
        walk(forked, child, at)
        entries.append(_Entry(name, child, forked, at.path))
    views = [_data_view(work, e, None) for e in entries if not e.work.pins]
    for entry in entries:
        if not entry.work.pins:
            work.join(entry.work)
    olds = [e for e in entries if e.work.pins]
    taken = {e.name for e in entries if e.name is not None}
    others = [e.node for e in entries if not e.work.pins]
    tested = any(tests_minimum(work, other) for other in others)
    removed: list[_Entry] = []
    for entry in sorted(olds, key=lambda e: max(e.work.pins), reverse=True):
        view = _data_view(work, entry, entry.work)
        referenced = _referenced(work, entry.name)
        if entry_goes(always=key in _ALWAYS_GO, repeats=view in views, named=referenced):
            removed.append(entry)
            work.join(entry.work, edits=False)
        else:
            if view in views:
                work.notes.append(
                    f"line {work.line(entry.node)}: `{entry.name}` now repeats another entry, "
                    "but other places name it; remove it and those references by hand"
                )
            views.append(view)
            work.join(entry.work)
            label = f"`{entry.name}`" if entry.name is not None else "the entry"
            line = work.line(_key_of(node, entry) or entry.node)
            note_carried(work, entry.node, line, entry.work.pins, (others, {}), tested, label)
            tested = True
            work.edits += [e for e in _rename(work, node, entry, taken) if e not in work.edits]
    _remove_entries(work, node, key, removed)


def tests_minimum(work: Work, entry: Node) -> bool:
    """True when an entry's Python (a value under a Python key, or in a mapping under one)
    names the new minimum."""
    for key, value in yaml.items(entry):
        if work.is_python_key(key) and isinstance(value, MappingNode):
            values = [v for _, v in yaml.items(value)]
        else:
            values = [value] if work.is_python_key(key) else []
        if any(_names(v, {work.policy.minimum}) for v in values):
            return True
    return False


def note_carried(
    work: Work,
    entry: Node,
    line: int,
    old: set[Minor],
    kept: tuple[list[Node], dict[str, set[str]]],
    tested: bool,
    label: str,
) -> None:
    """Note a moved entry (at ``line``) that carries releases of something else (``numpy:
    "1.11"``) that neither the ``kept`` entries nor the kept base matrix values hold, when
    another entry tests the new minimum already (``tested``): they were picked for its old
    Python."""
    if not tested:
        return
    others, base = kept
    held = {(k, _plain(v)) for other in others for k, v in yaml.items(other)}
    carried = [
        key
        for key, value in yaml.items(entry)
        if key not in work.system.name_keys
        and not (work.is_python_key(key) or is_tox_key(key))
        and _releases(value)
        and (key, _plain(value)) not in held
        and _plain(value) not in base.get(key, set())
    ]
    if carried:
        keys = ", ".join(f"`{key}`" for key in carried)
        minimum = work.policy.minimum
        work.notes.append(
            f"line {line}: {label} moved from {join_names(sorted(old))} to "
            f"{minimum} keeps {keys}, picked for the old Python, while another entry tests "
            f"{minimum} already; check it by hand"
        )


def _key_of(node: Node, entry: _Entry) -> Node | None:
    """The key of a named entry (``Python39:``), whose line names it."""
    if not isinstance(node, MappingNode):
        return None
    key: Node = next(k for k, v in node.value if v is entry.node)
    return key


def _names(node: Node, versions: set[Minor]) -> bool:
    return isinstance(node, ScalarNode) and mentions(node.value, versions)


def _releases(node: Node) -> bool:
    """True for a release or a list of releases of something (``1.11``, ``["0.11", "1.0"]``)."""
    if isinstance(node, SequenceNode):
        return bool(node.value) and all(_releases(item) for item in node.value)
    return isinstance(node, ScalarNode) and bool(_RELEASES_RE.fullmatch(node.value.strip()))


def _plain(node: Node) -> object:
    """A value as comparable data: a scalar's text, a list's tuple of them."""
    if isinstance(node, SequenceNode):
        return tuple(_plain(item) for item in node.value)
    return node.value if isinstance(node, ScalarNode) else id(node)


def _entries(node: Node, skip: Skip) -> Iterator[tuple[str | None, str | int, Node]]:
    """Each entry's own name (None in a list), its step in a path, and its node."""
    if isinstance(node, SequenceNode):
        items: list[tuple[str | None, str | int, Node]] = [
            (None, i, item) for i, item in enumerate(node.value)
        ]
    else:
        items = [(name, name, value) for name, value in yaml.items(node)]
    yield from (item for item in items if skip is None or not skip(str(item[1]), item[2]))


def _referenced(work: Work, name: str | None) -> bool:
    """A named entry that something else refers to (``needs: [test-py39]``) moves, never goes."""
    if name is None:
        return False
    return len(re.findall(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", work.text)) > 1


def _data_view(work: Work, entry: _Entry, forked: Work | None) -> object:
    """The entry as plain data (after ``forked``'s edits), names left out.

    Only the entry's own text is read again, indented as in the file; an entry that needs the
    rest of the file to read (an alias of an anchor outside it) is read from the whole edited
    file by its path.
    """
    edits = forked.edits if forked is not None else []
    start, end = entry.node.start_mark.index, entry.node.end_mark.index
    inside = [e for e in edits if start <= e.start < end]
    end = max([end, *(e.end for e in inside)])
    shifted = [Edit(e.start - start, e.end - start, e.new) for e in inside]
    fragment = " " * entry.node.start_mark.column + apply_edits(work.text[start:end], shifted)
    value: Any
    try:
        value = (yaml.load(fragment) or [None])[0]
    except BrokenOutput:
        value = yaml.load(apply_edits(work.text, edits))
        for step in entry.path:
            value = _at(value, step)
    try:
        return _frozen(value, work.system.name_keys, [VIEW_BUDGET])
    except _TooLarge:
        return object()  # equal to nothing: the entry moves rather than goes


def _at(value: Any, step: object) -> Any:
    """One step down a path; keys compare as text, as ruamel gives them (``39:`` is 39)."""
    if isinstance(value, list) and isinstance(step, int):
        return value[step]
    return {str(k): v for k, v in value.items()}.get(str(step)) if value else None


class _TooLarge(Exception):
    """An entry whose data expands past ``VIEW_BUDGET`` values (aliases of aliases)."""


# how many values an entry's view may hold: real entries hold tens, an alias bomb billions
VIEW_BUDGET = 10_000


def _frozen(value: Any, names: frozenset[str], budget: list[int]) -> object:
    """Comparable data; values of name keys are left out at every level."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(value, dict):
        return frozenset(
            (str(k), _frozen(v, names, budget)) for k, v in value.items() if k not in names
        )
    if isinstance(value, list):
        return tuple(_frozen(v, names, budget) for v in value)
    return str(value)


def _rename(work: Work, node: Node, entry: _Entry, taken: set[str]) -> list[Edit]:
    """The entry's key and its name values follow the version it moved to."""
    edits = []
    if entry.name is not None and not _referenced(work, entry.name):
        assert isinstance(node, MappingNode)
        key_node = next(k for k, v in node.value if v is entry.node)
        renamed = _retarget_scalar(work, key_node, entry.work.pins)
        names = {_renamed(work.text, key_node, e) for e in renamed}
        if not names & taken:
            edits += renamed
            taken |= names
        else:
            work.notes.append(
                f"line {work.line(key_node)}: `{entry.name}` now runs Python "
                f"{work.policy.minimum} but its name is taken by another entry; rename it by hand"
            )
    for key, value in _named_items(entry.node):
        if key in work.system.name_keys and isinstance(value, ScalarNode):
            edits += _retarget_scalar(work, value, entry.work.pins)
    return edits


def _named_items(node: Node) -> list[tuple[str, Node]]:
    """An entry's pairs, or its one wrapped mapping's (``- step: {name: ...}``)."""
    pairs = yaml.items(node)
    return yaml.items(pairs[0][1]) if len(pairs) == 1 else pairs


def _renamed(text: str, key: ScalarNode, edit: Edit) -> str:
    start, end = yaml.scalar_span(text, key)
    return apply_edits(text[start:end], [Edit(edit.start - start, edit.end - start, edit.new)])


def _retarget_scalar(work: Work, node: ScalarNode, versions: set[Minor]) -> list[Edit]:
    found = [s for s in word_spots(node.value, work.policy, tox=False) if s.old in versions]
    found = found or nodot_spots(node.value, versions, work.policy)
    return (spot_edits(work, node, found) or []) if found else []


def _remove_entries(work: Work, node: Node, key: str, removed: list[_Entry]) -> None:
    if not removed:
        return
    gone: set[Minor] = set().union(*(e.work.pins for e in removed))
    if isinstance(node, SequenceNode):
        indices = [i for i, item in enumerate(node.value) if any(item is e.node for e in removed)]
        if len(indices) == len(node.value):
            work.edits.append(_remove_key(work, node))
        else:
            work.edits += yaml.remove_items(
                work.text, node, indices, lambda line: mentions(line, gone)
            )
    else:
        assert isinstance(node, MappingNode)
        for entry in removed:
            edit = yaml.remove_pair(work.text, node, entry.node)
            work.edits.append(_without_double_blank(work.text, edit))
    what = "jobs" if key == "" else f"{key} entries"
    work.changes.append(f"{what}: removed those for {join_names(sorted(gone))}")
    work.dropped |= gone


def _remove_key(work: Work, node: Node) -> Edit:
    """Remove the key holding ``node``, and its parent's key when that was all it held."""
    parent = work.parents[id(node)]
    while len(parent.value) == 1 and id(parent) in work.parents:
        node, parent = parent, work.parents[id(parent)]
    edit = yaml.remove_pair(work.text, parent, node)
    return _without_double_blank(work.text, edit)


def _without_double_blank(text: str, edit: Edit) -> Edit:
    """A block that stood between blank lines takes the blank lines after it along."""
    above = text[: edit.start].rstrip(" \t")
    if not (above.endswith("\n\n") or above.endswith("\n\r\n")):
        return edit
    after = _BLANKS.match(text, edit.end)
    return edit._replace(end=after.end()) if after else edit


def record_parents(root: Node, found: dict[int, MappingNode]) -> None:
    """Record each node's mapping parent, by ``id``; each node once (an alias is its anchor's
    node, so a file of aliases of aliases costs its size, not its expansion)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not (isinstance(key, ScalarNode) and key.value == "<<"):
                    found.setdefault(id(value), node)
                    stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
