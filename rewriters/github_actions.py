"""GitHub Actions workflows and composite actions: matrices, setup-python, pinned job versions.

A value is a Python version when its key names Python (``python-version``, ``py``,
``PYTHON_VERSION``, ...) and the value reads as a version token; tox env names count under
tox keys (``toxenv: [py39, py310]``). Lists lose their old versions but keep testing the
oldest supported CPython; a matrix ``include`` entry for an old version moves to the new
minimum unless that would repeat another entry or the base matrix (then it goes, and a
``name: [...]`` list naming it follows); ``exclude`` entries for old versions go; single
pinned versions move to the minimum, with the step or job ``name`` that quotes them.
Conditions on old versions and ``python:`` container images are left to a human, as notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from rewriters import _yaml
from rewriters._yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite, apply_edits
from rewriters.versions import (
    TOKEN_RE,
    Minor,
    Token,
    join_names,
    needs_quotes_in_yaml,
    parse_token,
    retarget,
)

PATTERNS: tuple[str, ...] = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    "action.yml",
    "action.yaml",
)

_PYTHON_WORDS = frozenset({"python", "py", "pyver", "pythons", "pythonversion", "pyversion"})
# tox envs, and cibuildwheel's ``only`` identifiers (``cp39-win32``), named by their first factor
_TOX_WORDS = frozenset({"tox", "toxenv", "env", "envs", "toxenvs", "only"})
# keys under an input or option whose own key names Python
_PYTHON_INPUT_PARTS = frozenset({"default", "options"})
_NAME_KEYS = frozenset({"name", "job-name", "label"})
_WORD_RE = re.compile(rf"(?<![A-Za-z0-9.]){TOKEN_RE.pattern}(?![0-9]|\.[0-9])", re.IGNORECASE)
_EMBEDDED_LIST_RE = re.compile(r"\[([^\[\]]*)\]")
_QUOTED_ITEM_RE = re.compile(r"([\"'])([^\"'\n]*)\1")
_IMAGE_RE = re.compile(r"(?:docker\.io/)?(?:library/)?python:(\d\.\d+)")
_CONDITION_RE = re.compile(r"matrix\.[\w-]+\s*==\s*['\"]?([\w.-]+)")


def _parts(key: str) -> list[str]:
    return [part for part in re.split(r"[-_ .]+", key.lower()) if part]


def is_python_key(key: str) -> bool:
    """True for keys naming a Python version: ``python-version``, ``py``, ``PYTHON_VERSION``."""
    parts = _parts(key)
    return "file" not in parts and any(part in _PYTHON_WORDS for part in parts)


def is_tox_key(key: str) -> bool:
    """True for keys naming tox envs (``toxenv``, ``env``) or wheel builds (``only``)."""
    return any(part in _TOX_WORDS for part in _parts(key))


@dataclass
class _Work:
    """What one rewrite has found so far."""

    text: str
    policy: Policy
    quote: str
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)

    def drops(self, version: Minor | None) -> bool:
        return version is not None and self.policy.drops(version)

    def new(self, token: Token) -> str:
        return retarget(token, self.policy.minimum, self.policy.latest_patch)

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a workflow or composite action."""
    documents = _yaml.compose(text)
    work = _Work(text, policy, _file_quote(documents))
    for document in documents:
        _walk(work, document, ("",), ())
    if not work.edits:
        return None
    new_text = apply_edits(text, _outermost(work.edits))
    _yaml.check_parses(new_text)
    changes, notes = tuple(dict.fromkeys(work.changes)), tuple(dict.fromkeys(work.notes))
    return Rewrite(new_text, changes, notes, frozenset(work.dropped))


def _outermost(edits: list[Edit]) -> list[Edit]:
    """Drop edits inside text another edit removes (a value in an entry that goes)."""
    kept: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.start, -e.end)):
        if kept and edit.end <= kept[-1].end and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return kept


def _scalars(node: Node) -> Iterator[ScalarNode]:
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)
    else:
        for item in node.value:
            yield from _scalars(item)


def _file_quote(documents: list[Node]) -> str:
    """The quote the file puts around versions most often; double quotes by default."""
    styles = Counter(
        s.style
        for document in documents
        for s in _scalars(document)
        if s.style in ("'", '"') and parse_token(s.value) is not None
    )
    return "'" if styles["'"] > styles['"'] else '"'


