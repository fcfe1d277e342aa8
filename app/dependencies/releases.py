"""What a project's releases on the index mean for one requirement at the new minimum.

A pin that does not install on the new minimum moves to the oldest later release that does
(yanked releases and pre-releases are never chosen); in a lock file that is a note, since
regenerating the lock file is the fix. A pin that installs on the minimum but not on a newer
Python the repository supports, or only from source, is noted. A direct dependency whose range
keeps out the newest release the old minimum shut out is an upgrade now possible; and the
repository's own newest release for the dropped Pythons is what their users can keep using.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from packaging.version import Version

from app.dependencies.pins import Found, Kind
from app.package_index import Distribution, Project, Support, is_yanked, requires_python, support
from rewriters.policy import Policy
from rewriters.repository import declared
from rewriters.versions import Minor, join_names

CHANGE = "{name} {old} → {new} ({old} does not install on Python {minimum}: {why})"
GAPS = "{name} {version} does not install on Python {pythons}; {hint}"
GAPS_HINT = "{target} is the oldest release that installs on every Python this repository supports"
GAPS_NO_HINT = "no release installs on every Python this repository supports"
SOURCE_ONLY = "{name} {version} has only a source distribution: it builds from source"
NOT_ON_INDEX = "{name} {version} is not on the package index"
NO_RELEASE = "no release of {name} installs on Python {minimum} ({version}: {why})"
LOCKED = (
    "{name} {version} does not install on Python {minimum} ({why}); regenerating the lock file "
    "resolves a newer release ({target} is the oldest that installs)"
)
NO_RELEASE_IN_RANGE = (
    "no release of {name} that `{constraint}` allows installs on Python {minimum}{hint}"
)
IN_RANGE_HINT = "; {target} is the oldest that does"
BY_HAND = "{name} {version} does not install on Python {minimum} ({why}); move it to {target}"
LAST_RELEASE = "Python {pythons} users can keep using {project} {series}"
CEILING_OPERATORS = frozenset({"<", "<=", "==", "~=", "==="})


class Pythons(NamedTuple):
    """The CPython minors of a change: the new minimum, every minor the repository keeps (up to
    the newest it declares), the dropped ones, and the full version a fresh install of each
    runs (its latest patch)."""

    minimum: Minor
    kept: tuple[Minor, ...]
    dropped: tuple[Minor, ...]
    patches: Mapping[Minor, str]

    @classmethod
    def of(cls, policy: Policy, files: Mapping[str, str], dropped: Collection[Minor]) -> Pythons:
        """The Pythons of ``policy`` for the repository holding ``files``."""
        newest = declared.newest_supported(files)
        kept = {
            v
            for v in policy.releases
            if v.major == policy.floor.major
            and v >= policy.floor
            and policy.is_released(v)
            and (newest is None or v <= newest)
        }
        minors = sorted(kept | {policy.floor})
        patches = {v: policy.latest_patch(v) for v in (*minors, *dropped)}
        return cls(policy.floor, tuple(minors), tuple(sorted(dropped)), patches)

    def full(self, minor: Minor) -> str:
        """``3.11`` → ``3.11.14``."""
        return self.patches[minor]


class Move(NamedTuple):
    """A pin to move: the requirement, the release it moves to, and why its own does not do."""

    found: Found
    new: Version
    minimum: Minor
    why: str

    @property
    def change(self) -> str:
        """The line the pull request lists under the file."""
        name, old = self.found.requirement.name, self.found.pinned
        return CHANGE.format(name=name, old=old, new=self.new, minimum=self.minimum, why=self.why)


class Verdict(NamedTuple):
    """What to do about one pin: a move (or none) and notes for the maintainer."""

    move: Move | None
    notes: tuple[str, ...]


class Upgrade(NamedTuple):
    """A release the old minimum shut out that the new one admits, outside the declared range."""

    name: str
    constraint: str
    newest: Version
    requires: str


def _why(support_: Support, files: tuple[Distribution, ...], minimum: Minor) -> str:
    if support_ is Support.EXCLUDED:
        return f"it requires Python {requires_python(files)}"
    if support_ is Support.NO_WHEEL:
        return f"no wheel for CPython {minimum}"
    return "no files on the index"


def _candidates(project: Project, after: Version) -> dict[Version, tuple[Distribution, ...]]:
    """Later releases molt may choose: not yanked, not pre-releases (unless ``after`` is one)."""
    return {
        version: files
        for version, files in project.releases.items()
        if version > after
        and not is_yanked(files)
        and (after.is_prerelease or not version.is_prerelease)
    }


def _oldest(
    releases: Mapping[Version, tuple[Distribution, ...]], pythons: Collection[str]
) -> Version | None:
    return next(
        (v for v, files in releases.items() if all(support(files, p).installs for p in pythons)),
        None,
    )


def judge(found: Found, project: Project, pythons: Pythons) -> Verdict:
    """What to do about the exact pin ``found`` (``found.pinned`` is not None)."""
    version = found.pinned
    assert version is not None
    name, minimum = found.requirement.name, pythons.minimum
    files = project.releases.get(version)
    if files is None:
        return Verdict(None, (NOT_ON_INDEX.format(name=name, version=version),))
    verdict = support(files, pythons.full(minimum))
    if verdict.installs:
        return Verdict(None, _gaps(found, project, version, files, pythons))
    why = _why(verdict, files, minimum)
    target = _oldest(_candidates(project, version), [pythons.full(minimum)])
    facts = {"name": name, "version": version, "minimum": minimum, "why": why, "target": target}
    if target is None:
        return Verdict(None, (NO_RELEASE.format(**facts),))
    if found.kind is Kind.LOCKED:
        return Verdict(None, (LOCKED.format(**facts),))
    if found.span is None:
        return Verdict(None, (BY_HAND.format(**facts),))
    moved = Move(found, target, minimum, why)
    return Verdict(moved, _gaps(found, project, target, project.releases[target], pythons))


def _gaps(
    found: Found,
    project: Project,
    version: Version,
    files: tuple[Distribution, ...],
    pythons: Pythons,
) -> tuple[str, ...]:
    """Notes for a release that installs on the minimum: only from source, or not on a newer
    Python the repository supports (lock files are regenerated anyway, and an image runs the
    minimum only: no notes for them)."""
    if found.kind in (Kind.LOCKED, Kind.IMAGE):
        return ()
    name = found.requirement.name
    notes = []
    if support(files, pythons.full(pythons.minimum)) is Support.SOURCE:
        notes.append(SOURCE_ONLY.format(name=name, version=version))
    missing = [v for v in pythons.kept if not support(files, pythons.full(v)).installs]
    if missing:
        everywhere = [pythons.full(v) for v in pythons.kept]
        target = _oldest(_candidates(project, version), everywhere)
        hint = GAPS_HINT.format(target=target) if target else GAPS_NO_HINT
        notes.append(
            GAPS.format(name=name, version=version, pythons=join_names(missing), hint=hint)
        )
    return tuple(notes)


def range_notes(found: Found, project: Project, pythons: Pythons) -> tuple[str, ...]:
    """A note when no release the range of the direct dependency ``found`` allows installs on
    the new minimum (the resolver would fail there)."""
    if found.kind is not Kind.DIRECT or found.pinned is not None:
        return ()
    releases = project.releases
    allowed = [v for v, files in releases.items() if v in found.requirement.specifier]
    full = pythons.full(pythons.minimum)
    if not allowed or any(support(releases[v], full).installs for v in allowed):
        return ()
    target = _oldest(_candidates(project, allowed[-1]), [full])
    hint = IN_RANGE_HINT.format(target=target) if target else ""
    name, constraint = found.requirement.name, found.requirement.specifier
    return (
        NO_RELEASE_IN_RANGE.format(
            name=name, constraint=constraint, minimum=pythons.minimum, hint=hint
        ),
    )


def held_back(
    found: Found, project: Project, pythons: Pythons, pinned: Version | None = None
) -> Upgrade | None:
    """The newest release the old minimum shut out (by requires-python) and the new one admits,
    when the range of the direct dependency ``found`` keeps it out (``pinned``: the version a
    moved pin now has)."""
    ceilings = {s.operator for s in found.requirement.specifier} & CEILING_OPERATORS
    if found.kind is not Kind.DIRECT or not ceilings or not pythons.dropped:
        return None
    old, new = pythons.full(pythons.dropped[0]), pythons.full(pythons.minimum)
    admitted = [
        version
        for version, files in project.releases.items()
        if not version.is_prerelease and not is_yanked(files) and _admits(files, new)
    ]
    if not admitted:
        return None
    newest = admitted[-1]
    spec = requires_python(project.releases[newest])
    allowed = found.requirement.specifier if pinned is None else {pinned}
    if spec is None or spec.contains(old, prereleases=True) or newest in allowed:
        return None
    constraint = str(found.requirement.specifier) if pinned is None else f"=={pinned}"
    return Upgrade(found.requirement.name, constraint, newest, str(spec))


def _admits(files: tuple[Distribution, ...], python: str) -> bool:
    spec = requires_python(files)
    return spec is None or spec.contains(python, prereleases=True)


def last_release(name: str, project: Project, pythons: Pythons) -> str | None:
    """ "Python 3.9 and 3.10 users can keep using foo 4.2.x", or None when no release of the
    repository's own project installs on a dropped Python."""
    newest: dict[Version, list[Minor]] = {}
    for minor in pythons.dropped:
        found = [
            version
            for version, files in project.releases.items()
            if not version.is_prerelease
            and not is_yanked(files)
            and support(files, pythons.full(minor)).installs
        ]
        if found:
            newest.setdefault(found[-1], []).append(minor)
    sentences = [
        LAST_RELEASE.format(pythons=join_names(minors), project=name, series=_series(version))
        for version, minors in sorted(newest.items())
    ]
    return "; ".join(sentences) + "." if sentences else None


def _series(version: Version) -> str:
    """``4.2.1`` → ``4.2.x``."""
    if len(version.release) < 2:
        return str(version)
    return f"{version.release[0]}.{version.release[1]}.x"
