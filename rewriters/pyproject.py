"""pyproject.toml: requires-python, classifiers, and the Python targets of the tools set there.

Handled: ``[project] requires-python`` and its ``Programming Language :: Python :: 3.X``
classifiers, Poetry's ``python`` dependency, pixi's ``python``, the target version of ruff,
black, mypy, pyright, basedpyright, pylint, isort, pytype, ty, pyrefly, refurb and ``uv pip``,
hatch environment matrices and ``python`` pins, cibuildwheel ``build`` / ``skip`` /
``test-skip`` selectors, native tox ``env_list`` / ``base_python`` and ``legacy_tox_ini`` (the
embedded tox.ini goes through ``rewriters.tox_ini`` and is spliced back into its string).

Dependencies are never edited: no pins, nothing in ``[project.dependencies]``,
optional-dependencies, dependency groups, ``build-system.requires`` or Poetry's tables.  A
``python_version`` marker (or a Poetry ``python =`` constraint, or a coverage-conditional-plugin
rule) that the new minimum makes always true or always false is reported in a note instead.
The corpus is why: for such markers, maintainers deleted the line or the marker in about half of
the commits (datalad, click, nox, pip, poetry, Pillow, strawberry, virtualenv) and left it alone
in the other half (commitizen, xarray, pylint, tox, django-cors-headers, whitenoise, attrs);
the line usually goes together with a code path only a human can clean up.

Tool pins, version lists and legacy_tox_ini are handled in ``rewriters._pyproject_tools``,
cibuildwheel in ``rewriters._cibuildwheel``; ``RULES`` at the end says which key gets which.
"""

from __future__ import annotations

import re
from functools import partial

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
from rewriters.specifiers import classifier_for, classifier_version, raise_floor
from rewriters.versions import Minor, join_names

PATTERNS: tuple[str, ...] = ("pyproject.toml",)

DOTTED_RE = re.compile(r"(?<![\d.])(\d)\.(\d{1,2})(?![\d])")
ZERO_PATCH_RE = re.compile(r">=\s*\d+\.\d+\.0(?![\d.])")
MARKER_RE = re.compile(
    r"python_(?:full_)?version\s*(?P<op>[<>=!~]=?=?)\s*['\"](?P<major>\d)\.(?P<minor>\d+)"
)
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
    if raised is None:
        if _mentions_dropped(spec, out.policy):
            out.notes.append(
                f"{label(entry.path)} {spec!r} names a dropped Python; edit it by hand"
            )
        return
    new = _keep_zero_patch(spec, raised.text, out.policy.minimum)
    out.edits.append(Edit(start, end, new))
    out.changes.append(f"{label(entry.path)}: {spec} → {new}")
    out.dropped.update(out.policy.minors_between(raised.old_floor))


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


# -- markers: reported, never edited -------------------------------------------------------


def _markers(out: Out, text: str, entry: _toml.Entry) -> None:
    """Note dependencies whose ``python_version`` marker the new minimum decides."""
    if entry.value.kind != "array":
        return
    requirements = [str(_toml.decode(text, i)) for i in entry.value.items if i.kind == "string"]
    decided = [r for r in requirements if _any_decided(MARKER_RE, r, out.policy)]
    if decided:
        out.notes.append(
            f"{label(entry.path)}: python_version markers are now always true or always false "
            f"in {'; '.join(repr(r) for r in decided)}; simplify them by hand"
        )


def _condition(pattern: re.Pattern[str], what: str) -> Handler:
    """A handler noting a string setting whose version comparison the new minimum decides."""

    def note(out: Out, text: str, entry: _toml.Entry) -> None:
        if entry.value.kind != "string":
            return
        condition = str(_toml.decode(text, entry.value))
        if _any_decided(pattern, condition, out.policy):
            out.notes.append(
                f"{label(entry.path)} = {condition!r}: {what} is now always true or always "
                "false; simplify it by hand"
            )

    return note


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
_poetry_markers = _condition(MARKER_RE, "the marker")
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
    (("project", "dependencies"), _markers),
    (("project", "optional-dependencies", "*"), _markers),
    (("dependency-groups", "*"), _markers),
    (("build-system", "requires"), _markers),
    (("tool", "uv", "dev-dependencies"), _markers),
    (("tool", "uv", "constraint-dependencies"), _markers),
    (("tool", "uv", "override-dependencies"), _markers),
    (("tool", "pdm", "dev-dependencies", "*"), _markers),
    *(((*table, "*", "python"), _poetry_python) for table in POETRY_DEPENDENCY_TABLES),
    *(((*table, "*", "markers"), _poetry_markers) for table in POETRY_DEPENDENCY_TABLES),
    (
        ("tool", "coverage", "coverage_conditional_plugin", "rules", "*"),
        _condition(VERSION_INFO_RE, "the rule"),
    ),
)
