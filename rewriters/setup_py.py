"""Drop end-of-life Pythons from setup.py: python_requires, version classifiers, version guards.

setup.py is parsed with ``ast`` and never run.  The tree only locates string literals, classifier
lists and ``if sys.version_info < (3, 9): sys.exit(...)`` guards; the edits are made on the
original text.  ``ast`` columns are UTF-8 byte offsets, so ``_Source`` turns them into
character offsets line by line.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Rewrite, UnparsableInput, apply_edits
from rewriters.specifiers import classifier_version, raise_floor
from rewriters.versions import Minor, join_names

PATTERNS: tuple[str, ...] = ("setup.py",)

NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# one plain string token: no implicit concatenation, no escapes that change the value
STRING_RE = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)", re.S)
CLASSIFIER_VERSION_RE = re.compile(r"(?<=Python :: )\d+\.\d+")
LINE_TAIL_RE = re.compile(r"[ \t]*,?[ \t]*(?:#[^\r\n]*)?")
COMMA_AFTER_RE = re.compile(r"[ \t]*,(?P<space>[ \t]*)")
COMMA_FOLLOWS_RE = re.compile(r"\s*,")
MESSAGE_VERSION_RE = re.compile(r"(?<![\w.])(?P<version>3\.\d+)(?:\.\d+)?(?!\.?\d)")
# the literals a classifier list is written as
_Display = ast.List | ast.Tuple | ast.Set
EXIT_NAMES = frozenset({"exit", "quit"})


class _Source:
    """Character offsets in ``text`` for ``ast`` positions (UTF-8 byte columns)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in NEWLINE_RE.finditer(text)]

    def offset(self, lineno: int, col: int) -> int:
        """The character offset of byte column ``col`` on line ``lineno`` (1-based)."""
        start = self.starts[lineno - 1]
        line = self.text[start : self._line_end(lineno)]
        if line.isascii():
            return start + col
        return start + len(line.encode()[:col].decode())

    def _line_end(self, lineno: int) -> int:
        return self.starts[lineno] if lineno < len(self.starts) else len(self.text)

    def span(self, node: ast.expr) -> tuple[int, int]:
        """Where ``node`` starts and ends in the text."""
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = self.offset(node.lineno, node.col_offset)
        return start, self.offset(node.end_lineno, node.end_col_offset)

    def line_bounds(self, offset: int) -> tuple[int, int, int]:
        """Start of the line holding ``offset``, its end before and after the line break."""
        lineno = bisect.bisect_right(self.starts, offset)
        start, after = self.starts[lineno - 1], self._line_end(lineno)
        newline = NEWLINE_RE.search(self.text, start, after)
        return start, newline.start() if newline else after, after


@dataclass
class _Plan:
    """What the rewrite found so far: edits, change lines, notes, dropped minors.

    ``has_requires``: the file states python_requires, so it describes a live package;
    ``has_current``: some classifier in the file names a Python that stays.
    """

    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)
    has_requires: bool = False
    has_current: bool = False


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Raise python_requires, drop old classifiers and move raising version guards."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    tree = _parse(body)
    source = _Source(body)
    constants = _module_constants(tree)
    plan = _Plan()
    requires = list(_keyword_values(tree, "python_requires", constants))
    plan.has_requires = bool(requires)
    _raise_python_requires(requires, source, policy, plan)
    lists, blocks = list(_classifier_lists(tree)), list(_classifier_blocks(tree))
    plan.has_current = _names_current(lists, blocks, policy)
    for sequence in lists:
        _drop_listed(sequence, source, policy, plan)
    for block in blocks:
        _drop_lines(block, source, policy, plan)
    for guard in _version_guards(tree, constants):
        _move_guard(guard, source, policy, plan)
    if not plan.edits:
        return None
    new = bom + apply_edits(body, _merged(plan.edits))
    _check_output(new[len(bom) :])
    notes = tuple(dict.fromkeys(plan.notes))
    return Rewrite(new, tuple(plan.changes), notes, frozenset(plan.dropped))


def _parse(text: str) -> ast.Module:
    # invalid escape sequences in someone's regex must not turn into warnings here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError) as error:  # ValueError: lone surrogates
            if isinstance(error, SyntaxError):
                raise UnparsableInput("", error.lineno, error.msg) from None
            raise UnparsableInput("", None, str(error)) from None


