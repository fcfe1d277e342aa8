"""tox env-name expressions: parse and expand brace groups, drop versions, move envs up.

Env names are tox's generative expressions (``py3{9,10}-django{42}``, ``{3.9,3.10}-unit``,
``py3{9-15}``).  Dropped members leave their brace group, which keeps its braces; an expression
whose every env runs a dropped Python is dead and may move to the new minimum
(``py39-freeze`` → ``py311-freeze``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.versions import Minor, parse_token, retarget

GROUP_RE = re.compile(r"(\{[^{}]*\})")
RANGE_RE = re.compile(r"(?P<low>\d{1,2})(?P<dash>\s*-\s*)(?P<high>\d{1,2})")
GENERIC_PYTHONS = frozenset({"py", "py3", "pypy", "pypy3"})
VERSIONED_FACTOR_RE = re.compile(r"[A-Za-z][A-Za-z_]*\d+")
# factors with digits that name a tool or platform, not a version of a dependency
UNVERSIONED_FACTORS = frozenset(
    {"flake8", "pep8", "py2exe", "i18n", "l10n", "k8s", "s3", "utf8", "base64"}
    | {"win32", "win64", "x86", "x64", "amd64", "arm64", "aarch64"}
)


class Group(NamedTuple):
    """A brace group and the literal text its members join on each side (``py3`` + ``9``)."""

    members: tuple[str, ...]
    left: str
    right: str


Part = str | Group


class Fate(NamedTuple):
    """What dropping versions does to one env expression."""

    text: str  # the expression without the dropped members
    dead: bool  # every env it names runs a dropped Python
    dropped: frozenset[Minor]


def parse_expression(text: str) -> list[Part] | None:
    """``py3{9,10}-x`` → ``["py3", Group(("9", "10"), "py3", ""), "-x"]``; None if nested."""
    raw = GROUP_RE.split(text)
    if any("{" in p or "}" in p for p in raw[0::2]):
        return None
    parts: list[Part] = []
    for index, piece in enumerate(raw):
        if index % 2 == 0:
            parts.append(piece)
            continue
        left = raw[index - 1].rsplit("-", 1)[-1]
        right = raw[index + 1].split("-", 1)[0]
        parts.append(Group(tuple(piece[1:-1].split(",")), left, right))
    return parts


def _versions_of(member: str, group: Group) -> list[tuple[int, Minor]] | None:
    """The (range number, version) pairs a member names, or None for a non-version member."""
    stripped = member.strip()
    match = RANGE_RE.fullmatch(stripped)
    numbers = range(int(match["low"]), int(match["high"]) + 1) if match else [0]
    found: list[tuple[int, Minor]] = []
    for number in numbers:
        name = f"{group.left}{number if match else stripped}{group.right}"
        token = parse_token(name)
        if token is None:
            return None
        found.append((number, token.version))
    return found


def _member_after(member: str, group: Group, policy: Policy) -> tuple[str | None, set[Minor]]:
    """A member with dropped versions taken out (None when nothing is left)."""
    versions = _versions_of(member, group)
    if versions is None:
        return member, set()
    dropped = {v for _, v in versions if policy.drops(v)}
    kept = [n for n, v in versions if not policy.drops(v)]
    if not kept:
        return None, dropped
    if not dropped:
        return member, dropped
    match = RANGE_RE.search(member)
    assert match is not None  # only ranges keep some numbers and lose others
    high = int(match["high"])
    new = str(high) if kept[0] == high else f"{kept[0]}{match['dash']}{high}"
    return member[: match.start()] + new + member[match.end() :], dropped


def _join_members(original: Sequence[str], kept: Sequence[str]) -> str:
    """Members joined back, the first taking the original first member's leading space."""
    lead = original[0][: len(original[0]) - len(original[0].lstrip())]
    return ",".join([lead + kept[0].lstrip(), *kept[1:]])


def _group_after(group: Group, policy: Policy) -> tuple[str | None, set[Minor]]:
    """The group's new text (with braces), or None when every member is gone."""
    kept: list[str] = []
    dropped: set[Minor] = set()
    for member in group.members:
        new, lost = _member_after(member, group, policy)
        dropped |= lost
        if new is not None:
            kept.append(new)
    if not kept:
        return None, dropped
    if not dropped:
        return "{" + ",".join(group.members) + "}", dropped
    if [k.strip() for k in kept] == [""]:
        return "", dropped
    return "{" + _join_members(group.members, kept) + "}", dropped


