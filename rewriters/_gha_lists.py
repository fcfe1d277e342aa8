"""Workflow version lists: which keys name Python, the rewrite state, and list dropping.

A list (YAML sequence, ``|`` block, or JSON list inside a string) loses its old versions
but keeps testing the oldest supported CPython (see ``plan_list``). A list that changes
anyway also settles pre-release spellings of minors released since (see ``plan_settled``).
"""

from __future__ import annotations

import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from rewriters import _yaml
from rewriters._yaml import Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.versions import (
    WORD_RE,
    Minor,
    Token,
    join_names,
    mentions,
    needs_quotes_in_yaml,
    parse_token,
    retarget,
)

_PYTHON_WORDS = frozenset({"python", "py", "pyver", "pythons", "pythonversion", "pyversion"})
# tox envs, and cibuildwheel's ``only`` identifiers (``cp39-win32``), named by their first factor
_TOX_WORDS = frozenset({"tox", "toxenv", "env", "envs", "toxenvs", "only"})
NAME_KEYS = frozenset({"name", "job-name", "label"})
_EMBEDDED_LIST_RE = re.compile(r"\[([^\[\]]*)\]")
QUOTED_ITEM_RE = re.compile(r"([\"'])([^\"'\n]*)\1")


def _parts(key: str) -> list[str]:
    return [part for part in re.split(r"[-_ .]+", key.lower()) if part]


# Matrix keys of the workflow being rewritten whose values are Python versions although their
# names do not say so (see ``github_actions.templated_python_keys``); set for one rewrite.
TEMPLATED_KEYS: ContextVar[frozenset[str]] = ContextVar("TEMPLATED_KEYS", default=frozenset())


def is_python_key(key: str) -> bool:
    """True for keys naming a Python version: ``python-version``, ``py``, ``PYTHON_VERSION``."""
    parts = _parts(key)
    named = "file" not in parts and any(part in _PYTHON_WORDS for part in parts)
    return named or key in TEMPLATED_KEYS.get()


def is_tox_key(key: str) -> bool:
    """True for keys naming tox envs (``toxenv``, ``env``) or wheel builds (``only``)."""
    return any(part in _TOX_WORDS for part in _parts(key))


@dataclass
class Work:
    """What one rewrite has found so far."""

    text: str
    policy: Policy
    quote: str
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    # settle pre-release spellings even in lists that change nothing else (a changed matrix)
    settle: bool = False
    # pre-release spellings settled so far: ``3.14-dev`` → ``3.14``
    settled: dict[str, str] = field(default_factory=dict)

    def drops(self, version: Minor | None) -> bool:
        return version is not None and self.policy.drops(version)

    def new(self, token: Token) -> str:
        """``token`` moved to the (released) new minimum; a pre-release spelling loses its
        suffix there."""
        return retarget(token._replace(suffix=""), self.policy.minimum, self.policy.latest_patch)

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1

    def fork(self, settle: bool) -> Work:
        """A scratch copy to try a rewrite on; ``join`` keeps what it found."""
        return Work(self.text, self.policy, self.quote, seen=set(self.seen), settle=settle)

    def join(self, other: Work) -> None:
        self.edits += other.edits
        self.changes += other.changes
        self.notes += other.notes
        self.dropped |= other.dropped
        self.seen |= other.seen
        self.settled.update(other.settled)


def list_quote(nodes: list[Node], default: str) -> str:
    """The quote a list's entries use; ``default`` (the file's) for an unquoted list."""
    styles = Counter(n.style for n in nodes if isinstance(n, ScalarNode) and n.style in ("'", '"'))
    return styles.most_common(1)[0][0] if styles else default


def list_version(value: str, tox: bool) -> Token | None:
    """The version an entry of a version list names: ``3.9``, ``pypy-3.9``, ``py39-django42``."""
    token = parse_token(value.strip())
    if token is not None or not tox:
        return token
    first = parse_token(value.strip().split("-", 1)[0])
    return first if first is not None and first.prefix else None


def _is_cpython(token: Token | None) -> bool:
    return token is not None and not token.prefix.lower().startswith(("pypy", "pp"))


def plan_list(work: Work, tokens: list[Token | None]) -> tuple[list[int], list[int]]:
    """Which entries of a version list go, and which one moves to the new minimum.

    A list that tested its oldest supported CPython keeps testing the oldest one: when no
    CPython entry is left at the new minimum, its newest old entry moves there instead of
    going ("bookend" lists such as ``["3.9", "3.13"]``). Old PyPy entries just go (molt does
    not know which PyPy releases exist), unless nothing else is left.
    """
    old = [i for i, t in enumerate(tokens) if t is not None and work.drops(t.version)]
    cpython = [i for i in old if _is_cpython(tokens[i])]
    at_minimum = any(_is_cpython(t) and known(t).version == work.policy.minimum for t in tokens)
    if cpython and not at_minimum:
        candidates = cpython
    elif old and len(old) == len(tokens):
        candidates = old
    else:
        return old, []
    moved = max(candidates, key=lambda i: known(tokens[i]).version)
    return [i for i in old if i != moved], [moved]


def stale(work: Work, token: Token | None) -> bool:
    """True for a kept version's pre-release spelling (``3.14-dev``) once it is released."""
    return (
        token is not None
        and token.prerelease
        and not token.prefix
        and work.policy.is_released(token.version)
        and not work.drops(token.version)
    )


