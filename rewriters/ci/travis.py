"""Travis CI: ``python:`` lists, ``env`` tox lists, include, exclude and allow_failures entries.

The top-level ``python:`` list and ``env:`` lists (``TOXENV=py39``) follow the list rule; a single
``python: "3.9"`` moves to the new minimum (a ``3.9-dev`` build becomes the plain release).
``include`` entries pinned to an old version move, or go when they would repeat another entry;
``exclude`` and ``allow_failures`` entries for old versions go, and the key with them when none
is left (and ``matrix:`` when that was all it held).
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(
    env_keys=frozenset({"env", "global", "jobs", "matrix"}),
    collection_keys=frozenset({"include", "exclude", "allow_failures"}),
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a ``.travis.yml``."""
    return engine.rewrite(text, policy, SYSTEM)
