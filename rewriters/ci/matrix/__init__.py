"""``strategy.matrix`` of a workflow job: its version lists, then its entries.

Version lists lose their old versions (``rewriters.ci.lists``); tox envs pinned to an old version in
a later factor (``type-3.9``) move to the minimum, with the entries naming them. Include and
exclude entries, and the mapping items of other matrix lists, are
``rewriters.ci.matrix.entries``'s; a
``name: [...]`` list naming a moved or removed include entry follows it. A matrix that
changes anyway also writes pre-release spellings of minors released since (``3.14-dev``) as
releases, in its lists and entries alike.
"""

from __future__ import annotations

from collections.abc import Callable

from rewriters.ci.axes import spaced_versions
from rewriters.ci.lists import (
    item_version,
    list_version,
    retarget_words,
    shrink_items,
    spaced_list,
    version_list,
)
from rewriters.ci.matrix.entries import Renames, entries, leaves
from rewriters.ci.matrix.views import follow
from rewriters.ci.work import Role, Work, is_tox_key, known
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.versions import Minor

# rewrites a Python-keyed value: (work, key, value, owner, parents)
PythonValue = Callable[[Work, str, Node, str, tuple[MappingNode, ...]], None]


def rewrite_matrix(work: Work, matrix: MappingNode, python_value: PythonValue) -> dict[str, str]:
    """Version lists of a ``strategy.matrix``, then its ``include`` and ``exclude`` entries.

    Returns the matrix values renamed along with their include entries, and the pre-release
    spellings settled (old → new).
    """
    trial = work.fork(settle=False)
    names = _rewrite(trial, matrix, python_value)
    if trial.edits:  # the matrix changes anyway: its pre-release spellings settle too
        trial = work.fork(settle=True)
        names = _rewrite(trial, matrix, python_value)
    work.join(trial)
    return trial.settled | names


def _rewrite(work: Work, matrix: MappingNode, python_value: PythonValue) -> dict[str, str]:
    base: dict[str, set[str]] = {}
    for key, value in yaml.items(matrix):
        if key in ("include", "exclude"):
            continue
        work.seen.add(id(value))
        if work.is_python_key(key) and isinstance(value, SequenceNode) and _mappings(value):
            entries(work, matrix, key, value, None, python_items=True)
        elif work.is_python_key(key):
            python_value(work, key, value, "matrix", ())
        elif is_tox_key(key) and isinstance(value, SequenceNode):
            version_list(work, key, value, "tox")
            _note_pinned_envs(work, key, value)
        elif isinstance(value, SequenceNode) and leaves(work, value):
            entries(work, matrix, key, value, None)
        base[key] = _kept_values(work, key, value)
    renames: Renames = {}
    paired: set[Minor] = set()  # old versions whose include entries moved
    moves: dict[str, str] = {}
    for key in ("include", "exclude"):
        seq = yaml.get(matrix, key)
        if isinstance(seq, SequenceNode):
            work.seen.add(id(seq))
            renames.update(entries(work, matrix, key, seq, base, paired=paired, moves=moves))
            _spaced_values(work, seq)
    return _relink(work, matrix, renames) | _sole_moves(work, matrix, base, moves)


def _sole_moves(
    work: Work, matrix: MappingNode, base: dict[str, set[str]], moves: dict[str, str]
) -> dict[str, str]:
    """The Python values moved with their include entries that nothing else in the matrix
    names: a condition quoting the old value (``matrix.python-version != 'pypy3.9'``) meant that
    entry's job, and now means it under the new value."""
    include = yaml.get(matrix, "include")
    found = leaves(work, include) if isinstance(include, SequenceNode) else []
    named = {leaf.value for leaf in found if isinstance(leaf, ScalarNode)}
    taken = named | set().union(*(base[key] for key in base if work.is_python_key(key)))
    return {old: new for old, new in moves.items() if old != new and new not in taken}


def _spaced_values(work: Work, seq: SequenceNode) -> None:
    """An entry's Python value listing several versions (``interpreter: 3.9 3.10 3.11``) is a
    list of its own: it shrinks by the list rule, and the entry stays."""
    for entry in seq.value:
        for key, value in yaml.items(entry):
            if not (work.is_python_key(key) and isinstance(value, ScalarNode)):
                continue
            start = yaml.value_start(work.text, value)
            if start is not None and spaced_versions(value.value, work.policy):
                spaced_list(work, f"matrix {key}", start, start + len(value.value), "python")


def _mappings(seq: SequenceNode) -> bool:
    """A list of mappings (the items of ``python: [{version: "3.9", toxenv: py39}]``)."""
    return bool(seq.value) and all(isinstance(item, MappingNode) for item in seq.value)


# an older "3.x" factor is another project's version (Django 3.2, Flask 3.0) far more often
OLDEST_NOTED = Minor(3, 7)


def _note_pinned_envs(work: Work, key: str, seq: SequenceNode) -> None:
    """Tox envs naming an old version in a factor that is not their Python (``type-3.9``) are
    noted, not moved: tox does not read that factor as the env's Python, the env is defined by
    that name in the tox config, and ``django-3.2`` names Django's version."""
    old = {str(v) for v in work.policy.releases if work.drops(v) and v >= OLDEST_NOTED}
    for item in seq.value:
        if not isinstance(item, ScalarNode) or list_version(item.value, tox=True) is not None:
            continue
        named = sorted(f for f in item.value.split("-") if f in old)
        if named:
            work.notes.append(
                f"{key}: the tox env {item.value} names {', '.join(named)} in a factor that is "
                "not its Python; check it by hand"
            )


def _kept_values(work: Work, key: str, node: Node) -> set[str]:
    """What a base matrix list holds once the old versions are gone."""
    if not isinstance(node, SequenceNode):
        return set()
    values = [item.value for item in node.value if isinstance(item, ScalarNode)]
    if not (work.is_python_key(key) or is_tox_key(key)):
        return set(values)
    role: Role = "python" if work.is_python_key(key) else "tox"
    tokens = [item_version(v, role) for v in values]
    shrunk = shrink_items(values, tokens, role, work.policy, settle=False)
    removed, moved, old = shrunk.removed, shrunk.moved, shrunk.dropped
    return {
        retarget_words(work, v, {known(tokens[i]).version}, moved[i])
        if i in moved
        else follow(work, v, old)
        for i, v in enumerate(values)
        if i not in removed
    }


def _relink(work: Work, matrix: MappingNode, renames: Renames) -> dict[str, str]:
    """Rename or drop the base list values whose include entries moved or went."""
    final: dict[str, str] = {}
    for key, mapping in renames.items():
        seq = yaml.get(matrix, key)
        assert isinstance(seq, SequenceNode)
        going = {old for old, (_, kept) in mapping.items() if not kept}
        present = {item.value for item in seq.value if isinstance(item, ScalarNode)} - going
        removed = []
        for i, item in enumerate(seq.value):
            if not isinstance(item, ScalarNode) or item.value not in mapping:
                continue
            new, kept = mapping[item.value]
            if new in present or not kept:
                removed.append(i)
            else:
                present.add(new)
                work.edits.append(yaml.replace_scalar(work.text, item, new, ""))
        work.edits += yaml.remove_items(work.text, seq, removed)
        work.changes.append(f"matrix {key}: renamed with its include entries")
        final.update({old: new for old, (new, _) in mapping.items() if new in present})
    return final