def _check_output(text: str) -> None:
    try:
        _parse(text)
    except UnparsableInput as error:
        raise BrokenOutput(f"setup.py output does not parse: {error}") from None


def _merged(edits: list[Edit]) -> list[Edit]:
    """Join overlapping deletions (neighbouring classifiers on one line) into one edit."""
    merged: list[Edit] = []
    for edit in sorted(set(edits)):
        last = merged[-1] if merged else None
        if last is not None and not last.new and not edit.new and edit.start <= last.end:
            merged[-1] = Edit(last.start, max(last.end, edit.end), "")
        else:
            merged.append(edit)
    return merged


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound exactly once at module level, to the expression they are bound to."""
    seen: dict[str, list[ast.expr]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            seen.setdefault(target.id, []).append(value)
    return {name: values[0] for name, values in seen.items() if len(values) == 1}


def _resolved(node: ast.expr, constants: dict[str, ast.expr]) -> ast.expr:
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return node


def _keyword_values(
    tree: ast.Module, name: str, constants: dict[str, ast.expr]
) -> Iterator[ast.expr]:
    """Values given as ``name=`` to any call, or under a ``"name"`` key of a dict literal."""
    seen: set[int] = set()
    for node in ast.walk(tree):
        values: Iterable[ast.expr] = ()
        if isinstance(node, ast.Call):
            values = [k.value for k in node.keywords if k.arg == name]
        elif isinstance(node, ast.Dict):
            values = [v for k, v in zip(node.keys, node.values, strict=True) if _is_str(k, name)]
        for value in values:
            value = _resolved(value, constants)
            if id(value) not in seen:
                seen.add(id(value))
                yield value


def _is_str(node: ast.AST | None, value: str | None = None) -> bool:
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return False
    return value is None or node.value == value


def _string_body(node: ast.expr, source: _Source) -> tuple[int, int] | None:
    """Where the characters of a plain string literal sit, or None for any other shape."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    start, end = source.span(node)
    match = STRING_RE.fullmatch(source.text, start, end)
    if match is None or match["body"] != node.value:
        return None
    return match.start("body"), match.end("body")


def _raise_python_requires(
    values: list[ast.expr], source: _Source, policy: Policy, plan: _Plan
) -> None:
    for value in values:
        body = _string_body(value, source)
        if body is None:
            plan.notes.append(
                f"line {value.lineno}: python_requires is not a plain string; check it by hand"
            )
            continue
        old = source.text[body[0] : body[1]]
        raised = raise_floor(old, policy)
        if raised is None:
            continue
        plan.edits.append(Edit(body[0], body[1], raised.text))
        plan.changes.append(f"python_requires: {old} → {raised.text}")
        plan.dropped.update(policy.minors_between(raised.old_floor))


def _classifier_lists(tree: ast.Module) -> Iterator[_Display]:
    """Every list, tuple or set literal holding a ``Python :: X.Y`` classifier."""
    for node in ast.walk(tree):
        if isinstance(node, _Display) and any(_classifier_minor(e) for e in node.elts):
            yield node


