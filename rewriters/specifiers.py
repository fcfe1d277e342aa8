"""Python version specifiers and markers: raise a floor, move a window, judge a marker.

Specifiers come in many hands: ``>=3.9``, ``>= 3.9``, ``>=3.9,<4``, ``>=3.9.2``, ``~=3.9``,
``>=3.9,!=3.9.1``, Poetry's ``^3.9``, ``>=3.9,<4.0`` and ``<3.10 >= 3.9.2``.  Only the clauses
that must change change; spacing and the order of clauses stay as the author wrote them.

A dependency's ``python_version`` marker (or Poetry's per-dependency ``python`` constraint) has
a *fate* under a new minimum: always true from the minimum on, never true, or it depends.
Trove classifiers are read here too.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Iterable
from typing import NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from rewriters.policy import Policy
from rewriters.versions import Minor

CLAUSE_RE = re.compile(
    r"(?P<lead>\s*)(?P<op>~=|===|==|!=|<=|>=|<|>|\^|~)?(?P<space>\s*)"
    r"(?P<version>\d+(?:\.\d+)*(?:\.\*)?)(?P<trail>\s*)"
)
FLOOR_OPS = frozenset({">=", "~=", "^", "~", ">"})
# Comparisons alone, separated by commas or (Poetry) blanks: ``>=3.9,<4`` or ``<3.10 >= 3.9.2``.
COMPARISON_RE = re.compile(
    r"[\s,]*(?P<op><=|>=|==|!=|<|>)\s*(?P<version>\d+(?:\.\d+){0,2})(?![\d.*])[\s,]*"
)
# A requirement's sole marker: ``pkg ; python_version < "3.10"``.
MARKER_RE = re.compile(
    r"(?P<sep>\s*;\s*)python_(?:full_)?version\s*(?P<op><=|>=|==|!=|<|>)\s*"
    r"(?P<quote>[\"'])(?P<version>\d+\.\d+(?:\.\d+)?)(?P=quote)\s*$"
)
LATEST_MINOR = 99  # "every Python from the minimum on" is checked up to 3.99
COMPARE: dict[str, Callable[[Minor, Minor], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
CLASSIFIER_RE = re.compile(r"Programming Language :: Python :: (?P<version>\d+\.\d+)(?!\d)")


class RaisedFloor(NamedTuple):
    """A specifier whose floor moved up to the policy's minimum."""

    text: str
    old_floor: Minor


def _minor_of(version: str) -> Minor:
    parts = version.split(".")
    return Minor(int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1] != "*" else 0)


def _is_valid(spec: str) -> bool:
    # Poetry's ^3.9 and ~3.9 are checked as the PEP 440 floor they start from
    pep440 = re.sub(r"\^|~(?!=)", ">=", spec)
    try:
        SpecifierSet(pep440)
    except InvalidSpecifier:
        return False
    return True


def _excludes(matches: list[re.Match[str]], minimum: Version) -> bool:
    """True when an upper bound shuts out the new minimum (``>=3.9,<3.11`` for 3.11)."""
    for match in matches:
        bound = Version(match["version"].replace(".*", ""))
        if (match["op"] == "<" and bound <= minimum) or (match["op"] == "<=" and bound < minimum):
            return True
    return False


def _spelled_like(version: str, policy: Policy) -> str:
    """The new floor; ``3.6.0`` keeps its ``.0`` (``3.11.0``), ``3.9.2`` becomes ``3.11``."""
    if version.count(".") == 2 and version.endswith(".0"):
        return f"{policy.floor}.0"
    return str(policy.floor)


