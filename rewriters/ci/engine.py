"""The rewrite shared by every CI system's YAML other than GitHub Actions.

Each CI kind module describes its file with a ``Rules`` value; this module walks the YAML and
finds four shapes:

- a Python key holding one version (``PYTHON_VERSION: "3.9"``, ``python: 3.9``,
  ``PYTHON: C:\\Python39-x64``): the version moves to the new minimum in the same spelling;
- a Python, tox or environment list (``python: ["3.9", "3.12"]``, ``toxenvs: [py39]``,
  ``env: [TOXENV=py39]``): old versions go; a list that tested its oldest supported CPython
  keeps testing the oldest one, so when no entry sits at the new minimum the newest old one
  moves there instead of going;
- an image naming Python (``python:3.9-slim``, ``cimg/python:3.9``): the tag moves, checked
  against the shipped tag lists (``rewriters.containers.images``);
- entries: matrix entries, include entries, and whatever else a kind lists as a collection
  (GitLab jobs, AppVeyor ``environment.matrix``). An entry pinning an old version moves to the
  new minimum, with its name, unless it would then repeat another entry: then the whole entry
  goes. ``exclude`` and ``allow_failures`` entries for old versions always go.

Values are read in ``rewriters.ci.values``, entries handled in ``rewriters.ci.entries``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rewriters.ci import axes
from rewriters.ci.entries import collection, record_parents
from rewriters.ci.lists import spaced_list, version_list
from rewriters.ci.values import (
    DEFAULT_KEYS,
    OLDEST_GUESSED,
    Path,
    load,
    spot_edits,
    spots,
)
from rewriters.ci.work import System, Work, is_python_key
from rewriters.containers import images
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.versions import yaml_quote

__all__ = ["System", "rewrite"]


def rewrite(text: str, policy: Policy, system: System) -> Rewrite | None:
    """Drop end-of-life Pythons from a CI file of ``system``."""
    documents = yaml.compose(text)
    work = Work(
        text=text,
        policy=policy,
        system=system,
        quote=yaml_quote(text, policy.quote),
        python_keys=axes.python_keys(text, documents, policy),
    )
    data = load(text)
    for index, document in enumerate(documents):
        record_parents(document, work.parents)
        if system.root_jobs_except is not None and isinstance(document, MappingNode):
            skip = _not_a_job(work, (index,), data)
            collection(work, document, "", (index,), data, _walk, skip)
        else:
            _walk(work, document, "", (index,), data)
    return work.finish(text, load)


def _not_a_job(work: Work, path: Path, data: list[Any]) -> Callable[[str, Node], bool]:
    """At a GitLab root, keywords and non-mappings are not jobs: they are visited instead."""
    keywords = work.system.root_jobs_except or frozenset()

    def skip(name: str, value: Node) -> bool:
        if name in keywords or not isinstance(value, MappingNode):
            _visit(work, name, value, "", (*path, name), data)
            return True
        return False

    return skip


def _walk(work: Work, node: Node, key: str, path: Path, data: list[Any]) -> None:
    if isinstance(node, SequenceNode):
        _sequence(work, node, key, path, data)
        return
    owner = _declared_name(node) or key
    for child_key, value in yaml.items(node):
        if child_key == "<<":
            continue  # merged from an anchor, handled where the anchor is written
        _visit(work, child_key, value, owner, (*path, child_key), data)


def _declared_name(node: Node) -> str | None:
    """A declared parameter's name (Azure ``- name: pythonVersions``) when it names Python."""
    name = yaml.get(node, "name")
    if isinstance(name, ScalarNode) and is_python_key(name.value):
        return str(name.value)
    return None


def _visit(work: Work, key: str, value: Node, owner: str, path: Path, data: list[Any]) -> None:
    if key in DEFAULT_KEYS and is_python_key(owner):
        key = owner  # an input or parameter named for Python: its default is a version
    if key == "image":
        _image(work, value)
    elif isinstance(value, ScalarNode):
        _scalar(work, key, value, owner)
    elif key in work.system.collection_keys and _is_collection(value):
        collection(work, value, key, path, data, _walk)
    elif isinstance(value, SequenceNode):
        _sequence(work, value, key, path, data, owner)
    else:
        _walk(work, value, key, path, data)


def _is_collection(node: Node) -> bool:
    if isinstance(node, SequenceNode):
        return bool(node.value) and all(isinstance(n, MappingNode) for n in node.value)
    values = [v for _, v in yaml.items(node)]
    return bool(values) and all(isinstance(v, MappingNode) for v in values)


def _sequence(
    work: Work, seq: SequenceNode, key: str, path: Path, data: list[Any], owner: str = ""
) -> None:
    role = work.role(key, owner)
    if role is not None:
        version_list(work, key, seq, role)
    for index, item in enumerate(seq.value):
        if not isinstance(item, ScalarNode):
            _walk(work, item, key, (*path, index), data)


def _scalar(work: Work, key: str, node: ScalarNode, owner: str) -> None:
    role = work.role(key, owner)
    start = yaml.value_start(work.text, node)
    if role == "python" and start is not None and axes.spaced_versions(node.value, work.policy):
        spaced_list(work, key, start, start + len(node.value), "python")
        return
    found = spots(role, node.value, work.policy)
    if role == "python" and not is_python_key(key):
        found = [spot for spot in found if spot.old >= OLDEST_GUESSED]
    if not found:
        return
    edits = spot_edits(work, node, found)
    if edits is None:
        work.notes.append(
            f"line {work.line(node)}: `{key}` names Python {found[0].old}; update it by hand"
        )
        return
    work.edits += edits
    old = ", ".join(dict.fromkeys(node.value[s.start : s.end] for s in found))
    new = ", ".join(dict.fromkeys(s.new for s in found))
    work.changes.append(f"{key}: {old} → {new}")
    work.pins |= {spot.old for spot in found}
    work.dropped |= {spot.old for spot in found}


def _image(work: Work, node: Node) -> None:
    """``image: python:3.9`` or ``image: {name: python:3.9}``."""
    if isinstance(node, MappingNode):
        node = yaml.get(node, "name") or node
    if not isinstance(node, ScalarNode):
        return
    retag = images.retag_scalar(work.text, node, work.policy)
    if retag is None:
        return
    work.notes += retag.notes
    if not retag.edits:
        return
    work.edits += retag.edits
    work.changes.append(f"image: {retag.change}")
    work.pins.add(retag.old)
    work.dropped.add(retag.old)
