"""pyproject.toml tool settings: target-version pins and lists, legacy_tox_ini; the ``Out`` record.

``Out`` is the record (``rewriters.result.Record``) every pyproject handler fills;
``apply_rules`` runs the handlers of one TOML kind and finishes it into a ``Rewrite``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from rewriters.environments import tox_ini
from rewriters.formats import toml as _toml
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Record, Rewrite, UnparsableInput
from rewriters.versions import BARE_RE, Minor, join_names, parse_token, retarget


@dataclass(kw_only=True)
class Out(Record):
    """What the handlers found so far, and the policy they apply."""

    policy: Policy


Handler = Callable[[Out, str, _toml.Entry], None]
# (key path with "*" wildcards, handler): the explicit table each TOML kind declares
Rules = tuple[tuple[tuple[str, ...], Handler], ...]
# a rewrite that needs the whole document at once (tox's env list, tables and references)
Pass = Callable[[Out, str, list[_toml.Entry]], None]


def handler_for(rules: Rules, path: tuple[str, ...]) -> Handler | None:
    """The first handler whose key pattern matches ``path``."""
    for pattern, handler in rules:
        if len(pattern) == len(path) and all(
            p in {"*", k} for p, k in zip(pattern, path, strict=True)
        ):
            return handler
    return None


def apply_rules(
    text: str, policy: Policy, rules: Rules, kind: str, passes: Sequence[Pass] = ()
) -> Rewrite | None:
    """Run every matching handler, then every pass, over a TOML file of ``kind`` and apply
    what they found."""
    _toml.load(text)
    out = Out(policy=policy)
    entries = _toml.entries(text)
    for entry in entries:
        handler = handler_for(rules, entry.path)
        if handler is not None:
            handler(out, text, entry)
    for run in passes:
        run(out, text, entries)
    return out.finish(text, partial(checked, kind=kind))


def checked(new: str, kind: str) -> str:
    """``new`` itself, once it is known to parse; ``BrokenOutput`` naming ``kind`` otherwise."""
    try:
        _toml.load(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"{kind} no longer parses: {error}") from None
    return new


def label(path: Sequence[str]) -> str:
    """A key's dotted path, as change lines and notes name it."""
    return ".".join(path)


class _Spelled(NamedTuple):
    """A version found in some spelling, and how to spell another version the same way."""

    version: Minor
    render: Callable[[Minor], str]


# -- single pinned versions (ruff, mypy, pyright, pylint, isort, hatch, ...) -----------------


def _spelled(raw: str, policy: Policy, *, bare: bool = False) -> _Spelled | None:
    """``py39``, ``3.9``, ``python3.9``; with ``bare``, also isort's and hatch's ``39``."""
    token = parse_token(raw)
    if token is not None:
        return _Spelled(token.version, lambda v: retarget(token, v, policy.latest_patch))
    if bare and BARE_RE.fullmatch(raw):
        return _Spelled(Minor(3, int(raw[1:])), lambda v: v.nodot)
    return None


def pin(out: Out, text: str, entry: _toml.Entry, *, bare: bool = False) -> None:
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
    out.changes.append(f"{label(entry.path)}: {raw} → {new}")
    out.dropped.add(spelled.version)


def _reads_back_as(number: str) -> bool:
    """``3.11`` stays a TOML float; ``3.10`` would read back as 3.1, so it gets quoted."""
    return "." not in number or repr(float(number)) == number


# -- lists of versions (black target-version, hatch matrices, tox base_python) ------------


def pin_list(out: Out, text: str, entry: _toml.Entry, *, bare: bool = False) -> None:
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
    out.changes.append(f"{label(entry.path)}: dropped {join_names(names)}")
    out.dropped.update(names)


def _list_item(
    text: str, item: _toml.Value, policy: Policy, *, bare: bool
) -> tuple[tuple[int, int], _Spelled] | None:
    """A version in one list element."""
    if item.kind != "string":
        return None
    start, end = _toml.inner(text, item)
    spelled = _spelled(text[start:end], policy, bare=bare)
    if spelled is None:
        return None
    return (start, end), spelled


def pins(out: Out, text: str, entry: _toml.Entry) -> None:
    """A key that takes one version or a list of them."""
    if entry.value.kind == "array":
        pin_list(out, text, entry)
    else:
        pin(out, text, entry)


# -- legacy_tox_ini ------------------------------------------------------------------------


def legacy_tox(out: Out, text: str, entry: _toml.Entry) -> None:
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
