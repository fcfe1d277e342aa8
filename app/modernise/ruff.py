"""Running ruff on copies of the Python files in a scratch directory: time limit, no config.

ruff is given the files' text and nothing else: no repository config (``--isolated``, so the
repository's own ruff settings cannot widen or narrow the rule set), no cache, an environment
of three variables, the working directory a fresh temporary one, run as the lock tools are
(``app.lockfiles.scratch``: time limit, process group killed). The code is parsed by ruff,
never imported or run. ruff is a dependency of the ``modernise`` extra, found beside the
interpreter or through the ``ruff`` package; molt never downloads it.

Two kinds of rule are applied. Rules whose every fix molt wants run with ``--fix`` (ruff owns
the order of fixes and fixes that meet); the count of each is what a run before the fix found
less what is left after it. For UP035, only the diagnostics about ``typing_extensions`` are
wanted (its other half moves ``typing`` aliases to ``collections.abc``: spelling, not
version), so molt applies those diagnostics' own edits from ruff's JSON: each is one import
statement replaced by another, so they never meet.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from app.errors import MoltError
from app.lockfiles import scratch
from rewriters.result import Edit
from rewriters.versions import Minor

TIMEOUT_SECONDS = 120.0
PATHS_PER_CALL = 2_000  # a command line stays far below the kernel's limit


class RuffFailed(MoltError):
    """ruff is missing, timed out, or failed: its rules are skipped, with a note saying why."""


class Fixed(NamedTuple):
    """What ruff changed: the new text of each file it changed, places fixed per file and
    rule, and the diagnostics it found but could not fix (``path:line: CODE message``)."""

    texts: dict[str, str]
    counts: dict[str, dict[str, int]]
    left: tuple[str, ...]


def ruff_binary() -> str:
    """The ruff executable installed with molt; ``RuffFailed`` when there is none."""
    beside = Path(sysconfig.get_path("scripts")) / ("ruff.exe" if os.name == "nt" else "ruff")
    if beside.is_file():
        return str(beside)
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff", path=os.path.dirname(sys.executable))
    if found is None:
        raise RuffFailed("ruff is not installed (install molt-bot[modernise])")
    return found


def fix(
    sources: Mapping[str, str],
    minimum: Minor,
    *,
    rules: Sequence[str],
    timeout: float = TIMEOUT_SECONDS,
) -> Fixed:
    """Apply ruff's fixes for ``rules`` to ``sources`` (path → text) at ``minimum``; UP035 only
    for ``typing_extensions`` imports. Raises ``RuffFailed``."""
    counts: dict[str, dict[str, int]] = {}
    texts, left = dict(sources), []
    with tempfile.TemporaryDirectory(prefix="molt-modernise-") as scratch:
        runner = _Runner(ruff_binary(), Path(scratch), minimum, timeout)
        runner.write(sources)
        fixing = [rule for rule in rules if rule != "UP035"]
        if fixing:  # first: an import in a dead branch goes, it is not moved
            before = _count(runner.check(list(texts), fixing))
            left = runner.check(list(texts), fixing, fix=True)
            after = _count(left)
            for (path, rule), found in before.items():
                if found > after.get((path, rule), 0):
                    counts.setdefault(path, {})[rule] = found - after.get((path, rule), 0)
            texts = runner.read(texts)
        if "UP035" in rules:
            _typing_extensions(runner, texts, counts)
    changed = {path: text for path, text in texts.items() if text != sources[path]}
    return Fixed(changed, counts, tuple(_where(found) for found in left))


class _Runner:
    """ruff in one scratch directory; each call has the time limit."""

    def __init__(self, binary: str, root: Path, minimum: Minor, timeout: float) -> None:
        self.binary, self.root, self.timeout = binary, root, timeout
        self.target = f"py{minimum.major}{minimum.minor}"
        # nothing of molt's environment (tokens, RUFF_* settings) reaches ruff
        self.env = {"PATH": os.defpath, "HOME": str(root), "NO_COLOR": "1"}

    def write(self, texts: Mapping[str, str]) -> None:
        try:
            scratch.write_tree(self.root / "src", texts)
        except ValueError as error:
            raise RuffFailed(str(error)) from None

    def read(self, texts: Mapping[str, str]) -> dict[str, str]:
        return {p: (self.root / "src" / p).read_bytes().decode("utf-8") for p in texts}

    def check(self, paths: list[str], rules: Sequence[str], *, fix: bool = False) -> list[Any]:
        """Diagnostics as ruff's JSON gives them (with ``fix``: those left after fixing)."""
        found: list[Any] = []
        for start in range(0, len(paths), PATHS_PER_CALL):
            found.extend(self._call(paths[start : start + PATHS_PER_CALL], rules, fix))
        return found

    def _call(self, paths: list[str], rules: Sequence[str], fix: bool) -> list[Any]:
        command = [
            self.binary,
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--output-format=json",
            f"--target-version={self.target}",
            f"--select={','.join(rules)}",
            *(["--fix", "--unsafe-fixes"] if fix else []),
            "--",
            *paths,
        ]
        try:
            done = scratch.run(command, self.root / "src", self.env, self.timeout)
        except scratch.TimedOut:
            raise RuffFailed(f"ruff did not finish within {self.timeout:g} seconds") from None
        except OSError as error:
            raise RuffFailed(f"ruff could not be started ({error.strerror})") from None
        if done.status != 0:
            reason = done.stderr.strip().splitlines()
            raise RuffFailed(f"ruff failed: {reason[-1] if reason else done.status}")
        found: list[Any] = json.loads(done.stdout or "[]")
        for item in found:
            item["filename"] = Path(item["filename"]).relative_to(self.root / "src").as_posix()
        return found


