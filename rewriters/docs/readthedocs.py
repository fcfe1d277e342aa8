"""Read the Docs configuration: the Python a documentation build runs on.

``build.tools.python: "3.9"`` (config v2) and ``python.version: 3.9`` (v1, and early v2) move
to the new minimum in the same spelling; an unquoted value that YAML would read as a float
(``3.10`` is 3.1) gets the quotes the file, or else the repository, writes versions with.
``"3"``, ``"mambaforge-4.10"`` and friends are not a minor and stay.
"""

from __future__ import annotations

from rewriters.formats import yaml as _yaml
from rewriters.formats.yaml import Node, ScalarNode
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite
from rewriters.versions import (
    Token,
    needs_quotes_in_yaml,
    parse_token,
    retarget,
    yaml_quote,
)

_KEYS = (("build", "tools", "python"), ("python", "version"))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the documentation build's Python off a version ``policy`` drops."""
    found = Record()
    for document in _yaml.compose(text):
        for keys in _KEYS:
            node = _lookup(document, keys)
            moved = _retarget(text, node, policy) if isinstance(node, ScalarNode) else None
            if moved is not None:
                edit, token, new = moved
                found.edits.append(edit)
                found.changes.append(f"{'.'.join(keys)}: {token} → {new}")
                found.dropped.add(token.version)
    return found.finish(text, _yaml.check_parses)


def _lookup(node: Node | None, keys: tuple[str, ...]) -> Node | None:
    for key in keys:
        node = None if node is None else _yaml.get(node, key)
    return node


def _retarget(text: str, node: ScalarNode, policy: Policy) -> tuple[Edit, Token, str] | None:
    """The edit moving a scalar version to the minimum, the old token and the new value."""
    value = node.value.strip()
    token = parse_token(value)
    if token is None or token.prefix or not policy.drops(token.version):
        return None
    start, end = _yaml.scalar_span(text, node)
    at = text.find(value, start, end)
    if at < 0:
        return None  # written with escapes
    new = retarget(token, policy.minimum, policy.latest_patch)
    plain = node.style is None and needs_quotes_in_yaml(new)  # 3.10 would read as a float
    quote = yaml_quote(text, policy.facts.quote) if plain else ""
    return Edit(at, at + len(value), f"{quote}{new}{quote}"), token, new
