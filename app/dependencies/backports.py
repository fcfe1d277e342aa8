"""Dependencies that only backport what the standard library has at the new minimum, and
where the repository's code imports them (read with ``ast``, never run, never edited).

The table ships in ``app/data/backports.json`` (its sources are named in the README beside it).
A backport behind a marker that the new minimum makes false is already removed by the
rewriters; one that still applies is listed with every import site, and whether each site is a
version-guarded fallback (``try: import tomllib`` / ``except ImportError: import tomli``,
``if sys.version_info < (3, 11):``). Changing the code belongs to the modernisation step.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from app.dependencies.pins import Found, Kind
from rewriters.registry import is_skipped
from rewriters.versions import Minor

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
FLOOR_OPERATORS = frozenset({">=", ">", "==", "~=", "==="})


class Backport(NamedTuple):
    """One row of the table: the project, the modules it provides, what replaces it, and from
    which Python. ``levels`` maps a Python to the backport release its standard library
    matches; ``names`` (typing-extensions) maps each name to the Python whose ``typing`` has it.
    """

    project: NormalizedName
    imports: tuple[str, ...]
    stdlib: str
    since: Minor
    levels: Mapping[Minor, Version]
    names: Mapping[str, Minor]


@cache
def table() -> Mapping[NormalizedName, Backport]:
    """The shipped table, by normalized project name."""
    text = resources.files("app").joinpath("data/backports.json").read_text(encoding="utf-8")
    return {
        canonicalize_name(row["project"]): Backport(
            canonicalize_name(row["project"]),
            tuple(row["imports"]),
            row["stdlib"],
            Minor.parse(row["since"]),
            {Minor.parse(k): Version(v) for k, v in row.get("levels", {}).items()},
            {k: Minor.parse(v) for k, v in row.get("names", {}).items()},
        )
        for row in json.loads(text)["backports"]
    }


class Site(NamedTuple):
    """Where the code imports a backport, the names it uses from it, and whether the import is
    a version-guarded fallback."""

    path: str
    line: int
    guarded: bool
    names: tuple[str, ...]


class Retired(NamedTuple):
    """A backport the new minimum makes unnecessary: who requires it, why it can go, and where
    the code imports it (None when the code was not read)."""

    backport: Backport
    paths: tuple[str, ...]
    reason: str
    sites: tuple[Site, ...] | None


def retired(
    found: Sequence[Found], minimum: Minor, sources: Mapping[str, str] | None
) -> list[Retired]:
    """The backports among the direct requirements ``found`` that ``minimum`` retires.

    ``sources`` holds the repository's Python files (path -> text); None when they were not
    read, in which case typing-extensions (which depends on the names used) is left out.
    """
    by_project: dict[NormalizedName, list[Found]] = {}
    for item in found:
        if item.kind is Kind.DIRECT and item.name in table():
            by_project.setdefault(item.name, []).append(item)
    listed = []
    for name, items in sorted(by_project.items()):
        backport = table()[name]
        sites = None if sources is None else tuple(import_sites(backport, sources))
        reason = _reason(backport, [i.requirement for i in items], minimum, sites)
        if reason is not None:
            paths = tuple(dict.fromkeys(i.path for i in items))
            listed.append(Retired(backport, paths, reason, sites))
    return listed


def _floor(requirements: Sequence[Requirement]) -> Version | None:
    """The lowest backport release the requirements ask for (None: any)."""
    floors = [
        Version(spec.version)
        for requirement in requirements
        for spec in requirement.specifier
        if spec.operator in FLOOR_OPERATORS and "*" not in spec.version
    ]
    return max(floors, default=None)


def _reason(
    backport: Backport,
    requirements: Sequence[Requirement],
    minimum: Minor,
    sites: tuple[Site, ...] | None,
) -> str | None:
    """Why ``minimum`` retires the backport, or None when it does not."""
    if backport.since > minimum:
        return None
    if backport.names:
        return _typing_reason(backport, minimum, sites)
    if not backport.levels:
        return f"Python {minimum} has `{backport.stdlib}`"
    level = backport.levels[max(v for v in backport.levels if v <= minimum)]
    floor = _floor(requirements)
    matches = f"`{backport.stdlib}` of Python {minimum} matches {backport.project} {level}"
    if floor is None:
        return f"{matches}: enough unless the code needs a newer API"
    if floor > level:
        return None
    return f"{matches}, and the project asks for {floor}"


def _typing_reason(
    backport: Backport, minimum: Minor, sites: tuple[Site, ...] | None
) -> str | None:
    if sites is None:
        return None
    if not sites:
        return f"Python {minimum} has `{backport.stdlib}`"
    used = sorted({name for site in sites for name in site.names})
    if any(name not in backport.names or backport.names[name] > minimum for name in used):
        return None  # a name typing lacks at the minimum, or one the table does not know
    return f"`typing` of Python {minimum} has every name the code imports from it"


# --- import sites -------------------------------------------------------------------------


def import_sites(backport: Backport, sources: Mapping[str, str]) -> Iterator[Site]:
    """Every import of the backport's modules in the Python files of ``sources``."""
    if not backport.imports:
        return
    tops = {name.split(".")[0] for name in backport.imports}
    for path in sorted(sources):
        text = sources[path]
        if path.endswith(".py") and not is_skipped(path) and any(t in text for t in tops):
            yield from _sites(path, text, backport.imports)


def _sites(path: str, text: str, modules: Sequence[str]) -> Iterator[Site]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        names = _imported(node, modules, tree)
        if names is not None:
            yield Site(path, getattr(node, "lineno", 0), _guarded(node, parents), names)


def _provides(module: str, modules: Sequence[str]) -> bool:
    return any(module == m or module.startswith(m + ".") for m in modules)


def _imported(node: ast.AST, modules: Sequence[str], tree: ast.Module) -> tuple[str, ...] | None:
    """The names an import of one of ``modules`` brings in (None: not such an import)."""
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if _provides(node.module, modules):
            return tuple(alias.name for alias in node.names)
        whole = [a for a in node.names if _provides(f"{node.module}.{a.name}", modules)]
        return tuple(a.asname or a.name for a in whole) if whole else None
    if isinstance(node, ast.Import):
        bound = [a.asname or a.name for a in node.names if _provides(a.name, modules)]
        return _attributes(tree, bound) if bound else None
    return None


def _attributes(tree: ast.Module, bound: Sequence[str]) -> tuple[str, ...]:
    """The attributes the code reads from ``import module as name``: ``te.Self`` → Self."""
    found = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) in bound
    }
    return tuple(sorted(found))


def _guarded(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """True when the import sits under a ``try`` that catches ImportError, or under an ``if``
    on ``sys.version_info``."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Try | ast.TryStar) and _catches_import_error(parent):
            return True
        if isinstance(parent, ast.If) and child is not parent.test and _on_version(parent.test):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _catches_import_error(node: ast.Try | ast.TryStar) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(isinstance(c, ast.Name) and c.id in IMPORT_ERRORS for c in caught):
            return True
    return False


def _on_version(test: ast.expr) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "version_info")
        or (isinstance(n, ast.Name) and n.id == "version_info")
        for n in ast.walk(test)
    )
