"""Workflow ``if:`` conditions that test the matrix Python version.

``matrix.python-version == '3.9'`` can no longer be true once 3.9 is gone. A step guarded
by it (alone or in an ``&&`` chain) goes when the step is about that version: its name,
commands or the comment right above it name the version. Otherwise the condition was
picking one matrix cell (the coverage upload on the oldest Python, say), so it now picks
the new minimum. A dead ``||`` branch goes; ``!= '3.9'`` is always true, so it goes from an
``&&`` chain (with the whole ``if:`` when nothing else is left). Other shapes get a note.
A renamed matrix value is followed into the conditions that quote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from rewriters.ci.lists import QUOTED_ITEM_RE, list_version, remove_spans
from rewriters.ci.work import Work, is_tox_key
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.result import Edit
from rewriters.versions import Minor, Token, join_names, mentions

# ``matrix.python-version`` or a step output such as ``steps.setup.outputs.python-version``
_SUBJECT = r"(?:matrix|steps\.[\w-]+\.outputs)\.(?P<key>[\w-]+)"
_VALUE = r"(?P<q>['\"]?)(?P<value>[\w.-]+)(?P=q)"
_TERM_RES = (
    re.compile(rf"{_SUBJECT}\s*(?P<op>[!=]=)\s*{_VALUE}"),
    re.compile(rf"{_VALUE}\s*(?P<op>[!=]=)\s*{_SUBJECT}"),
    re.compile(rf"startsWith\(\s*{_SUBJECT}\s*,\s*{_VALUE}\s*\)"),
)
_LEXEME_RE = re.compile(r"'[^']*'|\"[^\"]*\"|[()]|&&|\|\|")
_WRAPPED_RE = re.compile(r"\s*\$\{\{(.*)\}\}\s*", re.DOTALL)
_LOOSE_RE = re.compile(r"matrix\.([\w-]+)\s*[!=]=\s*['\"]?([\w.-]+)")


class _Term(NamedTuple):
    """One top-level operand of a condition, as offsets in the file."""

    start: int
    end: int
    fate: str  # "dead" (never true now), "always" (always true now) or ""
    token: Token | None  # the version compared with, when the fate is not ""
    at: int  # where that version's text starts


class _Condition(NamedTuple):
    node: ScalarNode
    terms: list[_Term]
    operators: set[str]

    def dead(self) -> list[_Term]:
        return [t for t in self.terms if t.fate == "dead"]

    def always(self) -> list[_Term]:
        return [t for t in self.terms if t.fate == "always"]

    def versions(self) -> set[Minor]:
        return {t.token.version for t in self.terms if t.token is not None}


def _expression(work: Work, node: ScalarNode) -> tuple[int, str] | None:
    """Where the condition's expression starts in the file, and its text; None if not verbatim."""
    start, _ = yaml.scalar_span(work.text, node)
    start += node.style in ("'", '"')
    if node.style not in (None, "'", '"') or not work.text.startswith(node.value, start):
        return None
    wrapped = _WRAPPED_RE.fullmatch(node.value)
    return (start + wrapped.start(1), wrapped[1]) if wrapped else (start, node.value)


def _split(expression: str) -> tuple[list[tuple[int, int]], set[str]]:
    """Spans of the top-level ``&&``/``||`` operands, and the operators between them."""
    spans, operators, depth, start = [], set(), 0, 0
    for match in _LEXEME_RE.finditer(expression):
        lexeme = match[0]
        depth += {"(": 1, ")": -1}.get(lexeme, 0)
        if depth == 0 and lexeme in ("&&", "||"):
            spans.append((start, match.start()))
            operators.add(lexeme)
            start = match.end()
    spans.append((start, len(expression)))
    return spans, operators


def _term(work: Work, operand: str, at: int) -> _Term:
    stripped = operand.strip()
    at += len(operand) - len(operand.lstrip())
    match = next(filter(None, (r.fullmatch(stripped) for r in _TERM_RES)), None)
    token = None if match is None else list_version(match["value"], tox=is_tox_key(match["key"]))
    if match is None or not _compares_old(work, match, token):
        return _Term(at, at + len(stripped), "", None, 0)
    fate = "always" if match.groupdict().get("op") == "!=" else "dead"
    return _Term(at, at + len(stripped), fate, token, at + match.start("value"))


def _compares_old(work: Work, match: re.Match[str], token: Token | None) -> bool:
    """True when a comparison tests a Python key against a dropped version, and only it."""
    key, value = match["key"], match["value"]
    if not (work.is_python_key(key) or is_tox_key(key)) or not work.drops(_version(token)):
        return False
    # ``startsWith(v, '3.1')`` also matches 3.10 and later
    return "op" in match.groupdict() or not any(
        str(v) != value and str(v).startswith(value) for v in work.policy.releases
    )


def _version(token: Token | None) -> Minor | None:
    return None if token is None else token.version


def _parse(work: Work, node: ScalarNode) -> _Condition | None:
    found = _expression(work, node)
    if found is None:
        return None
    base, expression = found
    spans, operators = _split(expression)
    terms = [_term(work, expression[s:e], base + s) for s, e in spans]
    return _Condition(node, terms, operators)


def _is_dead(condition: _Condition) -> bool:
    if condition.operators == {"||"}:
        return len(condition.dead()) == len(condition.terms)
    return condition.operators <= {"&&"} and bool(condition.dead())


def _about(work: Work, item: Node, node: ScalarNode, versions: set[Minor]) -> bool:
    """True when a step names ``versions`` outside its condition, or in the comment above."""
    start, end = item.start_mark.index, yaml.content_end(item)
    cond_start, cond_end = yaml.scalar_span(work.text, node)
    body = work.text[start:cond_start] + work.text[cond_end:end]
    line = yaml.line_start(work.text, start)
    above = yaml.attached_comments(work.text, line, lambda text: mentions(text, versions))
    return mentions(body, versions) or above < line


