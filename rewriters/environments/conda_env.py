"""Conda environment files: the ``python`` entry of the top-level ``dependencies:`` list.

``- python=3.9`` and ``- python 3.9.*`` move to the new minimum in the same shape,
``- python=3.9.18`` to its latest patch, and ``- python>=3.9`` (with any upper bound) gets the
new floor.  Only a YAML document with a top-level ``dependencies:`` list is an environment;
entries of the nested ``- pip:`` list are pip's, not conda's, and stay.

A file named for one Python version (``environment-3.9.yml``, ``ci/requirements-py3.9.yml``)
is rewritten like any other; when it has siblings named for other versions,
``rewriters.repository.version_named`` deletes or renames it instead.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rewriters.formats import yaml as _yaml
from rewriters.formats.yaml import ScalarNode
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite
from rewriters.specifiers import raise_floor
from rewriters.versions import Minor

_ENTRY = re.compile(r"(?P<channel>[\w.-]+::)?python(?P<spec>(?:[\s=<>!~].*)?)", re.DOTALL)
# ``=3.9``, ``==3.9.18``, `` 3.9.*``: one version, conda's fuzzy ``=`` or exact ``==``
_PIN = re.compile(r"(?P<op>\s*==?\s*|\s+)(?P<minor>[23]\.\d{1,2})(?P<rest>\.\*|\.\d+)?\s*")


class _Moved(NamedTuple):
    """A ``python`` entry's new spec, and the minors it no longer allows."""

    spec: str
    dropped: frozenset[Minor]


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the environment's ``python`` entry off the versions ``policy`` drops."""
    found = Record()
    for document in _yaml.compose(text):
        for entry in _yaml.items_of(_yaml.get(document, "dependencies")):
            moved = _python_entry(text, entry, policy) if isinstance(entry, ScalarNode) else None
            if moved is not None:
                edit, old, new, versions = moved
                found.edits.append(edit)
                found.changes.append(f"dependencies: {old} → {new}")
                found.dropped.update(versions)
    return found.finish(text, _yaml.check_parses)


def _value_start(text: str, node: ScalarNode) -> int:
    start = _yaml.scalar_span(text, node)[0]
    return start + 1 if node.style in ("'", '"') else start


def _python_entry(
    text: str, node: ScalarNode, policy: Policy
) -> tuple[Edit, str, str, frozenset[Minor]] | None:
    """The edit for one ``python…`` entry, the entry before and after, and the minors dropped."""
    match = _ENTRY.fullmatch(node.value)
    start = _value_start(text, node)
    if match is None or text[start : start + len(node.value)] != node.value:
        return None
    spec = match["spec"].rstrip()
    moved = _move(spec, policy)
    if moved is None:
        return None
    at = match.start("spec")
    new = node.value[:at] + moved.spec + node.value[at + len(spec) :]
    return Edit(start + at, start + at + len(spec), moved.spec), node.value, new, moved.dropped


def _move(spec: str, policy: Policy) -> _Moved | None:
    pin = _PIN.fullmatch(spec)
    if pin is not None:
        old = Minor.parse(pin["minor"])
        if not policy.drops(old):
            return None
        rest = pin["rest"] or ""
        if rest and rest != ".*":
            rest = "." + policy.latest_patch(policy.minimum).rsplit(".", 1)[1]
        new = f"{pin['op']}{policy.minimum}{rest}"
        return _Moved(new, frozenset({old}))
    raised = raise_floor(spec, policy)
    if raised is None:
        return None
    return _Moved(raised.text, frozenset(policy.minors_between(raised.old_floor)))
