"""Python source located with ``ast``: character offsets, string bodies, constants, keywords.

``ast`` columns are UTF-8 byte offsets, so ``Source`` turns them into character offsets line by
line.  The tree only locates; callers edit the original text.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterable, Iterator

from rewriters.result import Edit, UnparsableInput

NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# one plain string token: no implicit concatenation, no escapes that change the value
STRING_RE = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)", re.S)
LINE_TAIL_RE = re.compile(r"[ \t]*,?[ \t]*(?:#[^\r\n]*)?")
COMMA_AFTER_RE = re.compile(r"[ \t]*,(?P<space>[ \t]*)")
COMMA_FOLLOWS_RE = re.compile(r"\s*,")
# the literals a list of values is written as
Display = ast.List | ast.Tuple | ast.Set


class Source:
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

    def inner_lines(self, node: ast.expr) -> list[tuple[int, int, int]]:
        """Lines wholly inside a multi-line node: start, end before and after the line break."""
        start, end = self.span(node)
        bounds = [self.line_bounds(start)]
        while bounds[-1][2] < end:
            bounds.append(self.line_bounds(bounds[-1][2]))
        return bounds[1:-1]


def parse(text: str) -> ast.Module:
    """The module's tree; raise ``UnparsableInput`` when it is not Python."""
    # invalid escape sequences in someone's regex must not turn into warnings here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError) as error:  # ValueError: lone surrogates
            if isinstance(error, SyntaxError):
                raise UnparsableInput("", error.lineno, error.msg) from None
            raise UnparsableInput("", None, str(error)) from None


def walk(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """``ast.walk`` over several nodes."""
    for node in nodes:
        yield from ast.walk(node)


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
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


def resolved(node: ast.expr, constants: dict[str, ast.expr]) -> ast.expr:
    """What a name bound in ``constants`` stands for; any other node as it is."""
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return node


def keyword_values(
    tree: ast.Module, name: str, constants: dict[str, ast.expr]
) -> Iterator[ast.expr]:
    """Values given as ``name=`` to any call, or under a ``"name"`` key of a dict literal."""
    seen: set[int] = set()
    for node in ast.walk(tree):
        values: Iterable[ast.expr] = ()
        if isinstance(node, ast.Call):
            values = [k.value for k in node.keywords if k.arg == name]
        elif isinstance(node, ast.Dict):
            values = [
                v for k, v in zip(node.keys, node.values, strict=True) if string_value(k) == name
            ]
        for value in values:
            value = resolved(value, constants)
            if id(value) not in seen:
                seen.add(id(value))
                yield value


def string_value(node: ast.AST | None) -> str | None:
    """The value of a string literal; None for any other node."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def string_body(node: ast.expr, source: Source) -> tuple[int, int] | None:
    """Where the characters of a plain string literal sit, or None for any other shape."""
    value = string_value(node)
    if value is None:
        return None
    start, end = source.span(node)
    match = STRING_RE.fullmatch(source.text, start, end)
    if match is None or match["body"] != value:
        return None
    return match.start("body"), match.end("body")


def remove_elements(node: Display, removed: list[int], src: Source) -> list[Edit]:
    """Deletions of the removed elements; a tuple left with one element keeps a comma."""
    kept = [i for i in range(len(node.elts)) if i not in removed]
    one_tuple = isinstance(node, ast.Tuple) and len(kept) == 1
    edits = [_element_removal(node.elts, i, kept, src, keep_comma=one_tuple) for i in removed]
    if one_tuple and not COMMA_FOLLOWS_RE.match(src.text, end := src.span(node.elts[kept[0]])[1]):
        edits.append(Edit(end, end, ","))
    return edits


def _element_removal(
    elements: list[ast.expr], index: int, kept: list[int], src: Source, *, keep_comma: bool
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
