"""The one changelog entry a "drop Python" change gets, in the repository's own convention.

``entry(files, policy, dropped)`` looks, in order, for towncrier (a new orphan fragment),
scriv (a new fragment) and a changelog file whose top section is unreleased (Keep a
Changelog's ``## [Unreleased]``, an "Unreleased" / "x.y.z (unreleased)" / "dev" heading, or
a version heading whose first line says "Unreleased").  Released sections are never edited;
with no convention, or a released top section, there is no entry. Fragments are written by
``_fragments``; this module owns the changelog files.

The module also claims changelog paths in the registry (its ``rewrite`` never edits them), so
the App fetches them and no per-file rewriter, prose least of all, rewrites history.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import NamedTuple

from rewriters.docs.fragments import mentions, scriv, towncrier
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.versions import Minor, join_names

CHANGELOG_NAME_RE = re.compile(r"(?:change[-_]?log|changes|history|news)(?:\.\w+)?", re.IGNORECASE)
ATX_RE = re.compile(r"(#{1,6})[ \t]+(\S.*?)[ \t#]*$")
ADORNMENT_RE = re.compile(r"([=\-~^*+#\"'`:._])\1{2,}[ \t]*$")
VERSIONISH_RE = re.compile(r"\d+\.\d+|\bv\d")
UNRELEASED_RE = re.compile(
    r"\b(?:unreleased|in\s+development|under\s+development|development\s+version|dev"
    r"|upcoming|next\s+release|not\s+yet\s+released)\b",
    re.IGNORECASE,
)
UNRELEASED_LINE_RE = re.compile(
    r"(?:release[sd]?(?:\s+date)?\s*:?\s*)?(?:unreleased|tbd|tba|not\s+(?:yet\s+)?released)\.?",
    re.IGNORECASE,
)
BULLET_RE = re.compile(r"([ \t]*)([-*+])([ \t]+)\S")
# subsection titles that fit a removal, best first
SUBSECTION_KEYS = ("remov", "break", "backward", "incompatible", "highlight", "packaging")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Changelogs are history: never rewritten line by line (see ``entry``)."""
    return None


def entry(files: Mapping[str, str], policy: Policy, dropped: Collection[Minor]) -> dict[str, str]:
    """Files to write (path -> full new text) that add one entry; ``{}`` when there is none.

    ``files`` holds every text file molt read, including changelogs, ``towncrier.toml`` and
    the files of the fragment directory (so a second run sees the first run's fragment).
    """
    if not dropped:
        return {}
    line = entry_text(policy, dropped)
    for convention in (towncrier, scriv, _changelog_file):
        written = convention(files, policy, dropped, line)
        if written is not None:
            return written
    return {}


def entry_text(policy: Policy, dropped: Collection[Minor]) -> str:
    """ "Drop support for Python 3.9 and 3.10, which have reached end-of-life."."""
    names = join_names(sorted(dropped))
    if not all(policy.is_end_of_life(v) for v in dropped):
        return f"Drop support for Python {names}."
    verb = "has" if len(dropped) == 1 else "have"
    return f"Drop support for Python {names}, which {verb} reached end-of-life."


# --- changelog files with an unreleased section at the top -------------------------------


class _Heading(NamedTuple):
    """A section heading: its first line (overline included), the line after it, its rank."""

    line: int
    end: int
    rank: int
    title: str


def _changelog_file(
    files: Mapping[str, str], policy: Policy, dropped: Collection[Minor], line: str
) -> dict[str, str] | None:
    """The entry added to the first changelog file whose top release section is unreleased."""
    for path in _changelog_paths(files):
        text = files[path]
        lines = text.splitlines(keepends=True)
        heads = _headings(lines)
        top = next((h for h in heads if _is_release(h.title)), None)
        if top is None:
            continue  # a pointer to the real changelog ("see docs/changelog.rst")
        end = next((h.line for h in heads if h.line > top.line and h.rank <= top.rank), len(lines))
        start = _unreleased_start(lines, top, end)
        if start is None or mentions("".join(lines[top.line : end]), dropped):
            return {}
        keep_a_changelog = "[unreleased]" in top.title.lower() or "keep a changelog" in text.lower()
        subs = [h for h in heads if top.line < h.line < end]
        new = _place(lines, (start, end), subs, keep_a_changelog, top, line)
        return {} if new is None else {path: "".join(new)}
    return None


