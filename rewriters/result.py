"""What a rewriter returns, and the one place new text is built from edits."""

from __future__ import annotations

import re
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


# what may sit between a replaced word and the padding that aligns what follows it
PADDING_RE = re.compile(r"(?P<close>[\"']?,?)(?P<spaces> {2,})(?=[^\s])")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text``; identical duplicates are merged.

    A word replaced by a longer or shorter one keeps what follows it in its column when
    padding aligned it there: ``["3.9",  "3.12"]`` becomes ``["3.10", "3.12"]``.
    """
    ordered = sorted(set(edits))
    pieces: list[str] = []
    position = 0
    for index, (start, end, new) in enumerate(ordered):
        if start < position:
            raise ValueError(f"overlapping edits at offset {start}")
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
