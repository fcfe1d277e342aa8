"""A whole repository at once: its facts, every file's rewrite, and the passes across files.

``rewrite_repository`` is what the App and the CLI run (through ``rewriters``). It reads the
repository's ``Facts`` (the quote it writes versions with, the newest Python it declares), so
every file is rewritten as that repository writes; rewrites each file the registry claims,
except generated files and tests' inputs (``scope``); announces the dropped versions the
project had declared (``declared.oldest_declared``); then runs ``PASSES`` in order, each
looking at more than one file:

1. the scripts CI runs follow the CI files: their Python lists shrink, and their interpreter
   names follow the pins of the jobs that run them (``ci_scripts``);
2. files named for a dropped version are removed or renamed, and the config files naming them
   follow (``version_named``);
3. the repository's changelog gets one entry, in its own convention (``docs.changelog``);
4. lock files molt does not regenerate get a note saying how (``lockfiles``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters import registry
from rewriters.policy import Facts, Policy
from rewriters.repository import declared, lockfiles, scope, style, version_named
from rewriters.result import Rewrite, UnparsableInput
from rewriters.versions import Minor

CHANGELOG_CHANGE = "changelog: added an entry"
TOO_DEEP = "nested too deeply to read"


class FileChange(NamedTuple):
    """One file molt rewrites, creates (``before`` empty) or deletes (``after`` None)."""

    path: str
    before: str
    after: str | None
    changes: tuple[str, ...]
    notes: tuple[str, ...]
    # the path a renamed file had: its new path takes the old file's mode
    renamed_from: str | None = None


class Skipped(NamedTuple):
    """A file molt could not parse, left exactly as it was."""

    path: str
    reason: str


class RepositoryRewrite(NamedTuple):
    """Everything molt would do to a repository under a policy (with the repository's facts)."""

    policy: Policy
    files: tuple[FileChange, ...]
    skipped: tuple[Skipped, ...]
    dropped: frozenset[Minor]
    # notes of files a rewriter had something to say about but nothing to change
    unchanged_notes: tuple[tuple[str, str], ...] = ()
    # notes about the repository as a whole (lock files molt does not regenerate)
    repository_notes: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """Every note of every file, each once, in path order, then the repository's."""
        pairs = [(c.path, note) for c in self.files for note in c.notes]
        seen: dict[str, None] = {}
        for path, note in sorted(pairs + list(self.unchanged_notes)):
            seen.setdefault(f"`{path}`: {note}", None)
        return tuple(seen) + self.repository_notes


@dataclass
class _Repository:
    """What the passes read and add to."""

    files: Mapping[str, str]
    paths: Collection[str]
    policy: Policy
    changelog_entry: bool
    changes: list[FileChange] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unchanged_notes: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)
    dropped_by_path: dict[str, frozenset[Minor]] = field(default_factory=dict)


def read_facts(files: Mapping[str, str]) -> Facts:
    """What the repository says of itself, read across its files."""
    return Facts(quote=style.repository_quote(files), newest=declared.newest_supported(files))


def rewrite_file(path: str, text: str, policy: Policy) -> Rewrite | None:
    """Rewrite ``text`` of the file at ``path``; None when no rewriter owns it or nothing
    changes. Raises ``UnparsableInput`` naming ``path`` for a file its rewriter cannot parse,
    also one nested deeper than the parsers recurse (a hostile file must not fail the whole
    repository)."""
    rewriter = registry.owner_of(path)
    if rewriter is None:
        return None
    try:
        return rewriter.rewrite(text, policy)
    except UnparsableInput as error:
        raise UnparsableInput(path, error.line, error.reason) from None
    except RecursionError:
        raise UnparsableInput(path, None, TOO_DEEP) from None


def rewrite_repository(
    files: Mapping[str, str],
    policy: Policy,
    *,
    paths: Collection[str] = (),
    changelog_entry: bool = True,
) -> RepositoryRewrite:
    """Rewrite every file the registry claims (``files`` maps repository paths to text), then
    run the repository-wide passes.

    ``paths`` lists every file of the repository (lock files are noted, never read); with
    ``changelog_entry`` a changed repository also gets an entry in its own changelog.
    """
    policy = dataclasses.replace(policy, facts=read_facts(files))
    repository = _Repository(files, paths or list(files), policy, changelog_entry)
    _rewrite_files(repository)
    skipped = {skip.path for skip in repository.skipped}
    repository.files = {path: text for path, text in files.items() if path not in skipped}
    _announce(repository)
    for run in PASSES:
        run(repository)
    return RepositoryRewrite(
        policy,
        tuple(repository.changes),
        tuple(repository.skipped),
        frozenset(repository.dropped),
        tuple(repository.unchanged_notes),
        tuple(repository.notes),
    )


def _rewrite_files(repository: _Repository) -> None:
    files = repository.files
    for path in sorted(files):
        if scope.is_test_input(path, files) or not registry.claims(path):
            continue
        if scope.generated(files[path]):
            if not lockfiles.is_lock_file(path, files[path]):
                repository.unchanged_notes.append((path, scope.generated_note(files[path])))
            continue
        try:
            result = rewrite_file(path, files[path], repository.policy)
        except UnparsableInput as error:
            repository.skipped.append(Skipped(path, str(error).removeprefix(f"{path}: ")))
            continue
        if result is not None:
            _record(repository, path, files[path], result)


