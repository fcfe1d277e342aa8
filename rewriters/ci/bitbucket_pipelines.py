"""Bitbucket Pipelines: ``python:`` images of the pipeline and of its steps, parallel steps.

``image: python:3.9`` (top level, or a step's) moves to an existing tag of the new minimum.
In a ``parallel:`` block, a step for an old version goes when, moved to the minimum, it would
repeat another step apart from its ``name``; otherwise it moves.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(collection_keys=frozenset({"parallel"}))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a ``bitbucket-pipelines.yml``."""
    return engine.rewrite(text, policy, SYSTEM)
