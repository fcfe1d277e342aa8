"""The rules every file kind shares: how a list of Python versions shrinks, and how one pin moves.

One list of versions gets the same answer wherever it is written: a CI matrix of any system,
a tox or nox list, cibuildwheel selectors. ``shrink`` decides which entries go and which move;
the file kind only writes that down in its own syntax. ``pinned`` spells a single pinned
version at the new minimum. ``entry_goes`` decides whether an entry pinned to a dropped
version (a matrix include entry, a GitLab job, an Azure ``Python39:`` entry) goes or moves.

The list rule, in order:

1. A *window* (two or three consecutive CPython minors ending below the newest version the
   repository declares, ``Policy.facts.newest``) moves up as a whole, keeping its width: a job that
   tests a few versions, not all of them. An entry that would pass the newest version goes.
2. Otherwise old entries go, but a list that tested its oldest supported CPython keeps testing
   the oldest one: when no CPython entry is left at the new minimum, the newest old CPython
   entry moves there instead of going (``["3.9", "3.13"]`` → ``["3.11", "3.13"]``).
3. Old PyPy and GraalPy entries go (molt does not know which of their releases exist), unless
   nothing else would be left: then the newest of them moves, as a CPython entry would.
4. A range naming one minor only (setup-python's ``>=3.11 <3.12``, ``3.11.x``) counts as that
   minor for the others; it is never rewritten, not even when old (the file kind notes it).
5. In a list that changes anyway, a pre-release spelling of a minor released since
   (``3.14-dev``) becomes the release, or goes when the release is listed already.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.versions import Minor, Token, retarget

WINDOW_MAX = 3


class Shrunk(NamedTuple):
    """What ``shrink`` decided, by index into the list."""

    removed: list[int]
    # entries that stay but name another version now
    moved: dict[int, Minor]
    # pre-release entries of a released minor that become the release (rule 5), and those
    # that go because the release is listed already (also in ``removed``)
    settled: list[int]
    repeats: list[int]
    # old versions the list named
    dropped: set[Minor]


def is_cpython(token: Token | None) -> bool:
    return token is not None and not token.prefix.lower().startswith(("pypy", "pp", "graalpy"))


def shrink(tokens: Sequence[Token | None], policy: Policy, settle: bool = False) -> Shrunk:
    """Which entries of a version list go, move or settle (see the module's rules).

    ``None`` stands for an entry that is not a version (``nightly``): it always stays. With
    ``settle``, pre-release spellings settle even when nothing else in the list changes (the
    list belongs to a matrix that changes anyway).
    """
    dropped = {_version(t) for t in tokens if _old(t, policy)}
    window = _window(tokens, policy)
    if window is not None:
        removed = [i for i, to in window.items() if to is None]
        moved = {i: to for i, to in window.items() if to is not None}
    else:
        removed, moved = _drop(tokens, policy)
    if not (removed or moved or settle):
        return Shrunk(removed, moved, [], [], dropped)
    settled, repeats = _settle(tokens, policy, moved)
    return Shrunk(sorted(removed + repeats), moved, settled, repeats, dropped)


def _drop(tokens: Sequence[Token | None], policy: Policy) -> tuple[list[int], dict[int, Minor]]:
    old = [i for i, t in enumerate(tokens) if _old(t, policy)]
    cpython = [i for i in old if is_cpython(tokens[i])]
    at_minimum = any(is_cpython(t) and _version(t) == policy.minimum for t in tokens)
    if cpython and not at_minimum:
        candidates = cpython
    elif old and len(old) == len(tokens):
        candidates = old
    else:
        return old, {}
    moved = max(candidates, key=lambda i: _version(tokens[i]))
    return [i for i in old if i != moved], {moved: policy.minimum}


def _old(token: Token | None, policy: Policy) -> bool:
    """An entry naming a dropped version; a range is never rewritten, so it is never old."""
    return token is not None and not token.span and policy.drops(token.version)


def _window(tokens: Sequence[Token | None], policy: Policy) -> dict[int, Minor | None] | None:
    """Each entry's new version when the list is a window to move up; None when it is not.

    A list that reaches the newest declared version is the full range and only loses its old
    entries; so does a longer run (more than ``WINDOW_MAX``), more likely the full range
    lagging behind the classifiers than a window.
    """
    newest = policy.facts.newest
    if newest is None or not 2 <= len(tokens) <= WINDOW_MAX:
        return None
    if any(t is None or t.patch or t.prerelease or t.span or not is_cpython(t) for t in tokens):
        return None
    versions = [_version(t) for t in tokens]
    ordered = sorted(versions)
    consecutive = all(b == (a.major, a.minor + 1) for a, b in itertools.pairwise(ordered))
    if not consecutive or versions not in (ordered, ordered[::-1]):
        return None
    shift = sum(map(policy.drops, versions))
    if not 0 < shift < len(versions) or ordered[-1] >= newest or policy.drops(ordered[shift]):
        return None
    moved = [Minor(v.major, v.minor + shift) for v in versions]
    return {i: to if to <= newest else None for i, to in enumerate(moved)}


def stale(token: Token | None, policy: Policy) -> bool:
    """True for a kept version's pre-release spelling (``3.14-dev``) once it is released."""
    return (
        token is not None
        and token.prerelease
        and not token.prefix
        and policy.is_released(token.version)
        and not policy.drops(token.version)
    )


def _settle(
    tokens: Sequence[Token | None], policy: Policy, moved: dict[int, Minor]
) -> tuple[list[int], list[int]]:
    """Pre-release entries of released minors that become plain ``X.Y``, and those that go
    because ``X.Y`` is listed already."""
    listed = {(t.prefix.lower(), t.version) for t in tokens if t is not None and not t.prerelease}
    listed |= {(_token(tokens[i]).prefix.lower(), to) for i, to in moved.items()}
    renamed: list[int] = []
    gone: list[int] = []
    for i, token in enumerate(tokens):
        if stale(token, policy):
            spot = ("", _version(token))
            (gone if spot in listed else renamed).append(i)
            listed.add(spot)
    return renamed, gone


def pinned(token: Token, policy: Policy, to: Minor | None = None) -> str:
    """A single pinned version moved to ``to`` (by default the new minimum), in its own
    spelling; a pinned patch becomes that minor's latest, and a pre-release spelling loses its
    suffix (the version it moves to is released)."""
    target = to or policy.minimum
    return retarget(token._replace(suffix=""), target, policy.latest_patch)


def entry_goes(*, always: bool, repeats: bool, named: bool) -> bool:
    """Whether an entry pinned to a dropped version goes (else it moves to the new minimum).

    It goes when its kind only ever described the dropped version (an ``exclude`` or
    ``allow_failures`` entry: ``always``), or when, moved, it would repeat another entry
    (``repeats``) and nothing else needs it under its own name (``named``: another job
    ``needs:`` it, or a repeated entry hands its name to it).
    """
    return always or (repeats and not named)


def _token(token: Token | None) -> Token:
    assert token is not None
    return token


def _version(token: Token | None) -> Minor:
    return _token(token).version
