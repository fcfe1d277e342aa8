"""tox env names: which envs go, which move, and how an env expression is written afterwards.

Shared by every tox configuration (tox.ini, setup.cfg's ``[tox:tox]``, tox.toml, pyproject's
``[tool.tox]``): each file kind lists its envs and says what each env carries; ``decide`` answers
for all of them by the rules every other version list follows.

- The envs of an env list that differ only in their Python (``py39-django42`` and
  ``py312-django42``; ``py39`` and ``py312``) form one list of versions, which shrinks by
  ``rewriters.rules.shrink``: ``py39, py312`` becomes ``py311, py312``, as a CI matrix does, and
  ``py39-freeze`` alone becomes ``py311-freeze``.
- An env that would move although its Pythons are all dropped goes instead when it carries
  something specific to them (``rewriters.rules.entry_goes``): a release of a library that only
  dropped Pythons test while kept ones test other releases (``py39-django32`` next to
  ``py312-django50``; ``django-v1.11``), or whatever the file kind finds keyed to it (tox.ini's
  ``py39: pytest==8.3.5``, a pinned ``deps`` in its own section).
- Other envs with a dropped Python (a section no list names) go, unless the same env at the new
  minimum is one a list moved up.

Env names are tox's generative expressions (``py3{9,10}-django{42}``, ``{3.9,3.10}-unit``,
``py3{9-15}``); ``render`` writes an expression back for what became of each env it names,
editing only the members and factors that changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import NamedTuple

from packaging.requirements import InvalidRequirement, Requirement

from rewriters.policy import Policy
from rewriters.rules import entry_goes, shrink
from rewriters.versions import Minor, Token, parse_token, retarget

GROUP_RE = re.compile(r"(\{[^{}]*\})")
RANGE_RE = re.compile(r"(?P<low>\d{1,2})(?P<dash>\s*-\s*)(?P<high>\d{1,2})")
# a factor naming a release of something: ``django42``, ``pip22``, ``v1.11`` (of the factor before)
RELEASE_RE = re.compile(r"(?P<library>[A-Za-z][A-Za-z_]*?)(?P<release>\d+(?:\.\d+)*)")
# factors with digits that name a tool or platform, not a release of a dependency
UNVERSIONED_FACTORS = frozenset(
    {"flake8", "pep8", "py2exe", "i18n", "l10n", "k8s", "s3", "utf8", "base64"}
    | {"win32", "win64", "x86", "x64", "amd64", "arm64", "aarch64"}
)
# requirement operators that hold a dependency at an old release
PINNING_OPERATORS = frozenset({"==", "===", "~=", "<", "<="})


# --- expressions -------------------------------------------------------------------------------


class Group(NamedTuple):
    """A brace group and the literal text its members join on each side (``py3`` + ``9``)."""

    members: tuple[str, ...]
    left: str
    right: str


Part = str | Group


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


def _choices(member: str) -> list[str]:
    """What one member stands for: itself, or each number of a range (``9-11``)."""
    match = RANGE_RE.fullmatch(member.strip())
    if match is None:
        return [member.strip()]
    return [str(n) for n in range(int(match["low"]), int(match["high"]) + 1)]


def names(expression: str) -> list[str]:
    """Every env name an expression generates, in tox's order (``py3{9-10}`` → py39, py310)."""
    parts = parse_expression(expression)
    if parts is None:
        return [expression]
    return [cell.name for cell in _cells(parts)]


def python_factor(name: str) -> tuple[int, Token] | None:
    """The position and version of the factor of an env name that names its Python: the
    first with a prefix (``py311``, ``pypy3.10``), so ``django32-py311`` runs 3.11; else a bare
    version leading the name (``3.11``, ``3.11-unit``). Elsewhere a bare version is another
    project's (``django-3.2``), and a wrong edit is worse than a miss."""
    factors = name.split("-")
    for position, factor in enumerate(factors):
        token = parse_token(factor)
        if token is not None and token.prefix:
            return position, token
    token = parse_token(factors[0])
    return None if token is None else (0, token)


