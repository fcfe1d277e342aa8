"""Dockerfiles: ``FROM`` images on a dropped Python, and the ``ARG`` defaults they use.

``FROM [--platform=…] python:3.9-slim [AS build]`` moves to the new minimum (see
``rewriters.containers.images`` for tags, variants and digests). A tag built from ``ARG`` defaults,
``ARG PYTHON_VERSION=3.9`` then ``FROM python:${PYTHON_VERSION}-slim``, is changed where each
piece is written: the version in the ``ARG`` line, a variant in the ``FROM`` line. An ``ARG``
named for Python (``PYTHON_VERSION``, ``PY_VER``) that no ``FROM`` uses moves too.
An image that installs several Pythons with pyenv loses the dropped ones in ``RUN`` commands
and ``PYENV_VERSION`` (rule and limits in ``rewriters.containers.pyenv``). Other ``RUN`` lines
naming
``python3.9`` or installing it are left alone with a note: molt cannot know whether the new
version is packaged where they install from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from rewriters.containers import images
from rewriters.containers import pyenv as _pyenv
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Record, Rewrite, UnparsableInput, apply_edits
from rewriters.versions import Minor

_INSTRUCTION = re.compile(r"[ \t]*([A-Za-z]+)(?=[ \t]|$)")
_FROM = re.compile(r"(?i)FROM(?:[ \t]+--\S+)*[ \t]+(?P<image>[^\s#]+)")
_ARG = re.compile(r"""(?P<name>\w+)=(?P<q>["']?)(?P<value>[^\s"']*)(?P=q)""")
_PYTHON_ARG = re.compile(r"(?i)(?:BASE_|DEFAULT_)?PY(?:THON)?(?:[_-]?(?:VER|VERSION|MINOR))?")
_RUN_PYTHON = re.compile(r"(?i)\b(?:python|pypy)-?(3\.\d{1,2})\b|\bpyenv install (3\.\d{1,2})\b")


class Line(NamedTuple):
    """One instruction's first physical line."""

    number: int
    start: int
    end: int
    keyword: str
    body: int  # offset just past the keyword


def instructions(text: str) -> Iterator[Line]:
    """The first line of every instruction; comment and continuation lines are skipped."""
    position, continued = 0, False
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        body = line.rstrip("\r\n")
        match = _INSTRUCTION.match(body)
        if not continued and match and not body.lstrip().startswith("#"):
            end = position + len(body)
            yield Line(number, position, end, match[1].upper(), position + match.end())
        if not body.lstrip().startswith("#"):
            continued = body.endswith("\\")
        position += len(line)


class _Args(NamedTuple):
    spans: dict[str, tuple[int, int]]  # name → offsets of its default value


def _read_args(text: str, line: Line, args: _Args) -> None:
    for match in _ARG.finditer(text, line.body, line.end):
        args.spans[match["name"]] = match.span("value")


def _from(text: str, line: Line, args: _Args, policy: Policy, found: Record) -> None:
    match = _FROM.match(text, line.start, line.end)
    assert match is not None  # _problem has checked every FROM
    expanded = images.expand(text, *match.span("image"), args.spans)
    if expanded is None:
        return
    ref, pieces = expanded
    retag = images.retag(ref, policy)
    if retag is None:
        return
    found.notes.extend(f"line {line.number}: {note}" for note in retag.notes)
    placed = [images.place(edit, pieces) for edit in retag.edits]
    if not all(placed):
        found.notes.append(f"line {line.number}: {ref}: built from ARG values molt cannot rewrite")
        return
    edits = [e for e in placed if e is not None]
    if any(_conflicts(e, found.edits) for e in edits):
        found.notes.append(
            f"line {line.number}: {ref}: shares an ARG with another image; left unchanged"
        )
        return
    found.edits.extend(edits)
    if edits:
        found.changes.append(f"FROM {retag.change}")
        found.dropped.add(retag.old)


def _conflicts(edit: Edit, edits: list[Edit]) -> bool:
    return any(e != edit and e.start < edit.end and edit.start < e.end for e in edits)


def _python_args(text: str, line: Line, policy: Policy, found: Record) -> None:
    """``ARG PYTHON_VERSION=3.9`` that no ``FROM`` already moved."""
    for match in _ARG.finditer(text, line.body, line.end):
        if not _PYTHON_ARG.fullmatch(match["name"]):
            continue
        start, end = match.span("value")
        if any(e.start <= end and start <= e.end for e in found.edits):
            continue
        retag = images.retag_arg(match["value"], policy)
        if retag is not None:
            edits = [Edit(start + e.start, start + e.end, e.new) for e in retag.edits]
            images.record(found, retag, edits, f"ARG {match['name']}: {retag.change}")


def _run_notes(text: str, line: Line, policy: Policy, found: Record) -> None:
    """A note for the first dropped Python a ``RUN`` still names once the edits are made."""
    start, end = line.start, _instruction_end(text, line)
    inside = [e for e in found.edits if start <= e.start and e.end <= end]
    if any(e.start <= start and end <= e.end for e in found.edits):
        return  # the whole instruction goes
    rest = apply_edits(
        text[start:end], [Edit(e.start - start, e.end - start, e.new) for e in inside]
    )
    for match in _RUN_PYTHON.finditer(rest):
        version = Minor.parse(match[1] or match[2])
        if policy.drops(version):
            found.notes.append(
                f"line {line.number}: RUN uses {match[0]}; left unchanged (molt cannot tell "
                f"whether Python {policy.minimum} is packaged where it installs from)"
            )
            return


def _pyenv_image(text: str, lines: list[Line], policy: Policy, found: Record) -> None:
    def spans(keyword: str) -> list[_pyenv.Run]:
        return [
            _pyenv.Run(line.number, line.start, line.body, _instruction_end(text, line))
            for line in lines
            if line.keyword == keyword
        ]

    plan = _pyenv.plan(text, spans("RUN"), spans("ENV"), policy)
    if plan is not None:
        found.merge(plan)


def _instruction_end(text: str, line: Line) -> int:
    position = line.start
    while True:
        end = text.find("\n", position)
        if end < 0:
            return len(text)
        if not text[position:end].rstrip("\r").endswith("\\"):
            return end
        position = end + 1


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move ``FROM`` images and Python ``ARG`` defaults off the versions ``policy`` drops."""
    problem = _problem(text)
    if problem is not None:
        raise UnparsableInput("", *problem)
    found = Record()
    args = _Args({})
    lines = list(instructions(text))
    seen_from = False  # only ARGs before the first FROM reach FROM lines
    for line in lines:
        if line.keyword == "ARG" and not seen_from:
            _read_args(text, line, args)
        elif line.keyword == "FROM":
            seen_from = True
            _from(text, line, args, policy, found)
    for line in lines:
        if line.keyword == "ARG":
            _python_args(text, line, policy, found)
    _pyenv_image(text, lines, policy, found)
    for line in lines:
        if line.keyword == "RUN":
            _run_notes(text, line, policy, found)
    return found.finish(text, check_parses)


def check_parses(text: str) -> None:
    """Raise ``BrokenOutput`` unless every instruction line still starts with a keyword.

    A ``FROM`` must name an image; a ``RUN`` must have a command not ending on a dangling ``&&``.
    """
    problem = _problem(text)
    if problem is not None:
        raise BrokenOutput(f"line {problem[0]}: {problem[1]}")


def _problem(text: str) -> tuple[int, str] | None:
    for line in instructions(text):
        if line.keyword == "FROM" and _FROM.match(text, line.start, line.end) is None:
            return line.number, "FROM without an image"
        body = text[line.body : _instruction_end(text, line)].rstrip(" \t\r\n\\")
        if line.keyword == "RUN" and (not body.strip() or body.endswith("&&")):
            return line.number, "RUN without a command or ending on &&"
    return None
