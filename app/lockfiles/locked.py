"""What a lock file locks, as (name, version) pairs, and what changed between two of them.

uv.lock, poetry.lock and pdm.lock are TOML with one ``[[package]]`` table per locked release;
a compiled requirements file has one ``name==version`` line per release. The summary says, per
project, what the new minimum removed or moved, in the words the pull request uses.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict

from packaging.utils import NormalizedName, canonicalize_name

from rewriters.versions import Minor

MAX_LINES = 25  # a summary longer than this ends with a count of the rest
# ``name==version`` or ``name[extra]==version``, then markers, a continuation or a comment
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;\\#]+)")

Locked = frozenset[tuple[NormalizedName, str]]


def read(name: str, text: str) -> Locked:
    """The releases locked in ``text``, a lock file named ``name`` (its file name); none when
    it does not parse."""
    if name.endswith(".lock"):
        try:
            packages = tomllib.loads(text).get("package", [])
        except tomllib.TOMLDecodeError:  # what a broken lock file locked cannot be told
            return frozenset()
        return frozenset(
            (canonicalize_name(p["name"]), str(p.get("version", "")))
            for p in packages
            if isinstance(p, dict) and "name" in p
        )
    found = (_PIN.match(line) for line in text.splitlines())
    return frozenset((canonicalize_name(m[1]), m[2]) for m in found if m)


def summary(before: Locked, after: Locked, minimum: Minor) -> tuple[str, ...]:
    """One line per project whose locked releases changed, in name order."""
    old, new = _by_name(before), _by_name(after)
    lines = []
    for name in sorted(old.keys() | new.keys()):
        was, now = old.get(name, []), new.get(name, [])
        if was != now:
            lines.append(_line(name, was, now, minimum))
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES + 1
        lines[MAX_LINES - 1 :] = [f"… and {rest} more"]
    return tuple(lines)


def _by_name(locked: Locked) -> dict[str, list[str]]:
    versions: defaultdict[str, list[str]] = defaultdict(list)
    for name, version in sorted(locked):
        versions[name].append(version)
    return versions


def _line(name: str, was: list[str], now: list[str], minimum: Minor) -> str:
    if not now:
        return f"{name} {', '.join(was)}: removed, not needed on Python {minimum} and later"
    if not was:
        return f"{name} {', '.join(now)}: added for Python {minimum} and later"
    if set(now) < set(was):
        gone = ", ".join(v for v in was if v not in now)
        return (
            f"{name} {gone}: removed, it was locked for Pythons older than {minimum} only "
            f"({', '.join(now)} stays)"
        )
    return f"{name} {', '.join(was)} → {', '.join(now)}: re-resolved for Python {minimum} and later"
