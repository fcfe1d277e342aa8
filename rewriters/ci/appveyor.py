"""AppVeyor: ``environment.matrix`` entries and Windows Python paths.

An ``environment.matrix`` entry for an old version (``PYTHON: "C:\\Python39-x64"``,
``PYTHON_VERSION: "3.9"``, ``PY: 39-x64``) goes when, moved to the new minimum, it would
repeat another entry (names such as ``ID`` or ``APPVEYOR_JOB_NAME`` aside); otherwise it
moves, keeping the path's spelling (``C:\\Python311-x64``). ``matrix: exclude`` and
``allow_failures`` entries for old versions go. Values are written unquoted as the file had them.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(
    collection_keys=frozenset({"matrix", "exclude", "allow_failures"}),
    name_keys=frozenset({"name", "ID", "APPVEYOR_JOB_NAME", "JOB_NAME"}),
    quote_floats=False,
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from an AppVeyor config."""
    return engine.rewrite(text, policy, SYSTEM)
