"""Compose files: service ``image:`` values and Python ``build.args`` on a dropped Python.

``image: python:3.9-slim`` moves like a ``FROM`` line (see ``rewriters.containers.images``);
``image: python:${PY:-3.9}`` moves its default. ``build.args`` named for Python
(``PYTHON_VERSION: "3.9"``, ``- PYTHON_VERSION=3.9``, and a dev container's ``VARIANT: 3.9`` in a
file that mentions Python) keep their shape. The top-level ``version: "3.9"`` is the compose
schema version, not Python's, and is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewriters.containers import images
from rewriters.formats import yaml as _yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite, apply_edits
from rewriters.versions import needs_quotes_in_yaml, yaml_quote

_PYTHON_ARG = re.compile(r"(?i)(?:BASE_|DEFAULT_)?PY(?:THON)?(?:[_-]?(?:VER|VERSION|MINOR))?")


@dataclass(kw_only=True)
class _Found(Record):
    """What the rewrite found so far, and the quote the file writes versions with."""

    quote: str  # for a version that must be quoted where the file wrote it plain


def _image(text: str, node: Node, policy: Policy, found: _Found) -> None:
    if not isinstance(node, ScalarNode) or (start := _yaml.value_start(text, node)) is None:
        return
    expanded = images.expand(text, start, start + len(node.value), {})
    retag = images.retag(expanded[0], policy) if expanded else None
    if expanded is None or retag is None:
        return
    placed = [images.place(edit, expanded[1]) for edit in retag.edits]
    edits = [edit for edit in placed if edit is not None]
    images.record(found, retag, edits, f"image: {retag.change}")


def _arg(node: ScalarNode, at: tuple[str, int], value: str, policy: Policy, found: _Found) -> None:
    """One build argument ``name`` whose ``value`` starts at offset ``at[1]``."""
    retag = images.retag_arg(value, policy)
    if retag is None:
        return
    name, start = at
    edits = [Edit(start + e.start, start + e.end, e.new) for e in retag.edits]
    new = apply_edits(value, retag.edits)
    if node.style is None and node.value == value and needs_quotes_in_yaml(new):
        edits = [Edit(start, start + len(value), f"{found.quote}{new}{found.quote}")]
    images.record(found, retag, edits, f"build arg {name}: {retag.change}")


def _args(text: str, node: Node, python_file: bool, policy: Policy, found: _Found) -> None:
    if isinstance(node, MappingNode):
        pairs = [(k, v) for k, v in _yaml.items(node) if isinstance(v, ScalarNode)]
        for key, value in pairs:
            start = _yaml.value_start(text, value)
            if start is not None and _is_python_arg(key, python_file):
                _arg(value, (key, start), value.value, policy, found)
        return
    for item in _yaml.items_of(node):
        if isinstance(item, ScalarNode) and "=" in item.value:
            start = _yaml.value_start(text, item)
            key, value = item.value.split("=", 1)
            if start is not None and _is_python_arg(key, python_file):
                _arg(item, (key, start + len(key) + 1), value, policy, found)


def _is_python_arg(key: str, python_file: bool) -> bool:
    return bool(_PYTHON_ARG.fullmatch(key)) or (python_file and key.upper() == "VARIANT")


def _service(text: str, service: Node, python_file: bool, policy: Policy, found: _Found) -> None:
    image = _yaml.get(service, "image")
    if image is not None:
        _image(text, image, policy, found)
    build = _yaml.get(service, "build")
    args = _yaml.get(build, "args") if build is not None else None
    if args is not None:
        _args(text, args, python_file, policy, found)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move service images and Python build args off the versions ``policy`` drops."""
    found = _Found(quote=yaml_quote(text, policy.facts.quote))
    python_file = "python" in text.lower()
    for document in _yaml.compose(text):
        services = _yaml.get(document, "services")
        for _name, service in _yaml.items(services) if services is not None else []:
            _service(text, service, python_file, policy, found)
    return found.finish(text, _yaml.check_parses)