def _list_quote(nodes: list[Node]) -> str:
    """The quote a list's entries use; double quotes for an unquoted list."""
    styles = Counter(n.style for n in nodes if isinstance(n, ScalarNode) and n.style in ("'", '"'))
    return styles.most_common(1)[0][0] if styles else '"'


def _walk(work: _Work, node: Node, path: tuple[str, ...], parents: tuple[MappingNode, ...]) -> None:
    if id(node) in work.seen:
        return  # an alias of a node already handled
    work.seen.add(id(node))
    if isinstance(node, SequenceNode):
        for item in node.value:
            _walk(work, item, path, parents)
    for key, value in _yaml.items(node):
        assert isinstance(node, MappingNode)
        _visit(work, key, value, path, (*parents, node))


def _visit(
    work: _Work, key: str, value: Node, path: tuple[str, ...], parents: tuple[MappingNode, ...]
) -> None:
    owner = path[-1]
    if key == "matrix" and owner == "strategy" and isinstance(value, MappingNode):
        work.seen.add(id(value))
        names = _matrix(work, value)
        _follow_names(work, parents[-2] if len(parents) > 1 else parents[-1], names)
    elif key == "if" and isinstance(value, ScalarNode):
        _note_condition(work, value)
    elif key == "image" and isinstance(value, ScalarNode):
        _note_image(work, value)
    elif is_python_key(key) or (key in _PYTHON_INPUT_PARTS and is_python_key(owner)):
        _python_value(work, key, value, owner, parents)
    elif is_tox_key(key) and isinstance(value, ScalarNode):
        _embedded_list(work, key, value, tox=True)
    else:
        _walk(work, value, (*path, key), parents)


def _note_condition(work: _Work, node: ScalarNode) -> None:
    for match in _CONDITION_RE.finditer(node.value):
        token = parse_token(match[1])
        if token is not None and work.drops(token.version):
            work.notes.append(
                f"line {work.line(node)}: `if: {node.value.strip()}` tests for Python "
                f"{token.version}, which no longer runs; update or remove that step by hand"
            )


def _note_image(work: _Work, node: ScalarNode) -> None:
    match = _IMAGE_RE.match(node.value)
    token = parse_token(match[1]) if match else None
    if token is not None and work.drops(token.version):
        work.notes.append(
            f"line {work.line(node)}: container image `{node.value}` runs Python "
            f"{token.version}; pick a python:{work.policy.minimum} tag by hand"
        )


def _python_value(
    work: _Work, key: str, node: Node, owner: str, parents: tuple[MappingNode, ...]
) -> None:
    if isinstance(node, SequenceNode):
        _version_list(work, key, node, tox=False)
    elif isinstance(node, ScalarNode) and node.style == "|":
        _block_list(work, key, node)
    elif isinstance(node, ScalarNode):
        if not _single(work, key, node, owner, parents):
            _embedded_list(work, key, node, tox=False)
    else:
        _walk(work, node, (key,), parents)


# -- lists ---------------------------------------------------------------------------------


def list_version(value: str, tox: bool) -> Token | None:
    """The version an entry of a version list names: ``3.9``, ``pypy-3.9``, ``py39-django42``."""
    token = parse_token(value.strip())
    if token is not None or not tox:
        return token
    first = parse_token(value.strip().split("-", 1)[0])
    return first if first is not None and first.prefix else None


def _mentions(line: str, versions: set[Minor]) -> bool:
    return any(
        (t := parse_token(m[0])) is not None and t.version in versions
        for m in _WORD_RE.finditer(line)
    )


def _is_cpython(token: Token | None) -> bool:
    return token is not None and not token.prefix.lower().startswith(("pypy", "pp"))


