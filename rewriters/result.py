"""What a rewriter returns, and the one place new text is built from edits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text``; identical duplicates are merged."""
    ordered = sorted(set(edits))
    pieces: list[str] = []
    position = 0
    for start, end, new in ordered:
        if start < position:
            raise ValueError(f"overlapping edits at offset {start}")
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def finish(
    text: str,
    edits: Iterable[Edit],
    changes: Iterable[str],
    notes: Iterable[str],
    dropped: Iterable[Minor],
    check: Callable[[str], object],
) -> Rewrite | None:
    """The rewriters' common last step: apply ``edits``, re-parse with ``check`` (which raises
    ``BrokenOutput``), and say each change and note once. Without edits, a rewrite carrying
    only the notes, or None when there is nothing to say."""
    said = tuple(dict.fromkeys(notes))
    edits = list(edits)
    if not edits:
        return Rewrite(text, (), said) if said else None
    new = apply_edits(text, edits)
    check(new)
    return Rewrite(new, tuple(dict.fromkeys(changes)), said, frozenset(dropped))
