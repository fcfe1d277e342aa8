"""mypy.ini and .mypy.ini: ``[mypy] python_version`` moves up to the new minimum."""

from __future__ import annotations

from collections.abc import Sequence

from rewriters import _ini
from rewriters._ini import Plan, Section
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.versions import parse_token, retarget

PATTERNS: tuple[str, ...] = ("mypy.ini", ".mypy.ini")


def rewrite_python_version(sections: Sequence[Section], policy: Policy, plan: Plan) -> None:
    """``[mypy] python_version = 3.9`` → the new minimum, spelled the same way."""
    for section in sections:
        entry = section.get("python_version") if section.name == "mypy" else None
        if entry is None:
            continue
        value = _ini.first_value(entry)
        token = parse_token(value.text)
        if token is None or token.prefix or not policy.drops(token.version):
            continue
        new = retarget(token, policy.minimum, policy.latest_patch)
        plan.edits.append(Edit(value.start, value.end, new))
        plan.dropped.add(token.version)
        plan.change(f"[mypy] python_version: {value.text} → {new}")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move mypy's target version up to the policy's minimum."""
    plan = Plan()
    rewrite_python_version(_ini.scan(text), policy, plan)
    return plan.finish(text)
