"""``strategy.matrix`` of a workflow job: its version lists, ``include`` and ``exclude`` entries.

An ``include`` entry for an old version moves to the new minimum unless that would repeat
another entry or the base matrix (then it goes, and a ``name: [...]`` list naming it
follows); ``exclude`` entries for old versions go; tox envs pinned to an old version in a
later factor (``type-3.9``) move to the minimum, with the entries naming them.
"""

from __future__ import annotations

from collections.abc import Callable

from rewriters import _yaml
from rewriters._gha_lists import (
    NAME_KEYS,
    Work,
    is_python_key,
    is_tox_key,
    list_quote,
    list_version,
    mentions,
    old_versions,
    plan_list,
    retarget_words,
    token_edit,
    version_list,
)
from rewriters._yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.result import Edit
from rewriters.versions import Minor, join_names, parse_token

_View = frozenset[tuple[str, object]]
# per base matrix key: old value → (new value, whether its include entry stays)
_Renames = dict[str, dict[str, tuple[str, bool]]]
# rewrites a Python-keyed value: (work, key, value, owner, parents)
PythonValue = Callable[[Work, str, Node, str, tuple[MappingNode, ...]], None]


def rewrite_matrix(work: Work, matrix: MappingNode, python_value: PythonValue) -> dict[str, str]:
    """Version lists of a ``strategy.matrix``, then its ``include`` and ``exclude`` entries.

    Returns the matrix values renamed along with their include entries (old → new).
    """
    base: dict[str, set[str]] = {}
    for key, value in _yaml.items(matrix):
        if key in ("include", "exclude"):
            continue
        work.seen.add(id(value))
        if is_python_key(key):
            python_value(work, key, value, "matrix", ())
        elif is_tox_key(key) and isinstance(value, SequenceNode):
            version_list(work, key, value, tox=True)
            _follow_envs(work, matrix, key, _pinned_envs(work, key, value))
        base[key] = _kept_values(work, key, value)
    renames: _Renames = {}
    for key in ("include", "exclude"):
        entries = _yaml.get(matrix, key)
        if isinstance(entries, SequenceNode):
            work.seen.add(id(entries))
            renames.update(_entries(work, matrix, key, entries, base))
    return _relink(work, matrix, renames)


def _pinned_envs(work: Work, key: str, seq: SequenceNode) -> dict[str, str]:
    """Tox envs pinned to an old version in a later factor (``type-3.9``) move to the minimum."""
    old = {v for v in work.policy.releases if work.drops(v)}
    values = [item.value if isinstance(item, ScalarNode) else "" for item in seq.value]
    renames = {
        value: new
        for value in values
        if list_version(value, tox=True) is None
        and (new := retarget_words(work, value, old)) != value
    }
    removed = [i for i, value in enumerate(values) if renames.get(value) in values]
    for i, (item, value) in enumerate(zip(seq.value, values, strict=True)):
        if value in renames and i not in removed:
            assert isinstance(item, ScalarNode)
            work.edits.append(_yaml.replace_scalar(work.text, item, renames[value], ""))
    work.edits += _yaml.remove_items(work.text, seq, removed)
    if renames:
        work.changes.append(f"{key}: moved {', '.join(sorted(renames))} to {work.policy.minimum}")
    return renames


def _follow_envs(work: Work, matrix: MappingNode, key: str, renames: dict[str, str]) -> None:
    """Include and exclude entries naming a renamed tox env follow it."""
    for part in ("include", "exclude"):
        for entry in _yaml.items_of(_yaml.get(matrix, part)):
            value = _yaml.get(entry, key)
            if isinstance(value, ScalarNode) and value.value in renames:
                work.edits.append(_yaml.replace_scalar(work.text, value, renames[value.value], ""))


def _kept_values(work: Work, key: str, node: Node) -> set[str]:
    """What a base matrix list holds once the old versions are gone."""
    if not isinstance(node, SequenceNode):
        return set()
    values = [item.value for item in node.value if isinstance(item, ScalarNode)]
    if not (is_python_key(key) or is_tox_key(key)):
        return set(values)
    tokens = [list_version(v, not is_python_key(key)) for v in values]
    removed, _ = plan_list(work, tokens)
    old = old_versions(work, tokens)
    return {retarget_words(work, v, old) for i, v in enumerate(values) if i not in removed}


def _entry_versions(work: Work, entry: Node) -> set[Minor]:
    """Old versions an include/exclude entry names under a Python or tox key."""
    found: set[Minor | None] = set()
    for key, value in _yaml.items(entry):
        if isinstance(value, MappingNode) and is_python_key(key):
            found |= {_value_version(v, tox=False) for _, v in _yaml.items(value)}
        elif is_python_key(key) or is_tox_key(key):
            found.add(_value_version(value, tox=not is_python_key(key)))
    return {v for v in found if v is not None and work.drops(v)}


def _value_version(node: Node, tox: bool) -> Minor | None:
    if not isinstance(node, ScalarNode):
        return None
    token = list_version(node.value, tox)
    return token.version if token is not None else None


