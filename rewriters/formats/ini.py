"""INI scanner for setup.cfg, tox.ini and mypy.ini: sections, keys and value lines as offsets.

The scanner follows ``configparser``'s reading rules (``=`` or ``:`` delimiters, values continued
on deeper-indented lines, blank lines inside values, ``#``/``;`` full-line comments) but keeps the
offsets of everything it finds, so rewriters can edit the original text in place.
``configparser`` itself only validates input and output; it never writes.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.result import BrokenOutput, Edit, Record, Rewrite, UnparsableInput
from rewriters.versions import Minor, join_names

LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")
SECTION_RE = re.compile(r"\[(?P<name>.+)\]")
OPTION_RE = re.compile(r"(?P<key>.*?)\s*(?P<sep>[=:])\s*(?P<value>.*)$")


class Line(NamedTuple):
    """One physical line: ``text`` without its line break, ``stop`` just after the break."""

    start: int
    stop: int
    text: str


class Value(NamedTuple):
    """One non-blank line of a value: its stripped text and where that text starts."""

    line: Line
    start: int
    text: str

    @property
    def end(self) -> int:
        """Offset just after the stripped text."""
        return self.start + len(self.text)


class Entry(NamedTuple):
    """A ``key = value`` option; ``values[0]`` is the (maybe empty) text on the key line."""

    key: str
    line: Line
    values: tuple[Value, ...]

    @property
    def stop(self) -> int:
        """Offset just after the last line of the value."""
        return self.values[-1].line.stop

    def name(self) -> str:
        """The key as configparser sees it (lowercase)."""
        return self.key.lower()


def first_value(entry: Entry) -> Value:
    """The first non-empty line of a value (``key =`` may put it on the next line)."""
    return next((v for v in entry.values if v.text), entry.values[0])


class Section(NamedTuple):
    """A ``[name]`` section and its entries; ``stop`` is where the next section begins."""

    name: str
    header: Line
    name_start: int
    entries: tuple[Entry, ...]
    stop: int

    def get(self, *keys: str) -> Entry | None:
        """The last entry named one of ``keys`` (configparser's last-wins rule)."""
        found = [e for e in self.entries if e.name() in keys]
        return found[-1] if found else None


def lines_of(text: str) -> Iterator[Line]:
    """Physical lines split on ``\\n`` only, as ``configparser`` reads them."""
    for match in LINE_RE.finditer(text):
        raw = match.group()
        yield Line(match.start(), match.end(), raw.rstrip("\r\n"))


def _is_comment(stripped: str) -> bool:
    return stripped.startswith(("#", ";"))


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _value(line: Line) -> Value:
    stripped = line.text.strip()
    return Value(line, line.start + _indent(line.text), stripped)


def _entry(line: Line) -> Entry:
    stripped = line.text.strip()
    match = OPTION_RE.match(stripped)
    assert match is not None  # configparser rejected anything else
    offset = line.start + _indent(line.text)
    start = offset + match.start("value")
    first = Value(line, start, match["value"].rstrip())
    return Entry(match["key"], line, (first,))


class _Builder:
    """Collects sections while walking lines in configparser's order."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.entries: list[Entry] = []

    def close_section(self, stop: int) -> None:
        if self.sections:
            last = self.sections[-1]
            self.sections[-1] = last._replace(entries=tuple(self.entries), stop=stop)
        self.entries = []

    def open_section(self, line: Line, name: str) -> None:
        self.close_section(line.start)
        name_start = line.text.index("[") + 1 + line.start
        self.sections.append(Section(name, line, name_start, (), line.stop))

    def continue_entry(self, line: Line) -> None:
        entry = self.entries[-1]
        self.entries[-1] = entry._replace(values=(*entry.values, _value(line)))


def scan(text: str) -> tuple[Section, ...]:
    """Every section of ``text`` with its entries; raise ``UnparsableInput`` if it is not INI."""
    validate(text, broken=False)
    builder = _Builder()
    indent_level = 0
    for line in lines_of(text):
        stripped = line.text.strip()
        if not stripped or _is_comment(stripped):
            continue
        indent = _indent(line.text)
        if builder.entries and indent > indent_level:
            builder.continue_entry(line)
            continue
        indent_level = indent
        header = SECTION_RE.match(stripped)
        if header is not None:
            builder.open_section(line, header["name"])
            continue
        builder.entries.append(_entry(line))
    builder.close_section(len(text))
    return tuple(builder.sections)


def validate(text: str, *, broken: bool) -> None:
    """Parse ``text`` with configparser; raise ``BrokenOutput`` or ``UnparsableInput``."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        if broken:
            raise BrokenOutput(f"rewritten INI does not parse: {error}") from error
        errors = getattr(error, "errors", None) or [(getattr(error, "lineno", None),)]
        line = errors[0][0]
        raise UnparsableInput("", line, f"not an INI file: {error.message}") from error


def check_output(text: str) -> None:
    """Raise ``BrokenOutput`` unless the rewritten ``text`` is still INI."""
    validate(text, broken=True)


def section_span(text: str, section: Section) -> tuple[int, int]:
    """The span deleting a section: header, entries and the blank lines after them.

    Comments after the last entry stay: they usually introduce the next section.
    """
    stop = section.entries[-1].stop if section.entries else section.header.stop
    for line in lines_of(text[stop : section.stop]):
        if line.text.strip():
            break
        stop += line.stop - line.start
    return section.header.start, stop


def replace_value(entry: Entry, value: Value, new: str | None, plan: Plan) -> None:
    """Replace a value line's text, or delete it (None); a key line only loses its value."""
    if new is None and value is entry.values[0]:
        before = value.line.text[: value.start - value.line.start].rstrip()
        plan.edits.append(Edit(value.line.start + len(before), value.end, ""))
    elif new is None:
        plan.edits.append(Edit(value.line.start, value.line.stop, ""))
    else:
        plan.edits.append(Edit(value.start, value.end, new))


@dataclass(kw_only=True)
class Plan(Record):
    """The record of one INI rewrite, with what the tox rules keep while they walk the file:
    the places that lost versions (one change line each) and the envs the env list moved up."""

    dropped_in: dict[str, set[Minor]] = field(default_factory=dict)
    renamed: set[str] = field(default_factory=set)  # tox envs the env list moved up

    def drop(self, where: str, versions: Collection[Minor]) -> None:
        """Record that ``where`` lost ``versions`` (reported as one change line per place)."""
        if not versions:
            return
        self.dropped |= set(versions)
        self.dropped_in.setdefault(where, set()).update(versions)

    def finish(self, text: str, check: Callable[[str], object] = check_output) -> Rewrite | None:
        """``Record.finish``, with the places that lost versions said first."""
        lines = [
            f"{where}: dropped {join_names(sorted(v))}" for where, v in self.dropped_in.items()
        ]
        said = Record(
            edits=self.edits, changes=lines + self.changes, notes=self.notes, dropped=self.dropped
        )
        return said.finish(text, check)


# --- comma lists on value lines (tox env lists, factor conditions) ---------------------------


class Item(NamedTuple):
    """One comma-separated item of a value line: its text and absolute offsets."""

    start: int
    end: int
    text: str


def split_items(text: str, offset: int) -> list[Item]:
    """Split on commas outside braces; empty items (a trailing comma) are skipped."""
    items: list[Item] = []
    depth = 0
    start = 0
    for index, char in enumerate([*text, ","]):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            raw = text[start:index]
            if raw.strip():
                lead = len(raw) - len(raw.lstrip())
                items.append(
                    Item(offset + start + lead, offset + start + len(raw.rstrip()), raw.strip())
                )
            start = index + 1
    return items


def rebuild_items(text: str, offset: int, items: Sequence[Item], new: dict[int, str | None]) -> str:
    """``text`` with items replaced (str) or removed (None) along with one separator."""
    slots: list[list[str]] = []  # [item text, separator after it]
    for index, item in enumerate(items):
        after = items[index + 1].start if index + 1 < len(items) else offset + len(text)
        slots.append([new.get(index, item.text) or "", text[item.end - offset : after - offset]])
    head = text[: items[0].start - offset]
    removed = [i for i, item in enumerate(items) if i in new and new[i] is None]
    for index in reversed(removed):
        if index == len(slots) - 1 and index > 0:
            slots[index - 1][1] = slots[index][1]
        del slots[index]
    return head + "".join(t + s for t, s in slots)
