"""Pure text-in/text-out editors that drop end-of-life Pythons, one module per file kind.

``rewrite_repository(files, policy)`` is the entry point the App and the CLI use: the
repository's facts, every file's rewrite and the passes across files
(``rewriters.repository``). ``rewrite(path, text, policy)`` rewrites one file.
``scripts_run(files, paths)`` names the scripts the CI files run, which the callers read
too, after the files the registry claims.
"""

from __future__ import annotations

from rewriters.policy import Policy
from rewriters.registry import SKIPPED_DIRS, claims
from rewriters.repository import (
    FileChange,
    RepositoryRewrite,
    Skipped,
    rewrite_repository,
    scripts_run,
)
from rewriters.repository import rewrite_file as rewrite
from rewriters.result import BrokenOutput, Rewrite, UnparsableInput

__all__ = [
    "SKIPPED_DIRS",
    "BrokenOutput",
    "FileChange",
    "Policy",
    "RepositoryRewrite",
    "Rewrite",
    "Skipped",
    "UnparsableInput",
    "claims",
    "rewrite",
    "rewrite_repository",
    "scripts_run",
]
