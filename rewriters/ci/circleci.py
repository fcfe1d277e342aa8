"""CircleCI: ``cimg/python`` images, matrix parameters, orb executor versions, workflow jobs.

``cimg/python:3.9`` (and the retired ``circleci/python``) move to a ``cimg/python`` tag that
exists for the new minimum. Matrix parameters (``python-version: [...]``, ``version: [...]``)
follow the list rule; ``exclude`` entries for old versions go. An executor's ``version`` or
``tag`` (``executor: {name: python/default, tag: "3.9"}``) moves. Workflow job invocations
pinned to an old version move, or go when they would repeat another invocation.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

_VERSION_KEYS = frozenset({"version", "tag"})

SYSTEM = engine.System(
    collection_keys=frozenset({"jobs", "exclude"}),
    pins_under={"executor": _VERSION_KEYS, "parameters": _VERSION_KEYS, "exclude": _VERSION_KEYS},
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a CircleCI config."""
    return engine.rewrite(text, policy, SYSTEM)
