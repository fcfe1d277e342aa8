"""tox.ini: env lists, factor conditions, gh-actions maps, basepython and per-env sections.

What becomes of each env is ``rewriters.environments.tox_envs.decide``'s answer, the same for
every tox configuration: the env list shrinks by the list rule (``py39, py312`` → ``py311,
py312``; ``py39-freeze`` alone → ``py311-freeze``), and an env whose Pythons are all dropped
goes rather than moves when this file keys something to it that only those Pythons need: a
``deps`` line conditioned on its dropped Python (``py39: pytest==8.3.5``), a pinned ``deps`` in
a section of its own, or a release of a library only dropped Pythons test
(``py39-django32``). Sections, factor-conditional lines, ``depends`` and ``labels`` follow
their envs: renamed with a moved env, gone with a removed one (a section something refers to
stays, with a note). setup.cfg's ``[tox:tox]`` reuses ``rewrite_sections``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import NamedTuple

from rewriters.environments import tox_envs
from rewriters.formats import ini as _ini
from rewriters.formats.ini import Entry, Item, Plan, Section, Value, rebuild_items, split_items
from rewriters.packaging import requirement_lines
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.specifiers import dead_projects
from rewriters.tools import tool_ini
from rewriters.versions import Minor, Token, parse_token, retarget

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


def _envlists(sections: Sequence[Section]) -> Iterator[tuple[str, Entry]]:
    """The env list entries of the ``[tox]`` (or ``[tox:tox]``) section, with their place."""
    for section in sections:
        if section.name in TOX_SECTIONS:
            for entry in section.entries:
                if entry.name() in ENVLIST_KEYS:
                    yield f"[{section.name}] {entry.key}", entry


def _listed(entry: Entry) -> Iterator[str]:
    """The env names an env list entry generates, in order."""
    for value in entry.values:
        for item in split_items(_body(value), value.start):
            yield from tox_envs.names(item.text)


def _section_envs(section: Section) -> list[str]:
    """The env names a ``[testenv:...]`` section is for."""
    items = split_items(section.name.removeprefix("testenv:"), 0)
    return [name for item in items for name in tox_envs.names(item.text)]


class _Keyed(NamedTuple):
    """A section's ``deps`` lines as ``_carries`` reads them: the envs the section is for
    (None for ``[testenv]``, every env), whether all of them run dropped Pythons, and each
    line's factor conditions with whether its requirement pins a release."""

    envs: frozenset[str] | None
    alone: bool
    lines: tuple[tuple[tuple[str, ...], bool], ...]


def _keyed(sections: Sequence[Section], policy: Policy) -> list[_Keyed]:
    found: list[_Keyed] = []
    for section in sections:
        if section.name != "testenv" and not section.name.startswith("testenv:"):
            continue
        envs = _section_envs(section) if section.name != "testenv" else []
        alone = bool(envs) and all(tox_envs.runs_dropped(env, policy) for env in envs)
        lines = []
        for value in (v for e in section.entries if e.name() == "deps" for v in e.values):
            conditions = tuple(
                c for i in condition_items(value) or () for c in tox_envs.names(i.text)
            )
            requirement = INLINE_COMMENT_RE.sub("", value.text[_condition_end(value) + 1 :])
            lines.append((conditions, tox_envs.pins_release(requirement.strip())))
        found.append(_Keyed(frozenset(envs) if envs else None, alone, tuple(lines)))
    return found


def _carries(keyed: Sequence[_Keyed], policy: Policy, name: str) -> bool:
    """True when a ``deps`` line is keyed to env ``name`` for its dropped Python only: a line
    conditioned on dropped Pythons (``py39: pytest==8.3.5``), or a pinned requirement in a
    section only for envs of dropped Pythons (``[testenv:py39-old]`` ``deps = attrs<22``)."""
    for section in keyed:
        if section.envs is not None and name not in section.envs:
            continue
        for conditions, pinned in section.lines:
            if conditions and not any(tox_envs.matches(c, name) for c in conditions):
                continue
            if conditions and all(tox_envs.runs_dropped(c, policy) for c in conditions):
                return True
            if section.alone and pinned:
                return True
    return False


