"""Placeholder: being written."""

from __future__ import annotations

from rewriters.policy import Policy
from rewriters.result import Rewrite

PATTERNS: tuple[str, ...] = ()


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    return None
