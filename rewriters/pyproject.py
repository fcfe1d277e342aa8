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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from rewriters import _toml, tox_ini
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Rewrite, UnparsableInput, apply_edits
from rewriters.specifiers import classifier_for, classifier_version, raise_floor
from rewriters.versions import Minor, join_names, parse_token, retarget

PATTERNS: tuple[str, ...] = ("pyproject.toml",)

BARE_RE = re.compile(r"3(\d{1,2})")
DOTTED_RE = re.compile(r"(?<![\d.])(\d)\.(\d{1,2})(?![\d])")
SELECTOR_RE = re.compile(r"(?<![A-Za-z0-9])(?:cp|pp|gp)3(?:(\d{1,2})|\{([\d,]+)\})(?![\d*?\[{])")
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


@dataclass
class _Out:
    """What the handlers found so far."""

    policy: Policy
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)


class _Spelled(NamedTuple):
    """A version found in some spelling, and how to spell another version the same way."""

    version: Minor
    render: Callable[[Minor], str]


Handler = Callable[[_Out, str, _toml.Entry], None]


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` retires from a pyproject.toml; None when nothing changes."""
    _toml.load(text)
    out = _Out(policy)
    for entry in _toml.entries(text):
        handler = _handler_for(entry.path)
        if handler is not None:
            handler(out, text, entry)
    if not out.edits:
        return None
    new = _checked(apply_edits(text, out.edits))
    return Rewrite(new, tuple(out.changes), tuple(out.notes), frozenset(out.dropped))


def _checked(new: str) -> str:
    """``new`` itself, once it is known to parse."""
    try:
        _toml.load(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"pyproject.toml no longer parses: {error}") from None
    return new


def _label(path: Sequence[str]) -> str:
    return ".".join(path)


# -- requires-python and the like ----------------------------------------------------------


def _floor(out: _Out, text: str, entry: _toml.Entry) -> None:
    """``requires-python = ">=3.9"`` → ``">=3.11"``, quotes and spacing kept."""
    if entry.value.kind != "string":
        return
    start, end = _toml.inner(text, entry.value)
    spec = text[start:end]
    raised = None if _ceiling_too_low(spec, out.policy) else raise_floor(spec, out.policy)
    if raised is None:
        if _mentions_dropped(spec, out.policy):
            out.notes.append(
                f"{_label(entry.path)} {spec!r} names a dropped Python; edit it by hand"
            )
        return
    new = _keep_zero_patch(spec, raised.text, out.policy.minimum)
    out.edits.append(Edit(start, end, new))
    out.changes.append(f"{_label(entry.path)}: {spec} → {new}")
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


def _classifiers(out: _Out, text: str, entry: _toml.Entry) -> None:
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
    out.changes.append(f"{_label(entry.path)}: dropped {join_names(names)}")
    out.dropped.update(names)


def _classifier(text: str, item: _toml.Value) -> Minor | None:
    if item.kind != "string":
        return None
    return classifier_version(str(_toml.decode(text, item)))


# -- single pinned versions (ruff, mypy, pyright, pylint, isort, hatch, ...) -----------------


def _spelled(raw: str, policy: Policy, *, bare: bool = False) -> _Spelled | None:
    """``py39``, ``3.9``, ``python3.9``; with ``bare``, also isort's and hatch's ``39``."""
    token = parse_token(raw)
    if token is not None:
        return _Spelled(token.version, lambda v: retarget(token, v, policy.latest_patch))
    if bare and BARE_RE.fullmatch(raw):
        return _Spelled(Minor(3, int(raw[1:])), lambda v: v.nodot)
    return None


def _pin(out: _Out, text: str, entry: _toml.Entry, *, bare: bool = False) -> None:
    """A single target version moves to the new minimum in the same spelling."""
    value = entry.value
    if value.kind == "string":
        start, end = _toml.inner(text, value)
    elif value.kind == "other":
        start, end = value.start, value.end
    else:
        return
    raw = text[start:end]
    spelled = _spelled(raw, out.policy, bare=bare)
    if spelled is None or not out.policy.drops(spelled.version):
        return
    new = spelled.render(out.policy.minimum)
    if value.kind == "other" and not _reads_back_as(new):
        new = f'"{new}"'
    out.edits.append(Edit(start, end, new))
    out.changes.append(f"{_label(entry.path)}: {raw} → {new}")
    out.dropped.add(spelled.version)


def _reads_back_as(number: str) -> bool:
    """``3.11`` stays a TOML float; ``3.10`` would read back as 3.1, so it gets quoted."""
    return "." not in number or repr(float(number)) == number


# -- lists of versions (black target-version, hatch matrices, tox env_list) -----------------


def _pin_list(out: _Out, text: str, entry: _toml.Entry, *, bare: bool = False) -> None:
    """Drop listed versions below the minimum; when none would be left, keep the minimum."""
    if entry.value.kind != "array":
        return
    items = entry.value.items
    hits = [
        (i, *hit)
        for i, item in enumerate(items)
        if (hit := _list_item(text, item, out.policy, bare=bare)) is not None
    ]
    dropped = [hit for hit in hits if out.policy.drops(hit[2].version)]
    if not dropped:
        return
    names = [spelled.version for _, _, spelled in dropped]
    if len(dropped) == len(hits):
        top = max(dropped, key=lambda hit: hit[2].version)
        out.edits.append(Edit(*top[1], top[2].render(out.policy.minimum)))
        dropped.remove(top)
    out.edits.extend(_toml.remove_items(text, entry.value, [i for i, _, _ in dropped]))
    out.changes.append(f"{_label(entry.path)}: dropped {join_names(names)}")
    out.dropped.update(names)


def _list_item(
    text: str, item: _toml.Value, policy: Policy, *, bare: bool
) -> tuple[tuple[int, int], _Spelled] | None:
    """A version (or a tox env whose first factor is a version) in one list element."""
    if item.kind != "string":
        return None
    start, end = _toml.inner(text, item)
    raw = text[start:end]
    spelled = _spelled(raw, policy, bare=bare)
    if spelled is None and "-" in raw:
        raw = raw.split("-", 1)[0]
        spelled = _spelled(raw, policy, bare=bare)
    if spelled is None:
        return None
    return (start, start + len(raw)), spelled


def _pins(out: _Out, text: str, entry: _toml.Entry) -> None:
    """A key that takes one version or a list of them."""
    if entry.value.kind == "array":
        _pin_list(out, text, entry)
    else:
        _pin(out, text, entry)


# -- cibuildwheel selectors ----------------------------------------------------------------


def _selectors(out: _Out, text: str, entry: _toml.Entry) -> None:
    """Drop ``cp39-*`` style selectors that only name dropped versions."""
    value = entry.value
    if value.kind == "string":
        start, end = _toml.inner(text, value)
        words = tuple(
            _toml.Value(start + m.start(), start + m.end(), "other")
            for m in re.finditer(r"\S+", text[start:end])
        )
        value = value._replace(items=words)
    elif value.kind != "array" or any(item.kind != "string" for item in value.items):
        return
    else:
        value = value._replace(items=tuple(_word(text, item) for item in value.items))
    _drop_selectors(out, text, entry, value)


def _word(text: str, item: _toml.Value) -> _toml.Value:
    start, end = _toml.inner(text, item)
    return _toml.Value(start, end, "other")


def _drop_selectors(out: _Out, text: str, entry: _toml.Entry, value: _toml.Value) -> None:
    """``value.items`` are the selectors' spans; ``build`` keeps at least the minimum."""
    gone: list[int] = []
    names: set[Minor] = set()
    for index, word in enumerate(value.items):
        selector = text[word.start : word.end]
        new, minors = _narrow_selector(selector, out.policy)
        names.update(minors)
        if new is None:
            gone.append(index)
        elif new != selector:
            out.edits.append(Edit(word.start, word.end, new))
    if not names:
        return
    if entry.path[-1] == "build" and len(gone) == len(value.items):
        last = value.items[gone.pop()]
        selector = text[last.start : last.end]
        out.edits.append(Edit(last.start, last.end, _retarget_selector(selector, out.policy)))
    out.edits.extend(_toml.remove_items(text, value, gone))
    out.changes.append(f"{_label(entry.path)}: dropped selectors for {join_names(sorted(names))}")
    out.dropped.update(names)


def _retarget_selector(selector: str, policy: Policy) -> str:
    """``cp3{9,10}-*`` → ``cp311-*``."""
    match = SELECTOR_RE.search(selector)
    assert match is not None
    start, end = match.span(1) if match[1] else (match.start(2) - 1, match.end(2) + 1)
    return selector[:start] + str(policy.minimum.minor) + selector[end:]


def _narrow_selector(selector: str, policy: Policy) -> tuple[str | None, set[Minor]]:
    """``cp39-*`` → None (gone); ``cp3{9,10,11}-*`` → ``cp311-*``; others unchanged."""
    match = SELECTOR_RE.search(selector)
    if match is None:
        return selector, set()
    numbers = [match[1]] if match[1] else [n for n in match[2].split(",") if n]
    minors = [Minor(3, int(n)) for n in numbers]
    kept = [n for n, v in zip(numbers, minors, strict=True) if not policy.drops(v)]
    dropped = {v for v in minors if policy.drops(v)}
    if not dropped:
        return selector, set()
    if not kept:
        return None, dropped
    middle = kept[0] if len(kept) == 1 else "{" + ",".join(kept) + "}"
    start, end = match.span(1) if match[1] else (match.start(2) - 1, match.end(2) + 1)
    return selector[:start] + middle + selector[end:], dropped


def _override(out: _Out, text: str, entry: _toml.Entry) -> None:
    """An override that selects only dropped versions is dead; say so, since it may hold notes."""
    if entry.value.kind != "string":
        return
    select = str(_toml.decode(text, entry.value))
    fates = [_narrow_selector(word, out.policy) for word in select.split()]
    if fates and all(new is None for new, _ in fates):
        out.notes.append(
            f"[[tool.cibuildwheel.overrides]] select = {select!r} only names dropped Pythons; "
            "remove that override by hand"
        )


# -- legacy_tox_ini ------------------------------------------------------------------------


def _legacy_tox(out: _Out, text: str, entry: _toml.Entry) -> None:
    """Hand the embedded tox.ini to the tox.ini rewriter and splice its answer back."""
    if entry.value.kind != "string":
        return
    start, end = _toml.inner(text, entry.value)
    content = text[start:end]
    if text[entry.value.start] == '"' and "\\" in content:
        out.notes.append("legacy_tox_ini uses escapes; molt left it alone")
        return
    try:
        result = tox_ini.rewrite(content, out.policy)
    except UnparsableInput as error:
        out.notes.append(f"legacy_tox_ini: {error.reason}")
        return
    if result is None:
        return
    out.edits.append(Edit(start, end, result.text))
    out.changes.extend(f"legacy_tox_ini {change}" for change in result.changes)
    out.notes.extend(f"legacy_tox_ini: {note}" for note in result.notes)
    out.dropped.update(result.dropped)


# -- markers: reported, never edited -------------------------------------------------------


def _markers(out: _Out, text: str, entry: _toml.Entry) -> None:
    """Note dependencies whose ``python_version`` marker the new minimum decides."""
    if entry.value.kind != "array":
        return
    requirements = [str(_toml.decode(text, i)) for i in entry.value.items if i.kind == "string"]
    decided = [r for r in requirements if _any_decided(MARKER_RE, r, out.policy)]
    if decided:
        out.notes.append(
            f"{_label(entry.path)}: python_version markers are now always true or always false "
            f"in {'; '.join(repr(r) for r in decided)}; simplify them by hand"
        )


def _condition(pattern: re.Pattern[str], what: str) -> Handler:
    """A handler noting a string setting whose version comparison the new minimum decides."""

    def note(out: _Out, text: str, entry: _toml.Entry) -> None:
        if entry.value.kind != "string":
            return
        condition = str(_toml.decode(text, entry.value))
        if _any_decided(pattern, condition, out.policy):
            out.notes.append(
                f"{_label(entry.path)} = {condition!r}: {what} is now always true or always "
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
RULES: tuple[tuple[tuple[str, ...], Handler], ...] = (
    (("project", "requires-python"), _floor),
    (("project", "classifiers"), _classifiers),
    (("tool", "poetry", "dependencies", "python"), _floor),
    (("tool", "poetry", "dependencies", "python", "version"), _floor),
    *((key, _pin) for key in PIN_KEYS),
    (("tool", "isort", "py_version"), partial(_pin, bare=True)),
    (("tool", "hatch", "envs", "*", "python"), partial(_pin, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "python"), partial(_pin_list, bare=True)),
    (("tool", "hatch", "envs", "*", "matrix", "pythons"), partial(_pin_list, bare=True)),
    (("tool", "tox", "env_list"), _pin_list),
    (("tool", "tox", "envlist"), _pin_list),
    (("tool", "tox", "legacy_tox_ini"), _legacy_tox),
    (("tool", "black", "target-version"), _pins),
    (("tool", "black", "target_version"), _pins),
    (("tool", "tox", "env", "*", "base_python"), _pins),
    (("tool", "tox", "env_run_base", "base_python"), _pins),
    (("tool", "cibuildwheel", "project-requires-python"), _floor),
    (("tool", "cibuildwheel", "build"), _selectors),
    (("tool", "cibuildwheel", "skip"), _selectors),
    (("tool", "cibuildwheel", "test-skip"), _selectors),
    (("tool", "cibuildwheel", "overrides", "select"), _override),
    (("tool", "uv", "pip", "python-version"), _pin),
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


def _handler_for(path: tuple[str, ...]) -> Handler | None:
    for pattern, handler in RULES:
        if len(pattern) == len(path) and all(
            p in {"*", k} for p, k in zip(pattern, path, strict=True)
        ):
            return handler
    return None
