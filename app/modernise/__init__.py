"""Opt-in code modernisation: the Python files lose what only the dropped Pythons needed.

``modernise(sources, packaging, minimum)`` is the one entry point; ``for_plan`` runs it after a
plan. Only version-driven rules run, never style (``RULES`` lists them, the README says why):
dead ``sys.version_info`` branches, fallback imports of backports, ``typing_extensions`` names
that ``typing`` has, ``__future__`` and builtins imports that do nothing. A backport whose last
import went is dropped from the requirements too. The result becomes its own commit, after the
configuration's.

    ruff.py          ruff's rules, run in a scratch directory with a time limit
    fallbacks.py     molt's own rewrite of ``try: import tomllib / except ImportError: …``
    requirements.py  backports whose last import went, removed from the requirements
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import NamedTuple

from app.modernise import fallbacks, requirements, ruff
from app.modernise.ruff import RuffFailed
from app.plan import texts_after
from rewriters import FileChange, RepositoryRewrite, Skipped
from rewriters.registry import is_skipped
from rewriters.repository.scope import generated
from rewriters.versions import Minor

__all__ = [
    "FALLBACK",
    "RULES",
    "Modernisation",
    "RuffFailed",
    "Rule",
    "for_plan",
    "modernise",
    "touches",
]

SUFFIXES = (".py", ".pyi")
FALLBACK = "fallback-import"  # molt's own rule: no tool has it
MAX_LEFT_NOTES = 20


class Rule(NamedTuple):
    """One rule the modernisation applies: its code, what a place it changes is."""

    code: str
    places: str


RULES = (
    Rule("UP036", "version blocks for Pythons older than the minimum"),
    Rule(FALLBACK, "fallback imports of a backport the standard library replaces"),
    Rule("UP035", "`typing_extensions` imports of names `typing` has"),
    Rule("UP010", "`__future__` imports that do nothing"),
    Rule("UP029", "imports of builtins from `builtins`, `io` or `six`"),
)
RUFF_RULES = tuple(rule.code for rule in RULES if rule.code != FALLBACK)
RUFF_SKIPPED = "ruff's rules were skipped: {error}"
LEFT = "{where} — ruff cannot fix this one; simplify it by hand"
BROKEN = "ruff's fix did not parse, so the file was left as it was"


class Modernisation(NamedTuple):
    """What the modernisation changes: files (``before`` is the text the configuration commit
    leaves), places changed per rule, files that do not parse, and notes."""

    minimum: Minor
    files: tuple[FileChange, ...] = ()
    counts: tuple[tuple[Rule, int], ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()


def touches(path: str) -> bool:
    """True for a Python file the modernisation may change: not vendored, not a fixture
    (``ignore_paths`` are the caller's to apply), not ``setup.py``, whose version guard runs
    on the very Pythons it refuses (the rewriters move it to the new minimum)."""
    name = path.rpartition("/")[2]
    return path.endswith(SUFFIXES) and name != "setup.py" and not is_skipped(path)


def modernise(
    sources: Mapping[str, str],
    packaging: Mapping[str, str],
    minimum: Minor,
    *,
    timeout: float = ruff.TIMEOUT_SECONDS,
) -> Modernisation:
    """Rewrite ``sources`` (the Python files molt may touch, path → text) for ``minimum``, and
    drop the backports whose last import went from ``packaging`` (path → text as the
    configuration commit leaves it). Fails soft: ruff missing or slow is a note."""
    parsed, skipped = _parse(sources)
    texts: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for path, text in parsed.items():
        found = fallbacks.rewrite(text, minimum)
        if found is not None:
            texts[path], counts[path] = found[0], {FALLBACK: found[1]}
    notes: list[str] = []
    try:
        fixed = ruff.fix({**parsed, **texts}, minimum, rules=RUFF_RULES, timeout=timeout)
    except RuffFailed as error:
        notes.append(RUFF_SKIPPED.format(error=error))
    else:
        broken = _unparsable(fixed.texts)
        skipped += [Skipped(path, BROKEN) for path in sorted(broken)]
        texts.update({p: t for p, t in fixed.texts.items() if p not in broken})
        for path, rules in fixed.counts.items():
            if path not in broken:
                counts.setdefault(path, {}).update(rules)
        notes += _left(fixed.left)
    changes = [_python_change(p, parsed[p], texts[p], counts.get(p, {})) for p in sorted(texts)]
    unparsed = [sources[skip.path] for skip in skipped]
    gone = requirements.retired(parsed, {**parsed, **texts}, unparsed)
    dropped = requirements.drop(packaging, {backport.project for backport in gone})
    for path, (after, said) in dropped.items():
        changes.append(FileChange(path, packaging[path], after, said, ()))
    return Modernisation(minimum, tuple(changes), _totals(counts), tuple(skipped), tuple(notes))


def for_plan(
    plan: RepositoryRewrite,
    sources: Mapping[str, str],
    files: Mapping[str, str],
    *,
    timeout: float = ruff.TIMEOUT_SECONDS,
) -> Modernisation:
    """The modernisation that follows ``plan`` (the configuration commit): ``sources`` are the
    Python files molt may touch, ``files`` the texts the plan read (its packaging files
    are edited as the plan leaves them)."""
    # a file the plan rewrote (noxfile.py) is modernised as the plan leaves it
    texts = texts_after(plan, sources)
    current = {path: texts[path] for path in sources if path in texts}
    after = texts_after(plan, files)
    packaging = {path: text for path, text in after.items() if requirements.declares(path)}
    return modernise(current, packaging, plan.policy.minimum, timeout=timeout)


def _parse(sources: Mapping[str, str]) -> tuple[dict[str, str], list[Skipped]]:
    """The files that parse and are not generated; those that do not parse, with where."""
    parsed, skipped = {}, []
    for path, text in sorted(sources.items()):
        if generated(text):
            continue  # its generator would undo the change
        try:
            ast.parse(text)
        except SyntaxError as error:
            skipped.append(Skipped(path, f"line {error.lineno}: {error.msg}"))
        except ValueError as error:  # a NUL byte
            skipped.append(Skipped(path, str(error)))
        else:
            parsed[path] = text
    return parsed, skipped


def _unparsable(texts: Mapping[str, str]) -> set[str]:
    broken = set()
    for path, text in texts.items():
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            broken.add(path)
    return broken


def _left(found: tuple[str, ...]) -> list[str]:
    notes = [LEFT.format(where=where) for where in found[:MAX_LEFT_NOTES]]
    if len(found) > MAX_LEFT_NOTES:
        notes.append(f"… and {len(found) - MAX_LEFT_NOTES} more that ruff cannot fix")
    return notes


def _python_change(path: str, before: str, after: str, counts: Mapping[str, int]) -> FileChange:
    said = tuple(f"{rule.code}: {counts[rule.code]}" for rule in RULES if rule.code in counts)
    return FileChange(path, before, after, said, ())


def _totals(counts: Mapping[str, Mapping[str, int]]) -> tuple[tuple[Rule, int], ...]:
    """Places changed per rule, in ``RULES`` order."""
    totals = [(rule, sum(rules.get(rule.code, 0) for rules in counts.values())) for rule in RULES]
    return tuple((rule, count) for rule, count in totals if count)
