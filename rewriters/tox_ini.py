"""tox.ini: env lists, factor conditions, gh-actions maps, basepython and per-env sections.

Env names are tox's generative expressions (``py3{9,10}-django{42}``, ``{3.9,3.10}-unit``,
``py3{9-15}``).  Dropped members leave their brace group, which keeps its braces.  An env that
only runs on dropped Pythons goes when the env list already has its move-up, or when it is a
compatibility-matrix cell (``py39-dj32``) and other envs still run a Python; otherwise it moves
to the new minimum (``py39-freeze`` → ``py311-freeze``), and its ``[testenv:...]`` section
follows.  A setting line conditioned only on dropped factors goes; a section for a dropped env
goes unless something refers to it.  setup.cfg's ``[tox:tox]`` reuses ``rewrite_sections``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product
from typing import NamedTuple

from rewriters import _ini
from rewriters._ini import Entry, Item, Plan, Section, Value, rebuild_items, split_items
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.versions import Minor, parse_token, retarget

PATTERNS: tuple[str, ...] = ("tox.ini",)

TOX_SECTIONS = frozenset({"tox", "tox:tox"})
ENVLIST_KEYS = ("envlist", "env_list")
BASEPYTHON_KEYS = ("basepython", "base_python")
GROUP_RE = re.compile(r"(\{[^{}]*\})")
RANGE_RE = re.compile(r"(?P<low>\d{1,2})(?P<dash>\s*-\s*)(?P<high>\d{1,2})")
CONDITION_RE = re.compile(r"[\w.!{}-]+(?:\s*,\s*[\w.!{}-]+)*")
INLINE_COMMENT_RE = re.compile(r"\s+#.*$")
GENERIC_PYTHONS = frozenset({"py", "py3", "pypy", "pypy3"})
VERSIONED_FACTOR_RE = re.compile(r"[A-Za-z][A-Za-z_]*\d+")
# factors with digits that name a tool or platform, not a version of a dependency
UNVERSIONED_FACTORS = frozenset(
    {"flake8", "pep8", "py2exe", "i18n", "l10n", "k8s", "s3", "utf8", "base64"}
    | {"win32", "win64", "x86", "x64", "amd64", "arm64", "aarch64"}
)


# --- env expressions -------------------------------------------------------------------------


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


# --- the rewrite -----------------------------------------------------------------------------


def _body(value: Value) -> str:
    """The value text without a trailing `` # comment`` (tox strips those)."""
    return INLINE_COMMENT_RE.sub("", value.text)


def _apply_items(
    entry: Entry, value: Value, items: list[Item], new: dict[int, str | None], plan: Plan
) -> None:
    """Write a value line's items back, deleting the line when none is left."""
    if all(new.get(i, "") is None for i in range(len(items))):
        _ini.replace_value(entry, value, None, plan)
        return
    body = _body(value)
    rebuilt = rebuild_items(body, value.start, items, new)
    plan.edits.append(Edit(value.start, value.start + len(body), rebuilt))


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


def _dead_item(item: Item, covered: set[str], policy: Policy, plan: Plan) -> str | None:
    """A dead env list item moves to the new minimum (added to ``covered``), or goes (None)
    when that env is listed already or it is a matrix cell and another env runs a Python."""
    if pins_other_versions(item.text) and any(runs_python(n) for n in covered):
        return None
    moved = retarget_expression(item.text, policy)
    if moved is None:
        plan.notes.append(f"env list: cannot spell Python {policy.minimum} in {item.text!r}")
        return item.text
    names = expand(moved)
    if names <= covered:
        return None
    covered |= names
    plan.renamed |= names
    return moved


def rewrite_envlist(where: str, entry: Entry, policy: Policy, plan: Plan) -> None:
    """Drop versions from ``envlist``; an env left with no Python moves to the minimum or goes."""
    lines = [(v, split_items(_body(v), v.start)) for v in entry.values]
    fates = {i.start: fate_of(i.text, policy) for _, items in lines for i in items}
    covered: set[str] = set()
    for fate in fates.values():
        covered |= set() if fate.dead else expand(fate.text)
    for value, items in lines:
        new: dict[int, str | None] = {}
        for index, item in enumerate(items):
            fate = fates[item.start]
            if fate.dead:
                new[index] = _dead_item(item, covered, policy, plan)
            elif fate.text != item.text:
                new[index] = fate.text
        new = {i: t for i, t in new.items() if t != items[i].text}
        if new:
            plan.drop(where, set().union(*(fates[i.start].dropped for i in items)))
            _apply_items(entry, value, items, new, plan)


