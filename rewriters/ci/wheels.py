"""cibuildwheel settings in workflow ``env:`` maps: build and skip selectors, requires-python.

The same selectors assigned in a ``run:`` script (``CIBW_BUILD="cp39-*" cibuildwheel ...``)
follow the same rules; an assignment left with no selector is noted, never cut from the
command line.

``CIBW_BUILD`` drops selectors naming only dropped versions but keeps building the
minimum; ``CIBW_SKIP`` and ``CIBW_TEST_SKIP`` drop them outright (skipping a version
that is no longer built is pointless); ``CIBW_PROJECT_REQUIRES_PYTHON`` is a specifier
whose floor rises. The selector rules are ``rewriters.packaging.cibuildwheel``'s, shared with
pyproject.toml.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rewriters.ci.lists import remove_spans
from rewriters.ci.work import Work
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, ScalarNode
from rewriters.packaging.cibuildwheel import _narrow_selector, _retarget_selector
from rewriters.result import Edit
from rewriters.specifiers import raise_floor
from rewriters.versions import Minor, join_names

_SELECTOR_KEY_RE = re.compile(
    r"CIBW_(?P<kind>BUILD|SKIP|TEST_SKIP)(?:_(?:LINUX|MACOS|WINDOWS|IOS|PYODIDE))?", re.IGNORECASE
)
_REQUIRES_KEY = "CIBW_PROJECT_REQUIRES_PYTHON"

_Word = tuple[int, int, str]


def is_wheel_key(key: str) -> bool:
    """True for the cibuildwheel variables that name Python versions."""
    return _SELECTOR_KEY_RE.fullmatch(key) is not None or key.upper() == _REQUIRES_KEY


def rewrite_setting(work: Work, env: MappingNode, key: str, node: ScalarNode) -> None:
    """Rewrite one cibuildwheel variable of an ``env:`` map."""
    if key.upper() == _REQUIRES_KEY:
        _requires_python(work, key, node)
        return
    words = _words(work.text, node)
    if words is None:
        return
    match = _SELECTOR_KEY_RE.fullmatch(key)
    assert match is not None
    _selectors(work, env, key, node, words, build=match["kind"].upper() == "BUILD")


def _words(text: str, node: ScalarNode) -> list[_Word] | None:
    """The selectors as spans of the file; None when the file spells them differently."""
    start, end = yaml.scalar_span(text, node)
    if node.style in ("'", '"'):
        start, end = start + 1, end - 1
    elif node.style is not None:
        start = text.index("\n", start) + 1  # after the block header
    words = [
        (start + m.start(), start + m.end(), m[0]) for m in re.finditer(r"\S+", text[start:end])
    ]
    # ruamel marks the fold points of a folded scalar with BEL characters
    return words if [w[2] for w in words] == node.value.replace("\a", "").split() else None


class _Narrowed(NamedTuple):
    """Selectors once dropped versions are out: the edits, the versions, whether none is left."""

    edits: list[Edit]
    dropped: set[Minor]
    emptied: bool  # every selector named only dropped versions (never so for a build)


def _narrow(work: Work, words: list[_Word], build: bool) -> _Narrowed | None:
    """Drop selectors naming only dropped versions; a build left empty builds the minimum."""
    gone: list[int] = []
    edits: list[Edit] = []
    names: set[Minor] = set()
    for index, (start, end, word) in enumerate(words):
        new, minors = _narrow_selector(word, work.policy)
        names |= minors
        if new is None:
            gone.append(index)
        elif new != word:
            edits.append(Edit(start, end, new))
    if not names:
        return None
    if build and len(gone) == len(words):
        start, end, word = words[gone.pop()]
        edits.append(Edit(start, end, _retarget_selector(word, work.policy)))
    emptied = len(gone) == len(words)
    return _Narrowed(edits if emptied else edits + remove_spans(words, gone), names, emptied)


def _selectors(
    work: Work, env: MappingNode, key: str, node: ScalarNode, words: list[_Word], build: bool
) -> None:
    narrowed = _narrow(work, words, build)
    if narrowed is None:
        return
    if not narrowed.emptied:
        work.edits += narrowed.edits
    elif len(env.value) > 1:
        work.edits.append(yaml.remove_pair(work.text, env, node))
    else:
        work.notes.append(
            f"line {work.line(node)}: {key} only names dropped Pythons; remove it by hand"
        )
        return
    work.changes.append(f"{key}: dropped selectors for {join_names(sorted(narrowed.dropped))}")
    work.dropped |= narrowed.dropped


_ASSIGNMENT_RE = re.compile(
    r"(?<![\w$])(?P<key>" + _SELECTOR_KEY_RE.pattern + r")="
    r"(?:\"(?P<double>[^\"\n$`\\]*)\"|'(?P<single>[^'\n]*)'|(?P<bare>[^\s\"'$`;&|]+))",
    re.IGNORECASE,
)


def rewrite_script(work: Work, node: ScalarNode) -> None:
    """Selectors assigned in a ``run:`` script, found in the file's own text of the script."""
    start, end = yaml.scalar_span(work.text, node)
    for match in _ASSIGNMENT_RE.finditer(work.text, start, end):
        group = next(g for g in ("double", "single", "bare") if match[g] is not None)
        offset = match.start(group)
        words = [
            (offset + m.start(), offset + m.end(), m[0]) for m in re.finditer(r"\S+", match[group])
        ]
        line = work.text.count("\n", 0, match.start()) + 1
        _script_selectors(work, line, match["key"], words, build=match["kind"].upper() == "BUILD")


def _script_selectors(work: Work, line: int, key: str, words: list[_Word], build: bool) -> None:
    narrowed = _narrow(work, words, build)
    if narrowed is None:
        return
    if narrowed.emptied:
        work.notes.append(
            f"line {line}: {key} in the script only names dropped Pythons; remove it by hand"
        )
        return
    work.edits += narrowed.edits
    names = join_names(sorted(narrowed.dropped))
    work.changes.append(f"{key} in a script: dropped selectors for {names}")
    work.dropped |= narrowed.dropped


def _requires_python(work: Work, key: str, node: ScalarNode) -> None:
    raised = (
        raise_floor(node.value.strip(), work.policy) if node.style in (None, "'", '"') else None
    )
    if raised is None:
        return
    work.edits.append(yaml.replace_scalar(work.text, node, raised.text, ""))
    work.changes.append(f"{key}: {node.value.strip()} → {raised.text}")
    work.dropped |= {v for v in work.policy.releases if work.drops(v) and v >= raised.old_floor}
