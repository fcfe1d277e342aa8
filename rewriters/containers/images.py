"""Container image references that name a Python version, and the tag each one moves to.

The one place that knows image names and tag shapes: the official ``python`` image (any
registry prefix, every variant), ``pypy``, CircleCI ``cimg/python`` and the retired
``circleci/python``, the dev container images on ``mcr.microsoft.com`` and uv's
``ghcr.io/astral-sh/uv:pythonX.Y-…`` images.

Tags are never invented. An official ``python`` tag is checked against the shipped list of
current tags; when its exact variant is no longer built for the new minor (an old Debian suite,
an old Alpine), the nearest maintained one of the same family is chosen and a note says so
(``_image_tags`` owns that choice; this module finds and splits the references).
``cimg/python`` tags are checked against the shipped cimg facts; ``circleci/python`` images are
no longer built, so they move to ``cimg/python``. For the other images molt ships no tag list
and keeps the tag's shape.

Digests: ``python:3.9-slim@sha256:…`` cannot be re-resolved offline. The tag is updated, the
stale digest is dropped (keeping it would pin the old image under a new name) and a note asks
for a new pin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from rewriters.containers.image_tags import (
    TAGGERS,
    Reference,
    Retag,
    Tag,
    cimg_python,
    debian_suites,
    spelled,
)
from rewriters.formats import yaml
from rewriters.policy import Policy
from rewriters.result import Edit, Record
from rewriters.versions import Minor

_DOCKER_HUB = r"(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?"
# mirrors of Docker Hub's official images keep the ``library/`` path (public.ecr.aws/docker/…)
_OFFICIAL = _DOCKER_HUB + r"(?:library/)?python|(?:[\w.:-]+/)+library/python"
_VERSION = r"(?P<ver>3\.\d{1,2}(?:\.\d+)?)"

_TAG = _VERSION + r"(?:-(?P<variant>.+))?"

# image name pattern, kind, tag pattern (its ``ver`` group is the Python version)
_KINDS: Sequence[tuple[str, str, str]] = (
    (_OFFICIAL, "python", _TAG),
    (_DOCKER_HUB + r"(?:library/)?pypy", "pypy", _TAG),
    (_DOCKER_HUB + r"cimg/python", "cimg", _VERSION + r"(?:-(?P<variant>node|browsers))?"),
    (_DOCKER_HUB + r"circleci/python", "circleci", _TAG),
    (r"mcr\.microsoft\.com/(?:vscode/)?devcontainers/python", "devcontainer", r"(?:\d+-)?" + _TAG),
    (r"(?:ghcr\.io/astral-sh|" + _DOCKER_HUB + r"astral)/uv", "uv", r"(?:[\w.]+-)?python" + _TAG),
)
_VARIABLE = re.compile(r"\$(?:(?P<bare>\w+)|\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\})")
_ARG_TAG = re.compile(r"(?:\d+-)?" + _TAG)


class Piece(NamedTuple):
    """Where a stretch of an expanded image reference is written in the file."""

    ref_start: int
    ref_end: int
    source: int  # offset in the file of ``ref_start``


def expand(
    text: str, start: int, end: int, defaults: Mapping[str, tuple[int, int]]
) -> tuple[str, list[Piece]] | None:
    """The reference at ``text[start:end]`` with variables filled in; None if one is unknown.

    A variable takes its default from ``defaults`` (offsets of its value) or ``${VAR:-default}``.
    """
    ref, position = "", start
    pieces: list[Piece] = []
    for match in _VARIABLE.finditer(text, start, end):
        ref, pieces = _literal(text, position, match.start(), ref, pieces)
        name = match["bare"] or match["name"]
        if name in defaults:
            value_start, value_end = defaults[name]
        elif match["default"] is not None:
            value_start, value_end = match.span("default")
        else:
            return None
        pieces.append(Piece(len(ref), len(ref) + value_end - value_start, value_start))
        ref += text[value_start:value_end]
        position = match.end()
    ref, pieces = _literal(text, position, end, ref, pieces)
    return ref, pieces


def _literal(
    text: str, start: int, end: int, ref: str, pieces: list[Piece]
) -> tuple[str, list[Piece]]:
    pieces.append(Piece(len(ref), len(ref) + end - start, start))
    return ref + text[start:end], pieces


def place(edit: Edit, pieces: list[Piece]) -> Edit | None:
    """An edit of the expanded reference as an edit of the file; None if it spans two pieces."""
    for piece in pieces:
        if piece.ref_start <= edit.start and edit.end <= piece.ref_end:
            offset = piece.source - piece.ref_start
            return Edit(edit.start + offset, edit.end + offset, edit.new)
    return None


def split(ref: str) -> Reference | None:
    """``registry:5000/name:tag@digest`` → its parts; None without a tag."""
    digest = ref.find("@")
    digest = len(ref) if digest < 0 else digest
    colon = ref.rfind(":", ref.rfind("/", 0, digest) + 1, digest)
    if colon < 0:
        return None
    return Reference(ref[:colon].lower(), colon + 1, digest, digest)


def _kind(name: str, tag: str) -> tuple[str, re.Match[str]] | None:
    for name_re, kind, tag_re in _KINDS:
        if re.fullmatch(name_re, name):
            match = re.fullmatch(tag_re, tag)
            return (kind, match) if match else None
    return None


def retag(ref: str, policy: Policy) -> Retag | None:
    """The change that moves ``ref`` off a dropped Python, or None when it names none."""
    parts = split(ref)
    if parts is None:
        return None
    found = _kind(parts.name, ref[parts.tag_start : parts.tag_end])
    if found is None:
        return None
    kind, match = found
    old = Minor.parse(".".join(match["ver"].split(".")[:2]))
    if not policy.drops(old):
        return None
    return TAGGERS[kind](Tag(ref, parts, match, old), policy)


def retag_scalar(text: str, node: yaml.ScalarNode, policy: Policy) -> Retag | None:
    """``image: python:3.9`` written as a one-line YAML scalar: the retag, its edits placed in
    ``text``; None for a block scalar or a reference that names no dropped Python."""
    if node.style not in (None, "'", '"'):
        return None
    found = retag(node.value, policy)
    if found is None:
        return None
    start, _ = yaml.scalar_span(text, node)
    inner = start + 1 if node.style else start
    edits = tuple(Edit(inner + e.start, inner + e.end, e.new) for e in found.edits)
    return found._replace(edits=edits)


def record(found: Record, retag: Retag, edits: Sequence[Edit], change: str) -> None:
    """Take what ``retag`` says into ``found``: its notes, and with ``edits`` (its edits placed
    in the file) the change."""
    found.notes.extend(retag.notes)
    if edits:
        found.edits.extend(edits)
        found.changes.append(change)
        found.dropped.add(retag.old)


def retag_arg(value: str, policy: Policy) -> Retag | None:
    """A build argument such as ``3.9`` or ``3.9-bullseye``: keep the shape, move the version."""
    match = _ARG_TAG.fullmatch(value)
    if match is None:
        return None
    old = Minor.parse(".".join(match["ver"].split(".")[:2]))
    if not policy.drops(old):
        return None
    new = spelled(match["ver"], policy.minimum, policy.latest_patch(policy.minimum))
    start, end = match.span("ver")
    change = f"{value} → {value[:start]}{new}{value[end:]}"
    return Retag(old, (Edit(start, end, new),), change)


__all__ = [
    "Piece",
    "Reference",
    "Retag",
    "cimg_python",
    "debian_suites",
    "expand",
    "place",
    "record",
    "retag",
    "retag_arg",
    "split",
]
