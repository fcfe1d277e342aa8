"""setup.cfg: python_requires, version classifiers, markers, ``[mypy]`` and ``[tox:tox]``."""

from __future__ import annotations

from collections.abc import Sequence

from rewriters.environments import tox_ini
from rewriters.formats import ini
from rewriters.formats.ini import Entry, Plan, Section
from rewriters.packaging import requirement_lines
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.specifiers import (
    PYTHON2_CLASSIFIERS,
    classifier_for,
    classifier_version,
    dead_projects,
    python2_classifier,
    raise_floor,
)
from rewriters.tools import tool_ini
from rewriters.versions import Minor


def _rewrite_classifiers(entry: Entry, policy: Policy, plan: Plan) -> None:
    """Remove dropped ``Python :: 3.X`` classifiers, and ``Python :: 2``; if no version
    classifier would be left, the minimum's."""
    versioned = [(v, classifier_version(v.text)) for v in entry.values]
    dropped = [(v, m) for v, m in versioned if m is not None and policy.drops(m)]
    python2 = [v for v in entry.values if python2_classifier(v.text, policy)]
    if not dropped and not python2:
        return
    kept = [m for _, m in versioned if m is not None and not policy.drops(m)]
    for value, _ in dropped[:-1] if not kept else dropped:
        ini.replace_value(entry, value, None, plan)
    for value in python2:
        ini.replace_value(entry, value, None, plan)
    if dropped and not kept:
        value = dropped[-1][0]
        ini.replace_value(entry, value, classifier_for(policy.minimum), plan)
    plan.drop("classifiers", {m for _, m in dropped})
    if python2:
        plan.changes.append(f"classifiers: dropped {PYTHON2_CLASSIFIERS}")


def _rewrite_python_requires(entry: Entry, policy: Policy, plan: Plan) -> None:
    value = ini.first_value(entry)
    raised = raise_floor(value.text, policy)
    if raised is None:
        return
    plan.edits.append(Edit(value.start, value.end, raised.text))
    plan.dropped.update(policy.minors_between(raised.old_floor))
    plan.changes.append(f"python_requires: {value.text} → {raised.text}")


def _rewrite_requirements(entry: Entry, policy: Policy, plan: Plan, floor: Minor | None) -> None:
    dead = dead_projects((value.text for value in entry.values), policy.minimum)
    for value in entry.values:
        requirement_lines.rewrite_requirement(entry, value, 0, policy, plan, dead, floor)


def _old_floor(sections: Sequence[Section], policy: Policy) -> Minor | None:
    """The oldest Python ``[options] python_requires`` admitted before this change."""
    options = next((s for s in sections if s.name == "options"), None)
    entry = options.get("python_requires") if options else None
    raised = raise_floor(ini.first_value(entry).text, policy) if entry else None
    return raised.old_floor if raised else None


def _rewrite_section(section: Section, policy: Policy, plan: Plan, floor: Minor | None) -> None:
    for entry in section.entries:
        key = (section.name, entry.name())
        if key == ("metadata", "classifiers"):
            _rewrite_classifiers(entry, policy, plan)
        elif key == ("options", "python_requires"):
            _rewrite_python_requires(entry, policy, plan)
        elif key == ("options", "install_requires") or section.name == "options.extras_require":
            _rewrite_requirements(entry, policy, plan, floor)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` drops from a setup.cfg."""
    sections = ini.scan(text)
    plan = Plan()
    floor = _old_floor(sections, policy)
    for section in sections:
        _rewrite_section(section, policy, plan, floor)
    tool_ini.rewrite_pins(sections, policy, plan)
    if any(s.name == "tox:tox" for s in sections):
        tox_ini.rewrite_sections(text, sections, policy, plan)
    return plan.finish(text)