def _literal_factors(parts: Sequence[Part], index: int) -> list[tuple[int, str]]:
    """(offset, factor) of the factors wholly inside literal ``parts[index]``."""
    text = parts[index]
    assert isinstance(text, str)
    factors: list[tuple[int, str]] = []
    offset = 0
    pieces = text.split("-")
    for number, piece in enumerate(pieces):
        touches_left = number == 0 and index > 0
        touches_right = number == len(pieces) - 1 and index < len(parts) - 1
        if not touches_left and not touches_right:
            factors.append((offset, piece))
        offset += len(piece) + 1
    return factors


def _dropped_factor(factor: str, policy: Policy) -> Minor | None:
    token = parse_token(factor)
    if token is not None and policy.drops(token.version):
        return token.version
    return None


def fate_of(expression: str, policy: Policy) -> Fate:
    """Take dropped versions out of one env expression."""
    parts = parse_expression(expression)
    if parts is None:
        return Fate(expression, False, frozenset())
    pieces: list[str] = []
    dead = False
    dropped: set[Minor] = set()
    for index, part in enumerate(parts):
        if isinstance(part, Group):
            new, lost = _group_after(part, policy)
            dead = dead or new is None
            dropped |= lost
            pieces.append(new if new is not None else "{}")
            continue
        for _, factor in _literal_factors(parts, index):
            version = _dropped_factor(factor, policy)
            if version is not None:
                dead = True
                dropped.add(version)
        pieces.append(part)
    return Fate("".join(pieces), dead, frozenset(dropped))


def _retarget_literal(parts: Sequence[Part], index: int, policy: Policy) -> str:
    text = parts[index]
    assert isinstance(text, str)
    for offset, factor in reversed(_literal_factors(parts, index)):
        token = parse_token(factor)
        if token is not None and policy.drops(token.version):
            new = retarget(token, policy.minimum, policy.latest_patch)
            text = text[:offset] + new + text[offset + len(factor) :]
    return text


def _minimum_member(group: Group, policy: Policy) -> str | None:
    """The member naming the new minimum in this group's spelling (``py3{9}`` → ``11``)."""
    member = group.members[0].strip()  # an emptied group holds only version members
    versions = _versions_of(member, group)
    assert versions
    middle = str(versions[0][0]) if RANGE_RE.fullmatch(member) else member
    token = parse_token(group.left + middle + group.right)
    assert token is not None
    new = retarget(token, policy.minimum, policy.latest_patch)
    if new.startswith(group.left) and new.endswith(group.right):
        return new[len(group.left) : len(new) - len(group.right)]
    return None


def retarget_expression(expression: str, policy: Policy) -> str | None:
    """A dead expression moved to the new minimum (``py39-x`` → ``py311-x``), if spellable."""
    parts = parse_expression(expression)
    assert parts is not None  # only parsed expressions can be dead
    pieces: list[str] = []
    for index, part in enumerate(parts):
        if isinstance(part, str):
            pieces.append(_retarget_literal(parts, index, policy))
            continue
        new, _ = _group_after(part, policy)
        if new is None:
            member = _minimum_member(part, policy)
            if member is None:
                return None
            new = member
        pieces.append(new)
    return "".join(pieces)


def moved_or_gone(text: str, policy: Policy, renamed: set[str]) -> str | None:
    """A dead env reference follows its env if the env list moved it up (``renamed``), else goes."""
    moved = retarget_expression(text, policy)
    if moved is not None and expand(moved) <= renamed:
        return moved
    return None


def expand(expression: str) -> set[str]:
    """Every env name an expression generates (``py3{9-10}`` → ``py39``, ``py310``)."""
    choices: list[list[str]] = []
    for index, piece in enumerate(GROUP_RE.split(expression)):
        if index % 2 == 0:
            choices.append([piece])
            continue
        members: list[str] = []
        for member in piece[1:-1].split(","):
            match = RANGE_RE.fullmatch(member.strip())
            if match is None:
                members.append(member.strip())
            else:
                members += [str(n) for n in range(int(match["low"]), int(match["high"]) + 1)]
        choices.append(members)
    return {"".join(c) for c in product(*choices)}


def runs_python(name: str) -> bool:
    """True for an env name with a Python factor (``py311-x``, ``py``, ``pypy3``)."""
    return any(parse_token(f) or f in GENERIC_PYTHONS for f in name.split("-"))


def _is_versioned_factor(factor: str) -> bool:
    return (
        VERSIONED_FACTOR_RE.fullmatch(factor) is not None
        and factor.lower() not in UNVERSIONED_FACTORS
        and parse_token(factor) is None
    )


def pins_other_versions(expression: str) -> bool:
    """True when every env also names a version of something else (``py39-dj32``, ``-pip22``).

    Such an env is one cell of a compatibility matrix: it goes with its Python rather than
    moving up to a Python the other version may not support.
    """
    return all(any(_is_versioned_factor(f) for f in name.split("-")) for name in expand(expression))
