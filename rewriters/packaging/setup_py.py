"""Drop end-of-life Pythons from setup.py: python_requires, version classifiers, version guards.

setup.py is parsed with ``ast`` and never run.  The tree only locates string literals, classifier
lists and ``if sys.version_info < (3, 9): sys.exit(...)`` guards (``rewriters.formats.python_ast``,
``rewriters.packaging.version_guards``); the edits are made on the original text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rewriters.formats.python_ast import (
    Display,
    Source,
    keyword_values,
    module_constants,
    parse,
    remove_elements,
    string_body,
    string_value,
)
from rewriters.packaging.version_guards import Guard, message_strings, version_guards
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Edit, Record, Rewrite, UnparsableInput
from rewriters.specifiers import (
    PYTHON2_CLASSIFIERS,
    classifier_version,
    python2_classifier,
    raise_floor,
)
from rewriters.versions import Minor, join_names

CLASSIFIER_VERSION_RE = re.compile(r"(?<=Python :: )\d+\.\d+")
MESSAGE_VERSION_RE = re.compile(r"(?<![\w.])(?P<version>3\.\d+)(?:\.\d+)?(?!\.?\d)")


@dataclass(kw_only=True)
class _Plan(Record):
    """What the rewrite found so far, and what it knows of the file.

    ``has_requires``: the file states python_requires, so it describes a live package;
    ``has_current``: some classifier in the file names a Python that stays.
    """

    has_requires: bool = False
    has_current: bool = False


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Raise python_requires, drop old classifiers and move raising version guards."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    tree = parse(body)
    source = Source(body)
    constants = module_constants(tree)
    plan = _Plan()
    requires = list(keyword_values(tree, "python_requires", constants))
    plan.has_requires = bool(requires)
    _raise_python_requires(requires, source, policy, plan)
    lists, blocks = list(_classifier_lists(tree, policy)), list(_classifier_blocks(tree, policy))
    plan.has_current = _names_current(lists, blocks, policy)
    for sequence in lists:
        _drop_listed(sequence, source, policy, plan)
    for block in blocks:
        _drop_lines(block, source, policy, plan)
    for guard in version_guards(tree, constants):
        _move_guard(guard, source, policy, plan)
    result = plan.finish(body, _check_output)
    return None if result is None else result._replace(text=bom + result.text)


def _check_output(text: str) -> None:
    try:
        parse(text)
    except UnparsableInput as error:
        raise BrokenOutput(f"setup.py output does not parse: {error}") from None


def _raise_python_requires(
    values: list[ast.expr], source: Source, policy: Policy, plan: _Plan
) -> None:
    for value in values:
        body = string_body(value, source)
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


def _classifier_lists(tree: ast.Module, policy: Policy) -> Iterator[Display]:
    """Every list, tuple or set literal holding a ``Python :: X.Y`` or ``Python :: 2``
    classifier."""
    for node in ast.walk(tree):
        if isinstance(node, Display) and any(
            _versioned(string_value(e), policy) for e in node.elts
        ):
            yield node


def _classifier_blocks(tree: ast.Module, policy: Policy) -> Iterator[ast.Constant]:
    """Multi-line strings with one classifier per line, split by the code that uses them."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if "\n" in node.value and any(_versioned(c, policy) for c in node.value.splitlines()):
            yield node


def _versioned(classifier: str | None, policy: Policy) -> bool:
    """A classifier naming a Python minor, or Python 2 when ``policy`` drops it."""
    return classifier is not None and (
        classifier_version(classifier) is not None or python2_classifier(classifier, policy)
    )


def _names_current(lists: list[Display], blocks: list[ast.Constant], policy: Policy) -> bool:
    """True when some classifier anywhere in the file names a Python at or above the minimum."""
    versions = [_classifier_minor(e) for node in lists for e in node.elts]
    versions += [classifier_version(line) for b in blocks for line in str(b.value).splitlines()]
    return any(v is not None and not policy.drops(v) for v in versions)


def _classifier_minor(node: ast.expr) -> Minor | None:
    value = string_value(node)
    return classifier_version(value) if value is not None else None