def verdict_of(sections: Sequence[Section], policy: Policy) -> tox_envs.Verdict:
    """What becomes of every env the file lists or has a section for."""
    listed = [name for _, entry in _envlists(sections) for name in _listed(entry)]
    defined = [n for s in sections if s.name.startswith("testenv:") for n in _section_envs(s)]
    carries = partial(_carries, _keyed(sections, policy), policy)
    return tox_envs.decide(listed, defined, carries, policy)


def rewrite_envlist(where: str, entry: Entry, verdict: tox_envs.Verdict, plan: Plan) -> None:
    """Drop versions from ``envlist``: each env goes, moves or stays as ``verdict`` says."""
    for value in entry.values:
        items = split_items(_body(value), value.start)
        new = _reference_items(items, verdict.after, verdict.policy, plan, where)
        if new:
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


def _rewrite_condition(
    where: str, entry: Entry, value: Value, verdict: tox_envs.Verdict, plan: Plan
) -> bool:
    """Drop the factors of gone envs from a line's condition; True when the line survives."""
    items = condition_items(value)
    if items is None:
        return True
    shared = len(items) > 1

    def after(condition: str) -> str | None:
        return verdict.condition_after(condition, shared)

    new = _reference_items(items, after, verdict.policy, plan, where)
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


After = Callable[[str], str | None]


def _reference_items(
    items: Sequence[Item], after: After, policy: Policy, plan: Plan, where: str
) -> dict[int, str | None]:
    """New text for env expressions (env list items, ``depends``, section names, conditions)
    after what ``after`` says of each env or condition they name."""
    new: dict[int, str | None] = {}
    for index, item in enumerate(items):
        rendered = tox_envs.render(item.text, after, policy)
        plan.drop(where, rendered.dropped)
        if rendered.unspellable:
            plan.notes.append(f"env list: cannot spell Python {policy.minimum} in {item.text!r}")
        if rendered.text == item.text:
            continue
        new[index] = rendered.text
        if not rendered.dropped:
            plan.changes.append(f"{where}: {item.text} went with its envs")
    return new


def _rewrite_depends(where: str, entry: Entry, verdict: tox_envs.Verdict, plan: Plan) -> None:
    for value in entry.values:
        items = split_items(_body(value), value.start)
        new = _reference_items(items, verdict.after, verdict.policy, plan, where)
        if new:
            _apply_items(entry, value, items, new, plan)


def _note_orphans(where: str, value: Value, separator: str, policy: Policy, plan: Plan) -> None:
    """A removed ``3.9: py39, mypy`` line also ran envs that may run nowhere now."""
    key, _, envs = value.text.partition(separator)
    orphans = [
        i.text
        for i in split_items(envs, 0)
        if not all(tox_envs.runs_dropped(n, policy) for n in tox_envs.names(i.text))
    ]
    if orphans:
        plan.notes.append(
            f"{where}: the removed {key.strip()} line also ran {', '.join(orphans)};"
            " map them to a kept version"
        )


def _rewrite_labels(where: str, entry: Entry, verdict: tox_envs.Verdict, plan: Plan) -> None:
    """``labels = unit = py310, py311``: gone envs leave each label, moved ones are renamed."""
    for value in entry.values:
        name, equals, envs = value.text.partition("=")
        offset = value.start + len(name) + len(equals)
        items = split_items(envs, offset)
        new = _reference_items(items, verdict.after, verdict.policy, plan, where) if equals else {}
        if new and _all_gone(items, new):
            _ini.replace_value(entry, value, None, plan)
        elif new:
            plan.edits.append(Edit(offset, value.end, rebuild_items(envs, offset, items, new)))