def _record(repository: _Repository, path: str, text: str, result: Rewrite) -> None:
    """Keep what rewriting ``text`` of ``path`` came to: a change, or only its notes."""
    if result.text == text:
        repository.unchanged_notes.extend((path, note) for note in result.notes)
        return
    repository.changes.append(FileChange(path, text, result.text, result.changes, result.notes))
    repository.dropped |= result.dropped
    repository.dropped_by_path[path] = frozenset(result.dropped)


def _announce(repository: _Repository) -> None:
    """The versions the change announces (title, changelog entry, body) are those the project
    declared: one older than its declared floor (a stale ``--py37-plus``) is cleaned up but not
    announced."""
    floor = declared.oldest_declared(repository.files)
    if floor is not None:
        repository.dropped = {v for v in repository.dropped if v >= floor}


def scripts_run(files: Mapping[str, str], paths: Collection[str]) -> set[str]:
    """The scripts (among ``paths``, every file of the repository) that the CI files among
    ``files`` run and no rewriter claims: the App and the CLI read them too, in a second read
    (``rewriters.ci.scripts``)."""
    from rewriters.ci import scripts  # parses CI files: imported when a repository is read

    return scripts.scripts_run(files, paths)


def follow_ci_scripts(repository: _Repository) -> None:
    """Rewrite the scripts CI runs (read on top of the claimed files) after the CI files,
    whose rewritten jobs say which interpreter names may follow them."""
    files, policy = repository.files, repository.policy
    run = sorted(scripts_run(files, repository.paths) & files.keys())
    if not run:
        return
    from rewriters.ci import scripts
    from rewriters.repository import ci_scripts  # a rewriter too: imported when it has work

    rewritten = {c.path: c.after for c in repository.changes if c.after is not None}
    before = scripts.runs(files, policy, run)
    after = scripts.runs({**files, **rewritten}, policy, run)
    if any(scripts.is_ci_file(skip.path) for skip in repository.skipped):
        for path in run:  # a CI file molt could not read may run it on any Python
            before.setdefault(path, []).append(scripts.UNKNOWN)
    for path in run:
        text = files[path]
        result = ci_scripts.rewrite(path, text, policy, before.get(path, []), after.get(path, []))
        if result is not None and scope.generated(text):
            repository.unchanged_notes.append((path, scope.generated_note(text)))
        elif result is not None:
            _record(repository, path, text, result)
    repository.changes.sort()
    _announce(repository)


def move_version_named(repository: _Repository) -> None:
    """Delete or rename the files named for a dropped version, and follow their names in the
    other config files; notes for prose and changelogs that still name them."""
    files, policy = repository.files, repository.policy
    named = {path: version_named.named_versions(text) for path, text in files.items()}
    moves = version_named.moves(repository.paths, policy, repository.dropped_by_path, named)
    if not moves:
        return
    by_path = {change.path: change for change in repository.changes}
    moved: list[FileChange] = []
    for move in moves:
        same = FileChange(move.path, files[move.path], files[move.path], (), ())
        change = by_path.pop(move.path, same)
        old, new = move.path.rpartition("/")[2], move.target.rpartition("/")[2]
        why = f"named for Python {move.version}"
        if move.delete:
            gone = f"removed ({why}; {new} is the one for Python {policy.minimum})"
            moved.append(FileChange(move.path, change.before, None, (gone,), ()))
            continue
        moved.append(FileChange(move.path, change.before, None, (f"renamed to {new} ({why})",), ()))
        carried = (*change.changes, f"renamed from {old}")
        moved.append(FileChange(move.target, "", change.after, carried, change.notes, move.path))
    for path in sorted(set(files) - {m.path for m in moves}):
        text = by_path[path].after if path in by_path else files[path]
        assert text is not None
        if version_named.is_history(path):
            names = [m.path for m in moves if version_named.mentions(text, m)]
            repository.unchanged_notes.extend(
                (path, f"still names {p}, which molt removes or renames") for p in names
            )
            continue
        followed, renamed = version_named.follow(text, moves)
        if renamed:
            was = by_path.get(path, FileChange(path, files[path], files[path], (), ()))
            follows = f"follows moved files: {', '.join(renamed)}"
            by_path[path] = was._replace(after=followed, changes=(*was.changes, follows))
    repository.changes = sorted([*by_path.values(), *moved])


def add_changelog_entry(repository: _Repository) -> None:
    """One entry in the repository's changelog, in its own convention (a new file or not)."""
    if not (repository.changes and repository.dropped and repository.changelog_entry):
        return
    from rewriters.docs import changelog  # a rewriter too: imported when it has work

    files = repository.files
    written = changelog.entry(files, repository.policy, repository.dropped)
    repository.changes.extend(
        FileChange(path, files.get(path, ""), text, (CHANGELOG_CHANGE,), ())
        for path, text in sorted(written.items())
    )


def note_lock_files(repository: _Repository) -> None:
    """How to regenerate each lock file a changed repository has (molt never edits them)."""
    if repository.changes:
        every = {**dict.fromkeys(repository.paths, ""), **repository.files}
        candidates = {p: text for p, text in every.items() if lockfiles.may_be_lock_file(p)}
        repository.notes.extend(lockfiles.notes(candidates))


# The passes across files, in the order they run after every file was rewritten.
PASSES: tuple[Callable[[_Repository], None], ...] = (
    follow_ci_scripts,
    move_version_named,
    add_changelog_entry,
    note_lock_files,
)
