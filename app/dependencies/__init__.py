"""Dependencies at the new minimum: every pin checked against the package index, pins that do
not install moved, backports retired, upgrades the old minimum held back, and the repository's
last release for the dropped Pythons.

``check_dependencies(files, policy, index, ...)`` is the one entry point; ``check_plan`` runs it
on the texts a plan leaves and folds the moved pins (and the last-release sentence of the
changelog entry) into the plan; ``check_checkout`` does that for a local checkout. The index
failing or slow costs the pull request nothing but one sentence saying the check was skipped.

    pins.py       the requirements of every file kind, with the span of each exact pin
    releases.py   what a project's releases mean for one requirement (pure)
    backports.py  the shipped backports table and the code's import sites (``ast``)
    report.py     DependencyReport: edits, changes and the pull request's section
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from app.dependencies import backports, pins
from app.dependencies.pins import Found, Kind
from app.dependencies.releases import (
    Move,
    Pythons,
    Upgrade,
    held_back,
    judge,
    last_release,
    range_notes,
)
from app.dependencies.report import DependencyReport
from app.package_index import Budget, BudgetSpent, IndexUnavailable, PackageIndex, Project
from app.plan import FileChange, Plan, texts_after
from rewriters import Policy
from rewriters.docs.changelog import entry_text
from rewriters.registry import is_skipped
from rewriters.repository import CHANGELOG_CHANGE
from rewriters.result import apply_edits
from rewriters.versions import Minor

__all__ = ["DependencyReport", "check_checkout", "check_dependencies", "check_plan"]

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 1_000_000  # a Python file larger than this is generated, not written


def check_dependencies(
    files: Mapping[str, str],
    policy: Policy,
    index: PackageIndex,
    *,
    dropped: Collection[Minor] = (),
    sources: Mapping[str, str] | None = None,
    budget: Budget | None = None,
) -> DependencyReport:
    """Check the requirements in ``files`` (path -> text) for ``policy``'s new minimum.

    ``dropped`` are the Pythons the change drops (for upgrades and the last release);
    ``sources`` the repository's Python files, for the import sites of backports (None: not
    read). Index requests come out of ``budget`` (a fresh default one when None).
    """
    pythons = Pythons.of(policy, files, dropped)
    found = [f for f in pins.find(files) if f.applies(pythons.full(pythons.minimum))]
    retired = tuple(backports.retired(found, pythons.minimum, sources))
    # a backport the minimum retires is to be dropped, not moved
    gone = {r.backport.project for r in retired}
    found = [f for f in found if f.name not in gone]
    own = pins.project_name(files)
    names = _wanted(found, own)
    try:
        projects, left, reason = _fetch(index, names, budget or Budget())
    except IndexUnavailable as error:
        log.warning("package index check skipped: %s", error)
        return DependencyReport(pythons.minimum, backports=retired, skipped=str(error))
    moves, notes, upgrades, checked = _decide(found, projects, pythons)
    mine = projects.get(canonicalize_name(own)) if own else None
    return DependencyReport(
        minimum=pythons.minimum,
        pythons=_span(pythons.kept),
        checked=checked,
        moves=tuple(moves),
        notes=tuple(notes),
        backports=retired,
        upgrades=tuple(upgrades),
        last_release=last_release(own, mine, pythons) if own and mine else None,
        not_on_index=_missing(found, projects),
        not_checked=tuple(left),
        not_checked_reason=reason,
    )


def _span(minors: tuple[Minor, ...]) -> str:
    return str(minors[0]) if len(minors) == 1 else f"{minors[0]} to {minors[-1]}"


def _wanted(found: Iterable[Found], own: str | None) -> list[NormalizedName]:
    """The projects to ask the index about, most useful first: pins molt may move, ranges
    with a ceiling, the repository's own project, then lock-file pins."""
    found = list(found)
    ordered = [f.name for f in found if f.kind is not Kind.LOCKED and f.pinned is not None]
    ordered += [f.name for f in found if f.kind is Kind.DIRECT and held_back_candidate(f)]
    ordered += [canonicalize_name(own)] if own else []
    ordered += [f.name for f in found if f.kind is Kind.LOCKED and f.pinned is not None]
    return list(dict.fromkeys(ordered))


