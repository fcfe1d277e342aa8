"""INI requirement lines (install_requires, tox deps) whose python_version marker is decided."""

from __future__ import annotations

import re

from rewriters._ini import Entry, Plan, Value, replace_value
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.versions import Minor

MARKER_RE = re.compile(
    r"(?P<sep>\s*;\s*)python_(?:full_)?version\s*(?P<op><=|>=|==|!=|<|>)\s*"
    r"(?P<quote>[\"'])(?P<version>\d+\.\d+)(?P<patch>\.\d+)?(?P=quote)\s*$"
)
LATEST_MINOR = 99  # "every Python from the minimum on" is checked up to 3.99


def marker_fate(requirement: str, minimum: Minor) -> bool | None:
    """For ``pkg; python_version < "3.9"``: False if never true from ``minimum`` on, True if
    always true (the marker can go), None if it depends or there is no such single marker."""
    match = MARKER_RE.search(requirement)
    if match is None:
        return None
    bound = Minor.parse(match["version"])
    if match["patch"] and bound >= minimum:
        return None  # python_version < "3.11.2" splits 3.11 itself
    compare = {
        "<": bound.__gt__,
        "<=": bound.__ge__,
        ">": bound.__lt__,
        ">=": bound.__le__,
        "==": bound.__eq__,
        "!=": bound.__ne__,
    }[match["op"]]
    results = {compare(Minor(minimum.major, n)) for n in range(minimum.minor, LATEST_MINOR)}
    return results.pop() if len(results) == 1 else None


def without_marker(requirement: str) -> str:
    """The requirement with its trailing ``; python_version ...`` marker removed."""
    match = MARKER_RE.search(requirement)
    assert match is not None
    return requirement[: match.start()]


def rewrite_requirement(
    entry: Entry, value: Value, offset: int, policy: Policy, plan: Plan
) -> None:
    """Drop a requirement whose marker no kept Python meets; drop a marker they all meet."""
    requirement = value.text[offset:]
    fate = marker_fate(requirement, policy.minimum)
    if fate is None:
        return
    if fate:
        start = value.start + offset + len(without_marker(requirement))
        plan.edits.append(Edit(start, value.end, ""))
        plan.change(f"{entry.key}: {requirement.strip()} → {without_marker(requirement).strip()}")
    else:
        replace_value(entry, value, None, plan)
        plan.change(f"{entry.key}: removed {requirement.strip()}")