class _Choice(NamedTuple):
    """Which classifiers of one list go, and which one (if any) becomes the new minimum."""

    removed: list[int]
    retarget: int | None


def _choose(
    classifiers: list[str | None], plain: list[bool], line: int, policy: Policy, plan: _Plan
) -> _Choice | None:
    """Apply the list rule to one list of classifiers (``Python :: 2`` goes along); None when
    it stays as it is."""
    versions = [classifier_version(c) if c is not None else None for c in classifiers]
    dropped = [i for i, v in enumerate(versions) if v is not None and policy.drops(v)]
    python2 = [i for i, c in enumerate(classifiers) if python2_classifier(c, policy)]
    if not dropped and not python2:
        return None
    current = plan.has_current
    if not all(plain[i] for i in dropped + python2):
        plan.notes.append(f"line {line}: classifiers spelled in pieces; drop old ones by hand")
        return None
    if not current and not plan.has_requires:
        # no python_requires and nothing current: an example or a stale file, not the package
        plan.notes.append(f"line {line}: classifiers name only old Pythons; left as is")
        return None
    plan.dropped.update(v for i in dropped if (v := versions[i]))
    retarget = None
    if dropped:
        change = f"classifiers: dropped {join_names([v for i in dropped if (v := versions[i])])}"
        if not current:
            retarget = max(dropped, key=lambda i: (versions[i], i))
            dropped.remove(retarget)
            change += f"; added {policy.minimum}"
        plan.changes.append(change)
    if python2:
        plan.changes.append(f"classifiers: dropped {PYTHON2_CLASSIFIERS}")
    return _Choice(sorted(dropped + python2), retarget)


def _drop_listed(node: Display, source: Source, policy: Policy, plan: _Plan) -> None:
    """Drop old classifiers from a list, tuple or set literal."""
    classifiers = [string_value(e) for e in node.elts]
    plain = [string_body(e, source) is not None for e in node.elts]
    choice = _choose(classifiers, plain, node.lineno, policy, plan)
    if choice is None:
        return
    if choice.retarget is not None:
        span = source.span(node.elts[choice.retarget])
        plan.edits.append(_retarget_classifier(span, source, policy.minimum))
    plan.edits.extend(remove_elements(node, choice.removed, source))


def _drop_lines(node: ast.Constant, source: Source, policy: Policy, plan: _Plan) -> None:
    """Drop old classifiers from a multi-line string: whole lines inside the literal."""
    lines = source.inner_lines(node)
    classifiers: list[str | None] = [source.text[start:end] for start, end, _ in lines]
    choice = _choose(classifiers, [True] * len(lines), node.lineno, policy, plan)
    if choice is None:
        return
    if choice.retarget is not None:
        span = lines[choice.retarget][:2]
        plan.edits.append(_retarget_classifier(span, source, policy.minimum))
    plan.edits.extend(Edit(lines[i][0], lines[i][2], "") for i in choice.removed)


def _retarget_classifier(span: tuple[int, int], source: Source, minimum: Minor) -> Edit:
    match = CLASSIFIER_VERSION_RE.search(source.text, *span)
    assert match is not None  # the span holds exactly one version classifier
    return Edit(match.start(), match.end(), str(minimum))


def _move_guard(guard: Guard, source: Source, policy: Policy, plan: _Plan) -> None:
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


def _message_edits(guard: Guard, source: Source, policy: Policy, plan: _Plan) -> list[Edit]:
    """Move the old floor named in the guard's message to the new minimum.

    A message naming other Pythons too is usually a history ("3.8 was supported up to ...")
    that only its authors can extend, so it is left alone.
    """
    matches = [
        match
        for node in message_strings(guard.body)
        for match in MESSAGE_VERSION_RE.finditer(source.text, *source.span(node))
    ]
    if any(m["version"] != str(guard.version) for m in matches):
        plan.notes.append(f"line {guard.line}: message names several Pythons; update it by hand")
        return []
    return [Edit(m.start(), m.end(), str(policy.minimum)) for m in matches]
