"""Azure Pipelines: ``strategy.matrix`` entries, ``UsePythonVersion`` and tox env lists.

A matrix entry for an old version (``Python39: {python.version: '3.9'}``) goes when, moved to
the new minimum, it would repeat another entry; otherwise it moves and its name follows
(``linux-py39`` → ``linux-py311``). ``versionSpec: '3.9'`` (also ``3.9.x``) moves. Lists such
as ``toxenvs: [py39, py310]`` follow the list rule. Azure reads every variable as a string, so
``3.10`` is written unquoted as the file had it.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(
    collection_keys=frozenset({"matrix"}),
    pins_under={"inputs": frozenset({"versionSpec"})},
    quote_floats=False,
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from an Azure Pipelines file."""
    return engine.rewrite(text, policy, SYSTEM)
