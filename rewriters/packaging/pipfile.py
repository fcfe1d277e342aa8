"""Pipfile (pipenv): the ``[requires]`` pins ``python_version`` and ``python_full_version``.

Both are single pins: ``python_version = "3.9"`` moves to the new minimum and
``python_full_version = "3.9.18"`` to the latest patch of the new minimum.  Package entries are
never touched.
"""

from __future__ import annotations

from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.tools.settings import Rules, apply_rules, pin

RULES: Rules = ((("requires", "python_version"), pin), (("requires", "python_full_version"), pin))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the ``[requires]`` Python pins of a Pipfile to the new minimum."""
    return apply_rules(text, policy, RULES, "Pipfile")