# --- factor conditions, basepython, depends ----------------------------------------------------


def condition_items(value: Value) -> list[Item] | None:
    """The items of a ``py39,py310: ...`` factor condition, or None when the line has none."""
    colon = value.text.find(":")
    condition = value.text[:colon].strip() if colon > 0 else ""
    if not CONDITION_RE.fullmatch(condition):
        return None
    return split_items(value.text[:colon], value.start)


def _rewrite_condition(where: str, entry: Entry, value: Value, policy: Policy, plan: Plan) -> bool:
    """Drop dead factors from a line's condition; True when the line survives."""
    items = condition_items(value)
    if items is None:
        return True
    new: dict[int, str | None] = {}
    for index, item in enumerate(items):
        fate = fate_of(item.text, policy)
        plan.drop(where, fate.dropped)
        if fate.dead:
            new[index] = _moved_or_gone(item.text, policy, plan)
        elif fate.text != item.text:
            new[index] = fate.text
    if not new:
        return True
    if all(new.get(i, "") is None for i in range(len(items))):
        _ini.replace_value(entry, value, None, plan)
        return False
    colon = value.text.find(":")
    rebuilt = rebuild_items(value.text[:colon], value.start, items, new)
    plan.edits.append(Edit(value.start, value.start + colon, rebuilt.rstrip()))
    return True


def _retarget_basepython(
    where: str, entry: Entry, value: Value, policy: Policy, plan: Plan
) -> None:
    """``basepython = python3.9`` (or ``mypy: python3.9``) moves to the new minimum."""
    colon = value.text.find(":") if condition_items(value) is not None else -1
    content = value.text[colon + 1 :]
    token = parse_token(content.strip())
    if token is None or not policy.drops(token.version):
        return
    start = value.start + colon + 1 + len(content) - len(content.lstrip())
    new = retarget(token, policy.minimum, policy.latest_patch)
    plan.edits.append(Edit(start, start + len(content.strip()), new))
    plan.dropped.add(token.version)
    plan.change(f"{where}: {content.strip()} → {new}")


def _moved_or_gone(text: str, policy: Policy, plan: Plan) -> str | None:
    """A dead env reference follows its env if the env list moved it up, else goes."""
    moved = retarget_expression(text, policy)
    if moved is not None and expand(moved) <= plan.renamed:
        return moved
    return None


def _reference_items(
    items: Sequence[Item], policy: Policy, plan: Plan, where: str
) -> dict[int, str | None]:
    """New text for env references (``depends``, section names) after dropping versions."""
    new: dict[int, str | None] = {}
    for index, item in enumerate(items):
        fate = fate_of(item.text, policy)
        plan.drop(where, fate.dropped)
        if fate.dead:
            new[index] = _moved_or_gone(item.text, policy, plan)
        elif fate.text != item.text:
            new[index] = fate.text
    return new


def _rewrite_depends(where: str, entry: Entry, policy: Policy, plan: Plan) -> None:
    for value in entry.values:
        items = split_items(_body(value), value.start)
        new = _reference_items(items, policy, plan, where)
        if new:
            _apply_items(entry, value, items, new, plan)


def _note_orphans(where: str, value: Value, separator: str, policy: Policy, plan: Plan) -> None:
    """A removed ``3.9: py39, mypy`` line also ran envs that may run nowhere now."""
    key, _, envs = value.text.partition(separator)
    orphans = [i.text for i in split_items(envs, 0) if not fate_of(i.text, policy).dead]
    if orphans:
        plan.notes.append(
            f"{where}: the removed {key.strip()} line also ran {', '.join(orphans)};"
            " map them to a kept version"
        )


def _rewrite_labels(where: str, entry: Entry, policy: Policy, plan: Plan) -> None:
    """``labels = unit = py310, py311``: dropped envs leave each label."""
    for value in entry.values:
        name, equals, envs = value.text.partition("=")
        offset = value.start + len(name) + len(equals)
        items = split_items(envs, offset)
        new = _reference_items(items, policy, plan, where) if equals else {}
        if new and all(new.get(i, "") is None for i in range(len(items))):
            _ini.replace_value(entry, value, None, plan)
        elif new:
            plan.edits.append(Edit(offset, value.end, rebuild_items(envs, offset, items, new)))