def plan_list(work: _Work, tokens: list[Token | None]) -> tuple[list[int], list[int]]:
    """Which entries of a version list go, and which one moves to the new minimum.

    A list that tested its oldest supported CPython keeps testing the oldest one: when no
    CPython entry is left at the new minimum, its newest old entry moves there instead of
    going ("bookend" lists such as ``["3.9", "3.13"]``). Old PyPy entries just go (molt does
    not know which PyPy releases exist), unless nothing else is left.
    """
    old = [i for i, t in enumerate(tokens) if t is not None and work.drops(t.version)]
    cpython = [i for i in old if _is_cpython(tokens[i])]
    at_minimum = any(_is_cpython(t) and _known(t).version == work.policy.minimum for t in tokens)
    if cpython and not at_minimum:
        candidates = cpython
    elif old and len(old) == len(tokens):
        candidates = old
    else:
        return old, []
    moved = max(candidates, key=lambda i: _known(tokens[i]).version)
    return [i for i in old if i != moved], [moved]


def _known(token: Token | None) -> Token:
    assert token is not None
    return token


def _old_versions(work: _Work, tokens: list[Token | None]) -> set[Minor]:
    return {t.version for t in tokens if t is not None and work.drops(t.version)}


def _version_list(work: _Work, key: str, seq: SequenceNode, tox: bool) -> None:
    """Drop old versions from a YAML list (see ``plan_list``)."""
    tokens = [
        list_version(item.value, tox) if isinstance(item, ScalarNode) else None
        for item in seq.value
    ]
    removed, moved = plan_list(work, tokens)
    versions = _old_versions(work, tokens)
    for i in moved:
        item = seq.value[i]
        assert isinstance(item, ScalarNode)
        new = _retarget_words(work, item.value, versions)
        quote = _list_quote(seq.value) if needs_quotes_in_yaml(new) else ""
        work.edits.append(_yaml.replace_scalar(work.text, item, new, quote))
    work.edits += _yaml.remove_items(
        work.text, seq, removed, lambda line: _mentions(line, versions)
    )
    _report_list(work, key, versions)


def _report_list(work: _Work, key: str, versions: set[Minor]) -> None:
    if versions:
        work.changes.append(f"{key}: dropped {join_names(sorted(versions))}")
        work.dropped |= versions


def _block_list(work: _Work, key: str, node: ScalarNode) -> None:
    """A ``python-version: |`` block naming one version per line."""
    lines = [line for line in _yaml.block_lines(work.text, node) if line[2]]
    tokens = [parse_token(line[2]) for line in lines]
    removed, moved = plan_list(work, tokens)
    for i in moved:
        start, _, content = lines[i]
        at = work.text.index(content, start)
        work.edits.append(Edit(at, at + len(content), work.new(_known(tokens[i]))))
    work.edits += _yaml.remove_lines([lines[i] for i in removed])
    _report_list(work, key, _old_versions(work, tokens))


def _embedded_list(work: _Work, key: str, node: ScalarNode, tox: bool) -> None:
    """A JSON list inside a string: ``env: '["py39", "py310"]'``, ``fromJSON('["3.9"]')``."""
    start, end = _yaml.scalar_span(work.text, node)
    for match in _EMBEDDED_LIST_RE.finditer(work.text, start, end):
        spans = [
            (m.start(), m.end(), m[2])
            for m in _QUOTED_ITEM_RE.finditer(work.text, match.start(1), match.end(1))
        ]
        tokens = [list_version(item, tox) for _, _, item in spans]
        removed, moved = plan_list(work, tokens)
        versions = _old_versions(work, tokens)
        for i in moved:
            item_start, item_end, item = spans[i]
            new = _retarget_words(work, item, versions)
            work.edits.append(Edit(item_start + 1, item_end - 1, new))
        work.edits += _remove_spans(spans, removed)
        _report_list(work, key, versions)


def _remove_spans(spans: list[tuple[int, int, str]], indices: list[int]) -> list[Edit]:
    """Remove items of an inline list, each with one neighbouring separator."""
    edits = []
    removed = set(indices)
    for i in indices:
        later = next((j for j in range(i + 1, len(spans)) if j not in removed), None)
        if later is not None:
            edits.append(Edit(spans[i][0], spans[i + 1][0], ""))
        else:
            edits.append(Edit(spans[i - 1][1], spans[i][1], ""))
    return edits


# -- single versions -------------------------------------------------------------------------