def _entries(
    work: Work, matrix: MappingNode, key: str, seq: SequenceNode, base: dict[str, set[str]]
) -> _Renames:
    """Exclude entries for old versions go; include entries move to the minimum or go."""
    olds = [_entry_versions(work, entry) for entry in seq.value]
    kept = [entry for entry, old in zip(seq.value, olds, strict=True) if not old]
    views = {_view(work, entry, set(), names=False) for entry in kept}
    names = set().union(*(_view(work, entry, set(), names=True) for entry in kept))
    removed: list[int] = []
    moved: list[int] = []
    for i, (entry, old) in enumerate(zip(seq.value, olds, strict=True)):
        if not old:
            continue
        view = _view(work, entry, old, names=False)
        named = _view(work, entry, old, names=True)
        if key == "exclude" or view in views or names & named or _covered(view | named, base):
            removed.append(i)
        else:
            views.add(view)
            names |= named
            moved.append(i)
            work.edits += _move_entry(work, entry, old, list_quote(_leaves(seq)))
    _report_entries(work, matrix, key, seq, removed, moved, olds)
    if key == "exclude":
        return {}
    return _renames(work, seq, removed, moved, olds, base)


def _report_entries(
    work: Work,
    matrix: MappingNode,
    key: str,
    seq: SequenceNode,
    removed: list[int],
    moved: list[int],
    olds: list[set[Minor]],
) -> None:
    gone: set[Minor] = set().union(*(olds[i] for i in removed))
    if len(removed) == len(seq.value):
        work.edits.append(_yaml.remove_pair(work.text, matrix, seq))
    else:
        work.edits += _yaml.remove_items(work.text, seq, removed, lambda line: mentions(line, gone))
    if gone:
        work.changes.append(f"matrix {key}: removed entries for {join_names(sorted(gone))}")
    shifted: set[Minor] = set().union(*(olds[i] for i in moved))
    if shifted:
        work.changes.append(
            f"matrix {key}: moved entries for {join_names(sorted(shifted))} "
            f"to {work.policy.minimum}"
        )
    work.dropped |= gone | shifted


def _leaves(seq: SequenceNode) -> list[Node]:
    return [value for entry in seq.value for key, value in _yaml.items(entry) if is_python_key(key)]


def _view(work: Work, node: Node, old: set[Minor], names: bool, python: bool = False) -> _View:
    """An entry as comparable data with ``old`` versions moved: its names, or all else."""
    view: set[tuple[str, object]] = set()
    for key, value in _yaml.items(node):
        if (key in NAME_KEYS and not python) != names:
            continue
        if isinstance(value, ScalarNode):
            view.add((key, _moved_value(work, key, value.value, old, python)))
        elif is_python_key(key):
            view.add((key, _view(work, value, old, names=False, python=True)))
        else:
            view.add((key, id(value)))
    return frozenset(view)


def _moved_value(work: Work, key: str, value: str, old: set[Minor], python: bool) -> str:
    """A value once ``old`` versions moved; Python versions compare by minor only."""
    if key in NAME_KEYS or is_tox_key(key):
        return retarget_words(work, value, old)
    token = parse_token(value) if python or is_python_key(key) else None
    if token is None:
        return value
    version = work.policy.minimum if token.version in old else token.version
    return str(token._replace(version=version, patch=""))


def _covered(view: _View, base: dict[str, set[str]]) -> bool:
    """True when the base matrix already runs this include entry's combination."""
    return all(key in base and value in base[key] for key, value in view)


def _move_entry(
    work: Work, entry: Node, old: set[Minor], quote: str, python: bool = False
) -> list[Edit]:
    edits = []
    for key, value in _yaml.items(entry):
        if isinstance(value, MappingNode) and is_python_key(key):
            edits += _move_entry(work, value, old, quote, python=True)
        elif isinstance(value, ScalarNode) and (python or _follows(key)):
            new = retarget_words(work, value.value, old)
            if new != value.value:
                edits.append(token_edit(work, value, value.value, new, quote))
    return edits


def _follows(key: str) -> bool:
    """Entry keys whose values name the version: Python, tox env and job names."""
    return is_python_key(key) or is_tox_key(key) or key in NAME_KEYS


def _renames(
    work: Work,
    seq: SequenceNode,
    removed: list[int],
    moved: list[int],
    olds: list[set[Minor]],
    base: dict[str, set[str]],
) -> _Renames:
    """Base list values (``name: [...]``) that named a moved or removed include entry."""
    renames: _Renames = {}
    for i in sorted(removed + moved):
        for key, value in _yaml.items(seq.value[i]):
            if key in base and not _follows_base(key) and isinstance(value, ScalarNode):
                new = retarget_words(work, value.value, olds[i])
                if new != value.value:
                    renames.setdefault(key, {})[value.value] = (new, i in moved)
    return renames


def _follows_base(key: str) -> bool:
    return is_python_key(key) or is_tox_key(key)


def _relink(work: Work, matrix: MappingNode, renames: _Renames) -> dict[str, str]:
    """Rename or drop the base list values whose include entries moved or went."""
    final: dict[str, str] = {}
    for key, mapping in renames.items():
        seq = _yaml.get(matrix, key)
        assert isinstance(seq, SequenceNode)
        present = {item.value for item in seq.value if isinstance(item, ScalarNode)}
        removed = []
        for i, item in enumerate(seq.value):
            if not isinstance(item, ScalarNode) or item.value not in mapping:
                continue
            new, kept = mapping[item.value]
            if new in present or not kept:
                removed.append(i)
            else:
                present.add(new)
                work.edits.append(_yaml.replace_scalar(work.text, item, new, ""))
        work.edits += _yaml.remove_items(work.text, seq, removed)
        work.changes.append(f"matrix {key}: renamed with its include entries")
        final.update({old: new for old, (new, _) in mapping.items() if new in present})
    return final
