"""uv.toml: the settings of ``[tool.uv]`` without the prefix, rewritten by the same rules.

uv.toml has the structure of pyproject.toml's ``[tool.uv]`` table, so each of its keys gets the
handler pyproject.toml gives the same key under ``[tool.uv]``: ``[pip] python-version``
moves to the new minimum, a dependency no kept Python installs goes (as in pyproject.toml).
``python-preference`` and ``python-downloads`` name no version; ``required-version`` is uv's own.
"""

from __future__ import annotations

from rewriters.packaging.pyproject import rules_under
from rewriters.policy import Policy
from rewriters.result import Rewrite
from rewriters.tools.settings import Rules, apply_rules

UV_RULES: Rules = rules_under(("tool", "uv"))


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Apply pyproject's ``[tool.uv]`` rules to a uv.toml."""
    return apply_rules(text, policy, UV_RULES, "uv.toml")
