"""TOML key/value positions as text offsets, and edits that remove array elements; never dumps.

``tomllib`` checks that a document parses and decodes single values; a small scanner (which may
assume valid TOML, because ``tomllib`` said so first) finds where every value sits in the text.
Each key/value pair comes out as an ``Entry`` whose path is the full dotted path
(``("tool", "ruff", "target-version")``); pairs inside inline tables, also inline tables inside
arrays, come out too, with their path extended by their own key (array indices are left out).
The same scan gives each ``[table]`` header line, with where each part of its key sits.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from rewriters.result import Edit, UnparsableInput

BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
SKIP_RE = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
INLINE_SPACE_RE = re.compile(r"[ \t]*")
SCALAR_RE = re.compile(r"[^,\]}#\r\n]*")
OWN_LINE_TAIL_RE = re.compile(r"[ \t]*,?[ \t]*(?:#[^\n]*)?\r?\n")


class Value(NamedTuple):
    """Where one value sits: ``text[start:end]`` is its whole token (quotes, brackets included)."""

    start: int
    end: int
    kind: str  # "string", "array", "table" (inline) or "other"
    items: tuple[Value, ...] = ()


class Entry(NamedTuple):
    """One ``key = value`` pair: its full path and where its value sits."""

    path: tuple[str, ...]
    value: Value


class Header(NamedTuple):
    """A ``[table]`` header line: where it starts and ends (past its newline), its key path,
    and where each part of the key sits (quotes included)."""

    start: int
    stop: int
    path: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def load(text: str) -> dict[str, object]:
    """Parse ``text``; raise ``UnparsableInput`` naming the line when it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise UnparsableInput("", int(match[1]) if match else None, str(error)) from None


def decode(text: str, value: Value) -> object:
    """The Python value of one value token."""
    return tomllib.loads("v = " + text[value.start : value.end])["v"]


def inner(text: str, value: Value) -> tuple[int, int]:
    """The span between the quotes of a string value."""
    quote = 3 if text.startswith(('"""', "'''"), value.start) else 1
    return value.start + quote, value.end - quote


def entries(text: str) -> list[Entry]:
    """Every key/value pair of a valid TOML document, in text order."""
    return list(_Scanner(text).document())


def headers(text: str) -> list[Header]:
    """Every table header of a valid TOML document, in text order (a line inside a value, such
    as a multi-line string, is not a header)."""
    scanner = _Scanner(text)
    for _entry in scanner.document():
        pass
    return scanner.headers


