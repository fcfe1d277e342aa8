"""molt's own rewrite: a ``try`` that imports from the standard library and falls back to a
backport on ``ImportError`` loses its dead ``except``.

    try:                                  import tomllib
        import tomllib              →
    except ImportError:
        import tomli as tomllib

Neither ruff nor pyupgrade does this (UP036 reads ``if sys.version_info`` tests only; a
``try`` says nothing about versions by itself). It is safe exactly when every import in the
``try`` is of something the standard library has at the new minimum: the ``try`` then never
raises ``ImportError``, so its handlers can never run. Only that shape is touched: a body of
imports alone, handlers of ``ImportError``/``ModuleNotFoundError`` alone, no ``else`` or
``finally``, and each imported name known to the table below. The body's lines are dedented in
place (comments kept); the result must parse to the original tree with the ``try`` replaced by
its body, or the file is left as it was.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from packaging.utils import canonicalize_name

from app.dependencies.backports import IMPORT_ERRORS, table
from rewriters.result import BrokenOutput
from rewriters.versions import Minor

# What the standard library has, and since which Python: modules, and the names of them that
# backports provide (typing's names come from the backports table's typing-extensions row).
STDLIB: dict[str, str] = {
    "tomllib": "3.11",
    "tomllib.load": "3.11",
    "tomllib.loads": "3.11",
    "tomllib.TOMLDecodeError": "3.11",
    "zoneinfo": "3.9",
    "zoneinfo.ZoneInfo": "3.9",
    "zoneinfo.ZoneInfoNotFoundError": "3.9",
    "zoneinfo.available_timezones": "3.9",
    "zoneinfo.reset_tzpath": "3.9",
    "zoneinfo.TZPATH": "3.9",
    "graphlib": "3.9",
    "graphlib.TopologicalSorter": "3.9",
    "graphlib.CycleError": "3.9",
    "importlib.metadata": "3.8",
    "importlib.metadata.version": "3.8",
    "importlib.metadata.metadata": "3.8",
    "importlib.metadata.distribution": "3.8",
    "importlib.metadata.distributions": "3.8",
    "importlib.metadata.Distribution": "3.8",
    "importlib.metadata.PackageNotFoundError": "3.8",
    "importlib.metadata.entry_points": "3.8",
    "importlib.metadata.EntryPoint": "3.8",
    "importlib.metadata.files": "3.8",
    "importlib.metadata.requires": "3.8",
    "importlib.metadata.PackagePath": "3.8",
    "importlib.metadata.packages_distributions": "3.10",
    "importlib.metadata.EntryPoints": "3.10",
    "importlib.resources": "3.7",
    "importlib.resources.files": "3.9",
    "importlib.resources.as_file": "3.9",
    "functools.cached_property": "3.8",
    "functools.cache": "3.9",
    "functools.lru_cache": "3.2",
    "functools.singledispatch": "3.4",
    "asyncio.timeout": "3.11",
    "asyncio.TaskGroup": "3.11",
    "enum.StrEnum": "3.11",
    "unittest.mock": "3.3",
    "dataclasses": "3.7",
    "contextvars": "3.7",
}


def available(name: str, minimum: Minor) -> bool:
    """True when the standard library of ``minimum`` has ``name`` (``tomllib``,
    ``typing.Self``, ``importlib.metadata.version``)."""
    module, _, attribute = name.rpartition(".")
    if module == "typing":
        since = table()[_TYPING].names.get(attribute)
        return since is not None and since <= minimum
    known = STDLIB.get(name)
    return known is not None and Minor.parse(known) <= minimum


_TYPING = canonicalize_name("typing-extensions")


def rewrite(text: str, minimum: Minor) -> tuple[str, int] | None:
    """``text`` without the dead fallbacks, and how many went; None when there are none.

    Raises ``SyntaxError`` for a file that does not parse (callers parse first).
    """
    if not any(name in text for name in IMPORT_ERRORS):
        return None  # most files: not worth a parse
    tree = ast.parse(text)
    found = list(_dead_fallbacks(tree, minimum))
    if not found:
        return None
    lines = text.splitlines(keepends=True)
    for node in reversed(found):  # bottom up: earlier line numbers stay valid
        lines[node.lineno - 1 : node.end_lineno] = _body_lines(lines, node)
    new = "".join(lines)
    _check(tree, new, found)
    return new, len(found)


def _dead_fallbacks(tree: ast.AST, minimum: Minor) -> Iterator[ast.Try]:
    """The dead fallbacks, in order; one inside another's handler goes with it."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Try) and _dead_fallback(node, minimum):
            yield node
        else:
            yield from _dead_fallbacks(node, minimum)


def _dead_fallback(node: ast.Try, minimum: Minor) -> bool:
    if node.orelse or node.finalbody or node.body[0].lineno == node.lineno:
        return False
    if not all(_catches_import_error_only(handler) for handler in node.handlers):
        return False
    return all(_from_stdlib(statement, minimum) for statement in node.body)


def _catches_import_error_only(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return all(isinstance(name, ast.Name) and name.id in IMPORT_ERRORS for name in names)


def _from_stdlib(statement: ast.stmt, minimum: Minor) -> bool:
    if isinstance(statement, ast.Import):
        return all(available(alias.name, minimum) for alias in statement.names)
    if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
        module = statement.module
        return all(
            alias.name != "*" and available(f"{module}.{alias.name}", minimum)
            for alias in statement.names
        )
    return False


def _body_lines(lines: list[str], node: ast.Try) -> list[str]:
    """The lines of the ``try`` body (and comments above it), dedented to the ``try``'s level."""
    indent = _indent(lines[node.lineno - 1])
    inner = _indent(lines[node.body[0].lineno - 1])
    assert node.body[-1].end_lineno is not None
    kept = lines[node.lineno : node.body[-1].end_lineno]
    # a continuation or comment line indented less is left as it is: it may sit anywhere
    return [line[len(inner) - len(indent) :] if line.startswith(inner) else line for line in kept]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _check(tree: ast.Module, new: str, found: list[ast.Try]) -> None:
    """The new text must be the old tree with each ``try`` replaced by its body."""
    gone = {id(node) for node in found}

    class _Unwrap(ast.NodeTransformer):
        def visit_Try(self, node: ast.Try) -> ast.AST | list[ast.stmt]:
            return node.body if id(node) in gone else self.generic_visit(node)

    expected = ast.dump(_Unwrap().visit(tree))
    try:
        if ast.dump(ast.parse(new)) == expected:
            return
    except SyntaxError:
        pass
    raise BrokenOutput("removing a dead fallback import changed more than the fallback")