def raise_floor(spec: str, policy: Policy) -> RaisedFloor | None:
    """``">=3.9,<4"`` → ``">=3.11,<4"``; None when the floor is already high enough or absent.

    Clauses that only exclude versions below the new minimum (``!=3.9.1``) are removed.
    """
    clauses = spec.split(",")
    parsed = [CLAUSE_RE.fullmatch(c) for c in clauses]
    if not clauses or any(m is None for m in parsed) or not _is_valid(spec):
        return None
    matches = [m for m in parsed if m is not None]
    floors = [m for m in matches if m["op"] in FLOOR_OPS]
    if not floors:
        return None
    floor = max(Version(m["version"].replace(".*", "")) for m in floors)
    minimum = Version(str(policy.floor))
    if floor >= minimum:
        return None
    if _excludes(matches, minimum):
        return None  # the range ends below the new minimum: a human has to decide
    kept: list[str] = []
    for match in matches:
        version = match["version"]
        if match["op"] in FLOOR_OPS:
            if Version(version.replace(".*", "")) != floor:
                continue
            op = ">=" if match["op"] == ">" else match["op"]
            new = _spelled_like(version, policy)
            kept.append(f"{match['lead']}{op}{match['space']}{new}{match['trail']}")
        elif match["op"] in {"!=", "<", "<="} and _minor_of(version) < policy.floor:
            continue
        else:
            kept.append(match.group(0))
    return RaisedFloor(",".join(kept), _minor_of(str(floor)))


def shift_window(spec: str, policy: Policy) -> RaisedFloor | None:
    """``"<3.10 >= 3.9.2"`` → ``"<3.11 >= 3.10"`` for 3.10: a range admitting only dropped
    Pythons moves up to start at the minimum, as many minors wide as before.

    Only a floor (``>=``) and a ceiling (``<`` or ``<=``, no patch) of the same major are
    understood; None for any other shape, or when the range still admits the minimum.
    """
    found = _comparisons(spec)
    if found is None or sorted(m["op"] for m in found) not in (["<", ">="], ["<=", ">="]):
        return None
    floor, ceiling = sorted(found, key=lambda m: m["op"] != ">=")
    low, high = _minor_of(floor["version"]), _minor_of(ceiling["version"])
    minimum = policy.floor
    admits_minimum = high > minimum or (high == minimum and ceiling["op"] == "<=")
    patched = ceiling["version"].count(".") != 1
    same_major = low.major == high.major == minimum.major
    if admits_minimum or patched or not (same_major and low < minimum):
        return None
    moved = Minor(high.major, high.minor + minimum.minor - low.minor)
    new = {
        floor.start("version"): _spelled_like(floor["version"], policy),
        ceiling.start("version"): str(moved),
    }
    return RaisedFloor(_replace_versions(spec, found, new), low)


def _replace_versions(spec: str, found: list[re.Match[str]], new: dict[int, str]) -> str:
    pieces: list[str] = []
    position = 0
    for match in found:
        start, end = match.span("version")
        pieces += [spec[position:start], new.get(start, match["version"])]
        position = end
    return "".join(pieces) + spec[position:]


def _comparisons(spec: str) -> list[re.Match[str]] | None:
    """The comparisons making up ``spec``; None when it holds anything else (``^3.9``, ``||``,
    ``3.9.*``)."""
    found: list[re.Match[str]] = []
    position = 0
    while position < len(spec):
        match = COMPARISON_RE.match(spec, position)
        if match is None:
            return None
        found.append(match)
        position = match.end()
    return found or None


def _fate(bounds: Iterable[tuple[str, str]], minimum: Minor) -> bool | None:
    """Whether every Python from ``minimum`` on meets all the ``(op, version)`` comparisons:
    True if all do, False if none does, None if it depends.

    A bound with a patch at or above the minimum (``python_full_version < "3.11.2"``) splits a
    kept minor itself: that depends too.
    """
    tests: list[tuple[Callable[[Minor, Minor], bool], Minor]] = []
    for op, version in bounds:
        bound = _minor_of(version)
        if version.count(".") == 2 and bound >= minimum:
            return None
        tests.append((COMPARE[op], bound))
    kept = (Minor(minimum.major, n) for n in range(minimum.minor, LATEST_MINOR))
    results = {all(compare(v, bound) for compare, bound in tests) for v in kept}
    return results.pop() if len(results) == 1 else None


