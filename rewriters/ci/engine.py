"""The one rewrite of every CI system's YAML: one walk, the same answer to the same shape.

Each CI system module gives a ``System`` saying what is its own (its paths are the registry's); this
module walks the file and finds, wherever they are:

- a Python value: one version (``PYTHON_VERSION: "3.9"``, ``python: 3.9``,
  ``PYTHON: C:\\Python39-x64``) moves to the new minimum in the same spelling; a list, a ``|``
  block, a JSON list inside a string or a space-separated string of versions follows the one
  list rule (``rewriters.rules.shrink``, written by ``rewriters.ci.lists``);
- tox envs (``toxenv: py39``, ``toxenvs: [py39, py310]``) and environment assignments
  (Travis ``env: TOXENV=py39 PYTHON=3.9``), the same way;
- an image naming Python (``python:3.9-slim``, ``cimg/python:3.9``): the tag moves to one
  that is built (``rewriters.containers.images``);
- cibuildwheel selectors in variables and scripts (``rewriters.ci.wheels``);
- interpreter names in the scripts of a job that runs on one dropped Python (``python3.9 -m
  pip``), which follow its pin (``rewriters.ci.interpreters``);
- entries: matrix entries, include entries, GitLab jobs, Azure ``strategy.matrix`` entries:
  an entry pinning an old version moves to the new minimum with its name, or goes when it would
  repeat another entry (``rewriters.ci.entries``);
- in a GitHub Actions workflow (``System.workflow``) also ``strategy.matrix``
  (``rewriters.ci.matrix``), ``if:`` conditions and the steps they guard
  (``rewriters.ci.conditions``) and per-version path lists in action inputs
  (``rewriters.ci.paths``).

Which key names Python is decided in ``rewriters.ci.work`` and ``rewriters.ci.axes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from rewriters.ci import axes, interpreters, wheels
from rewriters.ci.conditions import follow_names, on_condition, prune_steps
from rewriters.ci.entries import collection, record_parents
from rewriters.ci.lists import (
    block_list,
    embedded_list,
    report_settled,
    retarget_words,
    spaced_list,
    token_edit,
    version_list,
)
from rewriters.ci.matrix import rewrite_matrix
from rewriters.ci.paths import path_list
from rewriters.ci.values import (
    DEFAULT_KEYS,
    OLDEST_GUESSED,
    Spot,
    python_spots,
    spot_edits,
    spots,
)
from rewriters.ci.work import SCRIPT_KEYS, Place, Role, System, Work, is_python_key
from rewriters.containers import images
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.rules import stale
from rewriters.versions import Minor, parse_token, yaml_quote

__all__ = ["System", "rewrite"]

# a quoted literal inside ``${{ … }}``: ``${{ matrix.interpreter || '3.9 3.10 3.11' }}``
_EXPRESSION_RE = re.compile(r"\$\{\{(?:[^}]|\}(?!\}))*\}\}")
_LITERAL_RE = re.compile(r"'([^'\n]*)'")


def rewrite(text: str, policy: Policy, system: System) -> Rewrite | None:
    """Drop end-of-life Pythons from a CI file of ``system``."""
    documents = yaml.compose(text)
    work = Work(
        text=text,
        policy=policy,
        system=system,
        quote=yaml_quote(text, policy.facts.quote),
        python_keys=axes.python_keys(text, documents, policy),
    )
    for index, document in enumerate(documents):
        record_parents(document, work.parents)
        place = Place((index,), (), "")
        if system.root_jobs_except is not None and isinstance(document, MappingNode):
            root = Place((index,), (document,), "")
            collection(work, document, "", place, _walk, _not_a_job(work, root))
        else:
            _walk(work, document, place)
        interpreters.follow(work, document)
    return work.finish(text, yaml.check_parses)


def _not_a_job(work: Work, root: Place) -> Callable[[str, Node], bool]:
    """At a GitLab root, keywords and non-mappings are not jobs: they are visited instead."""
    keywords = work.system.root_jobs_except or frozenset()

    def skip(name: str, value: Node) -> bool:
        if name in keywords or not isinstance(value, MappingNode):
            _visit(work, name, value, root)
            return True
        return False

    return skip


def _walk(work: Work, node: Node, place: Place) -> None:
    if id(node) in work.seen:
        return  # an alias of a node already handled
    work.seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(work, item, place.item(index))
        return
    if not isinstance(node, MappingNode):
        return
    inside = Place(place.path, (*place.parents, node), _declared_name(work, node) or place.owner)
    for key, value in yaml.items(node):
        if key != "<<":  # merged from an anchor, handled where the anchor is written
            _visit(work, key, value, inside)


def _declared_name(work: Work, node: Node) -> str | None:
    """A declared parameter's name (Azure ``- name: pythonVersions``) when it names Python."""
    name = yaml.get(node, "name")
    if isinstance(name, ScalarNode) and work.is_python_key(name.value):
        return str(name.value)
    return None