def _count(found: Sequence[Any]) -> dict[tuple[str, str], int]:
    """Fixable diagnostics per (path, rule)."""
    counts: dict[tuple[str, str], int] = {}
    for item in found:
        if item.get("fix"):
            key = (item["filename"], item["code"])
            counts[key] = counts.get(key, 0) + 1
    return counts


def _where(item: Any) -> str:
    return f"{item['filename']}:{item['location']['row']}: {item['code']} {item['message']}"


def _typing_extensions(
    runner: _Runner, texts: dict[str, str], counts: dict[str, dict[str, int]]
) -> None:
    """Apply UP035's fixes of ``from typing_extensions import …`` to ``texts``, counted."""
    by_path: dict[str, list[Any]] = {}
    for item in runner.check(list(texts), ["UP035"]):
        if item.get("fix") and item["fix"]["applicability"] == "safe":
            by_path.setdefault(item["filename"], []).append(item)
    for path, items in by_path.items():
        text = texts[path]
        starts = _typing_extensions_imports(text)
        chosen = [i for i in items if (i["location"]["row"], i["location"]["column"]) in starts]
        if chosen:
            edits = [edit for item in chosen for edit in _edits(text, item["fix"]["edits"])]
            new = _spliced(text, edits)
            try:
                ast.parse(new)
            except SyntaxError:
                continue  # not expected of an import replaced by another; never written
            texts[path] = new
            counts.setdefault(path, {})["UP035"] = len(chosen)


def _typing_extensions_imports(text: str) -> set[tuple[int, int]]:
    """Where each ``from typing_extensions import …`` starts, as ruff's (row, column)."""
    starts = _LineOffsets(text).starts
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module == "typing_extensions":
            # ``ast`` counts columns in UTF-8 bytes, ruff in characters
            start = starts[node.lineno - 1]
            line = text[start : start + node.col_offset]  # bytes never fewer than characters
            before = line.encode("utf-8")[: node.col_offset]
            found.add((node.lineno, len(before.decode("utf-8")) + 1))
    return found


def _spliced(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ruff's edits, as ruff applies them (``apply_edits`` would keep the
    column of a comment after a shortened import)."""
    pieces, position = [], 0
    for start, end, new in sorted(edits):
        pieces += [text[position:start], new]
        position = end
    return "".join(pieces) + text[position:]


def _edits(text: str, edits: Sequence[Any]) -> Iterator[Edit]:
    offsets = _LineOffsets(text)
    for edit in edits:
        yield Edit(offsets.at(edit["location"]), offsets.at(edit["end_location"]), edit["content"])


class _LineOffsets:
    """ruff's 1-based (row, column in characters) locations as offsets into the text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n" or (char == "\r" and text[index + 1 : index + 2] != "\n"):
                self.starts.append(index + 1)

    def at(self, location: Mapping[str, int]) -> int:
        return self.starts[location["row"] - 1] + location["column"] - 1
