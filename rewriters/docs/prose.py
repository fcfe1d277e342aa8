"""Documentation prose that states the supported minimum: "Python 3.9+", badges, ranges.

Only unambiguous statements of the minimum move ("Python 3.9+", "Python >= 3.9",
"Python 3.9 or later", "requires Python 3.9", the lower end of "Python 3.9 - 3.13", and
shields.io badges such as ``python-3.9%2B``).  History is never touched: a sentence that
says something was added, deprecated, removed or dropped, or speaks of past releases, is
left as written, and so are code blocks, inline code and every URL but a badge's.
Changelogs are not prose: ``rewriters.docs.changelog`` owns them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite
from rewriters.versions import Minor

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
FENCE_RE = re.compile(r"[ \t]{0,3}(?:`{3,}|~{3,})")
# "Example::" or a code directive opens an rst literal block; ".. note::" does not.
LITERAL_RE = re.compile(
    r"[ \t]*(?:\.\.[ \t]+(?:code-block|code|sourcecode|parsed-literal|highlight)::.*"
    r"|(?!\.\.[ \t]).*::)[ \t]*$"
)
INLINE_CODE_RE = re.compile(r"(`+)[^`].*?\1")
URL_RE = re.compile(r"https?://[^\s<>\"'`)\]]+")
# a link's text (markdown ``[text](url)``, rst ``text <url>`_``) names the page it links to...
LINK_TEXT_RE = re.compile(r"\[[^\]\n]*\]\(|`[^`<\n]*<")
# ...and "[GitHub releases]" or "`changelog <...>`_" names a page, not the sentence's history
PAGE_NAME_RE = re.compile(r"\b(?:release\s+notes|releases?|change\s*log|changes)\b", re.I)
BADGE_HOST_RE = re.compile(r"shields\.io/badge/|badgen\.net/badge/", re.IGNORECASE)

_PY = r"(?<![\w./-])C?Python"
_V = r"(?P<v>3\.\d{1,2})(?!\.?\d)"
# a second version right after ours: an enumeration ("3.9 or 3.10"), not a minimum
_DASH = r"(?:-|\u2013|\u2014|\bto\b|\bthrough\b)"
_NOT_LISTED = r"(?!\s*(?:,|/|\bor\b|\band\b|" + _DASH + r")\s*(?:C?Python\s*)?\d)"
_LATER = r",?\s+(?:or|and)\s+(?:later|newer|higher|above|greater|up)\b"
# a label then its value: "**Supported Python Versions**: 3.9 and later", ":Python: 3.9+"
_LABELLED = _PY + r"(?:\s+versions?)?[*_]*[ \t]*:[*_]*[ \t]*"
STATEMENT_RES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        _PY + r"[ \t]+" + _V + r"[ \t]*\+",
        _PY + r"[ \t]*(?:>=|≥|&gt;=)[ \t]*" + _V,
        _PY + r"\s+" + _V + _LATER,
        _LABELLED + _V + r"(?:[ \t]*\+|" + _LATER + ")",
        r"\b(?:requires?|requiring|needs?|at\s+least)\s+(?:at\s+least\s+)?"
        + _PY
        + r"\s+"
        + _V
        + _NOT_LISTED,
    )
)
RANGE_RE = re.compile(
    _PY + r"[ \t]+" + _V + r"[ \t]*" + _DASH + r"[ \t]*(?P<hi>3\.\d{1,2})(?!\.?\d)",
    re.IGNORECASE,
)
_LABEL = r"python(?:[ _]|%20)?(?:versions?)?-"
BADGE_RES = (
    re.compile(_LABEL + r"(?P<v>3\.\d{1,2})(?:%2B|\+)", re.IGNORECASE),
    re.compile(_LABEL + r"(?:%3E%3D|%E2%89%A5|>=|≥)(?P<v>3\.\d{1,2})(?!\.?\d)", re.IGNORECASE),
)
_SEP = r"(?:%20)?(?:%7C|\||%2C|,)(?:%20)?"
BADGE_LIST_RE = re.compile(
    _LABEL + r"(?P<list>3\.\d{1,2}(?:" + _SEP + r"3\.\d{1,2})+)(?=-)", re.IGNORECASE
)
BADGE_ITEM_RE = re.compile(r"3\.\d{1,2}")
BADGE_SEP_RE = re.compile(_SEP)
# words that make a sentence history or a comparison with other releases, not the minimum
HISTORY_RE = re.compile(
    r"\b(?:add(?:s|ed)?|deprecat\w*|remov\w*|drop\w*|since|chang\w*|new\s+in|no\s+longer"
    r"|used\s+to|was|were|until|previous\w*|prior|earlier|older|legacy|last|before|eol"
    r"|end[- ]of[- ]life|reached|formerly|historically|versions?\s+\d|v\d|release\w*"
    r"|upgrad\w*|migrat\w*|python\s*2|still|not|exactly|\d+\.x)\b",
    re.IGNORECASE,
)
# a condition, a language feature or another interpreter, not the project's floor...
CONDITION_RE = re.compile(
    r"\b(?:if|when|whenever|unless|otherwise|else|instead|whereas|available|backport\w*"
    r"|fallback|built-?in|standard\s+library|stdlib|syntax|features?|typing|type\s+hints?"
    r"|us(?:e|es|ed|ing)|abi3|pypy)\b",
    re.IGNORECASE,
)
# ...unless the project itself says what it supports: "It supports Python 3.8+ and PyPy3"
FLOOR_VERB_RE = re.compile(
    r"\b(?:supports?|requires?|(?:is\s+)?compatible\s+with)"
    r"\s+(?:C?Python\s+)?$",
    re.IGNORECASE,
)
# a section under such a heading is about the past
HISTORY_HEADING_RE = re.compile(
    r"histor|change|release|news|what'?s\s*new|migrat|upgrad|legacy|older|deprecat",
    re.IGNORECASE,
)
ATX_RE = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+(.*)")
ADORNMENT_RE = re.compile(r"([=\-~^*+#\"'`:._])\1{2,}[ \t]*")
# "binaries from packages with Python 3.3+": the Pythons of what the project runs, installs or
# builds (another program's, a user's), not its own
OTHERS_RE = re.compile(
    r"\b(?:packages?|apps?|applications?|binaries|programs?|projects?|scripts?|tools?"
    r"|librar(?:y|ies)|environments?|virtualenvs?|venvs?|interpreters?)"
    r"\s+(?:(?:that|which)\s+\w+\s+|written\s+|built\s+)?(?:with|for|targeting|on)\s+$",
    re.IGNORECASE,
)
# "On Python 3.9+, ..." opens a condition
CONDITION_START_RE = re.compile(r"\W*(?:on|for|with|under|in)\s+C?Python\b", re.IGNORECASE)
# a tab's label names the Python of the code variant under it (``=== "Python 3.9+"``,
# ``.. tab:: Python 3.9+``, ``:::{tab-item} Python 3.9+``), not the project's floor
TAB_LABEL_RE = re.compile(r"[ \t]*(?:={3}[!+]?[ \t]|\.\.[ \t]+tab(?:-item)?::|:{3,}[ \t]*\{tab)")
# PyPy prose: the Python versions a PyPy mention names, up to the next CPython mention
PYPY_RE = re.compile(r"(?<![\w./-])PyPy", re.IGNORECASE)
_PY_WORD_RE = re.compile(_PY + r"\b", re.IGNORECASE)
PYPY_VERSION_RE = re.compile(r"(?<![\w.])(3\.\d{1,2})(?!\.?\d)")
SENTENCE_END_RE = re.compile(r"[.!?](?=\s|$)")
BLOCK_START_RE = re.compile(r"\n[ \t]*(?:[-*+|#]|\d+[.)])[ \t]|\n[ \t]*\r?\n")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move stated minimums and badge versions below ``policy.minimum`` up to it."""
    # one change line per edit: several statement patterns may match the same version
    edits: dict[Edit, str] = {}
    notes: list[str] = []
    lines = list(_prose_lines(text))
    for index, (start, line) in enumerate(lines):
        joined = _with_next_line(text, start, line, lines[index + 1 : index + 2])
        found = _statement_edits(text, start, joined, _masked(joined), policy, notes, len(line))
        for edit, change in (*found, *_badge_edits(start, line, policy)):
            edits.setdefault(edit, change)
        notes += _pypy_notes(text, start, line, policy)
    if not edits:
        return None  # prose notes only come with a rewrite
    record = Record(edits=list(edits), changes=list(edits.values()), notes=notes)
    return record.finish(text, lambda new: None)


