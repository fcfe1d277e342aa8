"""pyproject.toml: requires-python, classifiers, and the Python targets of the tools set there.

Handled: ``[project] requires-python`` and its ``Programming Language :: Python :: 3.X``
classifiers, Poetry's ``python`` dependency, pixi's ``python``, the target version of ruff,
black, mypy, pyright, basedpyright, pylint, isort, pytype, ty, pyrefly, refurb and ``uv pip``,
hatch environment matrices and ``python`` pins, cibuildwheel ``build`` / ``skip`` /
``test-skip`` selectors, native tox ``env_list`` / ``base_python`` and ``legacy_tox_ini`` (the
embedded tox.ini goes through ``rewriters.tox_ini`` and is spliced back into its string).

Dependencies whose ``python_version`` marker the new minimum decides are edited as setup.cfg's
and tox.ini's already are (``rewriters._requirements``): a PEP 508 string in ``[project]``
dependencies, optional-dependencies, dependency groups, ``build-system.requires``, uv's and
PDM's dev lists whose sole marker is never true again is removed (a dependency no supported
Python installs is dead config), and a marker that is always true is dropped.  So is a Poetry
inline-table dependency whose ``python`` constraint no supported Python meets.  What molt cannot
edit safely (markers joined with ``and``/``or``, a Poetry constraint every supported Python
meets, Poetry ``markers``, coverage-conditional-plugin rules) is reported in a note.

A ``requires-python`` (or Poetry ``python``) range that admits only dropped versions, such as
an "oldest supported" pin ``<3.10 >= 3.9.2``, moves up to start at the minimum and keeps its
width: ``<3.11 >= 3.10``.

Tool pins, version lists and legacy_tox_ini are handled in ``rewriters._pyproject_tools``,
cibuildwheel in ``rewriters._cibuildwheel``; ``RULES`` at the end says which key gets which.
"""

from __future__ import annotations

import re
from functools import partial
from typing import cast

from rewriters import _toml
from rewriters._cibuildwheel import override, selectors
from rewriters._pyproject_tools import (
    Handler,
    Out,
    Rules,
    apply_rules,
    checked,
    label,
    legacy_tox,
    pin,
    pin_list,
    pins,
)
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.specifiers import (
    MARKER_RE,
    classifier_for,
    classifier_version,
    constraint_fate,
    dead_projects,
    marker_fate,
    marker_version,
    named_minors,
    project_name,
    raise_floor,
    shift_window,
    without_marker,
)
from rewriters.versions import Minor, join_names

PATTERNS: tuple[str, ...] = ("pyproject.toml",)

