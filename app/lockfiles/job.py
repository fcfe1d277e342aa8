"""One lock file to regenerate: the command, the directory it runs in and the files it needs;
or why molt leaves it alone."""

from __future__ import annotations

import shlex
from typing import NamedTuple


class Job(NamedTuple):
    """Run ``argv`` in ``cwd`` (a repository directory, "" for the root) over ``inputs``
    (repository path -> text: manifests and the lock file); the new lock file is then the
    file at ``path``. ``shown`` is the command as a maintainer types it, when ``argv`` holds
    more (options only an unattended run needs)."""

    path: str
    argv: tuple[str, ...]
    cwd: str
    inputs: dict[str, str]
    shown: str = ""

    @property
    def command(self) -> str:
        """The command as a maintainer types it, and where: ```uv lock` in `api/```."""
        return how(self.shown or shlex.join(self.argv), self.cwd)


class Skip(NamedTuple):
    """A lock file molt does not regenerate, and the note saying why and how to."""

    path: str
    note: str


def directory(path: str) -> str:
    """The repository directory of ``path`` ("" for the root)."""
    return path.rpartition("/")[0]


def joined(directory: str, name: str) -> str:
    """``name`` inside the repository directory ``directory``."""
    return f"{directory}/{name}" if directory else name


def how(command: str, cwd: str) -> str:
    """```uv lock```, or ```uv lock` in `api/``` when it runs in a directory."""
    return f"`{command}` in `{cwd}/`" if cwd else f"`{command}`"