def _classifier_blocks(tree: ast.Module) -> Iterator[ast.Constant]:
    """Multi-line strings with one classifier per line, split by the code that uses them."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if "\n" in node.value and any(map(classifier_version, node.value.splitlines())):
            yield node


def _names_current(lists: list[_Display], blocks: list[ast.Constant], policy: Policy) -> bool:
    """True when some classifier anywhere in the file names a Python at or above the minimum."""
    versions = [_classifier_minor(e) for node in lists for e in node.elts]
    versions += [classifier_version(line) for b in blocks for line in str(b.value).splitlines()]
    return any(v is not None and not policy.drops(v) for v in versions)


def _classifier_minor(node: ast.expr) -> Minor | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return classifier_version(node.value)
    return None


class _Choice(NamedTuple):
    """Which classifiers of one list go, and which one (if any) becomes the new minimum."""

    removed: list[int]
    retarget: int | None


def _choose(
    versions: list[Minor | None], plain: list[bool], line: int, policy: Policy, plan: _Plan
) -> _Choice | None:
    """Apply the list rule to one list of classifiers; None when it stays as it is."""
    dropped = [i for i, v in enumerate(versions) if v is not None and policy.drops(v)]
    if not dropped:
        return None
    current = plan.has_current
    if not all(plain[i] for i in dropped):
        plan.notes.append(f"line {line}: classifiers spelled in pieces; drop old ones by hand")
        return None
    if not current and not plan.has_requires:
        # no python_requires and nothing current: an example or a stale file, not the package
        plan.notes.append(f"line {line}: classifiers name only old Pythons; left as is")
        return None
    plan.dropped.update(v for i in dropped if (v := versions[i]))
    change = f"classifiers: dropped {join_names([v for i in dropped if (v := versions[i])])}"
    retarget = None
    if not current:
        retarget = max(dropped, key=lambda i: (versions[i], i))
        dropped.remove(retarget)
        change += f"; added {policy.minimum}"
    plan.changes.append(change)
    return _Choice(dropped, retarget)


def _drop_listed(node: _Display, source: _Source, policy: Policy, plan: _Plan) -> None:
    """Drop old classifiers from a list, tuple or set literal."""
    versions = [_classifier_minor(e) for e in node.elts]
    plain = [_string_body(e, source) is not None for e in node.elts]
    choice = _choose(versions, plain, node.lineno, policy, plan)
    if choice is None:
        return
    if choice.retarget is not None:
        span = source.span(node.elts[choice.retarget])
        plan.edits.append(_retarget_classifier(span, source, policy.minimum))
    plan.edits.extend(_removals(node, choice.removed, source))


def _drop_lines(node: ast.Constant, source: _Source, policy: Policy, plan: _Plan) -> None:
    """Drop old classifiers from a multi-line string: whole lines inside the literal."""
    lines = _inner_lines(node, source)
    versions = [classifier_version(source.text[start:end]) for start, end, _ in lines]
    choice = _choose(versions, [True] * len(lines), node.lineno, policy, plan)
    if choice is None:
        return
    if choice.retarget is not None:
        span = lines[choice.retarget][:2]
        plan.edits.append(_retarget_classifier(span, source, policy.minimum))
    plan.edits.extend(Edit(lines[i][0], lines[i][2], "") for i in choice.removed)


def _inner_lines(node: ast.Constant, source: _Source) -> list[tuple[int, int, int]]:
    """Lines wholly inside a multi-line literal: start, end before and after the line break."""
    start, end = source.span(node)
    bounds = [source.line_bounds(start)]
    while bounds[-1][2] < end:
        bounds.append(source.line_bounds(bounds[-1][2]))
    return bounds[1:-1]


def _retarget_classifier(span: tuple[int, int], source: _Source, minimum: Minor) -> Edit:
    match = CLASSIFIER_VERSION_RE.search(source.text, *span)
    assert match is not None  # the span holds exactly one version classifier
    return Edit(match.start(), match.end(), str(minimum))


def _removals(node: _Display, removed: list[int], src: _Source) -> list[Edit]:
    """Deletions of the removed elements; a tuple left with one element keeps a comma."""
    kept = [i for i in range(len(node.elts)) if i not in removed]
    one_tuple = isinstance(node, ast.Tuple) and len(kept) == 1
    edits = [_element_removal(node.elts, i, kept, src, keep_comma=one_tuple) for i in removed]
    if one_tuple and not COMMA_FOLLOWS_RE.match(src.text, end := src.span(node.elts[kept[0]])[1]):
        edits.append(Edit(end, end, ","))
    return edits


def _element_removal(
    elements: list[ast.expr], index: int, kept: list[int], src: _Source, *, keep_comma: bool
) -> Edit:
    """The deletion of one element: its whole line, or the element and one comma."""
    start, end = src.span(elements[index])
    line_start, line_end, line_next = src.line_bounds(start)
    alone = not src.text[line_start:start].strip()
    if alone and LINE_TAIL_RE.fullmatch(src.text, end, line_end):
        return Edit(line_start, line_next, "")
    comma = COMMA_AFTER_RE.match(src.text, end, line_end)
    if comma is not None:
        if comma.end() < line_end and src.text[comma.end()] != "#":
            return Edit(start, comma.end(), "")  # another element follows on this line
        while start > line_start and src.text[start - 1] in " \t":
            start -= 1
        return Edit(start, comma.start("space"), "")
    # the last element, without a trailing comma: take the comma of the element before it
    before = [i for i in kept if i < index]
    previous_end = src.span(elements[before[-1]])[1] if before else start
    if not before or "#" in src.text[previous_end:start]:
        return Edit(start, end, "")  # a comment in between stays; so does a trailing comma
    if keep_comma:
        return Edit(src.text.index(",", previous_end) + 1, end, "")
    return Edit(previous_end, end, "")


class _Guard(NamedTuple):
    """A check of ``sys.version_info`` against a floor tuple, and the code that carries it."""

    line: int
    floor: ast.Tuple
    version: Minor
    body: list[ast.AST]
    refuses: bool


def _version_guards(tree: ast.Module, constants: dict[str, ast.expr]) -> Iterator[_Guard]:
    """Top-level ``if sys.version_info < (3, 9):`` and ``assert sys.version_info >= (3, 9)``.

    Only a top-level ``if`` without ``else`` whose block raises or exits refuses old Pythons;
    any other version branch (a feature check, a backport import) is not the floor.
    """
    for node in tree.body:
        if isinstance(node, ast.If):
            floor = _guard_floor(node.test, constants, below=True)
            body: list[ast.AST] = [*node.body]
        elif isinstance(node, ast.Assert):
            floor = _guard_floor(node.test, constants, below=False)
            body = [node.msg] if node.msg else []
        else:
            continue
        version = _tuple_version(floor)
        if floor is not None and version is not None:
            refuses = isinstance(node, ast.Assert) or (not node.orelse and _raises(body))
            yield _Guard(node.lineno, floor, version, body, refuses)


def _guard_floor(
    test: ast.expr, constants: dict[str, ast.expr], *, below: bool
) -> ast.Tuple | None:
    """The tuple in ``version_info < (3, 9)`` (below) or ``version_info >= (3, 9)``."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    op = type(test.ops[0])
    info, version = test.left, test.comparators[0]
    if op is (ast.Gt if below else ast.LtE):
        info, version = version, info
    elif op is not (ast.Lt if below else ast.GtE):
        return None
    version = _resolved(version, constants)
    if isinstance(version, ast.Tuple) and _mentions_version_info(_resolved(info, constants)):
        return version
    return None


