"""CI version lists as text: YAML sequences, ``|`` blocks and JSON lists inside strings.

What goes and what moves is decided by ``rewriters.rules.shrink`` (the one list rule of every
file kind); this module writes it, in the list's own quoting and separators, and says what
changed. An item names its version by the list's role: a Python version (``3.9``,
``pypy-3.9``, or a range within one minor, ``>=3.11 <3.12``, left as written), a tox env
(``py39-django42``) or an assignment (``TOXENV=py39 PYTHON=3.9``).
"""

from __future__ import annotations

import re
from collections import Counter

from rewriters.ci.values import ASSIGNMENT_RE
from rewriters.ci.work import Role, Work, is_python_key, is_tox_key, known
from rewriters.environments import tox_envs
from rewriters.formats import yaml
from rewriters.formats.yaml import Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.rules import WINDOW_MAX, Shrunk, shrink, stale
from rewriters.versions import (
    WORD_RE,
    Minor,
    Token,
    join_names,
    mentions,
    needs_quotes_in_yaml,
    parse_token,
    range_token,
    version_range,
)

_EMBEDDED_LIST_RE = re.compile(r"\[([^\[\]]*)\]")
QUOTED_ITEM_RE = re.compile(r"([\"'])([^\"'\n]*)\1")


def list_quote(nodes: list[Node], default: str) -> str:
    """The quote a list's entries use; ``default`` (the file's) for an unquoted list."""
    styles = Counter(n.style for n in nodes if isinstance(n, ScalarNode) and n.style in ("'", '"'))
    return styles.most_common(1)[0][0] if styles else default


def list_version(value: str, tox: bool) -> Token | None:
    """The version an entry of a version list names: ``3.9``, ``pypy-3.9``; in a list of tox
    envs, the env's Python as tox decides it everywhere (``py39-django42``, ``django42-py39``)."""
    token = parse_token(value.strip())
    if token is not None or not tox:
        return token
    found = tox_envs.python_factor(value.strip())
    return None if found is None else found[1]


def item_version(value: str, role: Role) -> Token | None:
    """The version a list item names in its list's ``role``; for assignments, the first one
    made to a Python or tox variable (``TOXENV=py39 PYTHON=3.9``). A Python range naming one
    minor only (``>=3.11 <3.12``, ``3.11.x``) names that minor."""
    if role == "python":
        return list_version(value, tox=False) or range_token(value)
    if role == "tox":
        return list_version(value, tox=True)
    for match in ASSIGNMENT_RE.finditer(value):
        name = match["name"]
        if is_python_key(name) or is_tox_key(name):
            token = list_version(match["value"], tox=not is_python_key(name))
            if token is not None:
                return token
    return None


def settle_words(work: Work, value: str) -> str:
    """``value`` with each pre-release spelling of a released minor written as ``X.Y``."""

    def swap(match: re.Match[str]) -> str:
        token = parse_token(match[0])
        return str(known(token).version) if stale(token, work.policy) else match[0]

    return WORD_RE.sub(swap, value)


def shrink_items(
    values: list[str], tokens: list[Token | None], role: Role, policy: Policy, settle: bool
) -> Shrunk:
    """The list rule (``rewriters.rules.shrink``) for a list's items in its role. A list of tox
    envs shrinks as a tox env list does (``tox_envs.decide``): each group of envs alike but for
    their Python on its own, so ``py310-psutil`` moves up beside ``py311-pytestlatest``."""
    shrunk = shrink(tokens, policy, settle)
    envs = [value.strip() for value, token in zip(values, tokens, strict=True) if token]
    if role != "tox" or len(tox_envs.alike(envs)) < 2:
        return shrunk
    changed = tox_envs.decide(envs, (), lambda _: False, policy).changed
    removed: list[int] = []
    moved: dict[int, Minor] = {}
    for i, value in enumerate(values):
        new = changed.get(value.strip(), value.strip())
        found = tox_envs.python_factor(new) if new is not None else None
        if new is None:
            removed.append(i)
        elif new != value.strip() and found is not None:
            moved[i] = found[1].version
    return Shrunk(removed, moved, [], [], shrunk.dropped)


def note_ranges(work: Work, key: str, values: list[str]) -> None:
    """A range of Pythons (``>=3.9 <3.12``, ``3.9.x``) stays as written; one that takes in a
    dropped version is noted (one open above is not: setup-python picks the newest)."""
    for value in values:
        low, high = version_range(value) or (None, None)
        if low is None or high is None:
            continue
        old = [v for v in work.policy.releases if low <= v <= high and work.drops(v)]
        if old:
            names = join_names(old) if len(old) <= WINDOW_MAX else f"{max(old)} and older"
            work.notes.append(
                f"{key}: the range {value.strip()} takes in {names}, no longer supported; "
                "check it by hand"
            )


def report_settled(work: Work, key: str, renamed: list[str], gone: list[str]) -> None:
    """Say which pre-release spellings became releases, and which went as repeats."""
    for old in renamed + gone:
        new = work.settled[old] = settle_words(work, old)
        if old in renamed:
            work.changes.append(f"{key}: {old} → {new} (released)")
        else:
            work.changes.append(f"{key}: dropped {old}, {new} is listed")