def marker_fate(requirement: str, minimum: Minor) -> bool | None:
    """For ``pkg; python_version < "3.9"``: False if never true from ``minimum`` on, True if
    always true (the marker can go), None if it depends or there is no such single marker."""
    match = MARKER_RE.search(requirement)
    if match is None:
        return None
    return _fate([(match["op"], match["version"])], minimum)


def without_marker(requirement: str) -> str:
    """The requirement with its trailing ``; python_version ...`` marker removed."""
    match = MARKER_RE.search(requirement)
    assert match is not None
    return requirement[: match.start()]


def marker_version(requirement: str) -> Minor:
    """The minor a requirement's sole ``python_version`` marker names."""
    match = MARKER_RE.search(requirement)
    assert match is not None
    return _minor_of(match["version"])


_PROJECT_RE = re.compile(r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def project_name(requirement: str) -> str:
    """The normalized project a requirement names: ``Typing_Ext>=4`` → ``typing-ext``."""
    match = _PROJECT_RE.match(requirement)
    return canonicalize_name(match["name"]) if match else requirement


def dead_projects(requirements: Iterable[str], minimum: Minor) -> set[str]:
    """Projects with a requirement no kept Python installs: the other half of a split pin
    (``pkg<2; python_version<'3.10'`` next to ``pkg>=2; python_version>='3.10'``) loses its
    now always-true marker; a lone always-true marker stays, as maintainers keep those."""
    return {project_name(r) for r in requirements if marker_fate(r, minimum) is False}


def marker_goes(
    requirement: str, policy: Policy, dead: Collection[str], floor: Minor | None = None
) -> bool:
    """For a requirement whose marker is now always true: True when the marker can go, as the
    other half of its split pin went (``dead``) or it names a version this change drops
    (``floor``: the project's old lowest Python, when known). Other lone always-true markers
    stay: maintainers keep those as documentation."""
    named = marker_version(requirement)
    dropped_now = floor is not None and floor <= named and policy.drops(named)
    return project_name(requirement) in dead or dropped_now


def constraint_fate(spec: str, minimum: Minor) -> bool | None:
    """Like ``marker_fate``, for a constraint such as Poetry's ``python = ">=3.8,<3.10"``."""
    found = _comparisons(spec)
    if found is None:
        return None
    return _fate([(m["op"], m["version"]) for m in found], minimum)


def named_minors(spec: str) -> list[Minor]:
    """The minors the comparisons of ``spec`` name."""
    return [_minor_of(m["version"]) for m in _comparisons(spec) or ()]


def classifier_version(classifier: str) -> Minor | None:
    """``Programming Language :: Python :: 3.9`` → 3.9; other classifiers → None."""
    match = CLASSIFIER_RE.fullmatch(classifier.strip())
    if match is None:
        return None
    return Minor.parse(match["version"])


# ``Python :: 2`` and ``Python :: 2 :: Only``: Python 2 as a whole (``:: 2.7`` is a minor)
_PYTHON2_CLASSIFIER_RE = re.compile(r"Programming Language :: Python :: 2(?: :: Only)?")
# how a change line names them
PYTHON2_CLASSIFIERS = "the Python 2 classifiers"


def python2_classifier(classifier: str | None, policy: Policy) -> bool:
    """True for a classifier naming Python 2 as a whole, when ``policy`` drops Python 2 (a new
    minimum of 3.x is above it, as it is above ``:: 2.7``)."""
    found = classifier is not None and _PYTHON2_CLASSIFIER_RE.fullmatch(classifier.strip())
    return bool(found) and policy.drops(Minor(2, 7))


def classifier_for(version: Minor) -> str:
    """The trove classifier naming ``version``."""
    return f"Programming Language :: Python :: {version}"
