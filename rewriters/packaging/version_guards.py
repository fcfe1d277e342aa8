"""``sys.version_info`` floor checks in Python source: where the floor is, whether it refuses.

Only a top-level ``if`` without ``else`` whose block raises or exits, or an ``assert``, refuses
old Pythons; any other version branch (a feature check, a backport import) is not the floor.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from rewriters.formats.python_ast import resolved, string_value, walk
from rewriters.versions import Minor

EXIT_NAMES = frozenset({"exit", "quit"})


class Guard(NamedTuple):
    """A check of ``sys.version_info`` against a floor tuple, and the code that carries it."""

    line: int
    floor: ast.Tuple
    version: Minor
    body: list[ast.AST]
    refuses: bool


def version_guards(tree: ast.Module, constants: dict[str, ast.expr]) -> Iterator[Guard]:
    """Top-level ``if sys.version_info < (3, 9):`` and ``assert sys.version_info >= (3, 9)``."""
    for node in tree.body:
        if isinstance(node, ast.If):
            floor = _guard_floor(node.test, constants, below=True)
            body: list[ast.AST] = [*node.body]
        elif isinstance(node, ast.Assert):
            floor = _guard_floor(node.test, constants, below=False)
            body = [node.msg] if node.msg else []
        else:
            continue
        version = _tuple_version(floor)
        if floor is not None and version is not None:
            refuses = isinstance(node, ast.Assert) or (not node.orelse and _raises(body))
            yield Guard(node.lineno, floor, version, body, refuses)


def _guard_floor(
    test: ast.expr, constants: dict[str, ast.expr], *, below: bool
) -> ast.Tuple | None:
    """The tuple in ``version_info < (3, 9)`` (below) or ``version_info >= (3, 9)``."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    op = type(test.ops[0])
    info, version = test.left, test.comparators[0]
    if op is (ast.Gt if below else ast.LtE):
        info, version = version, info
    elif op is not (ast.Lt if below else ast.GtE):
        return None
    version = resolved(version, constants)
    if isinstance(version, ast.Tuple) and _mentions_version_info(resolved(info, constants)):
        return version
    return None


def _mentions_version_info(node: ast.expr) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "version_info")
        or (isinstance(n, ast.Name) and n.id == "version_info")
        for n in ast.walk(node)
    )


def _tuple_version(node: ast.Tuple | None) -> Minor | None:
    """``(3, 9)`` or ``(3, 9, 2)`` → 3.9; anything else → None."""
    if node is None or not 2 <= len(node.elts) <= 3:
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant) and type(e.value) is int]
    if len(values) != len(node.elts) or values[0] != 3:
        return None
    return Minor(values[0], values[1])


def _raises(body: list[ast.AST]) -> bool:
    """True when the block raises or exits: the guard refuses old Pythons."""
    for node in walk(body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in EXIT_NAMES:
                return True
    return False


def message_strings(body: list[ast.AST]) -> Iterator[ast.expr]:
    """String literals and whole f-strings (not their parts, whose positions vary by version)."""
    parts = {
        id(part)
        for node in walk(body)
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
        if part is not node
    }
    for node in walk(body):
        if id(node) not in parts and (
            isinstance(node, ast.JoinedStr) or string_value(node) is not None
        ):
            assert isinstance(node, ast.expr)
            yield node