def _visit(work: Work, key: str, value: Node, place: Place) -> None:
    """One key of the mapping ``place.parents[-1]``, whose keys belong to ``place.owner``."""
    owner = place.owner
    if key in DEFAULT_KEYS and work.is_python_key(owner):
        key = owner  # an input or parameter named for Python: its default is a version
    if isinstance(value, ScalarNode) and "${{" in value.value:
        _expression_defaults(work, key, value)
    if work.system.workflow and _workflow(work, key, value, place):
        return
    if wheels.setting(work, place.parents[-1], key, owner, value):
        pass
    elif key in SCRIPT_KEYS and wheels.rewrite_script(work, value):
        _walk(work, value, place.down(key))  # the mapping items of a script list (``- ps: ...``)
    elif key in ("image", "container") and _image(work, key, value):
        pass
    elif key in work.system.collection_keys and _is_collection(value):
        collection(work, value, key, place.down(key), _walk)
    elif (role := work.role(key, owner)) is not None:
        _versions(work, key, value, role, place)
    else:
        _walk(work, value, place.down(key))


def _workflow(work: Work, key: str, value: Node, place: Place) -> bool:
    """A workflow's own shapes; True when ``value`` was handled."""
    if key == "matrix" and place.owner == "strategy" and isinstance(value, MappingNode):
        work.seen.add(id(value))
        names = rewrite_matrix(work, value, python_value)
        parents = place.parents
        follow_names(work, parents[-2] if len(parents) > 1 else parents[-1], names)
    elif key == "if" and isinstance(value, ScalarNode):
        on_condition(work, place.parents[-1], value)
    elif key == "steps" and _is_collection(value):
        work.seen.add(id(value))
        assert isinstance(value, SequenceNode)
        dead = {id(value.value[i]) for i in prune_steps(work, value)}
        collection(work, value, key, place.down(key), _walk, lambda _, step: id(step) in dead)
    elif (
        place.owner == "with"
        and isinstance(value, ScalarNode)
        and work.role(key, place.owner) is None
    ):
        wheels.rewrite_env_lines(work, value)
        path_list(work, key, value)
    else:
        return False
    return True


def _is_collection(node: Node) -> bool:
    if isinstance(node, SequenceNode):
        return bool(node.value) and all(isinstance(n, MappingNode) for n in node.value)
    values = [v for _, v in yaml.items(node)]
    return bool(values) and all(isinstance(v, MappingNode) for v in values)


def _versions(work: Work, key: str, value: Node, role: Role, place: Place) -> None:
    """A value under a key that names versions in ``role``."""
    if role == "env":  # Travis ``env:`` strings may assign cibuildwheel selectors too
        wheels.rewrite_script(work, value)
    if role == "python":
        python_value(work, key, value, place.owner, place.parents, place)
    elif isinstance(value, SequenceNode):
        version_list(work, key, value, role)
    elif isinstance(value, ScalarNode):
        _named_words(work, key, value, role, place.owner)
    else:
        _walk(work, value, place.down(key))


