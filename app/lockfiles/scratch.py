"""Where the lock tools run: a scratch directory, an environment with nothing of molt's in it,
and a time limit that kills the tool's whole process group. ruff (``app.modernise.ruff``) runs
through the same ``write_tree`` and ``run``, with an environment of its own.

The environment is built from nothing, never copied from molt's own: no token, no ``MOLT_*``
setting, no proxy or credential variable reaches a tool. HOME and every cache are inside the
scratch directory, so a tool reads no user configuration and leaves nothing behind. The one
URL a tool is given is the package index's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import urlsplit

# where the tools look for executables besides their own directory (git for git sources)
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
REAP_SECONDS = 5.0  # after the kill, how long to wait for the tool's output pipes to close


class Ran(NamedTuple):
    """What a tool did: its exit status, standard output and standard error."""

    status: int
    stdout: str
    stderr: str


class TimedOut(Exception):
    """The tool ran past its time limit; it and everything it started were killed."""


def tool_path(name: str) -> str | None:
    """The executable ``name``: the one installed beside molt's Python, else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def environment(home: Path, index_url: str) -> dict[str, str]:
    """The whole environment a tool runs with: PATH, a scratch HOME and caches, the index."""
    cache = home / "cache"
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), *SYSTEM_PATH]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "XDG_CACHE_HOME": str(cache),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        # no keyring: a scratch HOME has none, and asking one may wait for a desktop session
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "UV_DEFAULT_INDEX": index_url,
        "UV_CACHE_DIR": str(cache / "uv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "PIP_INDEX_URL": index_url,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_CACHE_DIR": str(cache / "pip"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PDM_PYPI_URL": index_url,
        "PDM_CACHE_DIR": str(cache / "pdm"),
        "PDM_CHECK_UPDATE": "false",
        "PDM_PYTHON": sys.executable,
        "PDM_USE_VENV": "false",
        "POETRY_CACHE_DIR": str(cache / "poetry"),
        "POETRY_CONFIG_DIR": str(home / "config" / "poetry"),
        "POETRY_NO_INTERACTION": "1",
        "POETRY_KEYRING_ENABLED": "false",
        "POETRY_VIRTUALENVS_CREATE": "false",
    }


def redact(text: str, index_url: str) -> str:
    """``text`` without the index URL's password (a tool's error may repeat the URL)."""
    password = urlsplit(index_url).password
    return text.replace(password, "***") if password else text


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (repository path -> text) under ``root``, exactly as they are."""
    for path, text in files.items():
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"{path}: not a path inside the repository")
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def run(argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float) -> Ran:
    """Run ``argv`` in ``cwd`` with exactly ``env``; past ``timeout`` seconds, kill its process
    group (the tool and anything it started) and raise ``TimedOut``."""
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            try:
                process.communicate(timeout=REAP_SECONDS)
            except subprocess.TimeoutExpired:
                pass  # a process that left the group still holds the pipes: they are closed
            raise TimedOut(f"still running after {timeout:g} seconds") from None
    return Ran(process.returncode, stdout, stderr)
