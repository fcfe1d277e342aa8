"""INI requirement lines (install_requires, tox deps) whose python_version marker is decided."""

from __future__ import annotations

from collections.abc import Collection

from rewriters.formats.ini import Entry, Plan, Value, replace_value
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.specifiers import marker_fate, marker_goes, without_marker
from rewriters.versions import Minor


def rewrite_requirement(
    entry: Entry,
    value: Value,
    offset: int,
    policy: Policy,
    plan: Plan,
    dead: Collection[str],
    floor: Minor | None = None,
) -> None:
    """Drop a requirement whose marker no kept Python meets; drop a marker they all meet when
    the other half of its split pin went (``dead``: see ``specifiers.dead_projects``) or when
    it names a version this change drops (``floor``: the old ``python_requires`` floor)."""
    requirement = value.text[offset:]
    fate = marker_fate(requirement, policy.minimum)
    if fate is None:
        return
    if fate and not marker_goes(requirement, policy, dead, floor):
        return
    if fate:
        start = value.start + offset + len(without_marker(requirement))
        plan.edits.append(Edit(start, value.end, ""))
        plan.changes.append(
            f"{entry.key}: {requirement.strip()} → {without_marker(requirement).strip()}"
        )
    else:
        replace_value(entry, value, None, plan)
        plan.changes.append(f"{entry.key}: removed {requirement.strip()}")
