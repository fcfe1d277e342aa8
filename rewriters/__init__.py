"""Pure text-in/text-out editors that drop end-of-life Pythons, one module per file kind.

``rewrite(path, text, policy)`` is the one entry point the App uses.
"""

from __future__ import annotations

from rewriters.policy import Policy
from rewriters.registry import SKIPPED_DIRS, claims, owner_of
from rewriters.result import BrokenOutput, Rewrite, UnparsableInput

__all__ = [
    "SKIPPED_DIRS",
    "BrokenOutput",
    "Policy",
    "Rewrite",
    "UnparsableInput",
    "claims",
    "rewrite",
]


def rewrite(path: str, text: str, policy: Policy) -> Rewrite | None:
    """Rewrite ``text`` of the file at ``path``; None when it is not ours or nothing changes.

    Raises ``UnparsableInput`` (naming ``path``) for a file its rewriter cannot parse.
    """
    module = owner_of(path)
    if module is None:
        return None
    try:
        result = module.rewrite(text, policy)
    except UnparsableInput as error:
        raise UnparsableInput(path, error.line, error.reason) from None
    return result
