"""What molt would do to a repository: ``plan()`` is pure and shared by the CLI and the App."""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Mapping
from typing import NamedTuple

import rewriters
from rewriters import Policy, UnparsableInput, changelog, lockfiles
from rewriters.versions import Minor

CHANGELOG_CHANGE = "changelog: added an entry"
# Compiled requirements files name the command that regenerates them in their header.
REQUIREMENTS = "*requirements*.txt"


def reads(path: str) -> bool:
    """True for the files a plan needs the text of: what a rewriter claims, and compiled
    requirements files (for the note on how to regenerate them)."""
    name = path.rsplit("/", 1)[-1]
    return rewriters.claims(path) or fnmatch.fnmatchcase(name, REQUIREMENTS)


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
    # Notes about the repository as a whole (lock files molt does not regenerate).
    repository_notes: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """Every note of every file, each once, in path order."""
        pairs = [(c.path, note) for c in self.files for note in c.notes]
        seen: dict[str, None] = {}
        for path, note in sorted(pairs + list(self.unchanged_notes)):
            seen.setdefault(f"`{path}`: {note}", None)
        return tuple(seen) + self.repository_notes


def plan(
    files: Mapping[str, str],
    policy: Policy,
    *,
    paths: Collection[str] = (),
    changelog_entry: bool = True,
) -> Plan:
    """Rewrite every file the registry claims; ``files`` maps repository paths to text.

    ``paths`` lists every file of the repository (lock files are noted, never read); with
    ``changelog_entry`` a changed repository also gets an entry in its own changelog.
    """
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
    if changes and dropped and changelog_entry:
        changes.extend(_changelog(files, policy, dropped))
    notes = lockfiles.notes({**dict.fromkeys(paths, ""), **files}) if changes else ()
    return Plan(
        policy,
        tuple(changes),
        tuple(skipped),
        frozenset(dropped),
        tuple(unchanged_notes),
        notes,
    )


def _changelog(
    files: Mapping[str, str], policy: Policy, dropped: Collection[Minor]
) -> list[FileChange]:
    """One entry in the repository's changelog, in its own convention (a new file or not)."""
    written = changelog.entry(files, policy, dropped)
    return [
        FileChange(path, files.get(path, ""), text, (CHANGELOG_CHANGE,), ())
        for path, text in sorted(written.items())
    ]