def python_value(
    work: Work,
    key: str,
    node: Node,
    owner: str,
    parents: tuple[MappingNode, ...],
    place: Place | None = None,
) -> None:
    """A value under a Python key: one version, or a list of them in any of its spellings."""
    place = place or Place((), parents, owner)
    if isinstance(node, SequenceNode):
        version_list(work, key, node, "python")
    elif isinstance(node, ScalarNode) and node.style == "|":
        block_list(work, key, node)
    elif isinstance(node, ScalarNode):
        if _pin(work, key, node, place):
            return
        start = yaml.value_start(work.text, node)
        if start is not None and axes.spaced_versions(node.value, work.policy):
            spaced_list(work, key, start, start + len(node.value), "python")
        else:
            embedded_list(work, key, node, "python")
    else:
        _walk(work, node, place.down(key))


def _pin(work: Work, key: str, node: ScalarNode, place: Place) -> bool:
    """Move a pinned version to the new minimum (in a changed matrix, a pre-release of a
    released minor to its release); True when ``node`` is a version at all.

    A version under a key that is not named for Python (``executor: {version: ...}``, or a key
    that holds Python versions elsewhere in the file) is only trusted from 3.5 up: other
    tools' versions (CircleCI's ``version: 2.1``, .NET 3.1) stay below it.
    """
    found = python_spots(node.value, work.policy)
    if not is_python_key(key):
        found = [spot for spot in found if spot.old >= OLDEST_GUESSED]
    if not found:
        return False
    token = parse_token(node.value.strip())
    if token is not None and work.settle and stale(token, work.policy):
        new = str(token.version)
        work.edits.append(token_edit(work, node, str(token), new, work.quote))
        report_settled(work, key, [str(token)], [])
        return True
    old = [spot for spot in found if work.drops(spot.old)]
    if old:
        _moved(work, key, node, old, place)
    return True


def _moved(work: Work, key: str, node: ScalarNode, found: list[Spot], place: Place) -> None:
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
    versions = {spot.old for spot in found}
    work.pins |= versions
    work.dropped |= versions
    if work.system.workflow and place.owner in ("with", "env") and len(place.parents) >= 2:
        _rename(work, place.parents[-2], versions)


def _named_words(
    work: Work, key: str, node: ScalarNode, role: Literal["tox", "env"], owner: str
) -> None:
    """tox envs or assignments in one scalar: a list of several (``py39,py310``, ``[...]``)
    follows the list rule, a single one moves."""
    if role == "tox" and "[" in node.value:
        embedded_list(work, key, node, "tox")
        return
    start = yaml.value_start(work.text, node)
    if role == "tox" and len(node.value.replace(",", " ").split()) > 1:
        if start is not None:
            spaced_list(work, key, start, start + len(node.value), "tox")
        return
    found = spots(role, node.value, work.policy)
    if found:
        _moved(work, key, node, found, Place((), (), owner))


def _expression_defaults(work: Work, key: str, node: ScalarNode) -> None:
    """Version lists written as string literals in expressions follow the list rule."""
    start = yaml.value_start(work.text, node)
    if start is None:
        return
    for expression in _EXPRESSION_RE.finditer(node.value):
        for literal in _LITERAL_RE.finditer(expression[0]):
            if axes.spaced_versions(literal[1], work.policy):
                at = start + expression.start() + literal.start(1)
                spaced_list(work, key, at, at + len(literal[1]), "python")


def _image(work: Work, key: str, node: Node) -> bool:
    """``image: python:3.9``, ``image: {name: python:3.9}``, ``container: python:3.9``: the tag
    moves to one built for the minimum; True when ``node`` was an image reference."""
    if isinstance(node, MappingNode) and key == "image":
        node = yaml.get(node, "name") or node
    if not isinstance(node, ScalarNode):
        return False
    retag = images.retag_scalar(work.text, node, work.policy)
    if retag is None:
        return True
    images.record(work, retag, retag.edits, f"line {work.line(node)}: image {retag.change}")
    if retag.edits:
        work.pins.add(retag.old)
    return True


def _rename(work: Work, mapping: MappingNode, versions: set[Minor]) -> None:
    """A step or job ``name`` that says the version it pins follows the new version."""
    name = yaml.get(mapping, "name")
    if isinstance(name, ScalarNode) and name.style in (None, "'", '"'):
        new = retarget_words(work, name.value, versions)
        if new != name.value:
            work.edits.append(yaml.replace_scalar(work.text, name, new, ""))
