"""pyproject.toml dependencies whose ``python_version`` marker the new minimum decides.

They are edited as setup.cfg's and tox.ini's already are
(``rewriters.packaging.requirement_lines``): a PEP 508
string in ``[project]`` dependencies, optional-dependencies, dependency groups,
``build-system.requires``, uv's and PDM's dev lists whose sole marker is never true again is
removed (a dependency no supported Python installs is dead config); a marker that is always
true is dropped when the other half of its split pin went, or when it names a version the
project's ``requires-python`` admitted until now.  So is a Poetry inline-table
dependency whose ``python`` constraint no supported Python meets.  What molt cannot edit safely
(markers joined with ``and``/``or``, other lone always-true markers, a Poetry constraint every
supported Python meets, Poetry ``markers``, coverage-conditional-plugin rules) is reported in a
note.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

from rewriters.formats import toml as _toml
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.specifiers import (
    MARKER_RE,
    constraint_fate,
    dead_projects,
    marker_fate,
    marker_goes,
    marker_version,
    named_minors,
    raise_floor,
    without_marker,
)
from rewriters.tools.settings import Handler, Out, label
from rewriters.versions import Minor

# any comparison in a marker, also one joined with ``and``/``or``
MARKER_COMPARISON_RE = re.compile(
    r"python_(?:full_)?version\s*(?P<op>[<>=!~]=?=?)\s*['\"](?P<major>\d)\.(?P<minor>\d+)"
)
# ``name = `` (bare, quoted or dotted key) at the start of a line, before an inline table
KEY_PREFIX_RE = re.compile(r"[ \t]*[^\s=#{}\[\]][^=#{}\[\]\n]*=[ \t]*")
LINE_TAIL_RE = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
# Poetry's per-dependency ``python = "<3.10"`` and coverage-conditional-plugin's
# ``sys_version_info < (3, 10)``: the same comparisons in other clothes.
CONSTRAINT_RE = re.compile(r"(?P<op><=|>=|<|>|==|!=)\s*(?P<major>\d)\.(?P<minor>\d+)")
VERSION_INFO_RE = re.compile(
    r"sys_version_info\s*(?P<op><=|>=|<|>|==|!=)\s*\(\s*(?P<major>\d)\s*,\s*(?P<minor>\d+)"
)


def dependencies(out: Out, text: str, entry: _toml.Entry) -> None:
    """Remove a PEP 508 dependency whose sole ``python_version`` marker no kept Python meets;
    drop a marker they all meet when its other half went (``pkg<2; python_version<'3.10'`` next
    to ``pkg>=2; python_version>='3.10'``); note other markers the new minimum decides.

    A lone always-true marker goes when it names a version this change drops (strawberry's
    ``pytest-codspeed; python_version >= "3.9"`` as 3.9 goes). Otherwise it stays: maintainers
    keep those as documentation (django-cors-headers and whitenoise keep
    ``django>=5; python_version>='3.10'`` at minimum 3.10, and ``python_version>='3.8'`` that
    was true before).
    """
    if entry.value.kind != "array":
        return
    strings = [
        (index, str(_toml.decode(text, item)))
        for index, item in enumerate(entry.value.items)
        if item.kind == "string"
    ]
    fates = {index: marker_fate(req, out.policy.minimum) for index, req in strings}
    dead = dead_projects((req for _, req in strings), out.policy.minimum)
    floor = declared_floor(text, out.policy)
    removed: list[int] = []
    left: list[str] = []
    for index, requirement in strings:
        fate = fates[index]
        item = entry.value.items[index]
        cut = fate is True and marker_goes(requirement, out.policy, dead, floor)
        edit = _without_marker(text, item, requirement) if cut else None
        if fate is False:
            removed.append(index)
            change = f"removed {requirement}"
        elif edit is not None:
            out.edits.append(edit)
            change = f"{requirement} → {without_marker(requirement)}"
        else:
            if fate or _decided_elsewhere(requirement, out.policy):
                left.append(requirement)
            continue
        out.changes.append(f"{label(entry.path)}: {change}")
        out.dropped.update(_dropped(out.policy, [marker_version(requirement)]))
    out.edits.extend(_toml.remove_items(text, entry.value, removed))
    if left:
        out.notes.append(
            f"{label(entry.path)}: python_version markers are now always true or always false "
            f"in {'; '.join(repr(r) for r in left)}; simplify them by hand"
        )


def declared_floor(text: str, policy: Policy) -> Minor | None:
    """The oldest Python the project supported before this change, when its
    ``requires-python`` (or Poetry's ``python``) says and the policy raises it."""
    data = _requires_python(text)
    raised = raise_floor(data, policy) if data is not None else None
    return raised.old_floor if raised is not None else None


@lru_cache(maxsize=8)
def _requires_python(text: str) -> str | None:
    document = _toml.load(text)
    for path in (("project", "requires-python"), ("tool", "poetry", "dependencies", "python")):
        value: object = document
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    return None


def _decided_elsewhere(requirement: str, policy: Policy) -> bool:
    """A comparison the minimum decides in a marker joined with ``and``/``or``."""
    if MARKER_RE.search(requirement):
        return False  # a sole marker that ``marker_fate`` found to depend on the version
    return _any_decided(MARKER_COMPARISON_RE, requirement, policy)


def _without_marker(text: str, item: _toml.Value, requirement: str) -> Edit | None:
    """The edit cutting the marker off a string item; None when escapes come before it."""
    start, end = _toml.inner(text, item)
    cut = start + len(without_marker(requirement))
    return None if "\\" in text[start:cut] else Edit(cut, end, "")


def _dropped(policy: Policy, named: list[Minor]) -> set[Minor]:
    """The versions a marker or constraint names that the policy drops."""
    return {v for v in named if policy.drops(v)}


def poetry_dependency(out: Out, text: str, entry: _toml.Entry) -> None:
    """Remove the line of an inline-table Poetry dependency whose ``python`` constraint no kept
    Python meets (``setuptools = { version = ">=60", python = "<3.10" }``)."""
    if entry.value.kind != "table":
        return
    python = cast(dict[str, object], _toml.decode(text, entry.value)).get("python")
    if not isinstance(python, str) or constraint_fate(python, out.policy.minimum) is not False:
        return
    line = _key_line(text, entry.value)
    if line is None:
        return
    start, end = line
    out.edits.append(Edit(_toml.with_comment_above(text, start, end), end, ""))
    out.changes.append(f"{label(entry.path)}: removed (python = {python!r})")
    out.dropped.update(_dropped(out.policy, named_minors(python)))


def _key_line(text: str, value: _toml.Value) -> tuple[int, int] | None:
    """The span of the line holding ``key = value`` and nothing else but a comment."""
    start = _toml.line_start(text, value.start)
    tail = LINE_TAIL_RE.match(text, value.end)
    if not KEY_PREFIX_RE.fullmatch(text, start, value.start) or tail is None:
        return None
    return start, tail.end()


def condition(pattern: re.Pattern[str], what: str) -> Handler:
    """A handler noting a string setting whose version comparison the new minimum decides."""

    def note(out: Out, text: str, entry: _toml.Entry) -> None:
        if entry.value.kind != "string" or _removed(out, entry.value.start):
            return
        setting = str(_toml.decode(text, entry.value))
        if _any_decided(pattern, setting, out.policy):
            out.notes.append(
                f"{label(entry.path)} = {setting!r}: {what} is now always true or always "
                "false; simplify it by hand"
            )

    return note


def _removed(out: Out, offset: int) -> bool:
    """True when ``offset`` lies in text already removed (a Poetry dependency's line, whose
    entry comes before the entries of its inline table)."""
    return any(edit.start <= offset < edit.end and not edit.new for edit in out.edits)


def _any_decided(pattern: re.Pattern[str], condition: str, policy: Policy) -> bool:
    return any(decided(m, policy) for m in pattern.finditer(condition))


def decided(comparison: re.Match[str], policy: Policy) -> bool:
    """True when every supported Python gives the same answer to this comparison."""
    bound = Minor(int(comparison["major"]), int(comparison["minor"]))
    op = comparison["op"]
    if op in {"<", ">="}:
        return bound <= policy.minimum
    if op in {"<=", ">"}:
        return bound < policy.minimum
    return op in {"==", "!=", "==="} and policy.drops(bound)
