"""pyproject.toml: requires-python, classifiers, and the Python targets of the tools set there.

Handled: ``[project] requires-python`` and its ``Programming Language :: Python :: 3.X``
classifiers, Poetry's ``python`` dependency, pixi's ``python``, the target version of ruff,
black, mypy, pyright, basedpyright, pylint, isort, pytype, ty, pyrefly, refurb and ``uv pip``,
hatch environment matrices and ``python`` pins, cibuildwheel ``build`` / ``skip`` /
``test-skip`` selectors, native tox ``[tool.tox]`` (``rewriters.environments.tox_toml``, as
tox.toml) and ``legacy_tox_ini`` (the embedded tox.ini goes through
``rewriters.environments.tox_ini`` and is spliced back into its string).

Dependencies whose ``python_version`` marker the new minimum decides are
``rewriters.packaging.dependencies``'s.

A ``requires-python`` (or Poetry ``python``) range that admits only dropped versions, such as
an "oldest supported" pin ``<3.10 >= 3.9.2``, moves up to start at the minimum and keeps its
width: ``<3.11 >= 3.10``.

Tool pins, version lists and legacy_tox_ini are handled in ``rewriters.tools.settings``,
cibuildwheel in ``rewriters.packaging.cibuildwheel``; ``RULES`` at the end says which key gets
which.
"""

from __future__ import annotations

import re
from functools import partial

from rewriters.environments import tox_toml
from rewriters.formats import toml as _toml
from rewriters.packaging.cibuildwheel import override, selectors
from rewriters.packaging.dependencies import (
    CONSTRAINT_RE,
    MARKER_COMPARISON_RE,
    VERSION_INFO_RE,
    condition,
    decided,
    dependencies,
    poetry_dependency,
)
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.specifiers import (
    PYTHON2_CLASSIFIERS,
    RaisedFloor,
    classifier_for,
    classifier_version,
    python2_classifier,
    raise_floor,
    shift_window,
)
from rewriters.tools.settings import (
    Out,
    Rules,
    apply_rules,
    label,
    legacy_tox,
    pin,
    pin_list,
    pins,
)
from rewriters.versions import Minor, join_names

