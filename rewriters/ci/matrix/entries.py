"""Entries of a workflow matrix: ``include`` and ``exclude`` entries, and the mapping items of
any other matrix list (``image: [{name: python3.9, python_version: "3.9"}]``).

An entry naming an old version under a Python or tox key moves to the new minimum (its
names follow) unless it would then repeat another entry, or, for an include entry, a
combination the base matrix already runs: then it goes. Of two equal entries the first stays:
when the moved entry repeats a later one with the same name keys, the later one goes and the
base list names follow to the moved one (pytest's ``windows-py39-xdist`` becomes
``windows-py310-xdist`` and the plain ``windows-py310`` it now repeats goes); not when the two
differ in what molt would write (a pinned patch). A moved entry whose new name another entry
holds while running another tox env keeps its job under a name with its tox factors
(``windows-py38`` running ``py38-unittestextras`` becomes ``windows-py39-unittestextras``
next to ``windows-py39``); one running the same env goes. Exclude entries for old versions go. In a
settling matrix, an entry naming a pre-release of a released minor (``3.14-dev``) moves to
the release the same way.
"""

from __future__ import annotations

from rewriters.ci.entries import note_carried, tests_minimum
from rewriters.ci.lists import list_quote, list_version, report_settled, token_edit
from rewriters.ci.matrix.views import (
    View,
    as_written,
    entry_view,
    follow,
    key_names,
    names_version,
    runs_in_base,
    still_excludes,
)
from rewriters.ci.work import Work, is_tox_key
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.result import Edit
from rewriters.rules import entry_goes, stale
from rewriters.versions import Minor, join_names, mentions, parse_token

# per base matrix key: old value → (new value, whether its include entry stays)
Renames = dict[str, dict[str, tuple[str, bool]]]


def _entry_versions(work: Work, entry: Node) -> set[Minor]:
    """Old versions an include/exclude entry names under a Python or tox key."""
    found: set[Minor | None] = set()
    for key, value in yaml.items(entry):
        if isinstance(value, MappingNode) and work.is_python_key(key):
            found |= {_value_version(v, tox=False) for _, v in yaml.items(value)}
        elif work.is_python_key(key) or is_tox_key(key):
            found.add(_value_version(value, tox=not work.is_python_key(key)))
    return {v for v in found if v is not None and work.drops(v)}


def _value_version(node: Node, tox: bool) -> Minor | None:
    if not isinstance(node, ScalarNode):
        return None
    token = list_version(node.value, tox)
    return token.version if token is not None else None


def _stale_values(work: Work, entry: Node) -> list[str]:
    """Pre-release spellings of released minors among an entry's Python values, if settling."""
    if not work.settle:
        return []
    values = [n.value for n in _entry_leaves(work, entry) if isinstance(n, ScalarNode)]
    return [v for v in values if stale(parse_token(v), work.policy)]