def _changelog_paths(files: Mapping[str, str]) -> list[str]:
    """Changelog files at the top level first, then under ``docs/``."""
    found = [p for p in files if CHANGELOG_NAME_RE.fullmatch(p.rsplit("/", 1)[-1])]
    top = sorted(p for p in found if "/" not in p)
    return top + sorted(p for p in found if p.count("/") == 1 and p.startswith("docs/"))


def _is_release(title: str) -> bool:
    """A heading that names a version or the unreleased section (not the file's title)."""
    return bool(VERSIONISH_RE.search(title) or UNRELEASED_RE.search(title))


def _headings(lines: list[str]) -> list[_Heading]:
    """Markdown ATX headings and setext / reStructuredText adorned titles, in order."""
    styles: list[tuple[str, bool]] = []
    found: list[_Heading] = []
    i = 0
    while i < len(lines):
        body = lines[i].rstrip()
        following = [ln.rstrip() for ln in lines[i + 1 : i + 3]]
        atx = ATX_RE.match(body)
        if atx:
            found.append(_Heading(i, i + 1, len(atx[1]), atx[2]))
        elif ADORNMENT_RE.match(body) and len(following) == 2 and following[1][:1] == body[:1]:
            style = (body[0], True)
            styles += [] if style in styles else [style]
            found.append(_Heading(i, i + 3, styles.index(style) + 1, following[0].strip()))
            i += 2
        elif body[:1].strip() and following and ADORNMENT_RE.match(following[0]):
            style = (following[0][0], False)
            styles += [] if style in styles else [style]
            found.append(_Heading(i, i + 2, styles.index(style) + 1, body.strip()))
            i += 1
        i += 1
    return found


def _unreleased_start(lines: list[str], top: _Heading, end: int) -> int | None:
    """Where the unreleased section's entries start, or None when it is released."""
    if UNRELEASED_RE.search(top.title):
        return top.end
    first = next((i for i in range(top.end, end) if lines[i].strip()), None)
    if first is not None and UNRELEASED_LINE_RE.fullmatch(lines[first].strip()):
        return first + 1
    return None


def _place(
    lines: list[str],
    span: tuple[int, int],
    subs: list[_Heading],
    keep_a_changelog: bool,
    top: _Heading,
    line: str,
) -> list[str] | None:
    """The new lines: the entry in the fitting subsection, list, or a new "Removed"."""
    nl = "\r\n" if lines[0].endswith("\r\n") else "\n"
    if lines[-1][-1:] not in ("\n", "\r"):
        lines = [*lines[:-1], lines[-1] + nl]
    bullet = _bullet_style(lines)
    sub = next(
        (h for key in SUBSECTION_KEYS for h in subs if h.title.lower().startswith(key)), None
    )
    if sub is not None:
        after = next((h.line for h in subs if h.line > sub.line), span[1])
        return _insert_bullet(lines, (sub.end, after), bullet + line, nl)
    has_bullets = any(BULLET_RE.match(lines[i]) for i in range(*span))
    if keep_a_changelog and (subs or not has_bullets):
        later = [h.line for h in subs if h.title.lower().startswith(("fixed", "security"))]
        heading = "#" * (top.rank + 1) + " Removed"
        return _insert_block(lines, min(later, default=span[1]), [heading, "", bullet + line], nl)
    if subs:
        return None
    return _insert_bullet(lines, span, bullet + line, nl)


def _bullet_style(lines: list[str]) -> str:
    """The marker and spacing of the file's first list item (``-   `` in pallets' files)."""
    for text in lines:
        match = BULLET_RE.match(text)
        if match:
            return match[2] + match[3]
    return "- "


def _insert_bullet(lines: list[str], span: tuple[int, int], item: str, nl: str) -> list[str]:
    """``item`` as the first entry of the list in ``span``, or a new list after its text."""
    bullets = [i for i in range(*span) if BULLET_RE.match(lines[i])]
    if not bullets:
        last = max((i + 1 for i in range(*span) if lines[i].strip()), default=span[0])
        return _insert_block(lines, last, [item], nl)
    first = bullets[0]
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    loose = len(bullets) > 1 and any(not lines[i].strip() for i in range(first, bullets[1]))
    added = [indent + item + nl] + ([nl] if loose else [])
    return lines[:first] + added + lines[first:]


def _insert_block(lines: list[str], at: int, block: list[str], nl: str) -> list[str]:
    """``block`` inserted before line ``at``, set off by blank lines."""
    before = [nl] if at > 0 and lines[at - 1].strip() else []
    after = [nl] if at < len(lines) and lines[at].strip() else []
    return lines[:at] + before + [text + nl for text in block] + after + lines[at:]
