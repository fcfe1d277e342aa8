"""cibuildwheel in pyproject.toml: ``build`` / ``skip`` / ``test-skip`` selectors and overrides."""

from __future__ import annotations

import re

from rewriters.formats import toml as _toml
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.tools.settings import Out, label
from rewriters.versions import Minor, join_names

SELECTOR_RE = re.compile(r"(?<![A-Za-z0-9])(?:cp|pp|gp)3(?:(\d{1,2})|\{([\d,]+)\})(?![\d*?\[{])")


def selectors(out: Out, text: str, entry: _toml.Entry) -> None:
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


def _drop_selectors(out: Out, text: str, entry: _toml.Entry, value: _toml.Value) -> None:
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
    out.changes.append(f"{label(entry.path)}: dropped selectors for {join_names(sorted(names))}")
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


def override(out: Out, text: str, entry: _toml.Entry) -> None:
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
