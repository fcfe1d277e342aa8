"""JSON with comments and trailing commas (devcontainer.json, pyrightconfig.json): a scanner.

The scanner checks that a document is JSONC (``//`` and ``/* */`` comments, trailing commas in
objects and arrays) and returns its objects and arrays with every string as a ``String``: its
raw text (escapes left as written) and the offsets of its content, so rewriters can edit the
original text in place. Numbers, ``true``, ``false`` and ``null`` come out as None. It never
writes JSON.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rewriters.result import BrokenOutput, UnparsableInput

_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_ATOM = re.compile(r"-?\d[\w.+-]*|true|false|null")


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


def check_parses(text: str) -> None:
    """Raise ``BrokenOutput`` when rewritten ``text`` is no longer JSON with comments."""
    try:
        parse(text)
    except UnparsableInput as error:
        raise BrokenOutput(str(error)) from None
