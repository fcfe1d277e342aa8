"""``.pre-commit-config.yaml``: hook arguments and language versions that name a dropped Python.

Hook ``args`` (and a local hook's ``entry``) carry targets in several hands: pyupgrade's and
reorder-python-imports' ``--py39-plus``, ruff's and black's ``--target-version py39`` (black may
repeat it, one per supported version), mypy's ``--python-version=3.9`` and pylint's
``--py-version 3.9``.  A single target moves to the new minimum in the same spelling; black's
repeated targets follow the list rule.  ``language_version: python3.9`` and
``default_language_version: python:`` move too.  Several hooks with the same ``id`` that differ
only by ``--python-version`` (one mypy run per supported Python) lose the runs for dropped
versions.  ``rev:`` values look like versions but are the hook repository's tag: never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rewriters.formats import yaml as _yaml
from rewriters.formats.yaml import Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite
from rewriters.versions import (
    Minor,
    Token,
    needs_quotes_in_yaml,
    parse_token,
    retarget,
    yaml_quote,
)

_FLAG = re.compile(
    r"--(?P<plus>py\d{2,3})-plus"
    r"|(?P<name>--(?:python|target|py)-version)(?:=(?P<value>.+))?"
)
_WORD = re.compile(r"\S+")
# only these take any ``--pyXY-plus``; add-trailing-comma knows just its own ``--py36-plus``
_PLUS_TOOLS = re.compile(r"pyupgrade|reorder[-_]python[-_]imports")
# a per-version hook is told from its siblings only by its target, never by what it checks
_SAME_SCOPE_KEYS = ("files", "exclude", "entry", "types", "stages")


class _Word(NamedTuple):
    """One whitespace-separated word of a hook's argv, where it sits in the text."""

    start: int
    text: str
    item: int | None  # index in ``args``; None for a word of ``entry``
    whole: bool  # the word is a whole plain scalar (quoting matters)


class _Flag(NamedTuple):
    """A version-bearing flag of one hook: the version word's place and what it names."""

    name: str
    word: _Word
    offset: int  # where the version starts inside the word
    token: Token
    items: frozenset[int]  # ``args`` items holding the flag and its value


