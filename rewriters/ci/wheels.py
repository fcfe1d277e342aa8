"""cibuildwheel settings in CI files: build and skip selectors, requires-python.

Found in every CI system's variables: a ``CIBW_BUILD:`` key of any mapping (GitHub Actions and
CircleCI ``env:`` / ``environment:``, GitLab and Azure ``variables:``, AppVeyor
``environment:``), Azure's ``- name: CIBW_BUILD`` / ``value:`` pairs and GitLab's
``CIBW_BUILD: {value: ...}``; and assigned in scripts (``run:``, ``script:`` lines, Travis
``env:`` strings): ``CIBW_BUILD="cp39-*" cibuildwheel``, ``export CIBW_SKIP='cp39-*'``,
``echo "CIBW_BUILD=cp39-* cp310-*" >> $GITHUB_ENV``, PowerShell ``$env:CIBW_BUILD = "..."`` and
cmd ``set CIBW_BUILD=...``.

Selectors follow the one rule of ``rewriters.packaging.cibuildwheel`` (shared with
pyproject.toml): a build list keeps building the minimum, skip lists lose what names only
dropped versions. A variable left with no selector goes with its key in a mapping of several;
otherwise, and in a script (never cut from a command line), it is noted.
``CIBW_PROJECT_REQUIRES_PYTHON`` is a specifier whose floor rises.
"""

from __future__ import annotations

import re

from rewriters.ci.lists import remove_spans
from rewriters.ci.work import Work, script_lines
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode
from rewriters.packaging.cibuildwheel import Narrowed, narrow, words_of
from rewriters.result import Edit
from rewriters.specifiers import raise_floor
from rewriters.versions import join_names

_SELECTOR_KEY = r"CIBW_(?:BUILD|SKIP|TEST_SKIP)(?:_(?:LINUX|MACOS|WINDOWS|IOS|PYODIDE))?"
_SELECTOR_KEY_RE = re.compile(_SELECTOR_KEY, re.IGNORECASE)
_REQUIRES_KEY = "CIBW_PROJECT_REQUIRES_PYTHON"
_Word = tuple[int, int, str]


def is_wheel_key(key: str) -> bool:
    """True for the cibuildwheel variables that name Python versions."""
    return _SELECTOR_KEY_RE.fullmatch(key) is not None or key.upper() == _REQUIRES_KEY


def setting(work: Work, mapping: MappingNode, key: str, owner: str, node: Node) -> bool:
    """Rewrite a cibuildwheel variable if ``key`` of ``mapping`` is one; True when it is.

    ``CIBW_BUILD: ...`` is one; so is ``value:`` next to ``name: CIBW_BUILD`` (Azure) or under
    ``CIBW_BUILD:`` (GitLab), which cannot go on its own when emptied."""
    if not isinstance(node, ScalarNode):
        return False
    if is_wheel_key(key):
        _rewrite_setting(work, mapping if len(mapping.value) > 1 else None, key, node)
        return True
    name = yaml.get(mapping, "name")
    named = name.value if isinstance(name, ScalarNode) else owner
    if key == "value" and isinstance(named, str) and is_wheel_key(named):
        _rewrite_setting(work, None, named, node)
        return True
    return False


def _rewrite_setting(work: Work, env: MappingNode | None, key: str, node: ScalarNode) -> None:
    """One cibuildwheel variable; an emptied one goes with its key from ``env``, or is noted."""
    if key.upper() == _REQUIRES_KEY:
        _requires_python(work, key, node)
        return
    words = _words(work.text, node)
    narrowed = narrow([w[2] for w in words], work.policy, build=_is_build(key)) if words else None
    if words is None or narrowed is None:
        return
    if not narrowed.emptied:
        work.edits += _edits(words, narrowed)
    elif env is not None:
        work.edits.append(yaml.remove_pair(work.text, env, node))
    else:
        work.notes.append(
            f"line {work.line(node)}: {key} only names dropped Pythons; remove it by hand"
        )
        return
    work.changes.append(f"{key}: dropped selectors for {join_names(sorted(narrowed.dropped))}")
    work.dropped |= narrowed.dropped


def _is_build(key: str) -> bool:
    return key.upper().startswith("CIBW_BUILD")


def _words(text: str, node: ScalarNode) -> list[_Word] | None:
    """The selectors as spans of the file; None when the file spells them differently."""
    start, end = yaml.scalar_span(text, node)
    if node.style in ("'", '"'):
        start, end = start + 1, end - 1
    elif node.style is not None:
        start = text.index("\n", start) + 1  # after the block header
    words = words_of(text, start, end)
    # ruamel marks the fold points of a folded scalar with BEL characters
    return words if [w[2] for w in words] == node.value.replace("\a", "").split() else None


