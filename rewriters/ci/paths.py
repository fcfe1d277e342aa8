"""Action inputs that list one path per Python version: coverage files, cache keys.

aio-libs' codecov step reads ``files: .tox/.tmp/.mypy/python-3.9/cobertura.xml,
.tox/.tmp/.mypy/python-3.8/cobertura.xml``: what each version's run leaves behind. Once a
version's run is gone, so is its path. Only a list whose every item names one Python version
and is otherwise the same as the others counts, and one item at least stays; any other text
(options, a shell line) is left alone.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rewriters.ci.lists import remove_spans
from rewriters.ci.work import Work
from rewriters.formats import yaml
from rewriters.formats.yaml import ScalarNode
from rewriters.versions import WORD_RE, Minor, join_names, parse_token

# an item of a list written with commas, blanks or line breaks between items
ITEM_RE = re.compile(r"[^,\s]+")


def path_list(work: Work, key: str, node: ScalarNode) -> None:
    """Remove the paths of dropped versions from a per-version list of paths."""
    spans = _items(work.text, node)
    read = [_read(item) for _, _, item in spans]
    shapes = {r.shape if r else None for r in read}
    if len(spans) < 2 or len(shapes) != 1 or None in shapes:
        return
    versions = [r.version for r in read if r is not None]
    gone = [i for i, v in enumerate(versions) if work.drops(v)]
    if not gone or len(gone) == len(spans):
        return
    work.edits += remove_spans(spans, gone)
    names = sorted({versions[i] for i in gone})
    work.changes.append(f"{key}: removed the paths for {join_names(names)}")
    work.dropped.update(names)


def _items(text: str, node: ScalarNode) -> list[tuple[int, int, str]]:
    """The items of a plain or quoted one-line scalar or of a ``>``/``|`` block, with offsets."""
    if node.style in (">", "|"):
        lines = yaml.block_lines(text, node)
        start, end = (lines[0][0], lines[-1][1]) if lines else (0, 0)
    elif (start_or_none := yaml.value_start(text, node)) is not None:
        start, end = start_or_none, start_or_none + len(node.value)
    else:
        return []
    return [(m.start(), m.end(), m[0]) for m in ITEM_RE.finditer(text, start, end)]


class _Item(NamedTuple):
    shape: str  # the item with its version blanked out
    version: Minor


def _read(item: str) -> _Item | None:
    """The item's one Python version and the rest of it; None unless it names exactly one."""
    found = [(m, t) for m in WORD_RE.finditer(item) if (t := parse_token(m[0])) is not None]
    if len(found) != 1:
        return None
    match, token = found[0]
    return _Item(item[: match.start()] + "{}" + item[match.end() :], token.version)