@dataclass(kw_only=True)
class _Found(Record):
    """What the rewrite found so far, and the quote the file writes versions with."""

    quote: str  # for a version that must be quoted where the file wrote it plain


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move hook targets and language versions off the versions ``policy`` drops."""
    found = _Found(quote=yaml_quote(text, policy.facts.quote))
    for document in _yaml.compose(text):
        _default_language_version(text, document, policy, found)
        for repo in _yaml.items_of(_yaml.get(document, "repos")):
            hooks = _yaml.get(repo, "hooks")
            if isinstance(hooks, SequenceNode):
                _hooks(text, hooks, policy, found)
    return found.finish(text, _yaml.check_parses)


def _scalar(node: Node | None) -> str:
    return node.value if isinstance(node, ScalarNode) else ""


def _retarget_scalar(
    text: str, node: Node | None, label: str, policy: Policy, found: _Found, *, bare: bool
) -> None:
    """Move a whole-scalar version (``python3.9``; a bare ``3.9`` only when ``bare``)."""
    if not isinstance(node, ScalarNode) or (start := _yaml.value_start(text, node)) is None:
        return
    token = parse_token(node.value)
    if token is None or not policy.drops(token.version):
        return
    if token.prefix.lower().rstrip("-") not in ("python", "pypy") and not (
        bare and not token.prefix
    ):
        return
    new = retarget(token, policy.minimum, policy.latest_patch)
    quote = found.quote if node.style is None and needs_quotes_in_yaml(new) else ""
    found.edits.append(Edit(start, start + len(node.value), f"{quote}{new}{quote}"))
    found.changes.append(f"{label}: {node.value} → {new}")
    found.dropped.add(token.version)


def _default_language_version(text: str, document: Node, policy: Policy, found: _Found) -> None:
    defaults = _yaml.get(document, "default_language_version")
    if defaults is not None:
        python = _yaml.get(defaults, "python")
        label = "default_language_version.python"
        _retarget_scalar(text, python, label, policy, found, bare=True)


def _words(text: str, node: Node, item: int | None) -> list[_Word]:
    if not isinstance(node, ScalarNode) or (start := _yaml.value_start(text, node)) is None:
        return []
    whole = node.style is None and _WORD.fullmatch(node.value) is not None
    return [_Word(start + m.start(), m.group(), item, whole) for m in _WORD.finditer(node.value)]


def _argv(text: str, hook: Node) -> list[_Word]:
    """The words of ``entry`` then of ``args``, in order."""
    entry = _yaml.get(hook, "entry")
    words = _words(text, entry, None) if entry is not None else []
    for index, arg in enumerate(_yaml.items_of(_yaml.get(hook, "args"))):
        words.extend(_words(text, arg, index))
    return words


def _flags(words: list[_Word]) -> Iterator[_Flag]:
    for index, word in enumerate(words):
        match = _FLAG.fullmatch(word.text)
        if match is None:
            continue
        items = {word.item}
        if match["plus"]:
            name, value, offset = "--pyXY-plus", match["plus"], 2
        elif match["value"] is not None:
            name, value, offset = match["name"], match["value"], match.start("value")
        elif index + 1 < len(words):
            word = words[index + 1]
            name, value, offset = match["name"], word.text, 0
            items.add(word.item)
        else:
            continue
        token = parse_token(value)
        if token is not None:
            kept = frozenset(i for i in items if i is not None)
            yield _Flag(name, word, offset, token, kept)


def _python_version(flags: list[_Flag]) -> Minor | None:
    return next((f.token.version for f in flags if f.name == "--python-version"), None)


def _source(text: str, node: Node | None) -> str:
    return "" if node is None else text[node.start_mark.index : node.end_mark.index]


def _hooks(text: str, hooks: SequenceNode, policy: Policy, found: _Found) -> None:
    nodes: list[Node] = hooks.value
    flags = [list(_flags(_argv(text, hook))) for hook in nodes]
    removed = _per_version_runs(text, nodes, flags, policy)
    about = _mentions_any(set(removed.values()))  # a comment naming the run goes with it
    found.edits.extend(_yaml.remove_items(text, hooks, sorted(removed), about))
    for index, version in removed.items():
        found.changes.append(f"{_hook_id(nodes[index])}: removed the run for Python {version}")
        found.dropped.add(version)
    for index, hook in enumerate(nodes):
        if index not in removed:
            _hook(text, hook, flags[index], policy, found)


def _per_version_runs(
    text: str, hooks: list[Node], flags: list[list[_Flag]], policy: Policy
) -> dict[int, Minor]:
    """Hooks that repeat a sibling for one dropped ``--python-version`` (mypy per Python)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, hook in enumerate(hooks):
        scope = tuple(_source(text, _yaml.get(hook, key)) for key in _SAME_SCOPE_KEYS)
        groups.setdefault((_hook_id(hook), *scope), []).append(index)
    removed: dict[int, Minor] = {}
    for members in groups.values():
        versions = [_python_version(flags[i]) for i in members]
        removed.update(_dropped_runs(members, versions, policy))
    return removed


def _dropped_runs(
    members: list[int], versions: list[Minor | None], policy: Policy
) -> dict[int, Minor]:
    if len(members) < 2 or len(set(versions)) < len(versions):
        return {}
    dropped = [(v, i) for i, v in zip(members, versions, strict=True) if v and policy.drops(v)]
    if len(dropped) == len(members):
        dropped.remove(max(dropped))  # the newest run stays, moved to the minimum
    return {i: v for v, i in dropped}


def _hook_id(hook: Node) -> str:
    return _scalar(_yaml.get(hook, "id")) or "hook"