DOTTED_RE = re.compile(r"(?<![\d.])(\d)\.(\d{1,2})(?![\d])")
ZERO_PATCH_RE = re.compile(r">=\s*\d+\.\d+\.0(?![\d.])")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` retires from a pyproject.toml; None when nothing changes."""
    return apply_rules(text, policy, RULES, "pyproject.toml", (NATIVE_TOX,))


# -- requires-python and the like ----------------------------------------------------------


def _floor(out: Out, text: str, entry: _toml.Entry) -> None:
    """``requires-python = ">=3.9"`` → ``">=3.11"``, quotes and spacing kept."""
    if entry.value.kind != "string":
        return
    start, end = _toml.inner(text, entry.value)
    spec = text[start:end]
    raised, shifted = _moved_floor(spec, out.policy)
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


def _moved_floor(spec: str, policy: Policy) -> tuple[RaisedFloor | None, RaisedFloor | None]:
    """The floor raised, or else (a range admitting only dropped versions) the window moved."""
    raised = None if _ceiling_too_low(spec, policy) else raise_floor(spec, policy)
    return raised, shift_window(spec, policy) if raised is None else None


def _keep_zero_patch(old: str, new: str, minimum: Minor) -> str:
    """``>=3.9.0`` becomes ``>=3.11.0``, not ``>=3.11``: the author spelled out the patch."""
    if not ZERO_PATCH_RE.search(old):
        return new
    return re.sub(
        rf">=(\s*){re.escape(str(minimum))}(?![\d.])", rf">=\g<1>{minimum}.0", new, count=1
    )


def _ceiling_too_low(spec: str, policy: Policy) -> bool:
    """``>=3.9,<3.11`` cannot simply get a higher floor: nothing supported would be left."""
    return any(m["op"] in {"<", "<="} and decided(m, policy) for m in CONSTRAINT_RE.finditer(spec))


def _mentions_dropped(spec: str, policy: Policy) -> bool:
    minors = (Minor(int(m[1]), int(m[2])) for m in DOTTED_RE.finditer(spec))
    return any(policy.drops(v) for v in minors)


def _classifiers(out: Out, text: str, entry: _toml.Entry) -> None:
    """Remove ``Python :: 3.X`` classifiers of dropped versions, and ``Python :: 2``; keep at
    least the minimum."""
    if entry.value.kind != "array":
        return
    items = entry.value.items
    found = [_classifier(text, item) for item in items]
    dropped = [i for i, v in enumerate(found) if v is not None and out.policy.drops(v)]
    python2 = [i for i, item in enumerate(items) if _python2(text, item, out.policy)]
    if not dropped and not python2:
        return
    if dropped and all(v is None or out.policy.drops(v) for v in found):
        keep = max(dropped, key=lambda i: found[i] or Minor(0, 0))
        start, end = _toml.inner(text, items[keep])
        out.edits.append(Edit(start, end, classifier_for(out.policy.minimum)))
        dropped.remove(keep)
    out.edits.extend(_toml.remove_items(text, entry.value, sorted(dropped + python2)))
    names = [v for v in found if v is not None and out.policy.drops(v)]
    if names:
        out.changes.append(f"{label(entry.path)}: dropped {join_names(names)}")
    if python2:
        out.changes.append(f"{label(entry.path)}: dropped {PYTHON2_CLASSIFIERS}")
    out.dropped.update(names)


def _poetry_classifiers(out: Out, text: str, entry: _toml.Entry) -> None:
    """``[tool.poetry] classifiers`` lose dropped versions as ``[project]``'s do, when the
    Python the project declares moves (Poetry adds its own classifiers from that constraint)."""
    if _python_moves(text, out.policy):
        _classifiers(out, text, entry)


def _python_moves(text: str, policy: Policy) -> bool:
    """Whether the Python the project declares (Poetry's ``python``, ``requires-python``)
    moves up."""
    for path, value in _toml.entries(text):
        if path in DECLARED_PYTHON_KEYS and value.kind == "string":
            spec = text[slice(*_toml.inner(text, value))]
            if any(_moved_floor(spec, policy)):
                return True
    return False


def _python2(text: str, item: _toml.Value, policy: Policy) -> bool:
    return item.kind == "string" and python2_classifier(str(_toml.decode(text, item)), policy)


def _classifier(text: str, item: _toml.Value) -> Minor | None:
    if item.kind != "string":
        return None
    return classifier_version(str(_toml.decode(text, item)))


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
# [tool.cibuildwheel] and its platform tables, which take the same selectors
CIBUILDWHEEL_TABLES: tuple[tuple[str, ...], ...] = (
    ("tool", "cibuildwheel"),
    *(("tool", "cibuildwheel", p) for p in ("linux", "macos", "windows", "ios", "pyodide")),
)
_poetry_python = condition(CONSTRAINT_RE, "the python constraint")
_poetry_markers = condition(MARKER_COMPARISON_RE, "the marker")
# where a project declares the Pythons it supports
DECLARED_PYTHON_KEYS: tuple[tuple[str, ...], ...] = (
    ("project", "requires-python"),
    ("tool", "poetry", "dependencies", "python"),
    ("tool", "poetry", "dependencies", "python", "version"),
)
RULES: Rules = (
    *((key, _floor) for key in DECLARED_PYTHON_KEYS),
    (("project", "classifiers"), _classifiers),
    (("tool", "poetry", "classifiers"), _poetry_classifiers),
    *((key, pin) for key in PIN_KEYS),
    (("tool", "isort", "py_version"), partial(pin, bare=True)),
    (("tool", "hatch", "envs", "*", "python"), partial(pin, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "python"), partial(pin_list, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "pythons"), partial(pin_list, bare=True)),
    (("tool", "tox", "legacy_tox_ini"), legacy_tox),
    (("tool", "black", "target-version"), pins),
    (("tool", "black", "target_version"), pins),
    (("tool", "cibuildwheel", "project-requires-python"), _floor),
    *(
        ((*table, key), selectors)
        for table in CIBUILDWHEEL_TABLES
        for key in ("build", "skip", "test-skip")
    ),
    (("tool", "cibuildwheel", "overrides", "select"), override),
    (("tool", "uv", "pip", "python-version"), pin),
    (("tool", "pixi", "dependencies", "python"), _floor),
    (("project", "dependencies"), dependencies),
    (("project", "optional-dependencies", "*"), dependencies),
    (("dependency-groups", "*"), dependencies),
    (("build-system", "requires"), dependencies),
    (("tool", "uv", "dev-dependencies"), dependencies),
    (("tool", "uv", "constraint-dependencies"), dependencies),
    (("tool", "uv", "override-dependencies"), dependencies),
    (("tool", "pdm", "dev-dependencies", "*"), dependencies),
    *(((*table, "*"), poetry_dependency) for table in POETRY_DEPENDENCY_TABLES),
    *(((*table, "*", "python"), _poetry_python) for table in POETRY_DEPENDENCY_TABLES),
    *(((*table, "*", "markers"), _poetry_markers) for table in POETRY_DEPENDENCY_TABLES),
    (
        ("tool", "coverage", "coverage_conditional_plugin", "rules", "*"),
        condition(VERSION_INFO_RE, "the rule"),
    ),
)

# tox's own TOML settings under [tool.tox], read as tox.toml is
NATIVE_TOX = partial(tox_toml.rewrite_config, prefix=("tool", "tox"))


def rules_under(prefix: tuple[str, ...]) -> Rules:
    """The rules for keys under ``prefix``, without it: a tool's own config file (uv.toml,
    ruff.toml, hatch.toml) holds what pyproject.toml holds under ``[tool.<name>]``."""
    return tuple((key[len(prefix) :], h) for key, h in RULES if key[: len(prefix)] == prefix)
