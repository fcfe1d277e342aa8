"""GitHub Actions workflows and composite actions: the walk, pinned versions and notes.

A value is a Python version when its key names Python (``python-version``, ``py``,
``PYTHON_VERSION``, ...) and the value reads as a version token; tox env names count under
tox keys (``toxenv: [py39, py310]``). Lists are ``_gha_lists``'s (by ``_gha_plans``'s rules),
per-version path lists in action inputs ``_gha_paths``'s, matrices ``_matrix``'s,
``if:`` conditions and the steps they guard ``_gha_conditions``'s, cibuildwheel selectors
``_gha_wheels``'s. Single pinned versions move to the minimum, with the step or job
``name`` that quotes them. Job containers and service images (``container: python:3.9``) move
to a built tag of the minimum, as in a Dockerfile (``rewriters.containers.images``).
"""

from __future__ import annotations

import re

from rewriters.ci import axes
from rewriters.ci.conditions import follow_names, on_condition, prune_steps
from rewriters.ci.lists import (
    block_list,
    embedded_list,
    list_version,
    report_settled,
    retarget_words,
    spaced_list,
    token_edit,
    version_list,
)
from rewriters.ci.matrix import rewrite_matrix
from rewriters.ci.paths import path_list
from rewriters.ci.wheels import is_wheel_key, rewrite_script, rewrite_setting
from rewriters.ci.work import System, Work, is_python_key, is_tox_key
from rewriters.containers import images
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.rules import stale
from rewriters.versions import Minor, parse_token, yaml_quote

PATTERNS: tuple[str, ...] = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    "action.yml",
    "action.yaml",
)


# keys under an input or option whose own key names Python
_PYTHON_INPUT_PARTS = frozenset({"default", "options"})


SYSTEM = System(workflow=True)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a workflow or composite action."""
    documents = yaml.compose(text)
    work = Work(
        text=text,
        policy=policy,
        system=SYSTEM,
        quote=yaml_quote(text, policy.quote),
        python_keys=axes.python_keys(text, documents, policy),
    )
    for document in documents:
        _walk(work, document, ("",), ())
    return work.finish(text, yaml.check_parses)


def _walk(work: Work, node: Node, path: tuple[str, ...], parents: tuple[MappingNode, ...]) -> None:
    if id(node) in work.seen:
        return  # an alias of a node already handled
    work.seen.add(id(node))
    if isinstance(node, SequenceNode):
        gone = prune_steps(work, node)
        for i, item in enumerate(node.value):
            if i not in gone:
                _walk(work, item, path, parents)
    for key, value in yaml.items(node):
        assert isinstance(node, MappingNode)
        _visit(work, key, value, path, (*parents, node))


def _visit(
    work: Work, key: str, value: Node, path: tuple[str, ...], parents: tuple[MappingNode, ...]
) -> None:
    owner = path[-1]
    if isinstance(value, ScalarNode) and "${{" in value.value:
        _expression_defaults(work, key, value)
    if key == "matrix" and owner == "strategy" and isinstance(value, MappingNode):
        work.seen.add(id(value))
        names = rewrite_matrix(work, value, python_value)
        follow_names(work, parents[-2] if len(parents) > 1 else parents[-1], names)
    elif key == "if" and isinstance(value, ScalarNode):
        on_condition(work, parents[-1], value)
    elif owner == "env" and is_wheel_key(key) and isinstance(value, ScalarNode):
        rewrite_setting(work, parents[-1], key, value)
    elif key == "run" and isinstance(value, ScalarNode):
        rewrite_script(work, value)
    elif key in ("image", "container") and isinstance(value, ScalarNode):
        _image(work, value)
    elif work.is_python_key(key) or (key in _PYTHON_INPUT_PARTS and work.is_python_key(owner)):
        python_value(work, key, value, owner, parents)
    elif is_tox_key(key) and isinstance(value, ScalarNode):
        embedded_list(work, key, value, "tox")
    elif owner == "with" and isinstance(value, ScalarNode):
        path_list(work, key, value)
    else:
        _walk(work, value, (*path, key), parents)


# a quoted literal inside ``${{ … }}``: ``${{ matrix.interpreter || '3.9 3.10 3.11' }}``
_EXPRESSION_RE = re.compile(r"\$\{\{(?:[^}]|\}(?!\}))*\}\}")
_LITERAL_RE = re.compile(r"'([^'\n]*)'")


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


def _image(work: Work, node: ScalarNode) -> None:
    """A job's ``container:`` or a service's ``image:`` on a dropped Python gets a built tag."""
    retag = images.retag_scalar(work.text, node, work.policy)
    if retag is None:
        return
    work.notes.extend(retag.notes)
    if retag.edits:
        work.edits.extend(retag.edits)
        work.changes.append(f"line {work.line(node)}: image {retag.change}")
        work.dropped.add(retag.old)


def python_value(
    work: Work, key: str, node: Node, owner: str, parents: tuple[MappingNode, ...]
) -> None:
    if isinstance(node, SequenceNode):
        version_list(work, key, node, "python")
    elif isinstance(node, ScalarNode) and node.style == "|":
        block_list(work, key, node)
    elif isinstance(node, ScalarNode):
        if _single(work, key, node, owner, parents):
            return
        start = yaml.value_start(work.text, node)
        if start is not None and axes.spaced_versions(node.value, work.policy):
            spaced_list(work, key, start, start + len(node.value), "python")
        else:
            embedded_list(work, key, node, "python")
    else:
        _walk(work, node, (key,), parents)


def _single(
    work: Work, key: str, node: ScalarNode, owner: str, parents: tuple[MappingNode, ...]
) -> bool:
    """Move a pinned version to the new minimum (in a changed matrix, a pre-release of a
    released minor to its release); True when ``node`` is a version at all."""
    token = parse_token(node.value.strip())
    if token is None:
        return False
    if work.settle and stale(token, work.policy):
        new = str(token.version)
        work.edits.append(token_edit(work, node, str(token), new, work.quote))
        report_settled(work, key, [str(token)], [])
    elif work.drops(token.version):
        new = work.new(token)
        work.edits.append(token_edit(work, node, str(token), new, work.quote))
        work.changes.append(f"{key}: {token} → {new}")
        work.dropped.add(token.version)
        if owner in ("with", "env") and len(parents) >= 2:
            _rename(work, parents[-2], {token.version})
    return True


def _rename(work: Work, mapping: MappingNode, versions: set[Minor]) -> None:
    """A step or job ``name`` that says the version it pins follows the new version."""
    name = yaml.get(mapping, "name")
    if isinstance(name, ScalarNode) and name.style in (None, "'", '"'):
        new = retarget_words(work, name.value, versions)
        if new != name.value:
            work.edits.append(yaml.replace_scalar(work.text, name, new, ""))


__all__ = ["PATTERNS", "is_python_key", "is_tox_key", "list_version", "rewrite"]
