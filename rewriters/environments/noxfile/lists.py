"""Writing a noxfile's version lists by the one list rule (``rewriters.rules.shrink``).

An entry is a version literal, a module-level name bound to one (moved where it is bound),
``nox.param("3.9", id=...)`` (its id follows), a row of several values, or a session name
with a version. Rows, ids and session names follow what their list lost.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.environments.noxfile.slices import Shortened
from rewriters.environments.noxfile.values import PYTHON_KEYWORDS, expanded, parametrize
from rewriters.formats.python_ast import (
    Display,
    Source,
    remove_elements,
    resolved,
    string_body,
    string_value,
)
from rewriters.policy import Policy
from rewriters.result import Edit, Record
from rewriters.rules import entry_goes, pinned, shrink
from rewriters.versions import WORD_RE, Minor, Token, join_names, parse_token

SESSION_NAME_RE = re.compile(r"(?P<session>.+)-(?P<version>\d\.\d+)")


class _Hit(NamedTuple):
    """A version inside one string literal: where its characters sit and how it is spelled;
    for a session name (``"tests-3.9"``), the session's name."""

    start: int
    end: int
    token: Token
    session: str = ""


class _Entry(NamedTuple):
    """One entry of a list: its version, and the string literals naming it too (the ``id=`` of
    ``nox.param``), which follow when it moves."""

    hit: _Hit
    labels: tuple[ast.expr, ...] = ()
    # the entry's other values, for a row of several (``("3.9", "4.2")``)
    others: tuple[str, ...] = ()


# what became of each version a list named: the version it names now, or None when it went
Fate = dict[Minor, Minor | None]


class _Shrunk(NamedTuple):
    """What one list lost, by index: the entries that went and where the moved ones went."""

    removed: list[int]
    moved: dict[int, Minor]


class _Changed(NamedTuple):
    """What a list that changed lost, by index, with the version each moved entry had."""

    removed: list[int]
    moved: dict[int, tuple[Minor, Minor]]


@dataclass(kw_only=True)
class Work(Record):
    """What was found so far, with the file being rewritten and the policy."""

    source: Source
    policy: Policy
    constants: dict[str, ast.expr]
    shortened: dict[str, Shortened] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    # per list or single value (by ``id``): what became of its versions
    fates: dict[int, Fate] = field(default_factory=dict)
    # per list (by ``id``) that changed: which entries went or moved
    changed: dict[int, _Changed] = field(default_factory=dict)
    # the text each replaced span got, so a constant two lists move differently is caught
    written: dict[tuple[int, int], str] = field(default_factory=dict)


# -- reading entries -----------------------------------------------------------------------


def _version_hit(work: Work, node: ast.expr) -> _Hit | None:
    """A string literal that is one Python version (``"3.9"``, ``"pypy3.9"``, ``"3.9.18"``),
    also through a module-level name bound to one."""
    node = resolved(node, work.constants)
    body = string_body(node, work.source)
    if body is None:
        return None
    token = parse_token(work.source.text[body[0] : body[1]])
    return _Hit(*body, token) if token is not None else None


def _is_param(node: ast.expr) -> bool:
    """``nox.param(...)`` or ``param(...)``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) == "param"


def _version_entry(work: Work, node: ast.expr) -> _Entry | None:
    """An entry of a version list: a version, or ``nox.param("3.9", id="oldest")``."""
    if _is_param(node):
        return _row_entry(work, node, 0)
    hit = _version_hit(work, node)
    return _Entry(hit) if hit is not None else None


def _row_entry(work: Work, node: ast.expr, column: int) -> _Entry | None:
    """A row of several values: ``("3.9", "4.2")`` or ``nox.param("3.9", "4.2", id=...)``."""
    node = resolved(node, work.constants)
    labels: tuple[ast.expr, ...] = ()
    if isinstance(node, (ast.Tuple, ast.List)):
        cells = node.elts
    elif _is_param(node):
        assert isinstance(node, ast.Call)
        cells, labels = node.args, _param_ids(node)
    else:
        return None
    if any(isinstance(c, ast.Starred) for c in cells) or column >= len(cells):
        return None
    hit = _version_hit(work, cells[column])
    if hit is None:
        return None
    others = tuple(ast.dump(c) for i, c in enumerate(cells) if i != column)
    return _Entry(hit, labels, others)


def _param_ids(node: ast.Call) -> tuple[ast.expr, ...]:
    return tuple(k.value for k in node.keywords if k.arg == "id")


def _session_entry(work: Work, node: ast.expr) -> _Entry | None:
    """A session name ending in a version (``"tests-3.9"``): the version part."""
    body = string_body(node, work.source)
    if body is None:
        return None
    match = SESSION_NAME_RE.fullmatch(work.source.text, *body)
    if match is None:
        return None
    token = parse_token(match["version"])
    assert token is not None
    return _Entry(_Hit(match.start("version"), match.end("version"), token, match["session"]))


# -- rewriting -----------------------------------------------------------------------------


def rewrite_value(work: Work, label: str, node: ast.expr) -> None:
    """A list shrinks by the list rule; a single version moves to the minimum."""
    if id(node) in work.seen:
        return
    work.seen.add(id(node))
    if isinstance(node, Display):
        entries = [_version_entry(work, e) for e in node.elts]
        _drop_listed(work, label, node, entries, _shrunk(work, entries))
        return
    hit = _version_hit(work, node)
    if hit is None:
        return
    version = hit.token.version
    work.fates[id(node)] = {version: work.policy.minimum if work.policy.drops(version) else version}
    if work.policy.drops(version) and _move(work, _Entry(hit), work.policy.minimum):
        new = work.written[hit.start, hit.end]
        work.changes.append(f"{label} (line {node.lineno}): {hit.token} → {new}")
        work.dropped.add(version)


def _shrunk(work: Work, entries: Sequence[_Entry | None]) -> _Shrunk:
    """The list rule's answer for these entries, settled pre-releases moving to their release."""
    shrunk = shrink([e.hit.token if e else None for e in entries], work.policy)
    moved = dict(shrunk.moved)
    for i in shrunk.settled:
        moved[i] = _known(entries[i]).hit.token.version
    return _Shrunk(shrunk.removed, moved)


