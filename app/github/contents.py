"""What molt reads of a repository: its tree listing (remembered with its ETag) and file texts."""

from __future__ import annotations

import io
import tarfile
from collections import OrderedDict
from typing import NamedTuple

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
    unchanged: bool = False  # GitHub answered 304: the same listing as this process saw before


# Tree listings this process made, by URL: (ETag, listing). Bounded; the oldest go first.
LISTED: OrderedDict[str, tuple[str, Tree]] = OrderedDict()
LISTED_MAX = 10_000


def remember(url: str, etag: str, tree: Tree) -> None:
    LISTED[url] = (etag, tree)
    LISTED.move_to_end(url)
    while len(LISTED) > LISTED_MAX:
        LISTED.popitem(last=False)


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
