"""Interpreter pin files: ``.python-version`` (pyenv, uv), ``runtime.txt`` and ``.tool-versions``.

The three shapes are told apart by their lines, not by the file name: ``python-3.9.18`` is a
Heroku-style runtime, ``python 3.9.18 3.10.4`` is the asdf/mise ``python`` line (other tools'
lines are left alone), and anything else is a ``.python-version`` word per version.  A file
naming one version moves it to the new minimum with the same precision; a file naming several
(pyenv's list of globals) loses the dropped ones and keeps at least the minimum.
"""

from __future__ import annotations

import re
from functools import partial
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Record, Rewrite
from rewriters.versions import Minor, join_names, parse_token, retarget

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
WORD_RE = re.compile(r"[^\s#]+")
TOOL_LINE_RE = re.compile(r"[ \t]*python[ \t]+(?=[^\s#])")
RUNTIME_RE = re.compile(r"[ \t]*python-(?=\d)")
# a version with ``.x`` for "the latest patch" (``python-3.10.x`` in runtime.txt)
X_PATCH_RE = re.compile(r"(?P<minor>\d+\.\d+)\.x")
# ``pypy3.9-7.3.16``: a PyPy release, which molt cannot pick for another minor
PYPY_RELEASE_RE = re.compile(r"pypy(?P<minor>\d+\.\d+)-\d[\w.]*")
CPYTHON_PREFIX_RE = re.compile(r"cpython[-@]")


class _Word(NamedTuple):
    """One version word in the file: where it sits, what it names, how to respell it."""

    start: int
    end: int
    raw: str
    version: Minor
    retargetable: bool


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move a single pinned version to the minimum, or drop old versions from a list."""
    words = list(_version_words(text))
    if not words:
        return None
    if len(words) == 1:
        return _move_single(text, words[0], policy)
    return _drop_listed(text, words, policy)


def _version_words(text: str) -> list[_Word]:
    """Every version word of the file, in order, from whichever shape each line has."""
    found: list[_Word] = []
    for line in LINE_RE.finditer(text):
        start, end = line.start(), line.end()
        comment = text.find("#", start, end)
        end = end if comment == -1 else comment
        tool = TOOL_LINE_RE.match(text, start, end)
        runtime = RUNTIME_RE.match(text, start, end)
        if tool is not None:
            start = tool.end()
        elif runtime is not None:
            start = runtime.end()
        elif _other_tool_line(line[0]):
            continue
        for word in WORD_RE.finditer(text, start, end):
            parsed = _word(word.start(), word[0])
            if parsed is not None:
                found.append(parsed)
    return found


def _other_tool_line(line: str) -> bool:
    """An asdf line for another tool (``nodejs 18.1``): two words, the first not a version."""
    words = WORD_RE.findall(line.split("#", 1)[0])
    return len(words) > 1 and _word(0, words[0]) is None


def _word(start: int, raw: str) -> _Word | None:
    """The version ``raw`` names, or None when it is not one (``system``, ``miniconda3-4.7``)."""
    prefix = CPYTHON_PREFIX_RE.match(raw)
    skip = prefix.end() if prefix else 0
    token = parse_token(raw[skip:])
    if token is not None:
        return _Word(start + skip, start + len(raw), raw[skip:], token.version, True)
    for pattern, retargetable in ((X_PATCH_RE, True), (PYPY_RELEASE_RE, False)):
        match = pattern.fullmatch(raw, skip)
        if match is not None:
            minor = _minor(match["minor"])
            if minor is not None:
                return _Word(start + skip, start + len(raw), raw[skip:], minor, retargetable)
    return None


def _minor(text: str) -> Minor | None:
    try:
        return Minor.parse(text)
    except ValueError:
        return None


def _respelled(word: _Word, policy: Policy) -> str:
    """``word`` naming the new minimum instead, in the same spelling and precision."""
    if word.raw.endswith(".x"):
        return f"{policy.minimum}.x"
    token = parse_token(word.raw)
    assert token is not None
    return retarget(token, policy.minimum, policy.latest_patch)


def _move_single(text: str, word: _Word, policy: Policy) -> Rewrite | None:
    if not policy.drops(word.version):
        return None
    if not word.retargetable:
        return None  # a PyPy release: molt cannot pick one for another minor
    new = _respelled(word, policy)
    record = Record(
        edits=[Edit(word.start, word.end, new)],
        changes=[f"python version: {word.raw} → {new}"],
        dropped={word.version},
    )
    return record.finish(text, partial(_checked, text))


def _drop_listed(text: str, words: list[_Word], policy: Policy) -> Rewrite | None:
    dropped = [w for w in words if policy.drops(w.version)]
    if not dropped:
        return None
    edits: list[Edit] = []
    if len(dropped) == len(words):
        top = max((w for w in words if w.retargetable), key=lambda w: w.version, default=None)
        if top is None:
            return None  # only PyPy releases, which molt cannot pick for another minor
        edits.append(Edit(top.start, top.end, _respelled(top, policy)))
        dropped.remove(top)
    edits.extend(_removal(text, w) for w in dropped)
    names = sorted({w.version for w in words if policy.drops(w.version)})
    record = Record(
        edits=edits, changes=[f"python versions: dropped {join_names(names)}"], dropped=set(names)
    )
    return record.finish(text, partial(_checked, text))


def _removal(text: str, word: _Word) -> Edit:
    """Delete a word with its own line when alone on it, else with the blanks before or after."""
    line_start = max(text.rfind("\n", 0, word.start), text.rfind("\r", 0, word.start)) + 1
    line = LINE_RE.match(text, line_start)
    assert line is not None
    before, after = text[line_start : word.start], text[word.end : line.end()]
    if not before.strip() and not after.strip():
        if after or line_start == 0:
            return Edit(line_start, line.end(), "")
        # the last line, without a line break: take the break before it
        return Edit(len(text[:line_start].rstrip("\r\n")), line.end(), "")
    following = re.compile(r"[ \t]+").match(text, word.end)
    if (
        following is not None
        and following.end() < len(text)
        and text[following.end()] not in "#\r\n"
    ):
        return Edit(word.start, following.end(), "")
    preceding = len(text[: word.start].rstrip(" \t"))
    return Edit(preceding, word.end, "")


def _checked(old: str, new: str) -> str:
    """``new`` when it still names as many lines' versions as it should; raise otherwise."""
    if _version_words(old) and not _version_words(new):
        raise BrokenOutput("the rewritten version file names no version")
    return new
