"""Where a noxfile names the Pythons of its sessions, found in the tree and followed through
module-level names: ``python=`` of any call, ``nox.parametrize`` (by position or keyword, the
``python`` column of several argument names) and ``nox.options``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from rewriters.formats.python_ast import Display, string_value

PYTHON_KEYWORDS = frozenset({"python", "py"})
# calls that build a list from another without changing which versions it holds
BUILDERS = frozenset({"list", "tuple", "sorted", "set"})


def version_values(
    tree: ast.Module, constants: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """Every expression nox reads as the Pythons of a session, with a label for change lines."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in PYTHON_KEYWORDS:
                    yield from expanded(f"session {keyword.arg}", keyword.value, constants)
            parts = parametrize(node)
            if parts is not None and _python_column(parts[0]) == (0, 1):
                yield from expanded('parametrize("python")', parts[1], constants)
        elif _assigns_option(node, "pythons"):
            assert isinstance(node, ast.Assign)
            yield from expanded("nox.options.pythons", node.value, constants)


def row_lists(
    tree: ast.Module, constants: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr, int]]:
    """Rows of ``nox.parametrize("python,django", [...])``, with the column of the Python."""
    for node in ast.walk(tree):
        parts = parametrize(node) if isinstance(node, ast.Call) else None
        if parts is None:
            continue
        column = _python_column(parts[0])
        if column is not None and column[1] > 1:
            names = ",".join(_argument_names(parts[0]) or ())
            for label, value in expanded(f'parametrize("{names}")', parts[1], constants):
                yield label, value, column[0]


def session_name_lists(
    tree: ast.Module, constants: dict[str, ast.expr]
) -> Iterator[tuple[str, ast.expr]]:
    """Lists of session names: ``nox.options.sessions`` and ``requires=``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "requires":
                    yield from expanded("session requires", keyword.value, constants)
        elif _assigns_option(node, "sessions"):
            assert isinstance(node, ast.Assign)
            yield from expanded("nox.options.sessions", node.value, constants)


def parametrize(node: ast.Call) -> tuple[ast.expr, ast.expr, ast.expr | None] | None:
    """The argument names, values and ids of ``nox.parametrize(...)`` (or ``@parametrize``)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "parametrize":
        return None
    given = dict(zip(("arg_names", "arg_values_list", "ids"), node.args, strict=False))
    given.update((k.arg, k.value) for k in node.keywords if k.arg is not None)
    if "arg_names" not in given or "arg_values_list" not in given:
        return None
    return given["arg_names"], given["arg_values_list"], given.get("ids")


def _argument_names(node: ast.expr) -> list[str] | None:
    """``"python, django"`` or ``["python", "django"]`` as names; None for another shape."""
    text = string_value(node)
    if text is not None:
        return [name.strip() for name in text.split(",")]
    if isinstance(node, (ast.List, ast.Tuple)):
        names = [string_value(e) for e in node.elts]
        return [n.strip() for n in names if n is not None] if None not in names else None
    return None


def _python_column(node: ast.expr) -> tuple[int, int] | None:
    """Where ``python`` is among a parametrize's argument names, and how many there are."""
    names = _argument_names(node)
    if names is None or "python" not in names:
        return None
    return names.index("python"), len(names)


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


def expanded(
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
        yield from expanded(label, part, constants, visiting)


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