class _Scanner:
    """Recursive descent over valid TOML, recording value spans."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.headers: list[Header] = []

    def run(self, pattern: re.Pattern[str]) -> str:
        """Consume what ``pattern`` (which matches the empty string too) matches here."""
        match = pattern.match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()
        return match[0]

    def skip(self) -> None:
        self.run(SKIP_RE)

    def skip_inline(self) -> None:
        self.run(INLINE_SPACE_RE)

    def document(self) -> Iterator[Entry]:
        table: tuple[str, ...] = ()
        self.skip()
        while self.pos < len(self.text):
            if self.text[self.pos] == "[":
                table = self.header()
            else:
                yield from self.pair(table)
            self.skip()

    def header(self) -> tuple[str, ...]:
        start = line_start(self.text, self.pos)
        self.pos += 2 if self.text.startswith("[[", self.pos) else 1
        parts = self.key_parts()
        self.skip_inline()
        self.pos += 2 if self.text.startswith("]]", self.pos) else 1
        stop = self.text.find("\n", self.pos)
        stop = len(self.text) if stop < 0 else stop + 1
        key = tuple(part for part, _ in parts)
        self.headers.append(Header(start, stop, key, tuple(span for _, span in parts)))
        return key

    def key(self) -> tuple[str, ...]:
        return tuple(part for part, _ in self.key_parts())

    def key_parts(self) -> list[tuple[str, tuple[int, int]]]:
        """Each part of a dotted key, decoded, with where it sits (quotes included)."""
        parts: list[tuple[str, tuple[int, int]]] = []
        while True:
            self.skip_inline()
            start = self.pos
            parts.append((self.key_part(), (start, self.pos)))
            self.skip_inline()
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def key_part(self) -> str:
        if self.text[self.pos] in "\"'":
            value = self.string()
            return str(decode(self.text, value))
        return self.run(BARE_KEY_RE)

    def pair(self, table: tuple[str, ...]) -> Iterator[Entry]:
        path = table + self.key()
        self.pos += 1  # "="
        self.skip_inline()
        value, nested = self.value(path)
        yield Entry(path, value)
        yield from nested

    def value(self, path: tuple[str, ...]) -> tuple[Value, list[Entry]]:
        char = self.text[self.pos]
        if char in "\"'":
            return self.string(), []
        if char == "[":
            return self.array(path)
        if char == "{":
            return self.inline_table(path)
        return self.scalar(), []

    def string(self) -> Value:
        start = self.pos
        quote = self.text[start]
        delimiter = quote * 3 if self.text.startswith(quote * 3, start) else quote
        self.pos += len(delimiter)
        while not self.text.startswith(delimiter, self.pos):
            self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
        self.pos += len(delimiter)
        # a multi-line string may end with one or two quotes right before its delimiter
        while len(delimiter) == 3 and self.text.startswith(quote, self.pos):
            self.pos += 1
        return Value(start, self.pos, "string")

    def array(self, path: tuple[str, ...]) -> tuple[Value, list[Entry]]:
        start = self.pos
        self.pos += 1
        items: list[Value] = []
        nested: list[Entry] = []
        self.skip()
        while self.text[self.pos] != "]":
            item, inside = self.value(path)
            items.append(item)
            nested.extend(inside)
            self.skip()
            if self.text[self.pos] == ",":
                self.pos += 1
                self.skip()
        self.pos += 1
        return Value(start, self.pos, "array", tuple(items)), nested

    def inline_table(self, path: tuple[str, ...]) -> tuple[Value, list[Entry]]:
        start = self.pos
        self.pos += 1
        nested: list[Entry] = []
        self.skip()
        while self.text[self.pos] != "}":
            nested.extend(self.pair(path))
            self.skip()
            if self.text[self.pos] == ",":
                self.pos += 1
                self.skip()
        self.pos += 1
        return Value(start, self.pos, "table"), nested

    def scalar(self) -> Value:
        start = self.pos
        self.pos = start + len(self.run(SCALAR_RE).rstrip(" \t"))
        return Value(start, self.pos, "other")


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding ``offset``."""
    return text.rfind("\n", 0, offset) + 1


def owns_line(text: str, value: Value) -> int | None:
    """When ``value`` sits alone on its line(s), the end of that line (past the newline)."""
    if text[line_start(text, value.start) : value.start].strip(" \t"):
        return None
    tail = OWN_LINE_TAIL_RE.match(text, value.end)
    return tail.end() if tail else None


_COMMENT_LINE_RE = re.compile(r"[ \t]*#[^\n]*\n")
_GROUP_END_RE = re.compile(r"[ \t]*(?:\r?\n|\]|\[|$)")


def with_comment_above(text: str, start: int, end: int) -> int:
    """Where deleting the whole lines ``text[start:end]`` should start: at the comment lines
    right above them when nothing but a blank line, a bracket or the end follows, since such a
    comment can only be about what goes (a comment above a group of kept lines stays)."""
    if not _GROUP_END_RE.match(text, end):
        return start
    while start:
        above = line_start(text, start - 1)
        if not _COMMENT_LINE_RE.fullmatch(text, above, start):
            break
        start = above
    return start


def remove_items(text: str, array: Value, removed: Sequence[int]) -> list[Edit]:
    """Edits removing the elements at ``removed`` with their separators (or whole lines).

    Neighbouring elements may share a separator, so their deletions can overlap;
    ``rewriters.result.resolve`` fuses them when the edits are applied."""
    items = array.items
    gone = set(removed)
    kept = [i for i in range(len(items)) if i not in gone]
    edits: list[Edit] = []
    for index in sorted(gone):
        item = items[index]
        before = [items[i] for i in kept if i < index]
        after = [items[i] for i in kept if i > index]
        line_end = owns_line(text, item)
        if line_end is not None:
            start = line_start(text, item.start)
            edits.append(Edit(with_comment_above(text, start, line_end), line_end, ""))
        elif before and "\n" not in text[before[-1].end : item.start]:
            edits.append(Edit(before[-1].end, item.end, ""))
        elif after:
            edits.append(Edit(item.start, after[0].start, ""))
        elif before:
            edits.append(Edit(before[-1].end, item.end, ""))
        else:
            edits.append(Edit(item.start, _after_comma(text, item.end), ""))
    return edits


def _after_comma(text: str, offset: int) -> int:
    """Past an optional trailing comma (and blanks) after the last element of an array."""
    match = re.compile(r"[ \t]*,[ \t]*").match(text, offset)
    return match.end() if match else offset
