"""Reading and writing a local checkout: the files the rewriters claim, bytes preserved."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from app.plan import Skipped, reads
from rewriters import SKIPPED_DIRS


def all_paths(root: Path) -> list[str]:
    """Repository-relative POSIX paths of every regular file under ``root``, in walking order
    (a directory's files, then its subdirectories); the skipped directories (vendored,
    generated, fixtures) are not entered, and symbolic links are not followed."""
    found: list[str] = []
    pending = [(os.fspath(root), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        subdirs = []
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in SKIPPED_DIRS:
                    subdirs.append((entry.path, f"{prefix}{entry.name}/"))
            else:
                found.append(prefix + entry.name)
        pending.extend(reversed(subdirs))
    return found


def read_files(
    root: Path, paths: list[str], select: Callable[[str], bool] = reads
) -> tuple[dict[str, str], list[Skipped]]:
    """Text of the files a plan reads (or those ``select`` chooses); files that are not UTF-8
    are reported, not guessed at."""
    files: dict[str, str] = {}
    skipped: list[Skipped] = []
    for path in filter(select, paths):
        try:
            files[path] = (root / path).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            skipped.append(Skipped(path, "not UTF-8 text"))
        except OSError as error:
            skipped.append(Skipped(path, error.strerror or "cannot be read"))
    return files, skipped


def write_file(root: Path, path: str, text: str, *, like: str | None = None) -> None:
    """Write ``text`` exactly (no newline translation), replacing the file atomically.

    The file keeps its mode; a new one takes the mode of the file at ``like`` (the path a
    renamed file had), else the default, and gets its directories.
    """
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".molt-tmp")
    temporary.write_bytes(text.encode("utf-8"))
    model = target if target.exists() else root / like if like else None
    if model is not None and model.exists():
        os.chmod(temporary, model.stat().st_mode)
    temporary.replace(target)


def delete_file(root: Path, path: str) -> None:
    """Remove a file molt retires (named for a dropped version); a missing one is fine."""
    (root / path).unlink(missing_ok=True)
