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
from collections.abc import Iterator

from rewriters.ci.conditions import follow_names, on_condition, prune_steps
from rewriters.ci.lists import (
    block_list,
    embedded_list,
    list_version,
    report_settled,
    retarget_words,
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

# ``ci/environment-${{ matrix.environment }}.yaml``: a file path built from a matrix value
_FILE_TEMPLATE_RE = re.compile(r"[\w./-]*\$\{\{\s*matrix\.([\w-]+)\s*\}\}[\w-]*\.[A-Za-z]\w*")
_BARE_MINOR_RE = re.compile(r"3\.\d{1,2}")

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
        python_keys=templated_python_keys(text, documents, policy),
    )
    for document in documents:
        _walk(work, document, ("",), ())
    return work.finish(text, yaml.check_parses)


def templated_python_keys(text: str, documents: list[Node], policy: Policy) -> frozenset[str]:
    """Matrix keys that pick a file named for a Python version although their names do not say
    Python: ``environment: ["3.9", "3.10"]`` used as ``ci/environment-${{ matrix.environment
    }}.yaml``. Every value must read ``3.N``, one dropped and one kept."""
    used = set(_FILE_TEMPLATE_RE.findall(text))
    keys = set()
    for matrix in (m for document in documents for m in _matrices(document)):
        for key, value in yaml.items(matrix):
            values = [item.value for item in yaml.items_of(value) if isinstance(item, ScalarNode)]
            minors = [Minor.parse(v) for v in values if _BARE_MINOR_RE.fullmatch(v)]
            if key in used and minors and len(minors) == len(yaml.items_of(value)):
                if any(policy.drops(v) for v in minors) and not all(map(policy.drops, minors)):
                    keys.add(key)
    return frozenset(keys)


def _matrices(node: Node) -> Iterator[MappingNode]:
    for key, value in yaml.items(node):
        if key == "matrix" and isinstance(value, MappingNode):
            yield value
        yield from _matrices(value)
    for item in yaml.items_of(node):
        yield from _matrices(item)


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
        if not _single(work, key, node, owner, parents):
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
