"""cibuildwheel selectors wherever they are written: the one rule, and pyproject.toml's tables.

A build selector list (``build``, ``CIBW_BUILD``) is a list of versions and shrinks by the one
list rule (``rewriters.rules.shrink``) over the versions its selectors name: old selectors go,
but a list that built its oldest supported Python keeps building the oldest one
(``cp39-* cp312-*`` → ``cp311-* cp312-*``; an abi3 wheel built on the old minimum is built on the
new one); the selectors of the version that moves all move (``cp39-manylinux*
cp39-musllinux*`` → ``cp311-manylinux* cp311-musllinux*``). Skip lists (``skip``,
``test-skip``) and an override's ``select`` lose the selectors naming only dropped versions:
they match nothing that is built any more. A brace selector narrows
(``cp3{9,10,11}-*`` → ``cp311-*``).

This module applies the rule to ``[tool.cibuildwheel]`` in pyproject.toml (also its platform
tables and overrides); ``rewriters.ci.wheels`` applies it to CI variables and scripts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from rewriters.formats import toml as _toml
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.rules import shrink
from rewriters.tools.settings import Out, label
from rewriters.versions import Minor, Token, join_names

SELECTOR_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<kind>cp|pp|gp)3(?:(\d{1,2})|\{([\d,]+)\})(?![\d*?\[{])"
)
# how the list rule tells the interpreters apart (``rules.is_cpython``)
_KINDS = {"cp": "cp", "pp": "pp", "gp": "graalpy"}


class Narrowed(NamedTuple):
    """Each selector as it is now (None for one that goes), and the dropped versions named."""

    words: list[str | None]
    dropped: set[Minor]

    @property
    def emptied(self) -> bool:
        """Every selector went."""
        return all(word is None for word in self.words)


def narrow(selectors: Sequence[str], policy: Policy, *, build: bool) -> Narrowed | None:
    """What becomes of each selector of a list (see the module's rule); None when none of them
    names a dropped version."""
    places: list[tuple[int, int]] = []  # (selector, position of the version inside it)
    tokens: list[Token] = []
    for index, selector in enumerate(selectors):
        match = SELECTOR_RE.search(selector)
        for position, number in enumerate(_numbers(match)):
            assert match is not None
            places.append((index, position))
            tokens.append(Token(_KINDS[match["kind"]], Minor(3, number), "", "", ""))
    dropped = {t.version for t in tokens if policy.drops(t.version)}
    if not dropped:
        return None
    fates: list[Minor | None] = [t.version for t in tokens]
    if build:
        shrunk = shrink(tokens, policy)
        for i in shrunk.removed:
            fates[i] = None
        for i, to in shrunk.moved.items():  # the version's other selectors move with it
            same = [t[:2] == tokens[i][:2] for t in tokens]
            fates = [to if moves else fate for moves, fate in zip(same, fates, strict=True)]
    else:
        fates = [None if policy.drops(t.version) else t.version for t in tokens]
    words: list[str | None] = list(selectors)
    for index, selector in enumerate(selectors):
        kept = [fates[i] for i, (at, _) in enumerate(places) if at == index]
        if kept:
            words[index] = _spelled(selector, kept)
    return Narrowed(words, dropped)


def _numbers(match: re.Match[str] | None) -> list[int]:
    if match is None:
        return []
    return [int(match[2])] if match[2] else [int(n) for n in match[3].split(",") if n]


def _spelled(selector: str, minors: list[Minor | None]) -> str | None:
    """``selector`` naming ``minors`` (None for a version that went): ``cp311-*``,
    ``cp3{11,12}-*``; None when nothing is left."""
    numbers = list(dict.fromkeys(str(v.minor) for v in minors if v is not None))
    if not numbers:
        return None
    match = SELECTOR_RE.search(selector)
    assert match is not None
    start, end = match.span(2) if match[2] else (match.start(3) - 1, match.end(3) + 1)
    middle = numbers[0] if len(numbers) == 1 else "{" + ",".join(numbers) + "}"
    return selector[:start] + middle + selector[end:]


def words_of(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The blank-separated selectors of ``text[start:end]``, as spans of ``text``."""
    found = re.finditer(r"\S+", text[start:end])
    return [(start + m.start(), start + m.end(), m[0]) for m in found]


# -- pyproject.toml ------------------------------------------------------------------------


def selectors(out: Out, text: str, entry: _toml.Entry) -> None:
    """``build`` / ``skip`` / ``test-skip``: a string of selectors or an array of them."""
    value = _selector_items(text, entry.value)
    if value is None:
        return
    words = [text[item.start : item.end] for item in value.items]
    narrowed = narrow(words, out.policy, build=entry.path[-1] == "build")
    if narrowed is None:
        return
    _write(out, value, narrowed, text)
    names = join_names(sorted(narrowed.dropped))
    out.changes.append(f"{label(entry.path)}: dropped selectors for {names}")
    out.dropped.update(narrowed.dropped)


def _selector_items(text: str, value: _toml.Value) -> _toml.Value | None:
    """The value with one item per selector (the words of a string), or None for another shape
    (or a string whose text is not its value: escapes)."""
    if value.kind == "string":
        spans = words_of(text, *_toml.inner(text, value))
        if [word for _, _, word in spans] != str(_toml.decode(text, value)).split():
            return None
        return value._replace(items=tuple(_toml.Value(s, e, "other") for s, e, _ in spans))
    if value.kind != "array" or any(item.kind != "string" for item in value.items):
        return None
    return value._replace(items=tuple(_word(text, item) for item in value.items))


def _word(text: str, item: _toml.Value) -> _toml.Value:
    start, end = _toml.inner(text, item)
    return _toml.Value(start, end, "other")


def _write(out: Out, value: _toml.Value, narrowed: Narrowed, text: str) -> None:
    gone = [i for i, word in enumerate(narrowed.words) if word is None]
    for item, word in zip(value.items, narrowed.words, strict=True):
        if word is not None and word != text[item.start : item.end]:
            out.edits.append(Edit(item.start, item.end, word))
    out.edits.extend(_toml.remove_items(text, value, gone))


def override(out: Out, text: str, entry: _toml.Entry) -> None:
    """An override's ``select`` loses the selectors of dropped versions; one that selects only
    dropped versions is dead: a note says so, since the override may hold notes of its own."""
    value = _selector_items(text, entry.value) if entry.value.kind == "string" else None
    if value is None:
        return
    select = str(_toml.decode(text, entry.value))
    narrowed = narrow([text[i.start : i.end] for i in value.items], out.policy, build=False)
    if narrowed is None:
        return
    if narrowed.emptied:
        out.notes.append(
            f"[[tool.cibuildwheel.overrides]] select = {select!r} only names dropped Pythons; "
            "remove that override by hand"
        )
        return
    _write(out, value, narrowed, text)
    names = join_names(sorted(narrowed.dropped))
    out.changes.append(f"{label(entry.path)}: dropped selectors for {names}")
    out.dropped.update(narrowed.dropped)