def _with_next_line(text: str, start: int, line: str, following: list[tuple[int, str]]) -> str:
    """``line``, through the next prose line when that one goes on with its paragraph: a
    statement may wrap ("Python 3.9 or\nlater", "requires\nPython 3.9")."""
    end = text.find("\n", start) + 1
    if not line.strip() or not following or following[0][0] != end or not following[0][1].strip():
        return line
    return text[start : end + len(following[0][1])]


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of current prose (not a history section) with its offset."""
    heading = ""
    previous = ""
    for start, line in _text_lines(text):
        atx = ATX_RE.fullmatch(line)
        if atx or (ADORNMENT_RE.fullmatch(line) and previous.strip()):
            heading = atx[1] if atx else previous
        elif not HISTORY_HEADING_RE.search(heading) and not TAB_LABEL_RE.match(line):
            yield start, line
        previous = line


def _text_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line outside fenced code and rst literal blocks, with its offset."""
    fence: str | None = None
    literal_indent: int | None = None
    for match in LINE_RE.finditer(text):
        line = match.group()
        body = line.rstrip("\r\n")
        indent = len(body) - len(body.lstrip())
        if fence is not None:
            fence = None if body.strip().startswith(fence) else fence
            continue
        if literal_indent is not None and (not body.strip() or indent > literal_indent):
            continue
        literal_indent = None
        if FENCE_RE.match(body):
            fence = body.strip()[:3]
            continue
        if LITERAL_RE.match(body):
            literal_indent = indent
        yield match.start(), body