def entries(
    work: Work,
    matrix: MappingNode,
    key: str,
    seq: SequenceNode,
    base: dict[str, set[str]] | None,
    python_items: bool = False,
    paired: set[Minor] | None = None,
    moves: dict[str, str] | None = None,
) -> Renames:
    """Exclude entries for old versions go; include entries, and the items of another list
    (``base`` None), move to the minimum or go; so do pre-release spellings when settling.

    ``paired`` collects the old versions whose include entries moved; an exclude entry for
    such a version moves with them when the base matrix still runs what it excludes
    (``exclude: {os: macos-latest, python: "3.9"}`` beside ``include: {os: macos-13, python:
    "3.9"}`` runs the oldest Python on another runner: both now name the minimum).

    ``moves`` collects the Python values of the entries that moved (``pypy3.9`` → ``pypy3.11``).

    With ``python_items`` the list's key names Python, so each item is a Python version spelled
    as a mapping (``python: [{version: "3.9", toxenv: "py39,smoke"}]``)."""
    nodes = [_under(key, entry) if python_items else entry for entry in seq.value]
    olds = [_entry_versions(work, entry) for entry in nodes]
    stales = [_stale_values(work, entry) for entry in nodes]
    touched = [i for i in range(len(nodes)) if olds[i] or stales[i]]
    kept = [i for i in range(len(nodes)) if i not in touched]
    whole = None if base is None else False  # a plain list's items compare names and all
    kept_at = {entry_view(work, nodes[k], set(), names=whole): k for k in reversed(kept)}
    names_of = {k: entry_view(work, nodes[k], set(), names=True) for k in kept}
    views = set(kept_at)
    names = set().union(*names_of.values())
    holders: dict[tuple[str, object], tuple[Node, set[Minor]]] = {
        name: (nodes[k], set()) for k in kept for name in names_of[k]
    }
    others = [nodes[k] for k in kept]
    tested = any(tests_minimum(work, other) for other in others) or any(
        mentions(value, {work.policy.minimum})
        for name, values in (base or {}).items()
        if work.is_python_key(name)
        for value in values
    )
    removed: list[int] = []
    moved: list[int] = []
    # names that replace molt's: a later entry a moved one repeats takes the moved one's names;
    # a moved entry whose name another entry holds gets its tox factors appended
    twins: dict[int, dict[str, object]] = {}
    for i in touched:
        entry, old = nodes[i], olds[i]
        view = entry_view(work, entry, old, names=whole)
        named = entry_view(work, entry, old, names=True)
        exclude = key == "exclude"
        covered = base is not None and not exclude and runs_in_base(view | named, base)
        follows = exclude and bool(old) and old <= (paired or set()) and still_excludes(view, base)
        twin = kept_at.get(view, -1)
        swapped = False  # this entry takes a later twin's place (and so must stay)
        if twin > i and twin not in twins and not exclude and not covered:
            # the first of two equal entries stays, when it carries the same name keys
            same = as_written(work, entry, old) == as_written(work, nodes[twin], set())
            if (
                same
                and names & named <= names_of[twin]
                and key_names(named) == key_names(names_of[twin])
            ):
                twins[twin] = dict(named)
                removed.append(twin)
                swapped = True
                names = (names - names_of[twin]) | named
        clash = names & named
        if clash and not (exclude or view in views or covered or twin in twins):
            named, renamed = _distinct(work, (entry, old), named, clash, holders)
            clash = names & named
            twins.update({i: renamed} if renamed else {})
        always = exclude and bool(old) and not follows
        repeats = view in views or bool(clash) or covered
        if not entry_goes(always=always, repeats=repeats, named=swapped):
            views.add(view)
            names |= named
            holders.update(dict.fromkeys(named, (entry, old)))
            moved.append(i)
            quote = list_quote(
                [leaf for node in nodes for leaf in _entry_leaves(work, node)], work.quote
            )
            work.edits += _move_entry(work, entry, old, quote, twins.get(i, {}))
            if not exclude:
                label = f"the {key} entry"
                note_carried(
                    work, entry, work.line(entry), old, (others, base or {}), tested, label
                )
                tested = True
        else:
            removed.append(i)
    if paired is not None and key != "exclude":
        paired.update(*(olds[i] for i in moved))
    if moves is not None:
        moves.update(
            (leaf.value, follow(work, leaf.value, olds[i]))
            for i in moved
            for leaf in _entry_leaves(work, nodes[i])
            if isinstance(leaf, ScalarNode)
        )
    _report_entries(work, matrix, key, seq, sorted(removed), moved, olds)
    if twins:
        work.changes.append(f"matrix {key}: removed entries that moved ones now repeat")
    report_settled(
        work,
        f"matrix {key}",
        [v for i in moved for v in stales[i]],
        [v for i in removed for v in stales[i]],
    )
    if key == "exclude" or base is None:
        return {}
    return _renames(work, seq, removed, moved, olds, base, twins)


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
        work.edits.append(yaml.remove_pair(work.text, matrix, seq))
    else:
        work.edits += yaml.remove_items(work.text, seq, removed, lambda line: mentions(line, gone))
    if gone:
        work.changes.append(f"matrix {key}: removed entries for {join_names(sorted(gone))}")
    shifted: set[Minor] = set().union(*(olds[i] for i in moved))
    if shifted:
        work.changes.append(
            f"matrix {key}: moved entries for {join_names(sorted(shifted))} "
            f"to {work.policy.minimum}"
        )
    work.dropped |= gone | shifted


