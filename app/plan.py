"""What molt would do to a repository: ``plan()`` is pure and shared by the CLI and the App."""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import re
from collections.abc import Collection, Iterator, Mapping
from typing import NamedTuple

import rewriters
from rewriters import Policy, UnparsableInput
from rewriters.docs import changelog
from rewriters.repository import declared, lockfiles, style, version_named
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
    """One file molt rewrites, creates (``before`` empty) or deletes (``after`` None)."""

    path: str
    before: str
    after: str | None
    changes: tuple[str, ...]
    notes: tuple[str, ...]
    # the path a renamed file had: its new path takes the old file's mode
    renamed_from: str | None = None


def unified_diff(change: FileChange) -> Iterator[str]:
    """The change as unified diff lines; a created or deleted file diffs with /dev/null."""
    return difflib.unified_diff(
        change.before.splitlines(keepends=True),
        (change.after or "").splitlines(keepends=True),
        f"a/{change.path}" if change.before else "/dev/null",
        f"b/{change.path}" if change.after is not None else "/dev/null",
    )


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


# Files that declare the package's minimum Python, at the repository's root. While one of them
# cannot be parsed, rewriting CI alone would drop versions packaging still admits.
DECLARES_MINIMUM = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})
WITHHELD = "it declares the minimum Python, so molt changes no file until it parses"
# "line 4, column 3" (YAML), "line: 1" (INI), "(at line 3, column 8)" (TOML)
_POSITION_RE = re.compile(r"\(?(?:at )?line:? (\d+)(?:, column:? (\d+))?\)?:?")


def settle_unparsable(result: Plan) -> Plan:
    """``result`` with every skip's reason on one line, led by its line and column; when a
    file that declares the minimum was skipped, with no change at all, and the reason says so.

    Idempotent, so a caller that adds skips of its own (unreadable files) may apply it again.
    """
    skipped = []
    for skip in result.skipped:
        located = re.match(rf"{re.escape(skip.path)}:(\d+): ", skip.reason)
        text = skip.reason[located.end() :] if located else skip.reason
        positions = list(_POSITION_RE.finditer(text))
        found = [m for m in positions if m[2]] or positions
        line = found[-1][1] if found else located[1] if located else None
        column = found[-1][2] if found else None
        parts = (  # the message lines, without echoed source or location lines
            _POSITION_RE.sub("", part).strip()
            for part in text.split("\n\n")[0].splitlines()
            if part.strip() and not part[0].isspace() and not part.startswith(("file:", "'"))
        )
        message = "; ".join(part for part in parts if part)
        where = f"line {line}, column {column}: " if column else f"line {line}: " if line else ""
        reason = where + (message or " ".join(text.split()))
        blocks = skip.path in DECLARES_MINIMUM and WITHHELD not in reason
        skipped.append(Skipped(skip.path, f"{reason} ({WITHHELD})" if blocks else reason))
    if not any(skip.path in DECLARES_MINIMUM for skip in skipped):
        return result._replace(skipped=tuple(skipped))
    return Plan(result.policy, (), tuple(skipped), frozenset())


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
    policy = dataclasses.replace(
        policy,
        quote=style.repository_quote(files),
        newest=declared.newest_supported(files),
    )
    changes: list[FileChange] = []
    skipped: list[Skipped] = []
    unchanged_notes: list[tuple[str, str]] = []
    dropped: set[Minor] = set()
    dropped_by_path: dict[str, frozenset[Minor]] = {}
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
        dropped_by_path[path] = frozenset(result.dropped)
    named = {path: version_named.named_versions(text) for path, text in files.items()}
    moves = version_named.moves(paths or list(files), policy, dropped_by_path, named)
    if moves:
        changes, left = _move_files(files, changes, moves, policy.minimum)
        unchanged_notes.extend(left)
    if changes and dropped and changelog_entry:
        changes.extend(_changelog(files, policy, dropped))
    notes = lockfiles.notes({**dict.fromkeys(paths, ""), **files}) if changes else ()
    return settle_unparsable(
        Plan(
            policy,
            tuple(changes),
            tuple(skipped),
            frozenset(dropped),
            tuple(unchanged_notes),
            notes,
        )
    )


def _move_files(
    files: Mapping[str, str],
    changes: list[FileChange],
    moves: list[version_named.Move],
    minimum: Minor,
) -> tuple[list[FileChange], list[tuple[str, str]]]:
    """Delete or rename the files named for a dropped version, and follow their names in the
    other config files; notes for prose and changelogs that still name them."""
    by_path = {change.path: change for change in changes}
    moved: list[FileChange] = []
    for move in moves:
        same = FileChange(move.path, files[move.path], files[move.path], (), ())
        change = by_path.pop(move.path, same)
        old, new = move.path.rpartition("/")[2], move.target.rpartition("/")[2]
        why = f"named for Python {move.version}"
        if move.delete:
            gone = f"removed ({why}; {new} is the one for Python {minimum})"
            moved.append(FileChange(move.path, change.before, None, (gone,), ()))
            continue
        moved.append(FileChange(move.path, change.before, None, (f"renamed to {new} ({why})",), ()))
        carried = (*change.changes, f"renamed from {old}")
        moved.append(FileChange(move.target, "", change.after, carried, change.notes, move.path))
    notes: list[tuple[str, str]] = []
    for path in sorted(set(files) - {m.path for m in moves}):
        text = by_path[path].after if path in by_path else files[path]
        assert text is not None
        if version_named.is_history(path):
            named = [m.path for m in moves if version_named.mentions(text, m)]
            notes.extend((path, f"still names {p}, which molt removes or renames") for p in named)
            continue
        followed, renamed = version_named.follow(text, moves)
        if renamed:
            was = by_path.get(path, FileChange(path, files[path], files[path], (), ()))
            follows = f"follows moved files: {', '.join(renamed)}"
            by_path[path] = was._replace(after=followed, changes=(*was.changes, follows))
    return sorted([*by_path.values(), *moved]), notes


def _changelog(
    files: Mapping[str, str], policy: Policy, dropped: Collection[Minor]
) -> list[FileChange]:
    """One entry in the repository's changelog, in its own convention (a new file or not)."""
    written = changelog.entry(files, policy, dropped)
    return [
        FileChange(path, files.get(path, ""), text, (CHANGELOG_CHANGE,), ())
        for path, text in sorted(written.items())
    ]