def held_back_candidate(found: Found) -> bool:
    """True for a requirement whose range has a ceiling (an upgrade may lie beyond it)."""
    return any(s.operator in ("<", "<=", "~=") for s in found.requirement.specifier)


def _fetch(
    index: PackageIndex, names: list[NormalizedName], budget: Budget
) -> tuple[dict[NormalizedName, Project | None], list[str], str]:
    """The projects the index has (None: not on it), the names left unasked when the budget
    ran out, and why. Raises ``IndexUnavailable`` at the first failure."""
    projects: dict[NormalizedName, Project | None] = {}
    for position, name in enumerate(names):
        try:
            projects[name] = index.project(name, budget)
        except BudgetSpent as spent:
            return projects, [str(n) for n in names[position:]], str(spent)
    return projects, [], ""


def _decide(
    found: Iterable[Found], projects: Mapping[NormalizedName, Project | None], pythons: Pythons
) -> tuple[list[Move], list[tuple[str, str]], list[Upgrade], int]:
    moves: list[Move] = []
    notes: list[tuple[str, str]] = []
    upgrades: dict[NormalizedName, Upgrade] = {}
    checked = 0
    for item in found:
        project = projects.get(item.name)
        if project is None:
            continue
        moved_to = None
        if item.pinned is not None:
            checked += 1
            verdict = judge(item, project, pythons)
            notes.extend((item.path, note) for note in verdict.notes)
            moved_to = verdict.move.new if verdict.move else None
            moves += [verdict.move] if verdict.move else []
        notes.extend((item.path, note) for note in range_notes(item, project, pythons))
        upgrade = held_back(item, project, pythons, moved_to)
        if upgrade is not None:
            upgrades.setdefault(item.name, upgrade)
    return moves, notes, list(upgrades.values()), checked


def _missing(
    found: Iterable[Found], projects: Mapping[NormalizedName, Project | None]
) -> tuple[str, ...]:
    names = [f.requirement.name for f in found if f.name in projects and projects[f.name] is None]
    return tuple(dict.fromkeys(names))


# --- on a plan ----------------------------------------------------------------------------


def check_plan(
    plan: Plan,
    files: Mapping[str, str],
    index: PackageIndex,
    *,
    sources: Mapping[str, str] | None = None,
    budget: Budget | None = None,
) -> tuple[Plan, DependencyReport]:
    """Check the dependencies ``plan`` leaves and fold the moved pins into it."""
    texts = texts_after(plan, files)
    report = check_dependencies(
        texts, plan.policy, index, dropped=plan.dropped, sources=sources, budget=budget
    )
    return fold(plan, files, texts, report), report


def fold(
    plan: Plan, files: Mapping[str, str], texts: Mapping[str, str], report: DependencyReport
) -> Plan:
    """``plan`` with the report's edits (made on ``texts``) and the last-release sentence in
    its changelog entry."""
    changes = {change.path: change for change in plan.files}
    for path, edits in report.edits.items():
        change = changes.get(path) or FileChange(path, files[path], files[path], (), ())
        after = apply_edits(texts[path], edits)
        changes[path] = change._replace(after=after, changes=change.changes + report.changes[path])
    if report.last_release:
        line = entry_text(plan.policy, plan.dropped)
        for path, change in changes.items():
            if CHANGELOG_CHANGE in change.changes and change.after and line not in change.before:
                after = change.after.replace(line, f"{line} {report.last_release}", 1)
                changes[path] = change._replace(after=after)
    return plan._replace(files=tuple(changes.values()))


def check_checkout(
    root: Path,
    plan: Plan,
    files: Mapping[str, str],
    paths: Iterable[str],
    index: PackageIndex,
    *,
    budget: Budget | None = None,
) -> tuple[Plan, DependencyReport]:
    """``check_plan`` on a local checkout: lock files and the Python files among ``paths`` are
    read too (the plan reads neither)."""
    inputs, sources = dict(files), dict[str, str]()
    for path in paths:
        lock = pins.is_lock_file(path)
        if path in files or is_skipped(path) or not (lock or path.endswith(".py")):
            continue
        text = _read(root / path)
        if text is not None:
            (inputs if lock else sources)[path] = text
    sources.update((p, t) for p, t in files.items() if p.endswith(".py"))
    return check_plan(plan, inputs, index, sources=sources, budget=budget)


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
