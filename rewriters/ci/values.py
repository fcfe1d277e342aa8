"""What a CI value says about Python, and how it is spelled for the new minimum.

A value names a Python version through its key: a Python key (``PYTHON_VERSION``,
``python.version``, ``pythonVersions``, ``python``) holds a version in any spelling
``rewriters.versions`` knows, or a Windows path (``C:\\Python39-x64``, ``39-x64``); a tox key
holds prefixed env names (``py39``); an environment key holds ``NAME=value`` assignments
(``TOXENV=py39 PYTHON=3.9``). A ``Spot`` is one old version inside a value and its new text.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from rewriters.ci.work import Work, is_python_key, is_tox_key
from rewriters.formats import yaml
from rewriters.formats.yaml import ScalarNode
from rewriters.policy import Policy
from rewriters.result import Edit, apply_edits
from rewriters.rules import pinned
from rewriters.versions import WORD_RE, Minor, needs_quotes_in_yaml, parse_token

# Windows install paths and AppVeyor's own spelling: C:\Python39-x64, 39-x64
_NODOT_RE = re.compile(
    r"(?i)(?:(?<=python)(?P<major>3)(?P<minor>\d{1,2})(?![\w.])"
    r"|^(?P<bare_major>3)(?P<bare_minor>\d{1,2})(?=-x(?:64|86)$))"
)


ASSIGNMENT_RE = re.compile(r"(?P<name>[A-Za-z_][\w.]*)=(?P<value>[^\s\"']+)")


DEFAULT_KEYS = frozenset({"default", "options", "values"})


# a version under a key that is not named for Python (``executor: {version: ...}``) is only
# trusted from 3.5 up: other tools' 3.x versions (.NET 3.1, Ruby 3.2) stay below it
OLDEST_GUESSED = Minor(3, 5)


Path = tuple[object, ...]


class Spot(NamedTuple):
    """One version inside a scalar's value, and what it becomes."""

    start: int
    end: int
    old: Minor
    new: str


def spots(role: Literal["tox", "env"], value: str, policy: Policy) -> list[Spot]:
    """The old versions a scalar of tox envs or assignments names, and what each becomes."""
    if role == "tox":
        found = word_spots(value, policy, tox=True)
    else:
        found = assignment_spots(value, policy)
    return [spot for spot in found if policy.drops(spot.old)]


def python_spots(value: str, policy: Policy) -> list[Spot]:
    stripped = value.strip()
    offset = value.find(stripped)
    head = stripped[:-2] if stripped.endswith((".x", ".*")) else stripped
    token = parse_token(head)
    if token is not None:
        return [Spot(offset, offset + len(head), token.version, pinned(token, policy))]
    match = _NODOT_RE.search(value)
    if match is None:
        return []
    major, minor = match["major"] or match["bare_major"], match["minor"] or match["bare_minor"]
    return [Spot(match.start(), match.end(), Minor(int(major), int(minor)), policy.minimum.nodot)]


def word_spots(value: str, policy: Policy, tox: bool) -> list[Spot]:
    """Version words anywhere in ``value``; with ``tox``, only prefixed ones (``py39``)."""
    found = []
    for match in WORD_RE.finditer(value):
        token = parse_token(match[0])
        if token is None or (tox and not token.prefix):
            continue
        found.append(Spot(match.start(), match.end(), token.version, pinned(token, policy)))
    return found


def assignment_spots(value: str, policy: Policy) -> list[Spot]:
    """``TOXENV=py39 PYTHON=3.9``: the versions assigned to Python or tox variables."""
    found = []
    for match in ASSIGNMENT_RE.finditer(value):
        name, start = match["name"], match.start("value")
        if is_python_key(name):
            found += [
                s._replace(start=s.start + start, end=s.end + start)
                for s in python_spots(match["value"], policy)
            ]
        elif is_tox_key(name):
            found += [
                s._replace(start=s.start + start, end=s.end + start)
                for s in word_spots(match["value"], policy, tox=True)
            ]
    return found


def applied(value: str, found: list[Spot]) -> str:
    return apply_edits(value, [Edit(s.start, s.end, s.new) for s in found])


def spot_edits(work: Work, node: ScalarNode, found: list[Spot]) -> list[Edit] | None:
    """Edits of the file for versions found in the scalar's value; None if not locatable."""
    start, end = yaml.scalar_span(work.text, node)
    new = applied(node.value, found)
    if node.style is None and work.system.quote_floats and needs_quotes_in_yaml(new.strip()):
        return [Edit(start, end, f"{work.quote}{new.strip()}{work.quote}")]
    inner = start + 1 if node.style in ("'", '"') else start
    if work.text[inner : inner + len(node.value)] == node.value:
        return [Edit(inner + s.start, inner + s.end, s.new) for s in found]
    raw = work.text[start:end]
    edits = []
    for spot in found:
        old = node.value[spot.start : spot.end]
        at = raw.find(old)
        if at < 0 or raw.count(old) != 1:
            return None
        edits.append(Edit(start + at, start + at + len(old), spot.new))
    return edits


def nodot_spots(value: str, versions: set[Minor], policy: Policy) -> list[Spot]:
    """``WinP39core``: in a name, the bare ``39`` of a moved version."""
    return [
        Spot(m.start(), m.end(), version, policy.minimum.nodot)
        for version in versions
        for m in re.finditer(rf"(?<![\d.]){version.nodot}(?![\d.])", value)
    ]
