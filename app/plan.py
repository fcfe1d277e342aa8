"""What molt would do to a repository: ``plan()`` is pure and shared by the CLI and the App."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import rewriters
from rewriters import Policy, UnparsableInput
from rewriters.versions import Minor


class FileChange(NamedTuple):
    """One file molt rewrites."""

    path: str
    before: str
    after: str
    changes: tuple[str, ...]
    notes: tuple[str, ...]


class Skipped(NamedTuple):
    """A file molt could not read or parse, left exactly as it was."""

    path: str
    reason: str


class Plan(NamedTuple):
    """Everything molt would do to a repository under a policy."""

    policy: Policy
    files: tuple[FileChange, ...]
    skipped: tuple[Skipped, ...]
    dropped: frozenset[Minor]
    # Notes of files a rewriter had something to say about but nothing to change.
    unchanged_notes: tuple[tuple[str, str], ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """Every note of every file, each once, in path order."""
        pairs = [(c.path, note) for c in self.files for note in c.notes]
        seen: dict[str, None] = {}
        for path, note in sorted(pairs + list(self.unchanged_notes)):
            seen.setdefault(f"`{path}`: {note}", None)
        return tuple(seen)


def plan(files: Mapping[str, str], policy: Policy) -> Plan:
    """Rewrite every file the registry claims; ``files`` maps repository paths to text."""
    changes: list[FileChange] = []
    skipped: list[Skipped] = []
    unchanged_notes: list[tuple[str, str]] = []
    dropped: set[Minor] = set()
    for path in sorted(files):
        try:
            result = rewriters.rewrite(path, files[path], policy)
        except UnparsableInput as error:
            skipped.append(Skipped(path, str(error).removeprefix(f"{path}: ")))
            continue
        if result is None:
            continue
        if result.text == files[path]:
            unchanged_notes.extend((path, note) for note in result.notes)
            continue
        changes.append(FileChange(path, files[path], result.text, result.changes, result.notes))
        dropped |= result.dropped
    return Plan(policy, tuple(changes), tuple(skipped), frozenset(dropped), tuple(unchanged_notes))