def _single(
    work: _Work, key: str, node: ScalarNode, owner: str, parents: tuple[MappingNode, ...]
) -> bool:
    """Move a pinned version to the new minimum; True when ``node`` is a version at all."""
    token = parse_token(node.value.strip())
    if token is None:
        return False
    if work.drops(token.version):
        new = work.new(token)
        work.edits.append(_token_edit(work, node, str(token), new, work.quote))
        work.changes.append(f"{key}: {token} → {new}")
        work.dropped.add(token.version)
        if owner in ("with", "env") and len(parents) >= 2:
            _rename(work, parents[-2], {token.version})
    return True


def _token_edit(work: _Work, node: ScalarNode, old: str, new: str, quote: str) -> Edit:
    if node.style in (None, "'", '"'):
        return _yaml.replace_scalar(
            work.text, node, new, quote if needs_quotes_in_yaml(new) else ""
        )
    start, end = _yaml.scalar_span(work.text, node)
    at = work.text.rindex(old, start, end)  # a folded block: the version is its last word
    return Edit(at, at + len(old), new)


def _retarget_words(work: _Work, value: str, versions: set[Minor]) -> str:
    """``value`` with every token of ``versions`` spelled for the new minimum."""

    def swap(match: re.Match[str]) -> str:
        token = parse_token(match[0])
        return work.new(token) if token is not None and token.version in versions else match[0]

    return _WORD_RE.sub(swap, value)


def _rename(work: _Work, mapping: MappingNode, versions: set[Minor]) -> None:
    """A step or job ``name`` that says the version it pins follows the new version."""
    name = _yaml.get(mapping, "name")
    if isinstance(name, ScalarNode) and name.style in (None, "'", '"'):
        new = _retarget_words(work, name.value, versions)
        if new != name.value:
            work.edits.append(_yaml.replace_scalar(work.text, name, new, ""))


# -- matrices --------------------------------------------------------------------------------

_View = frozenset[tuple[str, object]]
# per base matrix key: old value → (new value, whether its include entry stays)
_Renames = dict[str, dict[str, tuple[str, bool]]]


def _matrix(work: _Work, matrix: MappingNode) -> dict[str, str]:
    """Version lists of a ``strategy.matrix``, then its ``include`` and ``exclude`` entries.

    Returns the matrix values renamed along with their include entries (old → new).
    """
    base: dict[str, set[str]] = {}
    for key, value in _yaml.items(matrix):
        if key in ("include", "exclude"):
            continue
        work.seen.add(id(value))
        if is_python_key(key):
            _python_value(work, key, value, "matrix", ())
        elif is_tox_key(key) and isinstance(value, SequenceNode):
            _version_list(work, key, value, tox=True)
            _follow_envs(work, matrix, key, _pinned_envs(work, key, value))
        base[key] = _kept_values(work, key, value)
    renames: _Renames = {}
    for key in ("include", "exclude"):
        entries = _yaml.get(matrix, key)
        if isinstance(entries, SequenceNode):
            work.seen.add(id(entries))
            renames.update(_entries(work, matrix, key, entries, base))
    return _relink(work, matrix, renames)


