"""Matrix entries as comparable data: what an entry would be once old versions moved.

Two entries repeat each other when their views are equal: names apart (``name``, ``job-name``)
and Python versions compared by minor only (``3.9.12`` and ``3.9`` are one job). ``_written``
is stricter, what molt would write (patches included), for choosing which of two equal entries
stays.
"""

from __future__ import annotations

from rewriters.ci.lists import retarget_words, settle_words
from rewriters.ci.work import NAME_KEYS, Work, is_tox_key
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode
from rewriters.rules import stale
from rewriters.versions import Minor, parse_token

View = frozenset[tuple[str, object]]


def follow(work: Work, value: str, old: set[Minor]) -> str:
    """``value`` with ``old`` versions moved, and pre-release spellings settled if they are."""
    moved = retarget_words(work, value, old)
    return settle_words(work, moved) if work.settle else moved


def entry_view(
    work: Work, node: Node, old: set[Minor], names: bool | None, python: bool = False
) -> View:
    """An entry as comparable data with ``old`` versions moved: its names, or all else (or
    everything, names included, for an item of a plain list: ``names`` None)."""
    view: set[tuple[str, object]] = set()
    for key, value in yaml.items(node):
        if names is not None and (key in NAME_KEYS and not python) != names:
            continue
        if isinstance(value, ScalarNode):
            view.add((key, _moved_value(work, key, value.value, old, python)))
        elif work.is_python_key(key):
            view.add((key, entry_view(work, value, old, names=False, python=True)))
        else:
            view.add((key, _nested(work, key, value, old, [NESTED_BUDGET])))
    return frozenset(view)


# how many values a nested value's view may hold: real ones hold a few, an alias bomb billions
NESTED_BUDGET = 1_000


def _nested(work: Work, key: str, node: Node, old: set[Minor], budget: list[int]) -> object:
    """A nested value (``env: {TOXENV: py}``) as comparable data, old versions moved; one too
    large to compare (aliases of aliases) equals nothing."""
    budget[0] -= 1
    if budget[0] < 0:
        return object()
    if isinstance(node, ScalarNode):
        return _moved_value(work, key, node.value, old, python=False)
    if isinstance(node, MappingNode):
        return frozenset((k, _nested(work, k, v, old, budget)) for k, v in yaml.items(node))
    return tuple(_nested(work, key, item, old, budget) for item in node.value)


def _moved_value(work: Work, key: str, value: str, old: set[Minor], python: bool) -> str:
    """A value once ``old`` versions moved; Python versions compare by minor only."""
    if key in NAME_KEYS or is_tox_key(key):
        return follow(work, value, old)
    token = parse_token(value) if python or work.is_python_key(key) else None
    if token is None:
        return value
    if token.version in old or (work.settle and stale(token, work.policy)):
        token = token._replace(suffix="")
    version = work.policy.minimum if token.version in old else token.version
    return str(token._replace(version=version, patch=""))


def still_excludes(view: View, base: dict[str, set[str]] | None) -> bool:
    """True when a moved exclude entry would still take a combination out of the base matrix."""
    return base is not None and runs_in_base(view, base)


def runs_in_base(view: View, base: dict[str, set[str]]) -> bool:
    """True when the base matrix already runs this include entry's combination."""
    return all(key in base and value in base[key] for key, value in view)


def names_version(work: Work, key: str) -> bool:
    """Entry keys whose values name the version: Python, tox env and job names."""
    return work.is_python_key(key) or is_tox_key(key) or key in NAME_KEYS


def as_written(work: Work, node: Node, old: set[Minor]) -> View:
    """An entry's scalar values but its names as molt would write them (patches included);
    other values were compared by ``_view`` already."""
    view: set[tuple[str, object]] = set()
    for key, value in yaml.items(node):
        if isinstance(value, ScalarNode) and key not in NAME_KEYS:
            view.add(
                (key, follow(work, value.value, old) if names_version(work, key) else value.value)
            )
        elif isinstance(value, MappingNode) and work.is_python_key(key):
            view.add((key, as_written(work, value, old)))
    return frozenset(view)


def key_names(view: View) -> set[str]:
    return {key for key, _ in view}
