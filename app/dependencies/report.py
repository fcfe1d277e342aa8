"""What the dependency check found, as edits per file and as the pull request's section."""

from __future__ import annotations

from typing import NamedTuple

from app.dependencies.backports import Retired, Site
from app.dependencies.releases import Move, Upgrade
from rewriters.result import Edit
from rewriters.versions import Minor

HEADING = "### Dependencies on Python {minimum}"
CHECKED = "{count} pinned release(s) checked against the package index for Python {pythons}."
SKIPPED = "The package index check was skipped ({reason}): no pin was checked for Python {minimum}."
MOVED = """\
Pins moved to the oldest release that installs on Python {minimum}:

| file | package | was | now | why |
| --- | --- | --- | --- | --- |"""
MOVED_ROW = "| `{path}` | {name} | {old} | {new} | {why} |"
BACKPORTS = (
    "Backports Python {minimum} makes unnecessary (molt changes no code: swap the imports, "
    "then drop the dependency):"
)
BACKPORT = "- `{name}` (required in {paths}): {reason}. {where}"
IMPORTED = "Imported at {sites}."
FALLBACKS = "Every import is a version-guarded fallback ({sites}): drop it with the dependency."
NOT_IMPORTED = "The code does not import it."
NOT_READ = "Its imports were not looked for."
MORE_SITES = "{shown} and {more} more"
SITES_SHOWN = 8
UPGRADES = """\
Upgrades the old minimum held back (for information: molt does not change these ranges):

| package | allowed | newest | requires |
| --- | --- | --- | --- |"""
UPGRADE_ROW = "| {name} | `{constraint}` | {newest} | Python {requires} |"
NOTES = "Notes:"
NOT_ON_INDEX = "Not on the package index, so not checked: {names}."
NOT_CHECKED = "Not checked ({reason}): {names}."


class DependencyReport(NamedTuple):
    """Everything the dependency check found for one repository."""

    minimum: Minor
    pythons: str = ""
    checked: int = 0
    moves: tuple[Move, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()  # (path, note)
    backports: tuple[Retired, ...] = ()
    upgrades: tuple[Upgrade, ...] = ()
    last_release: str | None = None
    not_on_index: tuple[str, ...] = ()
    not_checked: tuple[str, ...] = ()
    not_checked_reason: str = ""
    skipped: str | None = None

    @property
    def edits(self) -> dict[str, tuple[Edit, ...]]:
        """The moved pins as edits of the text each file had when it was checked."""
        edits: dict[str, list[Edit]] = {}
        for move in self.moves:
            assert move.found.span is not None
            edits.setdefault(move.found.path, []).append(Edit(*move.found.span, str(move.new)))
        return {path: tuple(found) for path, found in edits.items()}

    @property
    def changes(self) -> dict[str, tuple[str, ...]]:
        """What changed in each file, one line per moved pin."""
        changes: dict[str, list[str]] = {}
        for move in self.moves:
            changes.setdefault(move.found.path, []).append(move.change)
        return {path: tuple(dict.fromkeys(lines)) for path, lines in changes.items()}

    def body_section(self) -> str:
        """The pull request's section; empty when there is nothing to say."""
        parts = [
            *self._checked(),
            *self._moved(),
            *self._backports(),
            *self._upgrades(),
            *self._notes(),
        ]
        if self.last_release:
            parts.append(self.last_release)
        if not parts:
            return ""
        return "\n\n".join([HEADING.format(minimum=self.minimum), *parts])

    def _checked(self) -> list[str]:
        if self.skipped is not None:
            return [SKIPPED.format(reason=self.skipped, minimum=self.minimum)]
        if not self.checked:
            return []
        return [CHECKED.format(count=self.checked, pythons=self.pythons)]

    def _moved(self) -> list[str]:
        if not self.moves:
            return []
        rows = [MOVED.format(minimum=self.minimum)]
        for move in self.moves:
            found = move.found
            name, old = found.requirement.name, found.pinned
            rows.append(
                MOVED_ROW.format(path=found.path, name=name, old=old, new=move.new, why=move.why)
            )
        return ["\n".join(rows)]

    def _backports(self) -> list[str]:
        if not self.backports:
            return []
        lines = [BACKPORTS.format(minimum=self.minimum), ""]
        for retired in self.backports:
            paths = ", ".join(f"`{path}`" for path in retired.paths)
            name, reason = retired.backport.project, retired.reason
            where = _where(retired.sites)
            lines.append(
                BACKPORT.format(name=name, paths=paths, reason=reason, where=where).rstrip()
            )
        return ["\n".join(lines)]

    def _upgrades(self) -> list[str]:
        if not self.upgrades:
            return []
        rows = [UPGRADES]
        rows.extend(UPGRADE_ROW.format(**upgrade._asdict()) for upgrade in self.upgrades)
        return ["\n".join(rows)]

    def _notes(self) -> list[str]:
        paths: dict[str, list[str]] = {}
        for path, note in self.notes:
            paths.setdefault(note, [])
            paths[note] += [] if path in paths[note] else [path]
        lines = [f"- {_names(tuple(where))}: {note}." for note, where in paths.items()]
        if self.not_on_index:
            lines.append("- " + NOT_ON_INDEX.format(names=_names(self.not_on_index)))
        if self.not_checked:
            names = _names(self.not_checked)
            lines.append("- " + NOT_CHECKED.format(reason=self.not_checked_reason, names=names))
        return ["\n".join([NOTES, "", *lines])] if lines else []


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _where(sites: tuple[Site, ...] | None) -> str:
    if sites is None:
        return NOT_READ
    if not sites:
        return NOT_IMPORTED
    shown = ", ".join(f"`{site.path}:{site.line}`" for site in sites[:SITES_SHOWN])
    if len(sites) > SITES_SHOWN:
        shown = MORE_SITES.format(shown=shown, more=len(sites) - SITES_SHOWN)
    if all(site.guarded for site in sites):
        return FALLBACKS.format(sites=shown)
    return IMPORTED.format(sites=shown)