def _dead_step(work: Work, item: Node) -> _Condition | None:
    """The condition of a step about a dropped version that can no longer run."""
    node = yaml.get(item, "if")
    followed = id(node) in work.seen
    condition = _parse(work, node) if isinstance(node, ScalarNode) and not followed else None
    if condition is None or not _is_dead(condition):
        return None
    return condition if _about(work, item, condition.node, condition.versions()) else None


def prune_steps(work: Work, seq: SequenceNode) -> set[int]:
    """Remove the items of a list that only ran on dropped versions; their indices."""
    dead = {i: c for i, item in enumerate(seq.value) if (c := _dead_step(work, item))}
    if not dead or len(dead) == len(seq.value):
        return set()
    versions: set[Minor] = set().union(*(c.versions() for c in dead.values()))
    work.edits += yaml.remove_items(
        work.text, seq, sorted(dead), lambda line: mentions(line, versions)
    )
    for i, condition in dead.items():
        name = yaml.get(seq.value[i], "name")
        what = f"step `{name.value}`" if isinstance(name, ScalarNode) else "a step"
        work.changes.append(f"removed {what}: it only ran on Python {_names(condition.versions())}")
        work.dropped |= condition.versions()
    return set(dead)


def _names(versions: set[Minor]) -> str:
    return join_names(sorted(versions))


def on_condition(work: Work, mapping: MappingNode, node: ScalarNode) -> None:
    """Simplify a kept ``if:`` that compares the matrix Python with a dropped version."""
    if id(node) in work.seen:
        return  # it followed a matrix value that moved (``follow_names``)
    condition = _parse(work, node)
    if condition is None or not (condition.dead() or condition.always()):
        _note(work, node, _loose_versions(work, node))
    elif _is_dead(condition):
        _retarget(work, mapping, condition)
    elif condition.operators <= {"&&"} and len(condition.always()) == len(condition.terms):
        _remove_condition(work, mapping, condition)
    elif condition.operators <= {"&&"} or (
        condition.operators == {"||"} and not condition.always()
    ):
        _drop_terms(work, condition)
    else:
        _note(work, node, condition.versions())


def _drop_terms(work: Work, condition: _Condition) -> None:
    """Drop the always-true operands of an ``&&`` chain, or the never-true ones of ``||``."""
    gone = [i for i, t in enumerate(condition.terms) if t.fate]
    work.edits += remove_spans([(t.start, t.end, "") for t in condition.terms], gone)
    work.changes.append(
        f"line {work.line(condition.node)}: `if:` no longer tests Python "
        f"{_names(condition.versions())}"
    )


def _retarget(work: Work, mapping: MappingNode, condition: _Condition) -> None:
    """A dead condition that picked one matrix cell picks the new minimum's instead."""
    node = condition.node
    if _about(work, mapping, node, condition.versions()):
        _note(work, node, condition.versions())
        return
    for term in condition.dead():
        assert term.token is not None
        work.edits.append(Edit(term.at, term.at + len(str(term.token)), work.new(term.token)))
    work.changes.append(
        f"line {work.line(node)}: `if:` tested Python {_names(condition.versions())}, "
        f"now {work.policy.minimum}"
    )
    work.dropped |= condition.versions()


def _remove_condition(work: Work, mapping: MappingNode, condition: _Condition) -> None:
    """Drop an ``if:`` that is always true; the next key moves up after a ``- ``."""
    node = condition.node
    index = next(i for i, (_, value) in enumerate(mapping.value) if value is node)
    key = mapping.value[index][0]
    line = yaml.line_start(work.text, key.start_mark.index)
    if work.text[line : key.start_mark.index].strip() and index + 1 < len(mapping.value):
        next_key = mapping.value[index + 1][0]
        work.edits.append(Edit(key.start_mark.index, next_key.start_mark.index, ""))
    elif work.text[line : key.start_mark.index].strip():
        _note(work, node, condition.versions())
        return
    else:
        work.edits.append(yaml.remove_pair(work.text, mapping, node))
    work.changes.append(f"line {work.line(node)}: removed `if: {node.value}`, always true now")


def _loose_versions(work: Work, node: ScalarNode) -> set[Minor]:
    """Dropped versions a condition compares a matrix value with, in any shape."""
    found = {
        _version(list_version(m[2], tox=True))
        for m in _LOOSE_RE.finditer(node.value)
        if work.is_python_key(m[1]) or is_tox_key(m[1])
    }
    return {v for v in found if v is not None and work.drops(v)}


def _note(work: Work, node: ScalarNode, versions: set[Minor]) -> None:
    if versions:
        work.notes.append(
            f"line {work.line(node)}: `if: {node.value.strip()}` tests for Python "
            f"{_names(versions)}, which no longer runs; update or remove that step by hand"
        )


def _conditions(node: Node) -> Iterator[ScalarNode]:
    for key, value in yaml.items(node):
        if key in ("if", "continue-on-error") and isinstance(value, ScalarNode):
            yield value
        elif key != "strategy":
            yield from _conditions(value)
    if isinstance(node, SequenceNode):
        for item in node.value:
            yield from _conditions(item)


def follow_names(work: Work, job: MappingNode, names: dict[str, str]) -> None:
    """Conditions of the job that quote a renamed matrix value follow the new name."""
    for node in _conditions(job) if names else ():
        start, end = yaml.scalar_span(work.text, node)
        for match in QUOTED_ITEM_RE.finditer(work.text, start, end):
            if match[2] in names:
                work.edits.append(Edit(match.start(2), match.end(2), names[match[2]]))
                work.seen.add(id(node))  # followed: not a test of a dropped version