def _under(key: str, item: Node) -> MappingNode:
    """``item`` as the value of ``key`` in a mapping of its own, so that the entry functions
    read it as a Python-keyed mapping (``{python: {version: "3.9", toxenv: py39}}``)."""
    name = ScalarNode("tag:yaml.org,2002:str", key, item.start_mark, item.start_mark)
    return MappingNode("tag:yaml.org,2002:map", [(name, item)], item.start_mark, item.end_mark)


def _entry_leaves(work: Work, entry: Node) -> list[Node]:
    """The values under an entry's Python keys, and under a Python-keyed mapping's keys."""
    found = []
    for key, value in yaml.items(entry):
        if work.is_python_key(key) and isinstance(value, MappingNode):
            found += [v for _, v in yaml.items(value)]
        elif work.is_python_key(key):
            found.append(value)
    return found


def leaves(work: Work, seq: SequenceNode) -> list[Node]:
    """The Python values of a list's entries (none: not a list of entries)."""
    return [leaf for entry in seq.value for leaf in _entry_leaves(work, entry)]


def _distinct(
    work: Work,
    moving: tuple[Node, set[Minor]],
    named: View,
    clash: set[tuple[str, object]],
    holders: dict[tuple[str, object], tuple[Node, set[Minor]]],
) -> tuple[View, dict[str, object]]:
    """Names for a moved entry whose names other entries hold, when it runs another tox env
    than they do: each with the entry's tox env factors appended (``windows-py38`` running
    ``py38-unittestextras`` next to ``windows-py39`` running ``py39-xdist`` becomes
    ``windows-py39-unittestextras``); unchanged otherwise, and the entry goes."""
    toxes = _tox_envs(work, *moving)
    factors = [env.split("-", 1)[1] for env in toxes if "-" in env]
    if not factors or any(_tox_envs(work, *holders[name]) == toxes for name in clash):
        return named, {}
    renamed: dict[str, object] = {key: f"{value}-{factors[0]}" for key, value in clash}
    return frozenset({(k, renamed.get(k, v)) for k, v in named}), renamed


def _tox_envs(work: Work, entry: Node, old: set[Minor]) -> list[str]:
    return [
        follow(work, v.value, old)
        for k, v in yaml.items(entry)
        if is_tox_key(k) and isinstance(v, ScalarNode)
    ]


def _move_entry(
    work: Work,
    entry: Node,
    old: set[Minor],
    quote: str,
    names: dict[str, object],
    python: bool = False,
) -> list[Edit]:
    edits = []
    for key, value in yaml.items(entry):
        if isinstance(value, MappingNode) and work.is_python_key(key):
            edits += _move_entry(work, value, old, quote, names, python=True)
        elif isinstance(value, ScalarNode) and (python or names_version(work, key)):
            new = str(names.get(key, follow(work, value.value, old)))
            if new != value.value:
                edits.append(token_edit(work, value, value.value, new, quote))
    return edits


def _renames(
    work: Work,
    seq: SequenceNode,
    removed: list[int],
    moved: list[int],
    olds: list[set[Minor]],
    base: dict[str, set[str]],
    twins: dict[int, dict[str, object]],
) -> Renames:
    """Base list values (``name: [...]``) that named a moved or removed include entry; a
    removed twin's name leads to the moved entry that replaced it."""
    renames: Renames = {}
    for i in sorted(removed + moved):
        for key, value in yaml.items(seq.value[i]):
            if key in base and not _follows_base(work, key) and isinstance(value, ScalarNode):
                new = str(twins.get(i, {}).get(key, follow(work, value.value, olds[i])))
                if new != value.value or key in twins.get(i, {}):
                    renames.setdefault(key, {})[value.value] = (new, i in moved)
    return renames


def _follows_base(work: Work, key: str) -> bool:
    return work.is_python_key(key) or is_tox_key(key)