def _rewrite_gh_map(where: str, entry: Entry, policy: Policy, plan: Plan) -> None:
    """tox-gh's ``[gh] python = 3.9 = py39`` map: lines of dropped versions go."""
    for value in entry.values:
        token = parse_token(value.text.partition("=")[0].strip())
        if "=" in value.text and token is not None and policy.drops(token.version):
            _ini.replace_value(entry, value, None, plan)
            plan.drop(where, {token.version})
            _note_orphans(where, value, "=", policy, plan)


def _rewrite_entry(section: Section, entry: Entry, policy: Policy, plan: Plan) -> None:
    where = f"[{section.name}] {entry.key}"
    if entry.name() == "depends":
        _rewrite_depends(where, entry, policy, plan)
        return
    for value in entry.values:
        alive = _rewrite_condition(where, entry, value, policy, plan)
        if not alive and _is_map_section(section.name):
            _note_orphans(where, value, ":", policy, plan)
        if alive and entry.name() in BASEPYTHON_KEYS:
            _retarget_basepython(where, entry, value, policy, plan)
        elif alive and entry.name() == "deps":
            colon = value.text.find(":") if condition_items(value) is not None else -1
            _ini.rewrite_requirement(entry, value, colon + 1, policy, plan)


# --- sections ----------------------------------------------------------------------------------


def _rewrite_env_header(
    text: str, section: Section, taken: set[str], policy: Policy, plan: Plan
) -> bool:
    """Rename or delete a ``[testenv:...]`` section; True when the section stays.

    ``taken`` holds the section names in use, so a rename never makes a duplicate section.
    """
    prefix = "testenv:"
    start = section.name_start + len(prefix)
    items = split_items(section.name[len(prefix) :], start)
    new = _reference_items(items, policy, plan, f"[{section.name}]")
    if not new:
        return True
    if any(new.get(i, "") is not None for i in range(len(items))):
        rebuilt = rebuild_items(section.name[len(prefix) :], start, items, new)
        if prefix + rebuilt not in taken:
            taken.add(prefix + rebuilt)
            plan.edits.append(Edit(start, start + len(section.name) - len(prefix), rebuilt))
            if any(fate_of(items[i].text, policy).dead for i in new if new[i] is not None):
                plan.dropped_in.pop(f"[{section.name}]")  # the rename says it all
                plan.change(f"[{section.name}] → [{prefix}{rebuilt}]")
            return True
    return not _remove_section(text, section, plan)


def _remove_section(text: str, section: Section, plan: Plan) -> bool:
    """Delete a section for dropped envs unless something refers to it; True when deleted."""
    if f"[{section.name}]" in text[: section.header.start] + text[section.header.stop :]:
        plan.notes.append(f"[{section.name}] is only for dropped Pythons but is referenced; kept")
        return False
    plan.edits.append(Edit(*_ini.section_span(text, section), ""))
    plan.dropped_in.pop(f"[{section.name}]", None)
    plan.change(f"[{section.name}]: removed")
    return True


def _is_env_section(name: str) -> bool:
    return name == "testenv" or name.startswith("testenv:")


def _is_map_section(name: str) -> bool:
    """tox-gh-actions / tox-travis maps: ``python = 3.9: py39``."""
    return name.split(":", 1)[0] in {"gh-actions", "travis"}


def rewrite_sections(text: str, sections: Sequence[Section], policy: Policy, plan: Plan) -> None:
    """The tox part of a file: ``[tox]``/``[tox:tox]`` env lists first, then env sections."""
    for section in sections:
        if section.name in TOX_SECTIONS:
            for entry in section.entries:
                if entry.name() in ENVLIST_KEYS:
                    rewrite_envlist(f"[{section.name}] {entry.key}", entry, policy, plan)
    taken = {s.name for s in sections}
    for section in sections:
        if section.name.startswith("testenv:") and not _rewrite_env_header(
            text, section, taken, policy, plan
        ):
            continue
        for entry in section.entries:
            if _is_env_section(section.name) or _is_map_section(section.name):
                _rewrite_entry(section, entry, policy, plan)
            elif section.name == "gh":
                _rewrite_gh_map(f"[gh] {entry.key}", entry, policy, plan)
            elif section.name in TOX_SECTIONS and entry.name() == "labels":
                _rewrite_labels(f"[{section.name}] labels", entry, policy, plan)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` drops from a tox.ini."""
    plan = Plan()
    rewrite_sections(text, _ini.scan(text), policy, plan)
    return plan.finish(text)