def _masked(line: str) -> str:
    """``line`` with inline code and every URL blanked out, offsets kept."""
    for regex in (INLINE_CODE_RE, URL_RE):
        line = regex.sub(lambda m: " " * len(m.group()), line)
    return line


def _statement_edits(
    text: str, start: int, line: str, masked: str, policy: Policy, notes: list[str], own: int
) -> Iterator[tuple[Edit, str]]:
    """Edits for "Python 3.9+"-style statements starting in the first ``own`` characters of
    ``line`` (a prose line, with the next line of its paragraph) that are not history."""
    found = [(regex, m) for regex in (*STATEMENT_RES, RANGE_RE) for m in regex.finditer(masked)]
    for regex, match in found:
        version = Minor.parse(match["v"])
        if match.start() >= own or not policy.drops(version):
            continue
        at = start + match.start()
        if _is_history(text, at, start) or OTHERS_RE.search(text, max(0, at - 200), at):
            continue
        if regex is RANGE_RE and Minor.parse(match["hi"]) <= policy.minimum:
            notes.append(f'"{match.group()}": every version in it is dropped; reword by hand')
            continue
        old = line[match.start() : match.end()]
        offset = match.start("v") - match.start()
        new = old[:offset] + str(policy.minimum) + old[offset + len(match["v"]) :]
        yield (
            Edit(start + match.start("v"), start + match.end("v"), str(policy.minimum)),
            f'stated minimum: "{old}" → "{new}"',
        )


def _pypy_notes(text: str, start: int, line: str, policy: Policy) -> list[str]:
    """A note for a line naming dropped PyPy versions ("PyPy3 versions 3.8 through 3.10"):
    PyPy prose is left as written (which PyPy releases exist is not molt's to say), but not
    silently. The versions are those between "PyPy" and the next CPython mention."""
    masked = _masked(line)
    for pypy in PYPY_RE.finditer(masked):
        after = _PY_WORD_RE.search(masked, pypy.end())
        segment = masked[pypy.end() : after.start() if after else len(masked)]
        versions = [Minor.parse(v) for v in PYPY_VERSION_RE.findall(segment)]
        if any(policy.drops(v) for v in versions):
            number = text.count("\n", 0, start) + 1
            return [
                f'line {number}: "{line.strip()}" names PyPy versions no longer supported; '
                "PyPy prose is left as written, check it by hand"
            ]
    return []


def _is_history(text: str, position: int, line_start: int) -> bool:
    """True when the sentence around ``position`` speaks of history, not the minimum."""
    # a sentence never spans paragraphs or list items; look back a bounded window only
    window = max(0, line_start - 2000)
    begin = max((m.end() for m in BLOCK_START_RE.finditer(text, window, position)), default=window)
    ends = [m.end() for m in SENTENCE_END_RE.finditer(text, begin, position)]
    begin = ends[-1] if ends else begin
    block_end = BLOCK_START_RE.search(text, position)
    limit = block_end.start() if block_end else len(text)
    end = SENTENCE_END_RE.search(text, position, limit)
    sentence = _without_page_names(text[begin : end.end() if end else limit])
    if HISTORY_RE.search(sentence) or CONDITION_START_RE.match(sentence):
        return True
    said_by_project = FLOOR_VERB_RE.search(text, begin, position) is not None
    return CONDITION_RE.search(sentence) is not None and not said_by_project


def _without_page_names(sentence: str) -> str:
    """``sentence`` without its URLs and the page names of its links' texts."""
    sentence = URL_RE.sub(" ", sentence)
    return LINK_TEXT_RE.sub(lambda m: PAGE_NAME_RE.sub(" ", m[0]), sentence)


def _badge_edits(start: int, line: str, policy: Policy) -> Iterator[tuple[Edit, str]]:
    """Edits inside shields.io / badgen badge URLs on one line."""
    for url in URL_RE.finditer(line):
        if not BADGE_HOST_RE.search(url.group()):
            continue
        base = start + url.start()
        for regex in BADGE_RES:
            for match in regex.finditer(url.group()):
                if policy.drops(Minor.parse(match["v"])):
                    edit = Edit(base + match.start("v"), base + match.end("v"), str(policy.minimum))
                    yield edit, f"badge: python {match['v']} -> {policy.minimum}"
        for match in BADGE_LIST_RE.finditer(url.group()):
            yield from _badge_list_edit(base + match.start("list"), match["list"], policy)


def _badge_list_edit(start: int, listed: str, policy: Policy) -> Iterator[tuple[Edit, str]]:
    """Drop old versions from a ``3.9 | 3.10 | 3.11`` badge message."""
    versions = BADGE_ITEM_RE.findall(listed)
    kept = [v for v in versions if not policy.drops(Minor.parse(v))]
    if len(kept) == len(versions):
        return
    separator = BADGE_SEP_RE.search(listed)
    assert separator is not None  # the list regex requires one
    new = separator.group().join(kept or [str(policy.minimum)])
    dropped = ", ".join(v for v in versions if v not in kept)
    yield Edit(start, start + len(listed), new), f"badge: dropped python {dropped}"
