"""Pipfile (pipenv): the ``[requires]`` pins ``python_version`` and ``python_full_version``.

Both are single pins: ``python_version = "3.9"`` moves to the new minimum and
``python_full_version = "3.9.18"`` to the latest patch of the new minimum.  Package entries are
never touched.
"""

from __future__ import annotations

from rewriters import _toml
from rewriters._pyproject_tools import Out, pin
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Rewrite, UnparsableInput, apply_edits

PATTERNS: tuple[str, ...] = ("Pipfile",)

PINS = frozenset({("requires", "python_version"), ("requires", "python_full_version")})


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the ``[requires]`` Python pins of a Pipfile to the new minimum."""
    _toml.load(text)
    out = Out(policy)
    for entry in _toml.entries(text):
        if entry.path in PINS:
            pin(out, text, entry)
    if not out.edits:
        return None
    new = _checked(apply_edits(text, out.edits))
    return Rewrite(new, tuple(out.changes), tuple(out.notes), frozenset(out.dropped))


def _checked(new: str) -> str:
    try:
        _toml.load(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"Pipfile no longer parses: {error}") from None
    return new