def version_list(work: Work, key: str, seq: SequenceNode, role: Role) -> None:
    """Drop old versions from a YAML list (see ``rewriters.rules``)."""
    values = [item.value if isinstance(item, ScalarNode) else "" for item in seq.value]
    tokens = [item_version(value, role) if value else None for value in values]
    shrunk = shrink_items(values, tokens, role, work.policy, work.settle)
    if role == "python":
        note_ranges(work, key, values)
    quoting = work.system.quote_floats
    for i in [*shrunk.moved, *shrunk.settled]:
        item = seq.value[i]
        assert isinstance(item, ScalarNode)
        new = settle_words(work, _moved_words(work, item.value, tokens[i], shrunk.moved.get(i)))
        quote = list_quote(seq.value, work.quote) if quoting and needs_quotes_in_yaml(new) else ""
        work.edits.append(yaml.replace_scalar(work.text, item, new, quote))
    versions = shrunk.dropped
    work.edits += yaml.remove_items(
        work.text, seq, shrunk.removed, lambda line: mentions(line, versions)
    )
    _report(work, key, tokens, shrunk)


def _moved_words(work: Work, value: str, token: Token | None, to: Minor | None) -> str:
    """An entry's text with its version moved to ``to`` (as it is when ``to`` is None)."""
    return retarget_words(work, value, {known(token).version}, to) if to else value


def _spelled(tokens: list[Token | None], *groups: list[int]) -> list[list[str]]:
    return [[str(tokens[i]) for i in group] for group in groups]


def _report(work: Work, key: str, tokens: list[Token | None], shrunk: Shrunk) -> None:
    """Say what the list lost: the versions dropped, a window moved up, or (nothing removed)
    its only old entry moved to the minimum."""
    versions, moved = shrunk.dropped, shrunk.moved
    if versions:
        work.dropped |= versions
        window = [
            known(tokens[i]).version for i in moved if known(tokens[i]).version not in versions
        ]
        names = join_names(sorted(versions))
        if window:
            kept = join_names(sorted({*window, *moved.values()}))
            work.changes.append(
                f"{key}: dropped {names}; the window of versions it tests moved up to {kept}"
            )
        elif moved and len(shrunk.removed) == len(shrunk.repeats):
            work.changes.append(f"{key}: {names} → {work.policy.minimum}")
        else:
            work.changes.append(f"{key}: dropped {names}")
    report_settled(work, key, *_spelled(tokens, shrunk.settled, shrunk.repeats))


def block_list(work: Work, key: str, node: ScalarNode) -> None:
    """A ``python-version: |`` block naming one version per line."""
    lines = [line for line in yaml.block_lines(work.text, node) if line[2]]
    tokens = [item_version(line[2], "python") for line in lines]
    shrunk = shrink(tokens, work.policy, work.settle)
    note_ranges(work, key, [line[2] for line in lines])
    for i in [*shrunk.moved, *shrunk.settled]:
        start, _, content = lines[i]
        at = work.text.index(content, start)
        to = shrunk.moved.get(i)
        new = work.new(known(tokens[i]), to) if to else settle_words(work, content)
        work.edits.append(Edit(at, at + len(content), new))
    work.edits += yaml.remove_lines([lines[i] for i in shrunk.removed])
    _report(work, key, tokens, shrunk)


def embedded_list(work: Work, key: str, node: ScalarNode, role: Role) -> None:
    """A JSON list inside a string: ``env: '["py39", "py310"]'``, ``fromJSON('["3.9"]')``."""
    start, end = yaml.scalar_span(work.text, node)
    for match in _EMBEDDED_LIST_RE.finditer(work.text, start, end):
        spans = [
            (m.start(), m.end(), m[2])
            for m in QUOTED_ITEM_RE.finditer(work.text, match.start(1), match.end(1))
        ]
        items = [item for _, _, item in spans]
        tokens = [item_version(item, role) for item in items]
        shrunk = shrink_items(items, tokens, role, work.policy, work.settle)
        if role == "python":
            note_ranges(work, key, items)
        for i in [*shrunk.moved, *shrunk.settled]:
            item_start, item_end, item = spans[i]
            new = settle_words(work, _moved_words(work, item, tokens[i], shrunk.moved.get(i)))
            work.edits.append(Edit(item_start + 1, item_end - 1, new))
        work.edits += remove_spans(spans, shrunk.removed)
        _report(work, key, tokens, shrunk)


def spaced_list(work: Work, key: str, start: int, end: int, role: Role) -> None:
    """Versions separated by blanks or commas in ``text[start:end]``: ``interpreter: 3.9 3.10
    3.11``, ``TOXENV: py39,py310``, the default in ``${{ matrix.interpreter || '3.9 3.10' }}``."""
    words = re.finditer(r"[^\s,]+", work.text[start:end])
    spans = [(m.start(), m.end(), m[0]) for m in words]
    spans = [(start + s, start + e, word) for s, e, word in spans]
    items = [word for _, _, word in spans]
    tokens = [item_version(item, role) for item in items]
    shrunk = shrink_items(items, tokens, role, work.policy, work.settle)
    for i in [*shrunk.moved, *shrunk.settled]:
        item_start, item_end, item = spans[i]
        new = settle_words(work, _moved_words(work, item, tokens[i], shrunk.moved.get(i)))
        work.edits.append(Edit(item_start, item_end, new))
    work.edits += remove_spans(spans, shrunk.removed)
    _report(work, key, tokens, shrunk)


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
        return yaml.replace_scalar(work.text, node, new, quote if needs_quotes_in_yaml(new) else "")
    start, end = yaml.scalar_span(work.text, node)
    at = work.text.rindex(old, start, end)  # a folded block: the version is its last word
    return Edit(at, at + len(old), new)


def retarget_words(work: Work, value: str, versions: set[Minor], to: Minor | None = None) -> str:
    """``value`` with every token of ``versions`` spelled for ``to`` (the new minimum)."""

    def swap(match: re.Match[str]) -> str:
        token = parse_token(match[0])
        found = token is not None and token.version in versions
        return work.new(known(token), to) if found else match[0]

    return WORD_RE.sub(swap, value)