def _rewrite_map(
    where: str, entry: Entry, separator: str, verdict: tox_envs.Verdict, plan: Plan
) -> None:
    """tox-gh-actions' and tox-travis' ``3.9: py39`` and tox-gh's ``3.9 = py39``: the line of a
    dropped Python goes, or, when the envs it ran moved up to the new minimum and no line maps
    the minimum yet, it becomes that line (``3.10: py310`` → ``3.11: py311``). When a line maps
    the minimum already, the envs that moved up and those of no Python (``build``) join it:
    they ran on the oldest Python, and still do."""
    policy = verdict.policy
    keys = [
        parse_token(v.text.partition(separator)[0].strip()) if separator in v.text else None
        for v in entry.values
    ]
    at_minimum = [v for v, t in zip(entry.values, keys, strict=True) if _at(t, policy.minimum)]
    mapped = bool(at_minimum)
    carried: list[str] = []
    for value, token in zip(entry.values, keys, strict=True):
        if token is None or not policy.drops(token.version):
            continue
        plan.drop(where, {token.version})
        key, _, envs = value.text.partition(separator)
        offset = value.start + len(key) + len(separator)
        items = split_items(envs, offset)
        rendered = {
            i: tox_envs.render(item.text, verdict.after, policy).text
            for i, item in enumerate(items)
        }
        new = {i: text for i, text in rendered.items() if text != items[i].text}
        if at_minimum:
            carried += [text for text in rendered.values() if text is not None]
        if mapped or not any(text is not None for text in new.values()):
            _ini.replace_value(entry, value, None, plan)
            if not at_minimum:
                _note_orphans(where, value, separator, policy, plan)
            continue
        mapped = True
        spelled = retarget(token, policy.minimum, policy.latest_patch)
        plan.edits.append(Edit(value.start, value.start + len(key.rstrip()), spelled))
        plan.edits.append(Edit(offset, value.end, rebuild_items(envs, offset, items, new)))
        plan.changes.append(f"{where}: {key.strip()} → {spelled}, with the envs that moved up")
    if at_minimum:
        _join(where, at_minimum[0], separator, carried, plan)


def _at(token: Token | None, version: Minor) -> bool:
    return token is not None and token.version == version


def _join(where: str, value: Value, separator: str, carried: list[str], plan: Plan) -> None:
    """The new minimum's line also runs ``carried`` envs, those it does not run already."""
    running = {item.text for item in split_items(value.text.partition(separator)[2], 0)}
    joining = [env for env in dict.fromkeys(carried) if env not in running]
    if joining:
        plan.edits.append(Edit(value.end, value.end, "".join(f", {env}" for env in joining)))
        key = value.text.partition(separator)[0].strip()
        plan.changes.append(f"{where}: the {key} line also runs {', '.join(joining)}")


def _rewrite_entry(section: Section, entry: Entry, verdict: tox_envs.Verdict, plan: Plan) -> None:
    where = f"[{section.name}] {entry.key}"
    policy = verdict.policy
    if entry.name() == "depends":
        _rewrite_depends(where, entry, verdict, plan)
        return
    if _is_map_section(section.name):
        _rewrite_map(where, entry, ":", verdict, plan)
        return
    requirements = (value.text[_condition_end(value) + 1 :] for value in entry.values)
    dead = dead_projects(requirements, policy.minimum) if entry.name() == "deps" else set()
    for value in entry.values:
        alive = _rewrite_condition(where, entry, value, verdict, plan)
        if alive and entry.name() in BASEPYTHON_KEYS:
            _retarget_basepython(where, entry, value, policy, plan)
        elif alive and entry.name() == "deps":
            start = _condition_end(value) + 1
            requirement_lines.rewrite_requirement(entry, value, start, policy, plan, dead)


# --- sections ----------------------------------------------------------------------------------


def _rewrite_env_header(
    text: str, section: Section, taken: set[str], verdict: tox_envs.Verdict, plan: Plan
) -> bool:
    """Rename or delete a ``[testenv:...]`` section; True when the section stays.

    ``taken`` holds the section names in use, so a rename never makes a duplicate section.
    """
    prefix = "testenv:"
    start = section.name_start + len(prefix)
    items = split_items(section.name[len(prefix) :], start)
    new = _reference_items(items, verdict.after, verdict.policy, plan, f"[{section.name}]")
    if not new:
        return True
    if not _all_gone(items, new):
        rebuilt = rebuild_items(section.name[len(prefix) :], start, items, new)
        if prefix + rebuilt not in taken:
            taken.add(prefix + rebuilt)
            plan.edits.append(Edit(start, start + len(section.name) - len(prefix), rebuilt))
            if any(_moves(items[i].text, verdict) for i in new if new[i] is not None):
                plan.dropped_in.pop(f"[{section.name}]", None)  # the rename says it all
                plan.changes.append(f"[{section.name}] → [{prefix}{rebuilt}]")
            return True
    return not _remove_section(text, section, plan)