def runs_dropped(name: str, policy: Policy) -> bool:
    """True for an env (or factor condition) naming a Python the policy drops."""
    found = python_factor(name)
    return found is not None and policy.drops(found[1].version)


def moved_name(name: str, to: Minor, policy: Policy) -> str:
    """``name`` with its Python factor moved to ``to`` (``py39-x`` → ``py311-x``)."""
    found = python_factor(name)
    assert found is not None
    factors = name.split("-")
    factors[found[0]] = retarget(found[1], to, policy.latest_patch)
    return "-".join(factors)


def pins_release(requirement: str) -> bool:
    """True for a requirement held at a release (``pytest==8.3.5``, ``Django<2``), which an
    env for an old Python carries because newer releases do not support it."""
    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return False
    return any(spec.operator in PINNING_OPERATORS for spec in parsed.specifier)


def matches(condition: str, name: str) -> bool:
    """True when a factor condition (``py39-django``) holds for env ``name``."""
    return set(condition.split("-")) <= set(name.split("-"))


# --- the decision ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What becomes of each env: ``changed`` maps an env to its new name, or None when it goes;
    ``known`` holds every env the configuration defines or lists."""

    policy: Policy
    changed: dict[str, str | None]
    known: frozenset[str]
    arrivals: frozenset[str] = field(init=False)
    # the known envs by each of their factors, to find the envs a condition holds for
    by_factor: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        moved = {new for new in self.changed.values() if new is not None}
        object.__setattr__(self, "arrivals", frozenset(moved))
        by_factor: dict[str, set[str]] = {}
        for name in self.known:
            for factor in name.split("-"):
                by_factor.setdefault(factor, set()).add(name)
        object.__setattr__(self, "by_factor", by_factor)

    def after(self, name: str) -> str | None:
        """An env's name afterwards (None: it goes). An env no list decided for goes with its
        dropped Python, unless the same env at the new minimum is one a list moved up."""
        if name in self.changed:
            return self.changed[name]
        if not runs_dropped(name, self.policy):
            return name
        moved = moved_name(name, self.policy.minimum, self.policy)
        return moved if moved in self.arrivals else None

    def condition_after(self, condition: str, shared: bool = False) -> str | None:
        """A factor condition afterwards: one naming a dropped Python follows its env or goes;
        one that held for known envs, all of which went, goes with them (``django111``).

        ``shared``: the condition is one of several on its line (``3.8,3.9,3.10: -r test.txt``,
        a line for every test env rather than for one Python), so naming a Python whose env
        moved up it follows that env (``3.10`` of ``{3.8,3.9,3.10}-unit``, now ``3.11-unit``)."""
        held = set.intersection(*(self.by_factor.get(f, set()) for f in condition.split("-")))
        if runs_dropped(condition, self.policy):
            moved = moved_name(condition, self.policy.minimum, self.policy)
            if shared and any(self.after(name) not in (None, name) for name in held):
                return moved
            return self.after(condition)
        if held and not any(
            (new := self.after(name)) is not None and matches(condition, new) for name in held
        ):
            return None
        return condition


def decide(
    listed: Sequence[str],
    defined: Iterable[str],
    carries: Callable[[str], bool],
    policy: Policy,
) -> Verdict:
    """What becomes of the envs of a tox configuration (see the module's rules).

    ``listed`` are the env list's envs in order, ``defined`` the envs the file defines anyway
    (sections, tables); ``carries`` says whether the file keys something to an env that only
    the dropped Pythons need (a pin for it).
    """
    known = frozenset([*listed, *defined])
    kept = {name for name in known if not runs_dropped(name, policy)}
    # what kept Pythons test is what the list runs; a section header's product
    # (``[testenv:py{39,312}-dj{32,42}-sqlite]``) names envs nobody runs
    released = {
        release for name in listed if not runs_dropped(name, policy) for release in _releases(name)
    }
    changed: dict[str, str | None] = {}
    for members in alike(listed).values():
        shrunk = shrink([token for _, token in members], policy)
        for index in shrunk.removed:
            changed[members[index][0]] = None
        staying = kept - {members[index][0] for index in shrunk.moved}
        for index, to in shrunk.moved.items():
            name, token = members[index]
            new = moved_name(name, to, policy)
            specific = policy.drops(token.version) and (
                cell_of_matrix(name, released) or carries(name)
            )
            goes = entry_goes(always=specific, repeats=new in staying, named=False)
            changed[name] = None if goes and policy.drops(token.version) else new
    return Verdict(policy, changed, known)


def alike(listed: Sequence[str]) -> dict[tuple[str, ...], list[tuple[str, Token]]]:
    """The listed envs with a Python, by all their other factors (``py39-x`` with ``py312-x``)."""
    found: dict[tuple[str, ...], list[tuple[str, Token]]] = {}
    for name in dict.fromkeys(listed):
        python = python_factor(name)
        if python is None:
            continue
        factors = name.split("-")
        factors[python[0]] = ""
        found.setdefault(tuple(factors), []).append((name, python[1]))
    return found


def _releases(name: str) -> set[tuple[str, str]]:
    """The (library, release) pairs an env's factors name (``django42`` → django, 42)."""
    factors = name.split("-")
    found: set[tuple[str, str]] = set()
    for index, factor in enumerate(factors):
        match = RELEASE_RE.fullmatch(factor)
        if match is None or factor.lower() in UNVERSIONED_FACTORS or parse_token(factor):
            continue
        library = match["library"].lower()
        if library == "v" and index:
            library = f"{factors[index - 1].lower()}-v"
        found.add((library, match["release"]))
    return found


def cell_of_matrix(name: str, released: Collection[tuple[str, str]]) -> bool:
    """True when an env pairs its dropped Python with a release of a library that only dropped
    Pythons test, while kept Pythons test other releases of it (``released``: the releases
    the envs of kept Pythons name): a compatibility-matrix cell that exists for the old
    Python (``py39-django32`` next to ``py312-django50``)."""
    libraries = {library for library, _ in released}
    return any(r not in released and r[0] in libraries for r in _releases(name))


# --- writing an expression back ----------------------------------------------------------------


class Cell(NamedTuple):
    """One env an expression generates: its name and the member (and range number) it takes
    from each group, by group number."""

    name: str
    choices: tuple[tuple[int, str], ...]


def _cells(parts: Sequence[Part]) -> list[Cell]:
    options: list[list[tuple[int, str]]] = [
        [(m, choice) for m, member in enumerate(part.members) for choice in _choices(member)]
        for part in parts
        if isinstance(part, Group)
    ]
    cells: list[Cell] = []
    for picked in product(*options):
        chosen = iter(picked)
        pieces = [part if isinstance(part, str) else next(chosen)[1] for part in parts]
        cells.append(Cell("".join(pieces), tuple(picked)))
    return cells


class Axis(NamedTuple):
    """Where an expression names its Python: a group's members (``group`` is its number), or
    one factor of a literal part (``part`` is its index, ``offset`` where the factor starts)."""

    group: int | None
    part: int = 0
    offset: int = 0
    factor: str = ""


def _versions_of(member: str, group: Group) -> bool:
    """True when a member forms a Python factor with the group's surroundings (``py3`` + ``9``)."""
    return all(parse_token(group.left + c + group.right) for c in _choices(member))


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


def _axis(parts: Sequence[Part]) -> Axis | None:
    groups = [part for part in parts if isinstance(part, Group)]
    for number, group in enumerate(groups):
        if any(_versions_of(member, group) for member in group.members):
            return Axis(number)
    for index, part in enumerate(parts):
        if isinstance(part, str):
            for offset, factor in _literal_factors(parts, index):
                if parse_token(factor) is not None:
                    return Axis(None, index, offset, factor)
    return None


class Rendered(NamedTuple):
    """An expression written back: its new text (None when every env it named goes), the
    dropped versions it named, whether a move could not be spelled in it, and each brace
    group's members afterwards (None for a member that went), for writers of other syntaxes."""

    text: str | None
    dropped: frozenset[Minor]
    unspellable: bool = False
    members: tuple[tuple[str | None, ...], ...] = ()


Slot = tuple[int, str]  # (member, choice) of the axis group; (0, factor) for a literal


class _Outcome(NamedTuple):
    """What ``_settle`` decided for one expression, ready to be spelled."""

    removed: set[tuple[int, int]]  # (group, member) removed from non-axis groups
    fates: dict[Slot, Minor | None]  # each axis slot's version afterwards (None: it goes)
    own: dict[Slot, Minor]  # each axis slot's version before


class _Member(NamedTuple):
    """A group member afterwards: its text (None: it went) and whether it keeps a version."""

    text: str | None
    keeps: bool = True


def render(expression: str, after: Callable[[str], str | None], policy: Policy) -> Rendered:
    """``expression`` written back for what ``after`` says of each env (or factor condition)
    it names: members of dropped Pythons go or move, a group member whose envs all go goes."""
    parts = parse_expression(expression)
    if parts is None:
        return Rendered(expression, frozenset())
    cells = _cells(parts)
    outcomes = {cell: after(cell.name) for cell in cells}
    dropped = frozenset(
        version
        for cell, new in outcomes.items()
        if new != cell.name and (version := _version(cell.name)) and policy.drops(version)
    )
    groups = [part.members for part in parts if isinstance(part, Group)]
    if all(new == cell.name for cell, new in outcomes.items()):
        return Rendered(expression, dropped, members=tuple(groups))
    if all(new is None for new in outcomes.values()):
        return Rendered(None, dropped)
    axis = _axis(parts)
    outcome = _settle(parts, axis, outcomes)
    members, unspellable = _members_after(parts, axis, outcome, policy)
    text = _spell(parts, axis, outcome, members, policy)
    spelled = tuple(tuple(m.text for m in group) for group in members)
    return Rendered(text, dropped, unspellable, spelled if text is not None else ())


def _slot(parts: Sequence[Part], axis: Axis | None, cell: Cell) -> Slot | None:
    if axis is None:
        return None
    if axis.group is None:
        return (0, axis.factor)
    member, choice = cell.choices[axis.group]
    group = [p for p in parts if isinstance(p, Group)][axis.group]
    return (member, choice) if _versions_of(group.members[member], group) else None


def _version(name: str) -> Minor | None:
    found = python_factor(name)
    return None if found is None else found[1].version


def _settle(parts: Sequence[Part], axis: Axis | None, outcomes: dict[Cell, str | None]) -> _Outcome:
    """Which non-axis members go (every env with them goes), and each axis slot's fate over
    the envs left: when those disagree, a slot that some env keeps stays, else it goes."""
    groups = [p for p in parts if isinstance(p, Group)]
    removed = {
        (g, m)
        for g, group in enumerate(groups)
        if axis is None or g != axis.group
        for m in range(len(group.members))
        if all(new is None for cell, new in outcomes.items() if cell.choices[g][0] == m)
    }
    seen: dict[Slot, set[Minor | None]] = {}
    own: dict[Slot, Minor] = {}
    for cell, new in outcomes.items():
        slot = _slot(parts, axis, cell)
        if slot is None or any((g, m) in removed for g, (m, _) in enumerate(cell.choices)):
            continue
        version = _version(cell.name)
        assert version is not None
        own[slot] = version
        seen.setdefault(slot, set()).add(None if new is None else _version(new))
    fates: dict[Slot, Minor | None] = {}
    for slot, versions in seen.items():
        if len(versions) == 1:
            fates[slot] = next(iter(versions))
        else:
            fates[slot] = own[slot] if own[slot] in versions else None
    return _Outcome(removed, fates, own)


def _members_after(
    parts: Sequence[Part], axis: Axis | None, outcome: _Outcome, policy: Policy
) -> tuple[list[list[_Member]], bool]:
    """Each group's members afterwards, and whether a move could not be spelled."""
    groups = [p for p in parts if isinstance(p, Group)]
    result: list[list[_Member]] = []
    unspellable = False
    for number, group in enumerate(groups):
        if axis is not None and axis.group == number:
            members, lost = _axis_members(group, number, outcome, policy)
            unspellable |= lost
        else:
            members = [
                _Member(None if (number, i) in outcome.removed else m)
                for i, m in enumerate(group.members)
            ]
        result.append(members)
    return result, unspellable


def _axis_members(
    group: Group, number: int, outcome: _Outcome, policy: Policy
) -> tuple[list[_Member], bool]:
    """The Python group's members with their new versions; a member that cannot spell its
    new version stays as it is."""
    members: list[_Member] = []
    unspellable = False
    for index, member in enumerate(group.members):
        slots = [(index, choice) for choice in _choices(member)]
        if not _versions_of(member, group) or all(
            outcome.fates[s] == outcome.own[s] for s in slots
        ):
            members.append(_Member(member))
            continue
        keeps = any(outcome.fates[s] == outcome.own[s] for s in slots)
        versions = [v for s in slots if (v := outcome.fates[s]) is not None]
        spelled = _spell_member(group, member, versions, policy)
        unspellable |= spelled is None
        if spelled is None:
            members.append(_Member(member))
        else:
            members.append(_Member(spelled or None, keeps))
    return members, unspellable


def _spell(
    parts: Sequence[Part],
    axis: Axis | None,
    outcome: _Outcome,
    members: list[list[_Member]],
    policy: Policy,
) -> str | None:
    """The expression's new text; None when its Python is left with no version."""
    pieces: list[str] = []
    groups = iter(members)
    number = -1
    for index, part in enumerate(parts):
        if isinstance(part, Group):
            number += 1
            text = _spell_group(part, next(groups), axis is not None and axis.group == number)
            if text is None:
                return None
            pieces.append(text)
        elif axis is not None and axis.group is None and axis.part == index:
            fate = outcome.fates.get((0, axis.factor))
            if fate is None:
                return None
            token = parse_token(axis.factor)
            assert token is not None
            new = (
                axis.factor if fate == token.version else retarget(token, fate, policy.latest_patch)
            )
            pieces.append(part[: axis.offset] + new + part[axis.offset + len(axis.factor) :])
        else:
            pieces.append(part)
    return "".join(pieces)


def _spell_group(group: Group, members: list[_Member], python: bool) -> str | None:
    """A group with its members afterwards (None when none is left): the Python group, left
    with a single moved member (or only the empty one), loses its braces."""
    left = [m for m in members if m.text is not None]
    texts = [m.text for m in left if m.text is not None]
    if not texts:
        return None
    if texts == list(group.members):
        return "{" + ",".join(group.members) + "}"
    if python and [t.strip() for t in texts] == [""]:
        return ""
    if python and len(left) == 1 and not left[0].keeps:
        return texts[0].strip()
    return "{" + _join_members(group.members, texts) + "}"


def _spell_member(group: Group, member: str, versions: list[Minor], policy: Policy) -> str | None:
    """A member naming ``versions`` in its own spelling ("" when none is left): a range keeps
    its dash; None when the group's surroundings cannot spell one of them (``py2{7}``)."""
    if not versions:
        return ""
    base = parse_token(group.left + _choices(member)[0] + group.right)
    assert base is not None
    spelled: list[str] = []
    for version in sorted(set(versions)):
        new = retarget(base, version, policy.latest_patch)
        if not (new.startswith(group.left) and new.endswith(group.right)):
            return None
        spelled.append(new[len(group.left) : len(new) - len(group.right)])
    lead = member[: len(member) - len(member.lstrip())]
    match = RANGE_RE.fullmatch(member.strip())
    if match is not None and len(spelled) > 1:
        return f"{lead}{spelled[0]}{match['dash']}{spelled[-1]}"
    return lead + ",".join(spelled)


def _join_members(original: Sequence[str], kept: Sequence[str]) -> str:
    """Members joined back, the first taking the original first member's leading space."""
    lead = original[0][: len(original[0]) - len(original[0].lstrip())]
    return ",".join([lead + kept[0].lstrip(), *kept[1:]])
