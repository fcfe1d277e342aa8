"""GitHub Actions workflows and composite actions.

A workflow is read by the one CI engine (``rewriters.ci.engine``) with what is a workflow's
own switched on: ``strategy.matrix`` with its include and exclude entries, ``if:`` conditions
and the steps they guard, per-version path lists in action inputs, and the step or job
``name`` that quotes a version a ``with:`` or ``env:`` pin moved.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(collection_keys=frozenset(), workflow=True)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a workflow or composite action."""
    return engine.rewrite(text, policy, SYSTEM)