def _drop_listed(
    work: Work, label: str, node: Display, entries: Sequence[_Entry | None], shrunk: _Shrunk
) -> None:
    """Write what the list lost: removals, moves, and what became of each version."""
    versions = {e.hit.token.version for e in entries if e is not None}
    fate: Fate = {v: v for v in versions}
    fate |= {_known(entries[i]).hit.token.version: None for i in shrunk.removed}
    fate |= {_known(entries[i]).hit.token.version: to for i, to in shrunk.moved.items()}
    work.fates[id(node)] = fate
    moved = {
        i: (_known(entries[i]).hit.token.version, to)
        for i, to in shrunk.moved.items()
        if _move(work, _known(entries[i]), to)
    }
    if not (shrunk.removed or moved):
        return
    work.changed[id(node)] = _Changed(shrunk.removed, moved)
    work.edits.extend(remove_elements(node, shrunk.removed, work.source))
    dropped = sorted({v for v in versions if work.policy.drops(v)})
    work.dropped.update(dropped)
    raised = sorted({to for old, to in moved.values() if work.policy.drops(old)})
    said = f"dropped {join_names(dropped)}"
    if not shrunk.removed:
        said = f"{join_names(dropped)} → {join_names(raised)}"
    work.changes.append(f"{label} (line {node.lineno}): {said}")
    if label in work.constants:
        opaque = any(isinstance(e, ast.Starred) for e in node.elts)
        listed = [e.hit.token.version if e else None for e in entries]
        work.shortened[label] = Shortened(len(entries), frozenset(shrunk.removed), listed, opaque)


def _move(work: Work, entry: _Entry, to: Minor) -> bool:
    """Move an entry's version (and the ids naming it) to ``to``; False, with a note, when a
    module-level constant it reads is moved elsewhere by another list."""
    hit = entry.hit
    new = pinned(hit.token, work.policy, to)
    if work.written.setdefault((hit.start, hit.end), new) != new:
        line = work.source.text.count("\n", 0, hit.start) + 1
        work.notes.append(
            f"line {line}: {hit.token} is moved to {new} by one list and to "
            f"{work.written[hit.start, hit.end]} by another; check which it should be"
        )
        return False
    work.edits.append(Edit(hit.start, hit.end, new))
    for label in entry.labels:
        work.edits += _respelled_words(work, label, hit.token.version, to)
    return True


def _respelled_words(work: Work, node: ast.expr, old: Minor, to: Minor) -> list[Edit]:
    """Edits moving each word of a string literal that names ``old`` to ``to``."""
    body = string_body(node, work.source)
    if body is None:
        return []
    edits = []
    for match in WORD_RE.finditer(work.source.text, *body):
        token = parse_token(match[0])
        if token is not None and token.version == old:
            edits.append(Edit(match.start(), match.end(), pinned(token, work.policy, to)))
    return edits


