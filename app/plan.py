"""What molt would do to a repository: ``plan()`` is pure and shared by the CLI and the App."""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Collection, Iterator, Mapping

import rewriters
from rewriters import FileChange, Policy, RepositoryRewrite, Skipped

__all__ = [
    "FileChange",
    "Plan",
    "Skipped",
    "plan",
    "reads",
    "scripts_to_read",
    "settle_unparsable",
    "unified_diff",
]

# Compiled requirements files name the command that regenerates them in their header.
REQUIREMENTS = "*requirements*.txt"
# What regenerating lock files reads besides: the lock files, and pip-compile's inputs.
LOCK_INPUTS = ("uv.lock", "poetry.lock", "pdm.lock", "*.in")


_EXTRA_NAMES = re.compile("|".join(fnmatch.translate(p) for p in (REQUIREMENTS, *LOCK_INPUTS)))


def reads(path: str) -> bool:
    """True for the files a plan needs the text of: what a rewriter claims, compiled
    requirements files (for the note on how to regenerate them), and what regenerating lock
    files reads (``app.lockfiles``)."""
    name = path.rpartition("/")[2]
    return rewriters.claims(path) or _EXTRA_NAMES.match(name) is not None


def scripts_to_read(
    files: Mapping[str, str], paths: Collection[str], ignores: Callable[[str], bool]
) -> list[str]:
    """The scripts the CI files among ``files`` (the first read) run, which a plan reads in a
    second read: those not read yet, and not ignored by the repository's config."""
    run = rewriters.scripts_run(files, paths)
    return sorted(path for path in run if path not in files and not ignores(path))


def unified_diff(change: FileChange) -> Iterator[str]:
    """The change as unified diff lines; a created or deleted file diffs with /dev/null."""
    return difflib.unified_diff(
        change.before.splitlines(keepends=True),
        (change.after or "").splitlines(keepends=True),
        f"a/{change.path}" if change.before else "/dev/null",
        f"b/{change.path}" if change.after is not None else "/dev/null",
    )


# What a plan is: ``rewriters.rewrite_repository``'s answer, with the skip reasons settled.
Plan = RepositoryRewrite


# Files that declare the package's minimum Python, at the repository's root. While one of them
# cannot be parsed, rewriting CI alone would drop versions packaging still admits.
DECLARES_MINIMUM = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})
WITHHELD = "it declares the minimum Python, so molt changes no file until it parses"
# "line 4, column 3" (YAML), "line: 1" (INI), "(at line 3, column 8)" (TOML)
_POSITION_RE = re.compile(r"\(?(?:at )?line:? (\d+)(?:, column:? (\d+))?\)?:?")


def settle_unparsable(result: Plan) -> Plan:
    """``result`` with every skip's reason on one line, led by its line and column; when a
    file that declares the minimum was skipped, with no change at all, and the reason says so.

    Idempotent, so a caller that adds skips of its own (unreadable files) may apply it again.
    """
    skipped = []
    for skip in result.skipped:
        located = re.match(rf"{re.escape(skip.path)}:(\d+): ", skip.reason)
        text = skip.reason[located.end() :] if located else skip.reason
        positions = list(_POSITION_RE.finditer(text))
        found = [m for m in positions if m[2]] or positions
        line = found[-1][1] if found else located[1] if located else None
        column = found[-1][2] if found else None
        parts = (  # the message lines, without echoed source or location lines
            _POSITION_RE.sub("", part).strip()
            for part in text.split("\n\n")[0].splitlines()
            if part.strip() and not part[0].isspace() and not part.startswith(("file:", "'"))
        )
        message = "; ".join(part for part in parts if part)
        where = f"line {line}, column {column}: " if column else f"line {line}: " if line else ""
        reason = where + (message or " ".join(text.split()))
        blocks = skip.path in DECLARES_MINIMUM and WITHHELD not in reason
        skipped.append(Skipped(skip.path, f"{reason} ({WITHHELD})" if blocks else reason))
    if not any(skip.path in DECLARES_MINIMUM for skip in skipped):
        return result._replace(skipped=tuple(skipped))
    return Plan(result.policy, (), tuple(skipped), frozenset())


def plan(
    files: Mapping[str, str],
    policy: Policy,
    *,
    paths: Collection[str] = (),
    changelog_entry: bool = True,
) -> Plan:
    """What molt would do to a repository (``files`` maps repository paths to text): the
    rewrite of ``rewriters.rewrite_repository``, with every skip settled (see
    ``settle_unparsable``)."""
    result = rewriters.rewrite_repository(
        files, policy, paths=paths, changelog_entry=changelog_entry
    )
    return settle_unparsable(result)


def texts_after(result: Plan, files: Mapping[str, str]) -> dict[str, str]:
    """Every file's text once ``result`` is applied to ``files`` (deleted files gone, new ones
    there)."""
    texts = dict(files)
    for change in result.files:
        if change.after is None:
            texts.pop(change.path, None)
        else:
            texts[change.path] = change.after
    return texts
