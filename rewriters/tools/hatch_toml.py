"""hatch.toml: Hatch's settings without the ``[tool.hatch]`` prefix.

An environment's ``python = "3.9"`` and its matrix ``python = ["3.9", "3.10"]`` follow the rules
pyproject.toml's ``[tool.hatch.envs.*]`` keys follow (``rewriters.packaging.pyproject``).
"""

from __future__ import annotations

from rewriters.packaging.pyproject import rules_under
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.tools.settings import Rules, apply_rules

HATCH_RULES: Rules = rules_under(("tool", "hatch"))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Apply pyproject's ``[tool.hatch]`` rules to a hatch.toml."""
    return apply_rules(text, policy, HATCH_RULES, "hatch.toml")
