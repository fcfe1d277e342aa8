"""uv.toml: the settings of ``[tool.uv]`` without the prefix, rewritten by the same rules.

uv.toml has the structure of pyproject.toml's ``[tool.uv]`` table, so each of its keys gets the
handler ``rewriters.pyproject`` gives the same key under ``[tool.uv]``: ``[pip] python-version``
moves to the new minimum, dependency lists have their ``python_version`` markers checked.
``python-preference`` and ``python-downloads`` name no version; ``required-version`` is uv's own.
"""

from __future__ import annotations

from rewriters import _toml
from rewriters._pyproject_tools import Handler, Out
from rewriters.policy import Policy
from rewriters.pyproject import RULES
from rewriters.result import BrokenOutput, Rewrite, UnparsableInput, apply_edits

PATTERNS: tuple[str, ...] = ("uv.toml",)

PREFIX = ("tool", "uv")
UV_RULES = tuple((key[len(PREFIX) :], h) for key, h in RULES if key[: len(PREFIX)] == PREFIX)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Apply pyproject's ``[tool.uv]`` rules to a uv.toml."""
    _toml.load(text)
    out = Out(policy)
    for entry in _toml.entries(text):
        handler = _handler_for(entry.path)
        if handler is not None:
            handler(out, text, entry)
    if not out.edits:
        return None
    new = _checked(apply_edits(text, out.edits))
    return Rewrite(new, tuple(out.changes), tuple(out.notes), frozenset(out.dropped))


def _handler_for(path: tuple[str, ...]) -> Handler | None:
    for pattern, handler in UV_RULES:
        if len(pattern) == len(path) and all(
            p in {"*", k} for p, k in zip(pattern, path, strict=True)
        ):
            return handler
    return None


def _checked(new: str) -> str:
    try:
        _toml.load(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"uv.toml no longer parses: {error}") from None
    return new
