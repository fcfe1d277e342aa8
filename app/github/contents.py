"""What molt reads of a repository: its tree listing (remembered with its ETag) and file texts."""

from __future__ import annotations

import io
import tarfile
from typing import NamedTuple

from app.memory import LRU

MAX_FILE_BYTES = 1_000_000  # config files are small; anything larger is not one of ours


class TreeEntry(NamedTuple):
    """One file of a repository's tree."""

    path: str
    mode: str
    sha: str
    size: int


class Tree(NamedTuple):
    """A recursive tree listing: the tree's own sha and its files."""

    sha: str
    files: tuple[TreeEntry, ...]
    unchanged: bool = False  # GitHub answered 304: the same listing as was remembered


# Tree listings made before, by URL: (ETag, listing), so the next one can be conditional.
# The object that runs the jobs keeps one for all of them; a lone Repository keeps its own.
Listings = LRU[str, tuple[str, Tree]]
LISTINGS_MAX = 10_000


def decoded(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def files_from_tarball(data: bytes, paths: set[str]) -> dict[str, str]:
    """Files named in ``paths`` from a GitHub tarball (whose entries sit in one top folder)."""
    files: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive:
            path = member.name.split("/", 1)[-1]
            if member.isfile() and path in paths:
                extracted = archive.extractfile(member)
                if extracted is None:
                    continue
                text = decoded(extracted.read())
                if text is not None:
                    files[path] = text
    return files