def _pinned_envs(work: _Work, key: str, seq: SequenceNode) -> dict[str, str]:
    """Tox envs pinned to an old version in a later factor (``type-3.9``) move to the minimum."""
    old = {v for v in work.policy.releases if work.drops(v)}
    values = [item.value if isinstance(item, ScalarNode) else "" for item in seq.value]
    renames = {
        value: new
        for value in values
        if list_version(value, tox=True) is None
        and (new := _retarget_words(work, value, old)) != value
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


def _follow_envs(work: _Work, matrix: MappingNode, key: str, renames: dict[str, str]) -> None:
    """Include and exclude entries naming a renamed tox env follow it."""
    for part in ("include", "exclude"):
        for entry in _yaml.items_of(_yaml.get(matrix, part)):
            value = _yaml.get(entry, key)
            if isinstance(value, ScalarNode) and value.value in renames:
                work.edits.append(_yaml.replace_scalar(work.text, value, renames[value.value], ""))


def _kept_values(work: _Work, key: str, node: Node) -> set[str]:
    """What a base matrix list holds once the old versions are gone."""
    if not isinstance(node, SequenceNode):
        return set()
    values = [item.value for item in node.value if isinstance(item, ScalarNode)]
    if not (is_python_key(key) or is_tox_key(key)):
        return set(values)
    tokens = [list_version(v, not is_python_key(key)) for v in values]
    removed, _ = plan_list(work, tokens)
    old = _old_versions(work, tokens)
    return {_retarget_words(work, v, old) for i, v in enumerate(values) if i not in removed}


def _entry_versions(work: _Work, entry: Node) -> set[Minor]:
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
    work: _Work, matrix: MappingNode, key: str, seq: SequenceNode, base: dict[str, set[str]]
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
            work.edits += _move_entry(work, entry, old, _list_quote(_leaves(seq)))
    _report_entries(work, matrix, key, seq, removed, moved, olds)
    if key == "exclude":
        return {}
    return _renames(work, seq, removed, moved, olds, base)


def _report_entries(
    work: _Work,
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
        work.edits += _yaml.remove_items(
            work.text, seq, removed, lambda line: _mentions(line, gone)
        )
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


def _view(work: _Work, node: Node, old: set[Minor], names: bool, python: bool = False) -> _View:
    """An entry as comparable data with ``old`` versions moved: its names, or all else."""
    view: set[tuple[str, object]] = set()
    for key, value in _yaml.items(node):
        if (key in _NAME_KEYS and not python) != names:
            continue
        if isinstance(value, ScalarNode):
            view.add((key, _moved_value(work, key, value.value, old, python)))
        elif is_python_key(key):
            view.add((key, _view(work, value, old, names=False, python=True)))
        else:
            view.add((key, id(value)))
    return frozenset(view)


def _moved_value(work: _Work, key: str, value: str, old: set[Minor], python: bool) -> str:
    """A value once ``old`` versions moved; Python versions compare by minor only."""
    if key in _NAME_KEYS or is_tox_key(key):
        return _retarget_words(work, value, old)
    token = parse_token(value) if python or is_python_key(key) else None
    if token is None:
        return value
    version = work.policy.minimum if token.version in old else token.version
    return str(token._replace(version=version, patch=""))


def _covered(view: _View, base: dict[str, set[str]]) -> bool:
    """True when the base matrix already runs this include entry's combination."""
    return all(key in base and value in base[key] for key, value in view)


def _move_entry(
    work: _Work, entry: Node, old: set[Minor], quote: str, python: bool = False
) -> list[Edit]:
    edits = []
    for key, value in _yaml.items(entry):
        if isinstance(value, MappingNode) and is_python_key(key):
            edits += _move_entry(work, value, old, quote, python=True)
        elif isinstance(value, ScalarNode) and (python or _follows(key)):
            new = _retarget_words(work, value.value, old)
            if new != value.value:
                edits.append(_token_edit(work, value, value.value, new, quote))
    return edits


def _follows(key: str) -> bool:
    """Entry keys whose values name the version: Python, tox env and job names."""
    return is_python_key(key) or is_tox_key(key) or key in _NAME_KEYS


def _renames(
    work: _Work,
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
                new = _retarget_words(work, value.value, olds[i])
                if new != value.value:
                    renames.setdefault(key, {})[value.value] = (new, i in moved)
    return renames


def _follows_base(key: str) -> bool:
    return is_python_key(key) or is_tox_key(key)


def _relink(work: _Work, matrix: MappingNode, renames: _Renames) -> dict[str, str]:
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


def _conditions(node: Node) -> Iterator[ScalarNode]:
    for key, value in _yaml.items(node):
        if key in ("if", "continue-on-error") and isinstance(value, ScalarNode):
            yield value
        elif key != "strategy":
            yield from _conditions(value)
    if isinstance(node, SequenceNode):
        for item in node.value:
            yield from _conditions(item)


def _follow_names(work: _Work, job: MappingNode, names: dict[str, str]) -> None:
    """Conditions of the job that quote a renamed matrix value follow the new name."""
    for node in _conditions(job) if names else ():
        start, end = _yaml.scalar_span(work.text, node)
        for match in _QUOTED_ITEM_RE.finditer(work.text, start, end):
            if match[2] in names:
                work.edits.append(Edit(match.start(2), match.end(2), names[match[2]]))


__all__ = ["PATTERNS", "is_python_key", "is_tox_key", "list_version", "rewrite"]
