"""noxfile.py: the Pythons nox sessions run on, found with ``ast`` and never executed.

Version values are ``python=`` (or ``py=``) of any call (``@nox.session``, ``@session`` from
nox-poetry or a local wrapper), ``nox.parametrize("python", [...])`` and
``nox.options.pythons``; a module-level name bound once is followed to its list, also through
``[*ALL_PYTHONS, "pypy3.10"]`` and ``A + B``.  A list loses the dropped versions (keeping at least
the minimum); a single version moves to the minimum.  Session names with a version
(``nox.options.sessions = ["tests-3.9"]``, ``requires=[...]``) follow the list rule too.
A slice of a shortened list is rewritten to pick what it picked
(``rewriters.environments.nox_slices``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.environments.nox_slices import Shortened, fix_slice
from rewriters.formats.python_ast import (
    Display,
    Source,
    module_constants,
    parse,
    remove_elements,
    string_body,
    string_value,
)
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Record, Rewrite, UnparsableInput
from rewriters.versions import Token, join_names, parse_token, retarget

PATTERNS: tuple[str, ...] = ("noxfile.py",)

PYTHON_KEYWORDS = frozenset({"python", "py"})
# calls that build a list from another without changing which versions it holds
BUILDERS = frozenset({"list", "tuple", "sorted", "set"})
SESSION_NAME_RE = re.compile(r".+-(?P<version>\d\.\d+)")


class _Hit(NamedTuple):
    """A version inside one string literal: where its characters sit and how it is spelled."""

    start: int
    end: int
    token: Token


Reader = Callable[[Source, ast.expr], _Hit | None]


@dataclass(kw_only=True)
class _Work(Record):
    """What was found so far, with the file being rewritten and the policy."""

    source: Source
    policy: Policy
    constants: dict[str, ast.expr]
    shortened: dict[str, Shortened] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from the sessions of a noxfile."""
    tree = parse(text)
    work = _Work(source=Source(text), policy=policy, constants=module_constants(tree))
    for label, node in _version_values(tree, work.constants):
        _rewrite_value(work, label, node, _version_hit)
    for label, node in _session_name_lists(tree, work.constants):
        _rewrite_value(work, label, node, _session_hit)
    _fix_slices(work, tree)
    return work.finish(text, _checked)


def _checked(new: str) -> str:
    try:
        parse(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"noxfile.py output does not parse: {error}") from None
    return new


# -- finding the values --------------------------------------------------------------------


def _version_values(
    tree: ast.Module, constants: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """Every expression nox reads as the Pythons of a session, with a label for change lines."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in PYTHON_KEYWORDS:
                    yield from _expanded(f"session {keyword.arg}", keyword.value, constants)
            if _is_python_parametrize(node):
                yield from _expanded('parametrize("python")', node.args[1], constants)
        elif _assigns_option(node, "pythons"):
            assert isinstance(node, ast.Assign)
            yield from _expanded("nox.options.pythons", node.value, constants)


def _session_name_lists(
    tree: ast.Module, constants: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """Lists of session names: ``nox.options.sessions`` and ``requires=``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "requires":
                    yield from _expanded("session requires", keyword.value, constants)
        elif _assigns_option(node, "sessions"):
            assert isinstance(node, ast.Assign)
            yield from _expanded("nox.options.sessions", node.value, constants)


def _is_python_parametrize(node: ast.Call) -> bool:
    """``nox.parametrize("python", [...])`` or ``@parametrize("python", ...)``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "parametrize" or len(node.args) < 2:
        return False
    return string_value(node.args[0]) == "python"


def _assigns_option(node: ast.AST, option: str) -> bool:
    """``nox.options.<option> = ...`` (or ``options.<option> = ...``)."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target = node.targets[0]
    return (
        isinstance(target, ast.Attribute)
        and target.attr == option
        and isinstance(target.value, (ast.Attribute, ast.Name))
        and getattr(target.value, "attr", getattr(target.value, "id", None)) == "options"
    )


def _expanded(
    label: str,
    node: ast.expr,
    constants: dict[str, ast.expr],
    visiting: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, ast.expr]]:
    """``node`` with module-level names followed, and the lists it is built from."""
    if isinstance(node, ast.Subscript):  # PYTHONS[:-1], PYTHONS[0]: the list is versions
        node = node.value
    if isinstance(node, ast.Name) and node.id in constants:
        if node.id in visiting:
            return  # ``A = A + [...]`` refers to a binding the module never had
        label, visiting = node.id, visiting | {node.id}
        node = constants[node.id]
    yield label, node
    for part in _parts(node):
        yield from _expanded(label, part, constants, visiting)