DOTTED_RE = re.compile(r"(?<![\d.])(\d)\.(\d{1,2})(?![\d])")
ZERO_PATCH_RE = re.compile(r">=\s*\d+\.\d+\.0(?![\d.])")
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


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` retires from a pyproject.toml; None when nothing changes."""
    return apply_rules(text, policy, RULES, "pyproject.toml")


def _checked(new: str) -> str:
    """``new`` itself, once it is known to parse."""
    return checked(new, "pyproject.toml")


# -- requires-python and the like ----------------------------------------------------------


def _floor(out: Out, text: str, entry: _toml.Entry) -> None:
    """``requires-python = ">=3.9"`` → ``">=3.11"``, quotes and spacing kept."""
    if entry.value.kind != "string":
        return
    start, end = _toml.inner(text, entry.value)
    spec = text[start:end]
    raised = None if _ceiling_too_low(spec, out.policy) else raise_floor(spec, out.policy)
    shifted = shift_window(spec, out.policy) if raised is None else None
    moved = raised or shifted
    if moved is None:
        if _mentions_dropped(spec, out.policy):
            out.notes.append(
                f"{label(entry.path)} {spec!r} names a dropped Python; edit it by hand"
            )
        return
    new = _keep_zero_patch(spec, moved.text, out.policy.minimum)
    out.edits.append(Edit(start, end, new))
    out.changes.append(f"{label(entry.path)}: {spec} → {new}")
    out.dropped.update(out.policy.minors_between(moved.old_floor))
    if shifted is not None:
        out.notes.append(
            f"{label(entry.path)} {spec!r} admitted only dropped Pythons; molt moved the window "
            f"up to {new!r}, as wide as before: check it"
        )


def _keep_zero_patch(old: str, new: str, minimum: Minor) -> str:
    """``>=3.9.0`` becomes ``>=3.11.0``, not ``>=3.11``: the author spelled out the patch."""
    if not ZERO_PATCH_RE.search(old):
        return new
    return re.sub(
        rf">=(\s*){re.escape(str(minimum))}(?![\d.])", rf">=\g<1>{minimum}.0", new, count=1
    )


def _ceiling_too_low(spec: str, policy: Policy) -> bool:
    """``>=3.9,<3.11`` cannot simply get a higher floor: nothing supported would be left."""
    return any(m["op"] in {"<", "<="} and _decided(m, policy) for m in CONSTRAINT_RE.finditer(spec))


def _mentions_dropped(spec: str, policy: Policy) -> bool:
    minors = (Minor(int(m[1]), int(m[2])) for m in DOTTED_RE.finditer(spec))
    return any(policy.drops(v) for v in minors)


def _classifiers(out: Out, text: str, entry: _toml.Entry) -> None:
    """Remove ``Python :: 3.X`` classifiers of dropped versions; keep at least the minimum."""
    if entry.value.kind != "array":
        return
    items = entry.value.items
    found = [_classifier(text, item) for item in items]
    dropped = [i for i, v in enumerate(found) if v is not None and out.policy.drops(v)]
    if not dropped:
        return
    if all(v is None or out.policy.drops(v) for v in found):
        keep = max(dropped, key=lambda i: found[i] or Minor(0, 0))
        start, end = _toml.inner(text, items[keep])
        out.edits.append(Edit(start, end, classifier_for(out.policy.minimum)))
        dropped.remove(keep)
    out.edits.extend(_toml.remove_items(text, entry.value, dropped))
    names = [v for v in found if v is not None and out.policy.drops(v)]
    out.changes.append(f"{label(entry.path)}: dropped {join_names(names)}")
    out.dropped.update(names)


def _classifier(text: str, item: _toml.Value) -> Minor | None:
    if item.kind != "string":
        return None
    return classifier_version(str(_toml.decode(text, item)))


# -- dependency markers -----------------------------------------------------------------------


def _dependencies(out: Out, text: str, entry: _toml.Entry) -> None:
    """Remove a PEP 508 dependency whose sole ``python_version`` marker no kept Python meets;
    drop a marker they all meet when its other half went (``pkg<2; python_version<'3.10'`` next
    to ``pkg>=2; python_version>='3.10'``); note other markers the new minimum decides.

    A lone always-true marker stays: maintainers keep those as documentation (django-cors-headers
    and whitenoise keep ``django>=5; python_version>='3.10'`` at minimum 3.10).
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
    removed: list[int] = []
    left: list[str] = []
    for index, requirement in strings:
        fate = fates[index]
        item = entry.value.items[index]
        paired = fate is True and project_name(requirement) in dead
        edit = _without_marker(text, item, requirement) if paired else None
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


def _poetry_dependency(out: Out, text: str, entry: _toml.Entry) -> None:
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


def _condition(pattern: re.Pattern[str], what: str) -> Handler:
    """A handler noting a string setting whose version comparison the new minimum decides."""

    def note(out: Out, text: str, entry: _toml.Entry) -> None:
        if entry.value.kind != "string" or _removed(out, entry.value.start):
            return
        condition = str(_toml.decode(text, entry.value))
        if _any_decided(pattern, condition, out.policy):
            out.notes.append(
                f"{label(entry.path)} = {condition!r}: {what} is now always true or always "
                "false; simplify it by hand"
            )

    return note


def _removed(out: Out, offset: int) -> bool:
    """True when ``offset`` lies in text already removed (a Poetry dependency's line, whose
    entry comes before the entries of its inline table)."""
    return any(edit.start <= offset < edit.end and not edit.new for edit in out.edits)


def _any_decided(pattern: re.Pattern[str], condition: str, policy: Policy) -> bool:
    return any(_decided(m, policy) for m in pattern.finditer(condition))


def _decided(comparison: re.Match[str], policy: Policy) -> bool:
    """True when every supported Python gives the same answer to this comparison."""
    bound = Minor(int(comparison["major"]), int(comparison["minor"]))
    op = comparison["op"]
    if op in {"<", ">="}:
        return bound <= policy.minimum
    if op in {"<=", ">"}:
        return bound < policy.minimum
    return op in {"==", "!=", "==="} and policy.drops(bound)


# -- the table: which key gets which handler -----------------------------------------------

PIN_KEYS: tuple[tuple[str, ...], ...] = (
    ("tool", "ruff", "target-version"),
    ("tool", "mypy", "python_version"),
    ("tool", "pyright", "pythonVersion"),
    ("tool", "basedpyright", "pythonVersion"),
    ("tool", "pyright", "executionEnvironments", "pythonVersion"),
    ("tool", "basedpyright", "executionEnvironments", "pythonVersion"),
    ("tool", "pylint", "py-version"),
    ("tool", "pylint", "main", "py-version"),
    ("tool", "pylint", "MAIN", "py-version"),
    ("tool", "pylint", "master", "py-version"),
    ("tool", "pylint", "MASTER", "py-version"),
    ("tool", "pytype", "python_version"),
    ("tool", "ty", "environment", "python-version"),
    ("tool", "pyrefly", "python-version"),
    ("tool", "refurb", "python_version"),
)
POETRY_DEPENDENCY_TABLES: tuple[tuple[str, ...], ...] = (
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "dev-dependencies"),
    ("tool", "poetry", "group", "*", "dependencies"),
)
_poetry_python = _condition(CONSTRAINT_RE, "the python constraint")
_poetry_markers = _condition(MARKER_COMPARISON_RE, "the marker")
RULES: Rules = (
    (("project", "requires-python"), _floor),
    (("project", "classifiers"), _classifiers),
    (("tool", "poetry", "dependencies", "python"), _floor),
    (("tool", "poetry", "dependencies", "python", "version"), _floor),
    *((key, pin) for key in PIN_KEYS),
    (("tool", "isort", "py_version"), partial(pin, bare=True)),
    (("tool", "hatch", "envs", "*", "python"), partial(pin, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "python"), partial(pin_list, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "pythons"), partial(pin_list, bare=True)),
    (("tool", "tox", "env_list"), pin_list),
    (("tool", "tox", "envlist"), pin_list),
    (("tool", "tox", "legacy_tox_ini"), legacy_tox),
    (("tool", "black", "target-version"), pins),
    (("tool", "black", "target_version"), pins),
    (("tool", "tox", "env", "*", "base_python"), pins),
    (("tool", "tox", "env_run_base", "base_python"), pins),
    (("tool", "cibuildwheel", "project-requires-python"), _floor),
    (("tool", "cibuildwheel", "build"), selectors),
    (("tool", "cibuildwheel", "skip"), selectors),
    (("tool", "cibuildwheel", "test-skip"), selectors),
    (("tool", "cibuildwheel", "overrides", "select"), override),
    (("tool", "uv", "pip", "python-version"), pin),
    (("tool", "pixi", "dependencies", "python"), _floor),
    (("project", "dependencies"), _dependencies),
    (("project", "optional-dependencies", "*"), _dependencies),
    (("dependency-groups", "*"), _dependencies),
    (("build-system", "requires"), _dependencies),
    (("tool", "uv", "dev-dependencies"), _dependencies),
    (("tool", "uv", "constraint-dependencies"), _dependencies),
    (("tool", "uv", "override-dependencies"), _dependencies),
    (("tool", "pdm", "dev-dependencies", "*"), _dependencies),
    *(((*table, "*"), _poetry_dependency) for table in POETRY_DEPENDENCY_TABLES),
    *(((*table, "*", "python"), _poetry_python) for table in POETRY_DEPENDENCY_TABLES),
    *(((*table, "*", "markers"), _poetry_markers) for table in POETRY_DEPENDENCY_TABLES),
    (
        ("tool", "coverage", "coverage_conditional_plugin", "rules", "*"),
        _condition(VERSION_INFO_RE, "the rule"),
    ),
)
