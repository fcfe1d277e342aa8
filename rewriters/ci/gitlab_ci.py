"""GitLab CI: images, ``parallel: matrix:`` lists, Python variables, and jobs named after versions.

Rules (see ``rewriters.ci.engine`` for the shapes every CI kind shares):

- ``image: python:3.9`` (or ``image: {name: ...}``) moves to an existing tag of the new minimum;
  ``python:$PYTHON_VERSION`` is left alone and the variable moves instead.
- ``parallel: matrix:`` lists (``PYTHON_VERSION: ["3.9", "3.10"]``) lose their old versions and keep
  at least the new minimum; a matrix entry pinned to an old version moves to the minimum, or goes
  when another entry already runs the same thing.
- Every top-level job is an entry too: ``test-py39: {extends: .test, image: python:3.9}`` goes
  when, moved to the minimum, it would equal another job (``test-py311``) apart from its name.
  A job for an old version with no twin (a lint job, or the only test job) moves: its image and
  variables change and its name follows (``test-py39`` → ``test-py311``). A job that other jobs
  name (``needs:``, ``extends:``, ``dependencies:``) always moves, never goes.
- ``spec: inputs:`` named for Python (``python_versions: {default: [...]}``) follow the list rule.
"""

from __future__ import annotations

from rewriters.ci import engine
from rewriters.policy import Policy
from rewriters.result import Rewrite

SYSTEM = engine.System(
    collection_keys=frozenset({"matrix"}),
    root_jobs_except=frozenset(
        {
            "default",
            "include",
            "stages",
            "variables",
            "workflow",
            "image",
            "services",
            "cache",
            "before_script",
            "after_script",
            "spec",
        }
    ),
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from a GitLab CI file."""
    return engine.rewrite(text, policy, SYSTEM)