def _parts(node: ast.expr) -> list[ast.expr]:
    """What a list expression is built from: ``A + B``, ``[*A]``, ``list(A)``, comprehensions."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [node.left, node.right]
    if isinstance(node, Display):
        return [e.value for e in node.elts if isinstance(e, ast.Starred)]
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in BUILDERS:
        return node.args[:1]
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return [generator.iter for generator in node.generators]
    return []


# -- reading versions out of strings -------------------------------------------------------


def _version_hit(source: Source, node: ast.expr) -> _Hit | None:
    """A string literal that is one Python version (``"3.9"``, ``"pypy3.9"``, ``"3.9.18"``)."""
    body = string_body(node, source)
    if body is None:
        return None
    token = parse_token(source.text[body[0] : body[1]])
    return _Hit(*body, token) if token is not None else None


def _session_hit(source: Source, node: ast.expr) -> _Hit | None:
    """A session name ending in a version (``"tests-3.9"``): the version part."""
    body = string_body(node, source)
    if body is None:
        return None
    match = SESSION_NAME_RE.fullmatch(source.text, *body)
    if match is None:
        return None
    token = parse_token(match["version"])
    assert token is not None
    return _Hit(match.start("version"), match.end("version"), token)


# -- rewriting -----------------------------------------------------------------------------


def _rewrite_value(work: _Work, label: str, node: ast.expr, read: Reader) -> None:
    if id(node) in work.seen:
        return
    work.seen.add(id(node))
    if isinstance(node, Display):
        _drop_listed(work, label, node, read)
        return
    hit = read(work.source, node)
    if hit is None or not work.policy.drops(hit.token.version):
        return
    new = _respelled(work, hit)
    work.edits.append(Edit(hit.start, hit.end, new))
    work.changes.append(f"{label} (line {node.lineno}): {hit.token} → {new}")
    work.dropped.add(hit.token.version)


def _respelled(work: _Work, hit: _Hit) -> str:
    return retarget(hit.token, work.policy.minimum, work.policy.latest_patch)


def _drop_listed(work: _Work, label: str, node: Display, read: Reader) -> None:
    """Remove the dropped versions; when nothing else would name a Python, keep the minimum."""
    hits = {i: hit for i, e in enumerate(node.elts) if (hit := read(work.source, e)) is not None}
    removed = [i for i, hit in hits.items() if work.policy.drops(hit.token.version)]
    if not removed:
        return
    names = sorted({hits[i].token.version for i in removed})
    opaque = any(string_value(e) is None for e in node.elts)
    if len(removed) == len(hits) and not opaque:
        top = max(removed, key=lambda i: (hits[i].token.version, -i))
        work.edits.append(Edit(hits[top].start, hits[top].end, _respelled(work, hits[top])))
        removed.remove(top)
    work.edits.extend(remove_elements(node, removed, work.source))
    work.changes.append(f"{label} (line {node.lineno}): dropped {join_names(names)}")
    work.dropped.update(names)
    if label in work.constants:
        versions = [hits[i].token.version if i in hits else None for i in range(len(node.elts))]
        work.shortened[label] = Shortened(len(node.elts), frozenset(removed), versions, opaque)


def _fix_slices(work: _Work, tree: ast.Module) -> None:
    """Keep each slice of a shortened list picking what it picked (see ``_nox_slices``)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Slice)
            and isinstance(node.value, ast.Name)
            and node.value.id in work.shortened
        ):
            work.merge(fix_slice(work.source, node, work.shortened[node.value.id]))