def plan_settled(
    work: Work, tokens: list[Token | None], removed: list[int], moved: list[int]
) -> tuple[list[int], list[int]]:
    """Which pre-release entries of released minors become plain ``X.Y``, and which go
    because ``X.Y`` is listed already; only in a list that changes anyway (smallest diff)."""
    if not (removed or moved or work.settle):
        return [], []
    listed = {(t.prefix.lower(), t.version) for t in tokens if t is not None and not t.prerelease}
    listed |= {(known(tokens[i]).prefix.lower(), work.policy.minimum) for i in moved}
    renamed: list[int] = []
    gone: list[int] = []
    for i, token in enumerate(tokens):
        if stale(work, token):
            spot = ("", known(token).version)
            (gone if spot in listed else renamed).append(i)
            listed.add(spot)
    return renamed, gone


def settle_words(work: Work, value: str) -> str:
    """``value`` with each pre-release spelling of a released minor written as ``X.Y``."""

    def swap(match: re.Match[str]) -> str:
        token = parse_token(match[0])
        return str(known(token).version) if stale(work, token) else match[0]

    return WORD_RE.sub(swap, value)


def report_settled(work: Work, key: str, renamed: list[str], gone: list[str]) -> None:
    """Say which pre-release spellings became releases, and which went as repeats."""
    for old in renamed + gone:
        new = work.settled[old] = settle_words(work, old)
        if old in renamed:
            work.changes.append(f"{key}: {old} → {new} (released)")
        else:
            work.changes.append(f"{key}: dropped {old}, {new} is listed")


def known(token: Token | None) -> Token:
    assert token is not None
    return token


def old_versions(work: Work, tokens: list[Token | None]) -> set[Minor]:
    return {t.version for t in tokens if t is not None and work.drops(t.version)}


def version_list(work: Work, key: str, seq: SequenceNode, tox: bool) -> None:
    """Drop old versions from a YAML list (see ``plan_list``)."""
    tokens = [
        list_version(item.value, tox) if isinstance(item, ScalarNode) else None
        for item in seq.value
    ]
    removed, moved = plan_list(work, tokens)
    renamed, gone = plan_settled(work, tokens, removed, moved)
    versions = old_versions(work, tokens)
    for i in moved + renamed:
        item = seq.value[i]
        assert isinstance(item, ScalarNode)
        new = settle_words(work, retarget_words(work, item.value, versions))
        quote = list_quote(seq.value, work.quote) if needs_quotes_in_yaml(new) else ""
        work.edits.append(_yaml.replace_scalar(work.text, item, new, quote))
    work.edits += _yaml.remove_items(
        work.text, seq, removed + gone, lambda line: mentions(line, versions)
    )
    _report_list(work, key, versions)
    report_settled(work, key, *_spelled(tokens, renamed, gone))


def _spelled(tokens: list[Token | None], *groups: list[int]) -> list[list[str]]:
    return [[str(tokens[i]) for i in group] for group in groups]


def _report_list(work: Work, key: str, versions: set[Minor]) -> None:
    if versions:
        work.changes.append(f"{key}: dropped {join_names(sorted(versions))}")
        work.dropped |= versions


def block_list(work: Work, key: str, node: ScalarNode) -> None:
    """A ``python-version: |`` block naming one version per line."""
    lines = [line for line in _yaml.block_lines(work.text, node) if line[2]]
    tokens = [parse_token(line[2]) for line in lines]
    removed, moved = plan_list(work, tokens)
    renamed, gone = plan_settled(work, tokens, removed, moved)
    for i in moved + renamed:
        start, _, content = lines[i]
        at = work.text.index(content, start)
        new = work.new(known(tokens[i])) if i in moved else settle_words(work, content)
        work.edits.append(Edit(at, at + len(content), new))
    work.edits += _yaml.remove_lines([lines[i] for i in removed + gone])
    _report_list(work, key, old_versions(work, tokens))
    report_settled(work, key, *_spelled(tokens, renamed, gone))


def embedded_list(work: Work, key: str, node: ScalarNode, tox: bool) -> None:
    """A JSON list inside a string: ``env: '["py39", "py310"]'``, ``fromJSON('["3.9"]')``."""
    start, end = _yaml.scalar_span(work.text, node)
    for match in _EMBEDDED_LIST_RE.finditer(work.text, start, end):
        spans = [
            (m.start(), m.end(), m[2])
            for m in QUOTED_ITEM_RE.finditer(work.text, match.start(1), match.end(1))
        ]
        tokens = [list_version(item, tox) for _, _, item in spans]
        removed, moved = plan_list(work, tokens)
        renamed, gone = plan_settled(work, tokens, removed, moved)
        versions = old_versions(work, tokens)
        for i in moved + renamed:
            item_start, item_end, item = spans[i]
            new = settle_words(work, retarget_words(work, item, versions))
            work.edits.append(Edit(item_start + 1, item_end - 1, new))
        work.edits += remove_spans(spans, removed + gone)
        _report_list(work, key, versions)
        report_settled(work, key, *_spelled(tokens, renamed, gone))


def remove_spans(spans: list[tuple[int, int, str]], indices: list[int]) -> list[Edit]:
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


def token_edit(work: Work, node: ScalarNode, old: str, new: str, quote: str) -> Edit:
    if node.style in (None, "'", '"'):
        return _yaml.replace_scalar(
            work.text, node, new, quote if needs_quotes_in_yaml(new) else ""
        )
    start, end = _yaml.scalar_span(work.text, node)
    at = work.text.rindex(old, start, end)  # a folded block: the version is its last word
    return Edit(at, at + len(old), new)


def retarget_words(work: Work, value: str, versions: set[Minor]) -> str:
    """``value`` with every token of ``versions`` spelled for the new minimum."""

    def swap(match: re.Match[str]) -> str:
        token = parse_token(match[0])
        return work.new(token) if token is not None and token.version in versions else match[0]

    return WORD_RE.sub(swap, value)
