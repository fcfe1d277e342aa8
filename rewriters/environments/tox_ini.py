"""tox.ini: env lists, factor conditions, gh-actions maps, basepython and per-env sections.

Env names are handled by ``rewriters.environments.tox_envs``.  An env that only runs on dropped
Pythons goes
when the env list already has its move-up, or when it is a compatibility-matrix cell
(``py39-dj32``) and other envs still run a Python; otherwise it moves to the new minimum
(``py39-freeze`` → ``py311-freeze``), and its ``[testenv:...]`` section follows.  A setting line
conditioned only on dropped factors goes; a section for a dropped env goes unless something
refers to it.  setup.cfg's ``[tox:tox]`` reuses ``rewrite_sections``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rewriters.environments import tox_envs
from rewriters.formats import ini as _ini
from rewriters.formats.ini import Entry, Item, Plan, Section, Value, rebuild_items, split_items
from rewriters.packaging import requirement_lines
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.specifiers import dead_projects
from rewriters.tools import tool_ini
from rewriters.versions import parse_token, retarget

PATTERNS: tuple[str, ...] = ("tox.ini",)

TOX_SECTIONS = frozenset({"tox", "tox:tox"})
ENVLIST_KEYS = ("envlist", "env_list")
BASEPYTHON_KEYS = ("basepython", "base_python")
CONDITION_RE = re.compile(r"[\w.!{}-]+(?:\s*,\s*[\w.!{}-]+)*")
INLINE_COMMENT_RE = re.compile(r"\s+#.*$")


# --- env lists -------------------------------------------------------------------------------


def _body(value: Value) -> str:
    """The value text without a trailing `` # comment`` (tox strips those)."""
    return INLINE_COMMENT_RE.sub("", value.text)


def _all_gone(items: Sequence[Item], new: dict[int, str | None]) -> bool:
    """True when ``new`` removes every item."""
    return all(new.get(i, "") is None for i in range(len(items)))


def _apply_items(
    entry: Entry, value: Value, items: list[Item], new: dict[int, str | None], plan: Plan
) -> None:
    """Write a value line's items back, deleting the line when none is left."""
    if _all_gone(items, new):
        _ini.replace_value(entry, value, None, plan)
        return
    body = _body(value)
    rebuilt = rebuild_items(body, value.start, items, new)
    plan.edits.append(Edit(value.start, value.start + len(body), rebuilt))


def _dead_item(item: Item, covered: set[str], policy: Policy, plan: Plan) -> str | None:
    """A dead env list item moves to the new minimum (added to ``covered``), or goes (None)
    when that env is listed already or it is a matrix cell and another env runs a Python."""
    if tox_envs.pins_other_versions(item.text) and any(tox_envs.runs_python(n) for n in covered):
        return None
    moved = tox_envs.retarget_expression(item.text, policy)
    if moved is None:
        plan.notes.append(f"env list: cannot spell Python {policy.minimum} in {item.text!r}")
        return item.text
    names = tox_envs.expand(moved)
    if names <= covered:
        return None
    covered |= names
    plan.renamed |= names
    return moved


def rewrite_envlist(where: str, entry: Entry, policy: Policy, plan: Plan) -> None:
    """Drop versions from ``envlist``; an env left with no Python moves to the minimum or goes."""
    lines = [(v, split_items(_body(v), v.start)) for v in entry.values]
    fates = {i.start: tox_envs.fate_of(i.text, policy) for _, items in lines for i in items}
    covered: set[str] = set()
    for fate in fates.values():
        covered |= set() if fate.dead else tox_envs.expand(fate.text)
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


def _condition_end(value: Value) -> int:
    """Where the colon ending a factor condition sits in ``value.text``; -1 without one."""
    return value.text.find(":") if condition_items(value) is not None else -1


def _rewrite_condition(where: str, entry: Entry, value: Value, policy: Policy, plan: Plan) -> bool:
    """Drop dead factors from a line's condition; True when the line survives."""
    items = condition_items(value)
    if items is None:
        return True
    new = _reference_items(items, policy, plan, where)
    if not new:
        return True
    if _all_gone(items, new):
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
    colon = _condition_end(value)
    content = value.text[colon + 1 :]
    token = parse_token(content.strip())
    if token is None or not policy.drops(token.version):
        return
    start = value.start + colon + 1 + len(content) - len(content.lstrip())
    new = retarget(token, policy.minimum, policy.latest_patch)
    plan.edits.append(Edit(start, start + len(content.strip()), new))
    plan.dropped.add(token.version)
    plan.changes.append(f"{where}: {content.strip()} → {new}")


def _reference_items(
    items: Sequence[Item], policy: Policy, plan: Plan, where: str
) -> dict[int, str | None]:
    """New text for env references (``depends``, section names) after dropping versions."""
    new: dict[int, str | None] = {}
    for index, item in enumerate(items):
        fate = tox_envs.fate_of(item.text, policy)
        plan.drop(where, fate.dropped)
        if fate.dead:
            new[index] = tox_envs.moved_or_gone(item.text, policy, plan.renamed)
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
    orphans = [i.text for i in split_items(envs, 0) if not tox_envs.fate_of(i.text, policy).dead]
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
        if new and _all_gone(items, new):
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
    requirements = (value.text[_condition_end(value) + 1 :] for value in entry.values)
    dead = dead_projects(requirements, policy.minimum) if entry.name() == "deps" else set()
    for value in entry.values:
        alive = _rewrite_condition(where, entry, value, policy, plan)
        if not alive and _is_map_section(section.name):
            _note_orphans(where, value, ":", policy, plan)
        if alive and entry.name() in BASEPYTHON_KEYS:
            _retarget_basepython(where, entry, value, policy, plan)
        elif alive and entry.name() == "deps":
            start = _condition_end(value) + 1
            requirement_lines.rewrite_requirement(entry, value, start, policy, plan, dead)


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
    if not _all_gone(items, new):
        rebuilt = rebuild_items(section.name[len(prefix) :], start, items, new)
        if prefix + rebuilt not in taken:
            taken.add(prefix + rebuilt)
            plan.edits.append(Edit(start, start + len(section.name) - len(prefix), rebuilt))
            if any(tox_envs.fate_of(items[i].text, policy).dead for i in new if new[i] is not None):
                plan.dropped_in.pop(f"[{section.name}]")  # the rename says it all
                plan.changes.append(f"[{section.name}] → [{prefix}{rebuilt}]")
            return True
    return not _remove_section(text, section, plan)


def _remove_section(text: str, section: Section, plan: Plan) -> bool:
    """Delete a section for dropped envs unless something refers to it; True when deleted."""
    if f"[{section.name}]" in text[: section.header.start] + text[section.header.stop :]:
        plan.notes.append(f"[{section.name}] is only for dropped Pythons but is referenced; kept")
        return False
    plan.edits.append(Edit(*_ini.section_span(text, section), ""))
    plan.dropped_in.pop(f"[{section.name}]", None)
    plan.changes.append(f"[{section.name}]: removed")
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
    sections = _ini.scan(text)
    rewrite_sections(text, sections, policy, plan)
    # flake8, isort and pylint read their sections from tox.ini too; mypy does not
    tool_ini.rewrite_pins(sections, policy, plan, [p for p in tool_ini.PINS if p != tool_ini.MYPY])
    return plan.finish(text)
