"""Dev container configs: the ``image``, Python ``build.args`` and the python feature's version.

``devcontainer.json`` is JSON with comments and trailing commas, so a small scanner locates the
strings to change and the edits are made in the text: comments and layout stay. What moves:
``"image": "mcr.microsoft.com/devcontainers/python:3.9"`` (see ``rewriters.images``),
``"build": {"args": {"VARIANT": "3.9"}}`` (and args named for Python), and
``"features": {"ghcr.io/devcontainers/features/python:1": {"version": "3.9"}}``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rewriters import images
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Rewrite, UnparsableInput, finish
from rewriters.versions import Minor

PATTERNS = (
    ".devcontainer/devcontainer.json",
    ".devcontainer/*/devcontainer.json",
    ".devcontainer.json",
)

_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_ATOM = re.compile(r"-?\d[\w.+-]*|true|false|null")
_PYTHON_ARG = re.compile(
    r"(?i)(?:BASE_|DEFAULT_)?PY(?:THON)?(?:[_-]?(?:VER|VERSION|MINOR))?|VARIANT"
)
_PYTHON_FEATURE = re.compile(r"ghcr\.io/devcontainers/features/python(?::\d+)?")


class String(NamedTuple):
    """A JSON string: its value and the offsets of its content (inside the quotes)."""

    value: str
    start: int
    end: int


Value = String | dict[str, "Value"] | list["Value"] | None


class _Scanner:
    """Recursive descent over JSONC; only positions of strings are kept."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def fail(self, reason: str) -> UnparsableInput:
        line = self.text.count("\n", 0, self.position) + 1
        return UnparsableInput("", line, f"not valid JSON with comments: {reason}")

    def skip(self) -> str:
        self.position = _SKIP.match(self.text, self.position).end()  # type: ignore[union-attr]
        return self.text[self.position : self.position + 1]

    def value(self) -> Value:
        head = self.skip()
        if head == "{":
            return self.container("}", self.member, {})
        if head == "[":
            return self.container("]", self.item, [])
        if head == '"':
            return self.string()
        match = _ATOM.match(self.text, self.position)
        if match is None:
            raise self.fail("unexpected character")
        self.position = match.end()
        return None

    def string(self) -> String:
        match = _STRING.match(self.text, self.position)
        if match is None:
            raise self.fail("unterminated string")
        self.position = match.end()
        raw = match[0][1:-1]
        return String(raw, match.start() + 1, match.end() - 1)

    def member(self, into: dict[str, Value]) -> None:
        if self.skip() != '"':
            raise self.fail("expected a key")
        key = self.string().value
        if self.skip() != ":":
            raise self.fail("expected ':'")
        self.position += 1
        into[key] = self.value()

    def item(self, into: list[Value]) -> None:
        into.append(self.value())

    def container(self, close: str, read: object, into: dict[str, Value] | list[Value]) -> Value:
        self.position += 1
        while self.skip() != close:
            read(into)  # type: ignore[operator]
            head = self.skip()
            if head == ",":
                self.position += 1
            elif head != close:
                raise self.fail(f"expected ',' or {close!r}")
        self.position += 1
        return into


def parse(text: str) -> Value:
    """Parse JSON with comments and trailing commas; raise ``UnparsableInput`` if it is not."""
    scanner = _Scanner(text)
    document = scanner.value()
    if scanner.skip():
        raise scanner.fail("text after the document")
    return document


class _Found(NamedTuple):
    edits: list[Edit]
    changes: list[str]
    notes: list[str]
    dropped: set[Minor]

    def add(self, retag: images.Retag, at: String, change: str) -> None:
        self.notes.extend(retag.notes)
        if retag.edits:
            self.edits.extend(
                Edit(at.start + e.start, at.start + e.end, e.new) for e in retag.edits
            )
            self.changes.append(change)
            self.dropped.add(retag.old)


def _image(document: dict[str, Value], policy: Policy, found: _Found) -> None:
    image = document.get("image")
    if isinstance(image, String) and "\\" not in image.value:
        retag = images.retag(image.value, policy)
        if retag is not None:
            found.add(retag, image, f"image: {retag.change}")


def _args(document: dict[str, Value], policy: Policy, found: _Found) -> None:
    build = document.get("build")
    args = build.get("args") if isinstance(build, dict) else None
    for name, value in args.items() if isinstance(args, dict) else []:
        if isinstance(value, String) and _PYTHON_ARG.fullmatch(name):
            retag = images.retag_arg(value.value, policy)
            if retag is not None:
                found.add(retag, value, f"build arg {name}: {retag.change}")


def _features(document: dict[str, Value], policy: Policy, found: _Found) -> None:
    features = document.get("features")
    for name, options in features.items() if isinstance(features, dict) else []:
        version = options.get("version") if isinstance(options, dict) else None
        if _PYTHON_FEATURE.fullmatch(name) and isinstance(version, String):
            retag = images.retag_arg(version.value, policy)
            if retag is not None:
                found.add(retag, version, f"python feature version: {retag.change}")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the image, Python build args and python feature off the versions ``policy`` drops."""
    document = parse(text)
    if not isinstance(document, dict):
        return None
    found = _Found([], [], [], set())
    _image(document, policy, found)
    _args(document, policy, found)
    _features(document, policy, found)
    return finish(text, found.edits, found.changes, found.notes, found.dropped, check_parses)


def check_parses(text: str) -> None:
    """Raise ``BrokenOutput`` when rewritten ``text`` is no longer JSON with comments."""
    try:
        parse(text)
    except UnparsableInput as error:
        raise BrokenOutput(str(error)) from None
