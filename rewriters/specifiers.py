"""Raise the floor of a ``requires-python``-style specifier, and read trove classifiers.

Specifiers come in many hands: ``>=3.9``, ``>= 3.9``, ``>=3.9,<4``, ``>=3.9.2``, ``~=3.9``,
``>=3.9,!=3.9.1``, Poetry's ``^3.9`` and ``>=3.9,<4.0``.  Only the clauses that must change
change; spacing and the order of clauses stay as the author wrote them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from rewriters.policy import Policy
from rewriters.versions import Minor

CLAUSE_RE = re.compile(
    r"(?P<lead>\s*)(?P<op>~=|===|==|!=|<=|>=|<|>|\^|~)?(?P<space>\s*)"
    r"(?P<version>\d+(?:\.\d+)*(?:\.\*)?)(?P<trail>\s*)"
)
FLOOR_OPS = frozenset({">=", "~=", "^", "~", ">"})
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
    """The new minimum; ``3.6.0`` keeps its ``.0`` (``3.11.0``), ``3.9.2`` becomes ``3.11``."""
    if version.count(".") == 2 and version.endswith(".0"):
        return f"{policy.minimum}.0"
    return str(policy.minimum)


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
    minimum = Version(str(policy.minimum))
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
        elif match["op"] in {"!=", "<", "<="} and _minor_of(version) < policy.minimum:
            continue
        else:
            kept.append(match.group(0))
    return RaisedFloor(",".join(kept), _minor_of(str(floor)))


def classifier_version(classifier: str) -> Minor | None:
    """``Programming Language :: Python :: 3.9`` → 3.9; other classifiers → None."""
    match = CLASSIFIER_RE.fullmatch(classifier.strip())
    if match is None:
        return None
    return Minor.parse(match["version"])


def classifier_for(version: Minor) -> str:
    """The trove classifier naming ``version``."""
    return f"Programming Language :: Python :: {version}"