def _hook(text: str, hook: Node, flags: list[_Flag], policy: Policy, found: _Found) -> None:
    hook_id = _hook_id(hook)
    bare = _scalar(_yaml.get(hook, "language")) == "python"
    language_version = _yaml.get(hook, "language_version")
    label = f"{hook_id} language_version"
    _retarget_scalar(text, language_version, label, policy, found, bare=bare)
    targets = [f for f in flags if f.name == "--target-version"]
    args = _yaml.get(hook, "args")
    if len(targets) > 1 and isinstance(args, SequenceNode) and _separate(targets):
        _target_list(text, hook_id, args, targets, policy, found)
        flags = [f for f in flags if f.name != "--target-version"]
    plus = _PLUS_TOOLS.search(f"{hook_id} {_scalar(_yaml.get(hook, 'entry'))}") is not None
    for flag in flags:
        if plus or flag.name != "--pyXY-plus":
            _retarget_flag(hook_id, flag, policy, found)
    _note_stale_names(hook, hook_id, flags, policy, found)


def _note_stale_names(
    hook: Node, hook_id: str, flags: list[_Flag], policy: Policy, found: _Found
) -> None:
    """A moved run whose ``alias`` or ``name`` still says the old version (``mypy-py39``)."""
    versions = {f.token.version for f in flags if policy.drops(f.token.version)}
    for key in ("alias", "name"):
        value = _scalar(_yaml.get(hook, key))
        if any(_mentions(value, v) for v in versions):
            found.notes.append(f"{hook_id} hook {key} {value!r} still names an old Python")


def _mentions_any(versions: set[Minor]) -> Callable[[str], bool]:
    return lambda line: any(_mentions(line, v) for v in versions)


def _mentions(line: str, version: Minor) -> bool:
    spelled = rf"{version.major}\.{version.minor}|py{version.nodot}"
    return re.search(rf"(?<![\d.])(?:{spelled})(?![\w.]*\d)", line) is not None


def _separate(targets: list[_Flag]) -> bool:
    """True when each target sits in ``args`` items of its own, so it can be removed alone."""
    items = [i for f in targets for i in f.items]
    return all(f.items for f in targets) and len(items) == len(set(items))


def _target_list(
    text: str, hook_id: str, args: SequenceNode, targets: list[_Flag], policy: Policy, found: _Found
) -> None:
    """Black's repeated ``--target-version``: drop the old ones, keep at least the minimum."""
    dropped = [f for f in targets if policy.drops(f.token.version)]
    if not dropped:
        return
    if len(dropped) == len(targets):
        _retarget_flag(hook_id, dropped[0], policy, found)
        dropped = dropped[1:]  # never empty: there are several targets
    indices = sorted(i for f in dropped for i in f.items)
    found.edits.extend(_yaml.remove_items(text, args, indices))
    names = ", ".join(str(f.token) for f in dropped)
    found.changes.append(f"{hook_id} args: dropped --target-version {names}")
    found.dropped.update(f.token.version for f in dropped)


def _retarget_flag(hook_id: str, flag: _Flag, policy: Policy, found: _Found) -> None:
    if not policy.drops(flag.token.version):
        return
    word, old = flag.word, str(flag.token)
    new = retarget(flag.token, policy.minimum, policy.latest_patch)
    new_word = word.text[: flag.offset] + new + word.text[flag.offset + len(old) :]
    if word.whole and needs_quotes_in_yaml(new_word):
        quoted = f"{found.quote}{new_word}{found.quote}"
        found.edits.append(Edit(word.start, word.start + len(word.text), quoted))
    else:
        start = word.start + flag.offset
        found.edits.append(Edit(start, start + len(old), new))
    separate = flag.name != "--pyXY-plus" and flag.offset == 0
    shown_old = f"{flag.name} {old}" if separate else word.text
    shown_new = f"{flag.name} {new}" if separate else new_word
    found.changes.append(f"{hook_id} args: {shown_old} → {shown_new}")
    found.dropped.add(flag.token.version)
