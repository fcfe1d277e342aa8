"""ruff.toml and .ruff.toml: ruff's settings without the ``[tool.ruff]`` prefix.

``target-version = "py39"`` moves to the new minimum by the rule pyproject.toml's
``[tool.ruff] target-version`` follows (``rewriters.packaging.pyproject``).
"""

from __future__ import annotations

from rewriters.packaging.pyproject import rules_under
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.tools.settings import Rules, apply_rules

RUFF_RULES: Rules = rules_under(("tool", "ruff"))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Apply pyproject's ``[tool.ruff]`` rules to a ruff.toml."""
    return apply_rules(text, policy, RUFF_RULES, "ruff.toml")
