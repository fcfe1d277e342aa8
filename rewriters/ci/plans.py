"""Which entries of a workflow version list go, move, or settle: the rules, apart from the text.

A list loses its old versions but keeps testing the oldest supported CPython (``plan_list``);
a window of consecutive versions moves up as a whole (``plan_window``). A list that changes
anyway also settles pre-release spellings of minors released since (``plan_settled``).
"""

from __future__ import annotations

import itertools

from rewriters.ci.work import Work, known
from rewriters.versions import Minor, Token

WINDOW_MAX = 3


def _is_cpython(token: Token | None) -> bool:
    return token is not None and not token.prefix.lower().startswith(("pypy", "pp"))


def plan_list(work: Work, tokens: list[Token | None]) -> tuple[list[int], dict[int, Minor]]:
    """Which entries of a version list go, and which move to which version.

    A list that tested its oldest supported CPython keeps testing the oldest one: when no
    CPython entry is left at the new minimum, its newest old entry moves there instead of
    going ("bookend" lists such as ``["3.9", "3.13"]``). Old PyPy entries just go (molt does
    not know which PyPy releases exist), unless nothing else is left. A window of consecutive
    versions moves up as a whole (see ``plan_window``).
    """
    window = plan_window(work, tokens)
    if window is not None:
        gone = [i for i, to in window.items() if to is None]
        return gone, {i: to for i, to in window.items() if to is not None}
    old = [i for i, t in enumerate(tokens) if t is not None and work.drops(t.version)]
    cpython = [i for i in old if _is_cpython(tokens[i])]
    at_minimum = any(_is_cpython(t) and known(t).version == work.policy.minimum for t in tokens)
    if cpython and not at_minimum:
        candidates = cpython
    elif old and len(old) == len(tokens):
        candidates = old
    else:
        return old, {}
    moved = max(candidates, key=lambda i: known(tokens[i]).version)
    return [i for i in old if i != moved], {moved: work.policy.minimum}


def plan_window(work: Work, tokens: list[Token | None]) -> dict[int, Minor | None] | None:
    """Each entry's new version when the list is a window to move up; None when it is not.

    A run of consecutive CPython minors that ends below the newest version the repository
    declares (``Policy.newest``) is a window: a job that tests a few versions, not all of them.
    It keeps its width and moves up past the dropped versions, as maintainers move theirs
    (networkx's ``["3.9", "3.10", "3.11"]`` with classifiers up to 3.12 becomes
    ``["3.10", "3.11", "3.12"]``); an entry that would pass the newest version goes (None).
    A list that reaches the newest version is the full range and only loses its old entries;
    so does a longer run (more than ``WINDOW_MAX``), more likely the full range lagging behind
    the classifiers than a window.
    """
    newest = work.policy.newest
    if newest is None or not 2 <= len(tokens) <= WINDOW_MAX:
        return None
    if any(t is None or t.patch or t.prerelease or not _is_cpython(t) for t in tokens):
        return None
    versions = [known(t).version for t in tokens]
    ordered = sorted(versions)
    consecutive = all(b == (a.major, a.minor + 1) for a, b in itertools.pairwise(ordered))
    if not consecutive or versions not in (ordered, ordered[::-1]):
        return None
    shift = sum(map(work.drops, versions))
    if not 0 < shift < len(versions) or ordered[-1] >= newest or work.drops(ordered[shift]):
        return None
    moved = [Minor(v.major, v.minor + shift) for v in versions]
    return {i: to if to <= newest else None for i, to in enumerate(moved)}


def stale(work: Work, token: Token | None) -> bool:
    """True for a kept version's pre-release spelling (``3.14-dev``) once it is released."""
    return (
        token is not None
        and token.prerelease
        and not token.prefix
        and work.policy.is_released(token.version)
        and not work.drops(token.version)
    )


def plan_settled(
    work: Work, tokens: list[Token | None], removed: list[int], moved: dict[int, Minor]
) -> tuple[list[int], list[int]]:
    """Which pre-release entries of released minors become plain ``X.Y``, and which go
    because ``X.Y`` is listed already; only in a list that changes anyway (smallest diff)."""
    if not (removed or moved or work.settle):
        return [], []
    listed = {(t.prefix.lower(), t.version) for t in tokens if t is not None and not t.prerelease}
    listed |= {(known(tokens[i]).prefix.lower(), to) for i, to in moved.items()}
    renamed: list[int] = []
    gone: list[int] = []
    for i, token in enumerate(tokens):
        if stale(work, token):
            spot = ("", known(token).version)
            (gone if spot in listed else renamed).append(i)
            listed.add(spot)
    return renamed, gone


def old_versions(work: Work, tokens: list[Token | None]) -> set[Minor]:
    return {t.version for t in tokens if t is not None and work.drops(t.version)}
