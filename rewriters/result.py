"""What a rewriter returns, the record it fills while it works, and the one place new text is
built from edits.

Every rewriter fills one ``Record``: edits located in the original text, the changes and notes
it will say, and the versions it dropped. ``Record.finish`` applies the edits by one rule for
edits that meet (``resolve``), re-parses the result and returns the ``Rewrite``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.versions import Minor


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


class Rewrite(NamedTuple):
    """A rewritten file: its new text, what changed, and what is left to a human.

    A rewriter with something to say about a file but nothing to change in it returns the
    text unchanged, no changes, and its notes; molt then lists the notes without a diff.
    """

    text: str
    changes: tuple[str, ...]
    notes: tuple[str, ...] = ()
    dropped: frozenset[Minor] = frozenset()


class UnparsableInput(Exception):
    """The file cannot be parsed, so molt leaves it alone."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class BrokenOutput(Exception):
    """A rewriter produced text that does not parse: a bug in molt, never written."""


# what may sit between a replaced word and the padding that aligns what follows it
PADDING_RE = re.compile(r"(?P<close>[\"']?,?)(?P<spaces> {2,})(?=[^\s])")


def resolve(edits: Iterable[Edit]) -> list[Edit]:
    """The edits to apply, in order, by the one rule for edits that meet:

    - identical edits are one edit;
    - an edit inside the span another edit replaces is dropped: the outer edit rewrites that
      text anyway (a version inside a matrix entry that goes with its whole entry);
    - two deletions that overlap (neighbouring list items removed with a shared separator)
      become one deletion of both spans;
    - any other overlap is a bug in a rewriter: ``ValueError``.

    An insertion at the end of another edit's span is not inside it.
    """
    kept: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.start, -e.end, e.new)):
        last = kept[-1] if kept else None
        if last is None or edit.start >= last.end:
            kept.append(edit)
        elif edit.end <= last.end:
            continue  # inside the previous edit's span
        elif not edit.new and not last.new:
            kept[-1] = Edit(last.start, edit.end, "")
        else:
            raise ValueError(f"overlapping edits at offset {edit.start}")
    return kept


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply ``edits`` to ``text`` (see ``resolve`` for edits that meet).

    A word replaced by a longer or shorter one keeps what follows it in its column when
    padding aligned it there: ``["3.9",  "3.12"]`` becomes ``["3.10", "3.12"]``.
    """
    ordered = resolve(edits)
    pieces: list[str] = []
    position = 0
    for index, (start, end, new) in enumerate(ordered):
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
        padding = _padding(text, start, end, new)
        following = ordered[index + 1].start if index + 1 < len(ordered) else len(text)
        if padding is not None and padding.end() <= following:
            pieces.append(padding.group("close") + " " * _width(text, padding, end - start, new))
            position = padding.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _padding(text: str, start: int, end: int, new: str) -> re.Match[str] | None:
    """The aligning blanks after a one-line word replaced by another of a different length."""
    old = text[start:end]
    if not old.strip() or not new.strip() or len(old) == len(new) or "\n" in old + new:
        return None
    return PADDING_RE.match(text, end)


def _width(text: str, padding: re.Match[str], old_length: int, new: str) -> int:
    """The padding's new width: the same column, keeping two blanks before a comment (the
    common style, and what yamllint and PEP 8 ask for) and one before anything else."""
    least = 2 if text.startswith("#", padding.end()) else 1
    return max(least, len(padding.group("spaces")) - (len(new) - old_length))


@dataclass(kw_only=True)
class Record:
    """What one rewrite has found so far: the one record every rewriter fills."""

    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)

    def merge(self, other: Record, *, edits: bool = True) -> None:
        """Take what ``other`` found; with ``edits`` False only its notes (a trial discarded)."""
        if edits:
            self.edits += other.edits
            self.changes += other.changes
            self.dropped |= other.dropped
        self.notes += other.notes

    def finish(self, text: str, check: Callable[[str], object]) -> Rewrite | None:
        """Apply the edits to ``text``, re-parse with ``check`` (which raises ``BrokenOutput``),
        and say each change and note once. Without edits, a rewrite carrying only the notes,
        or None when there is nothing to say."""
        said = tuple(dict.fromkeys(self.notes))
        if not self.edits:
            return Rewrite(text, (), said) if said else None
        new = apply_edits(text, self.edits)
        check(new)
        return Rewrite(new, tuple(dict.fromkeys(self.changes)), said, frozenset(self.dropped))