def _mentions_version_info(node: ast.expr) -> bool:
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "version_info")
        or (isinstance(n, ast.Name) and n.id == "version_info")
        for n in ast.walk(node)
    )


def _tuple_version(node: ast.Tuple | None) -> Minor | None:
    """``(3, 9)`` or ``(3, 9, 2)`` → 3.9; anything else → None."""
    if node is None or not 2 <= len(node.elts) <= 3:
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant) and type(e.value) is int]
    if len(values) != len(node.elts) or values[0] != 3:
        return None
    return Minor(values[0], values[1])


def _walk(nodes: list[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)


def _raises(body: list[ast.AST]) -> bool:
    """True when the block raises or exits: the guard refuses old Pythons."""
    for node in _walk(body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in EXIT_NAMES:
                return True
    return False


def _move_guard(guard: _Guard, source: _Source, policy: Policy, plan: _Plan) -> None:
    old = guard.version
    if not policy.drops(old):
        return
    if not guard.refuses:
        plan.notes.append(f"line {guard.line}: code for Python < {old} is dead; left as is")
        return
    start = source.span(guard.floor.elts[1])[0]
    end = source.span(guard.floor.elts[-1])[1]
    plan.edits.append(Edit(start, end, str(policy.minimum.minor)))
    plan.edits.extend(_message_edits(guard, source, policy, plan))
    plan.changes.append(f"version check: requires Python {old} → {policy.minimum}")
    plan.dropped.update(policy.minors_between(old))


def _message_edits(guard: _Guard, source: _Source, policy: Policy, plan: _Plan) -> list[Edit]:
    """Move the old floor named in the guard's message to the new minimum.

    A message naming other Pythons too is usually a history ("3.8 was supported up to ...")
    that only its authors can extend, so it is left alone.
    """
    matches = [
        match
        for node in _message_strings(guard.body)
        for match in MESSAGE_VERSION_RE.finditer(source.text, *source.span(node))
    ]
    if any(m["version"] != str(guard.version) for m in matches):
        plan.notes.append(f"line {guard.line}: message names several Pythons; update it by hand")
        return []
    return [Edit(m.start(), m.end(), str(policy.minimum)) for m in matches]


def _message_strings(body: list[ast.AST]) -> Iterator[ast.expr]:
    """String literals and whole f-strings (not their parts, whose positions vary by version)."""
    parts = {
        id(part)
        for node in _walk(body)
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
        if part is not node
    }
    for node in _walk(body):
        if id(node) not in parts and (isinstance(node, ast.JoinedStr) or _is_str(node)):
            assert isinstance(node, ast.expr)
            yield node