def drop_rows(work: Work, label: str, node: Display, column: int) -> None:
    """Rows go or move by the list rule on their Python, the rows sharing a moved row's
    Python moving with it; but a row goes instead when it carries a value no kept row has
    (``("3.9", "3.2")``: Django 3.2 only ran on the old Python) or would repeat another
    (``rules.entry_goes``)."""
    entries = [_row_entry(work, e, column) for e in node.elts]
    shrunk = _shrunk(work, entries)
    rows = [
        e
        for i, e in enumerate(entries)
        if e is not None and i not in shrunk.removed and i not in shrunk.moved
    ]
    present = {(j, value) for e in rows for j, value in enumerate(e.others)}
    runs = {(e.hit.token.version, e.others) for e in rows}
    removed, moved = set(shrunk.removed), dict[int, Minor]()
    for i, to in shrunk.moved.items():
        old = _known(entries[i]).hit.token.version
        tier = [i, *(j for j in shrunk.removed if _version_of(entries[j]) == old)]
        for j in sorted(tier):
            others = _known(entries[j]).others
            specific = bool(rows) and any(p not in present for p in enumerate(others))
            if entry_goes(always=specific, repeats=(to, others) in runs, named=False):
                removed.add(j)
            else:
                removed.discard(j)
                moved[j] = to
                runs.add((to, others))
        if to not in moved.values():
            work.notes.append(
                f"line {node.elts[i].lineno}: the {label} rows for {old} went rather than "
                f"move to {to}, as each tests something no kept row does; no row runs {to} now"
            )
    _drop_listed(work, label, node, entries, _Shrunk(sorted(removed), moved))


def _version_of(entry: _Entry | None) -> Minor | None:
    return entry.hit.token.version if entry is not None else None


def follow_ids(work: Work, tree: ast.Module) -> None:
    """A parametrize's literal ``ids=`` loses and respells what its values list did."""
    for node in ast.walk(tree):
        parts = parametrize(node) if isinstance(node, ast.Call) else None
        if parts is None or parts[2] is None:
            continue
        values = resolved(parts[1], work.constants)
        ids = resolved(parts[2], work.constants)
        changed = work.changed.get(id(values))
        feeding = any(id(n) in work.changed for _, n in expanded("", parts[1], work.constants))
        if not isinstance(ids, Display) or not feeding or id(ids) in work.seen:
            continue
        work.seen.add(id(ids))
        if changed is None or _starred(values, ids) or len(_elements(values)) != len(ids.elts):
            work.notes.append(
                f"line {ids.lineno}: the ids of this parametrize may no longer match its "
                "values; check them by hand"
            )
            continue
        for i, (old, to) in changed.moved.items():
            work.edits += _respelled_words(work, ids.elts[i], old, to)
        work.edits.extend(remove_elements(ids, changed.removed, work.source))


def _elements(node: ast.expr) -> list[ast.expr]:
    return node.elts if isinstance(node, Display) else []


def _starred(*nodes: ast.expr) -> bool:
    return any(isinstance(e, ast.Starred) for n in nodes for e in _elements(n))


# -- session names -------------------------------------------------------------------------


def session_fates(work: Work, tree: ast.Module) -> dict[str, Fate]:
    """What became of each version of each session that runs on a list of Pythons, by name."""
    sessions: dict[str, Fate] = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            keywords = {k.arg: k.value for k in decorator.keywords}
            name = string_value(keywords.get("name")) or node.name
            for keyword in PYTHON_KEYWORDS & keywords.keys():
                fate = sessions.setdefault(name, {})
                for _, value in expanded("", keywords[keyword], work.constants):
                    fate |= work.fates.get(id(value), {})
    return sessions


def follow_names(work: Work, label: str, node: Display, sessions: dict[str, Fate]) -> None:
    """Session names follow what became of their session's version; the names of a session
    molt does not know shrink by the list rule. Each session named keeps at least one name."""
    entries = [_session_entry(work, e) for e in node.elts]
    groups: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry is not None:
            groups.setdefault(entry.hit.session, []).append(i)
    removed: list[int] = []
    moved: dict[int, Minor] = {}
    for name, indices in groups.items():
        fates = _name_fates(work, [_known(entries[i]) for i in indices], sessions.get(name))
        versions = {i: _known(entries[i]).hit.token.version for i in indices}
        gone = [i for i in indices if fates[versions[i]] is None]
        if len(gone) == len(indices):
            gone.remove(top := max(indices, key=versions.__getitem__))
            moved[top] = work.policy.minimum
        removed += gone
        moved |= {i: to for i in indices if (to := fates[versions[i]]) not in (None, versions[i])}
    _drop_listed(work, label, node, entries, _Shrunk(sorted(removed), moved))


def _name_fates(work: Work, entries: list[_Entry], session: Fate | None) -> Fate:
    """What becomes of the versions of one session's names: the session's own fate when molt
    read its list, else the list rule's answer for these names."""
    versions = [e.hit.token.version for e in entries]
    if session is not None and session.keys() >= set(versions):
        return session
    shrunk = _shrunk(work, entries)
    fates: Fate = {v: shrunk.moved.get(n, v) for n, v in enumerate(versions)}
    return fates | {versions[n]: None for n in shrunk.removed}


def _known(entry: _Entry | None) -> _Entry:
    assert entry is not None
    return entry