def _moves(expression: str, verdict: tox_envs.Verdict) -> bool:
    """True when some env of ``expression`` moves to another Python."""
    return any(verdict.after(n) not in (None, n) for n in tox_envs.names(expression))


def _remove_section(text: str, section: Section, plan: Plan) -> bool:
    """Delete a section for dropped envs unless something refers to it; True when deleted."""
    if f"[{section.name}]" in text[: section.header.start] + text[section.header.stop :]:
        plan.notes.append(f"[{section.name}] is only for dropped Pythons but is referenced; kept")
        return False
    start, stop = _ini.section_span(text, section)
    plan.edits.append(Edit(removal_start(text, start, stop), stop, ""))
    plan.dropped_in.pop(f"[{section.name}]", None)
    plan.changes.append(f"[{section.name}]: removed")
    return True


def removal_start(text: str, start: int, stop: int, comments: tuple[str, ...] = ("#", ";")) -> int:
    """Where removing ``text[start:stop]`` (a section, a table) starts: the comment lines right
    above it (no blank line between) go with it, as they can only be about it; a removal that
    ends the file takes the blank lines above it too, so the file ends with one line break."""
    while start and _line_above(text, start).strip().startswith(comments):
        start -= len(_line_above(text, start))
    while stop == len(text) and start and not _line_above(text, start).strip():
        start -= len(_line_above(text, start))
    return start


def _line_above(text: str, start: int) -> str:
    """The whole line (with its break) that ends right before ``start``."""
    return text[text.rfind("\n", 0, start - 1) + 1 : start]


def _substituted(text: str, section: Section, entry: Entry) -> bool:
    """True when env sections take this entry by substitution (``{[min]basepython}``): a
    section of shared settings, whose ``basepython`` is the envs' own."""
    return f"{{[{section.name}]{entry.name()}}}" in text


def _is_env_section(name: str) -> bool:
    return name == "testenv" or name.startswith("testenv:")


def _is_map_section(name: str) -> bool:
    """tox-gh-actions / tox-travis maps: ``python = 3.9: py39``."""
    return name.split(":", 1)[0] in {"gh-actions", "travis"}


def rewrite_sections(text: str, sections: Sequence[Section], policy: Policy, plan: Plan) -> None:
    """The tox part of a file: ``[tox]``/``[tox:tox]`` env lists first, then env sections."""
    verdict = verdict_of(sections, policy)
    for where, entry in _envlists(sections):
        rewrite_envlist(where, entry, verdict, plan)
    taken = {s.name for s in sections}
    for section in sections:
        if section.name.startswith("testenv:") and not _rewrite_env_header(
            text, section, taken, verdict, plan
        ):
            continue
        for entry in section.entries:
            if _is_env_section(section.name) or _is_map_section(section.name):
                _rewrite_entry(section, entry, verdict, plan)
            elif section.name == "gh":
                _rewrite_map(f"[gh] {entry.key}", entry, "=", verdict, plan)
            elif section.name in TOX_SECTIONS and entry.name() == "labels":
                _rewrite_labels(f"[{section.name}] labels", entry, verdict, plan)
            elif entry.name() in BASEPYTHON_KEYS and _substituted(text, section, entry):
                for value in entry.values:
                    where = f"[{section.name}] {entry.key}"
                    _retarget_basepython(where, entry, value, verdict.policy, plan)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` drops from a tox.ini."""
    plan = Plan()
    sections = _ini.scan(text)
    rewrite_sections(text, sections, policy, plan)
    # flake8, isort and pylint read their sections from tox.ini too; mypy does not
    tool_ini.rewrite_pins(sections, policy, plan, [p for p in tool_ini.PINS if p != tool_ini.MYPY])
    return plan.finish(text)