def _edits(words: list[_Word], narrowed: Narrowed) -> list[Edit]:
    """The edits writing what became of each selector."""
    edits = [
        Edit(start, end, new)
        for (start, end, old), new in zip(words, narrowed.words, strict=True)
        if new is not None and new != old
    ]
    gone = [i for i, new in enumerate(narrowed.words) if new is None]
    return edits + remove_spans(words, gone)


_VALUE = r"[^\"'\n$`\\]*"
_ASSIGNMENT_RE = re.compile(
    # "KEY=a b": the quotes hold the whole assignment (echo "..." >> $GITHUB_ENV, cmd set "...")
    rf"(?P<open>[\"'])(?P<quoted_key>{_SELECTOR_KEY})=(?P<quoted>{_VALUE})(?P=open)"
    # PowerShell: $env:KEY = "a b"
    rf"|\$env:(?P<ps_key>{_SELECTOR_KEY})[ \t]*=[ \t]*"
    rf"(?:\"(?P<ps_double>{_VALUE})\"|'(?P<ps_single>[^'\n]*)')"
    # cmd: set KEY=a b (the rest of the line)
    rf"|(?<![\w$])set[ \t]+(?P<cmd_key>{_SELECTOR_KEY})=(?P<cmd>[^\n&|\"'$%]*)"
    # POSIX shells: KEY="a b", KEY='a b', KEY=a
    rf"|(?<![\w$:\"'])(?P<key>{_SELECTOR_KEY})="
    rf"(?:\"(?P<double>{_VALUE})\"|'(?P<single>[^'\n]*)'|(?P<bare>[^\s\"'$`;&|]+))",
    re.IGNORECASE,
)
_VALUE_GROUPS = ("quoted", "ps_double", "ps_single", "cmd", "double", "single", "bare")


def rewrite_script(work: Work, node: Node) -> bool:
    """Selectors assigned in a script: a scalar, or a list of script lines; True when ``node``
    is one of these shapes."""
    lines = script_lines(node)
    for line in lines or ():
        start, end = yaml.scalar_span(work.text, line)
        for match in _ASSIGNMENT_RE.finditer(work.text, start, end):
            group = next(g for g in _VALUE_GROUPS if match[g] is not None)
            key = match["quoted_key"] or match["ps_key"] or match["cmd_key"] or match["key"]
            words = words_of(work.text, match.start(group), match.end(group))
            at = work.text.count("\n", 0, match.start()) + 1
            _script_selectors(work, at, key, words)
    return lines is not None


# a line of ``KEY=VALUE`` settings (an input a reusable workflow appends to ``$GITHUB_ENV``):
# the value is the rest of the line
_ENV_LINE_RE = re.compile(rf"[ \t]*(?P<key>{_SELECTOR_KEY})=(?P<value>[^\n]*)", re.IGNORECASE)


def rewrite_env_lines(work: Work, node: ScalarNode) -> None:
    """Selectors set in the ``KEY=VALUE`` lines of an action or reusable workflow's input
    (``environment-variables: |`` holding ``CIBW_BUILD=cp39-* cp310-*``)."""
    start, end = yaml.scalar_span(work.text, node)
    offset = work.text.rfind("\n", 0, start) + 1
    for line in work.text[offset:end].splitlines(keepends=True):
        match = _ENV_LINE_RE.fullmatch(line.rstrip("\r\n"))
        if match is not None:
            words = words_of(work.text, offset + match.start("value"), offset + match.end())
            _script_selectors(work, work.text.count("\n", 0, offset) + 1, match["key"], words)
        offset += len(line)


def _script_selectors(work: Work, line: int, key: str, words: list[_Word]) -> None:
    narrowed = narrow([w[2] for w in words], work.policy, build=_is_build(key))
    if narrowed is None:
        return
    if narrowed.emptied:
        work.notes.append(
            f"line {line}: {key} in the script only names dropped Pythons; remove it by hand"
        )
        return
    work.edits += _edits(words, narrowed)
    names = join_names(sorted(narrowed.dropped))
    work.changes.append(f"{key} in a script: dropped selectors for {names}")
    work.dropped |= narrowed.dropped


def _requires_python(work: Work, key: str, node: ScalarNode) -> None:
    raised = (
        raise_floor(node.value.strip(), work.policy) if node.style in (None, "'", '"') else None
    )
    if raised is None:
        return
    work.edits.append(yaml.replace_scalar(work.text, node, raised.text, ""))
    work.changes.append(f"{key}: {node.value.strip()} → {raised.text}")
    work.dropped |= {v for v in work.policy.releases if work.drops(v) and v >= raised.old_floor}
