"""Container image references that name a Python version, and the tag each one moves to.

The one place that knows image names and tag shapes: the official ``python`` image (any
registry prefix, every variant), ``pypy``, CircleCI ``cimg/python`` and the retired
``circleci/python``, the dev container images on ``mcr.microsoft.com`` and uv's
``ghcr.io/astral-sh/uv:pythonX.Y-…`` images.

Tags are never invented. An official ``python`` tag is checked against the shipped list of
current tags; when its exact variant is no longer built for the new minor (an old Debian suite,
an old Alpine), the nearest maintained one of the same family is chosen and a note says so.
``cimg/python`` tags are checked against the shipped cimg facts; ``circleci/python`` images are
no longer built, so they move to ``cimg/python``. For the other images molt ships no tag list
and keeps the tag's shape.

Digests: ``python:3.9-slim@sha256:…`` cannot be re-resolved offline. The tag is updated, the
stale digest is dropped (keeping it would pin the old image under a new name) and a note asks
for a new pin.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

from rewriters.policy import Policy, load_docker_tags
from rewriters.result import Edit, apply_edits
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
_ALPINE = re.compile(r"alpine(\d+)\.(\d+)")
_SUITE = re.compile(r"(?P<slim>slim-)?(?P<suite>[a-z]+)")


class Piece(NamedTuple):
    """Where a stretch of an expanded image reference is written in the file."""

    ref_start: int
    ref_end: int
    source: int  # offset in the file of ``ref_start``


class Retag(NamedTuple):
    """How one image reference changes: edits relative to the reference, and notes."""

    old: Minor
    edits: tuple[Edit, ...]
    change: str
    notes: tuple[str, ...] = ()


class Reference(NamedTuple):
    """An image reference split into name, tag and digest offsets."""

    name: str
    tag_start: int
    tag_end: int
    digest_start: int


class CimgFacts(NamedTuple):
    """The newest ``cimg/python`` build of one minor."""

    latest: str
    variants: frozenset[str]


@cache
def _facts() -> tuple[tuple[str, ...], Mapping[str, CimgFacts]]:
    raw = resources.files("rewriters.data").joinpath("container-image-facts.json").read_text()
    loaded = json.loads(raw)
    cimg = {
        minor: CimgFacts(info["latest"], frozenset(info["variants"]))
        for minor, info in loaded["cimg_python"].items()
    }
    return tuple(loaded["debian_suites"]), cimg


def debian_suites() -> tuple[str, ...]:
    """Debian suites of the official image, oldest first."""
    return _facts()[0]


def cimg_python() -> Mapping[str, CimgFacts]:
    """Per minor: the latest ``cimg/python`` patch and its variants."""
    return _facts()[1]


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
    return _TAGGERS[kind](_Tag(ref, parts, match, old), policy)


def retag_arg(value: str, policy: Policy) -> Retag | None:
    """A build argument such as ``3.9`` or ``3.9-bullseye``: keep the shape, move the version."""
    match = _ARG_TAG.fullmatch(value)
    if match is None:
        return None
    old = Minor.parse(".".join(match["ver"].split(".")[:2]))
    if not policy.drops(old):
        return None
    new = _spelled(match["ver"], policy.minimum, policy.latest_patch(policy.minimum))
    start, end = match.span("ver")
    change = f"{value} → {value[:start]}{new}{value[end:]}"
    return Retag(old, (Edit(start, end, new),), change)


def _spelled(old: str, minor: Minor, patch: str) -> str:
    return patch if old.count(".") == 2 else str(minor)


class _Tag(NamedTuple):
    """A matched reference on its way to a new tag."""

    ref: str
    parts: Reference
    match: re.Match[str]
    old: Minor

    @property
    def base(self) -> str:
        """The reference without its digest."""
        return self.ref[: self.parts.digest_start]

    def edit(self, group: str, new: str) -> Edit:
        """Replace a group of the tag pattern."""
        start, end = self.match.span(group)
        return Edit(self.parts.tag_start + start, self.parts.tag_start + end, new)

    def version(self, minor: Minor, patch: str) -> Edit:
        """Swap the version, a pinned patch becoming ``patch``."""
        return self.edit("ver", _spelled(self.match["ver"], minor, patch))

    def unchanged(self, note: str) -> Retag:
        """No tag to move to: only a note."""
        return Retag(self.old, (), "", (f"{self.base}: {note}; left unchanged",))

    def finish(self, edits: list[Edit], notes: list[str]) -> Retag:
        """Drop a stale digest, and describe the change."""
        if self.parts.digest_start < len(self.ref):
            edits.append(Edit(self.parts.digest_start, len(self.ref), ""))
            notes.append(
                f"{self.base} was pinned by digest; the old digest was dropped "
                "with the tag change: pin the new image's digest again"
            )
        new = apply_edits(self.ref, edits)
        return Retag(self.old, tuple(edits), f"{self.base} → {new}", tuple(notes))


def _official(tag: _Tag, policy: Policy) -> Retag:
    minor = policy.minimum
    tags = load_docker_tags().get(minor, frozenset())
    patch = _official_patch(tags, minor)
    variant = tag.match["variant"]
    chosen = _official_variant(variant, minor, tags)
    if patch is None or chosen is None:
        wanted = f"{minor}-{variant}" if variant else str(minor)
        return tag.unchanged(f"python:{wanted} is not built and has no maintained equivalent")
    edits, notes = [tag.version(minor, patch)], []
    if variant is not None and chosen != variant:
        edits.append(tag.edit("variant", chosen))
        notes.append(
            f"{tag.base}: python:{minor}-{variant} is not built; "
            f"moved to {minor}-{chosen}, the nearest maintained variant"
        )
    return tag.finish(edits, notes)


def _official_patch(tags: frozenset[str], minor: Minor) -> str | None:
    patches = [t for t in tags if re.fullmatch(rf"{re.escape(str(minor))}\.\d+", t)]
    return max(patches, key=lambda t: int(t.rsplit(".", 1)[1])) if patches else None


def _official_variant(variant: str | None, minor: Minor, tags: frozenset[str]) -> str | None:
    """The variant to use for ``minor``: the same one if built, else the nearest maintained."""
    if variant is None:
        return "" if str(minor) in tags else None
    if f"{minor}-{variant}" in tags:
        return variant
    built = [t.split("-", 1)[1] for t in tags if t.startswith(f"{minor}-")]
    if _ALPINE.fullmatch(variant):
        versions = [m for m in map(_ALPINE.fullmatch, built) if m]
        newest = max(versions, key=lambda m: (int(m[1]), int(m[2])), default=None)
        return newest[0] if newest else None
    return _newer_suite(variant, built)


def _newer_suite(variant: str, built: list[str]) -> str | None:
    """``slim-buster`` → ``slim-bookworm``: the oldest built suite newer than the old one."""
    match = _SUITE.fullmatch(variant)
    suites = debian_suites()
    if match is None or match["suite"] not in suites:
        return None
    slim = match["slim"] or ""
    newer = suites[suites.index(match["suite"]) + 1 :]
    return next((f"{slim}{s}" for s in newer if f"{slim}{s}" in built), None)


def _cimg(tag: _Tag, policy: Policy) -> Retag:
    facts = cimg_python().get(str(policy.minimum))
    if facts is None:
        return tag.unchanged(f"no cimg/python:{policy.minimum} image")
    return tag.finish([tag.version(policy.minimum, facts.latest)], [])


def _circleci(tag: _Tag, policy: Policy) -> Retag:
    """``circleci/python`` is no longer built: move to ``cimg/python``, its successor."""
    facts = cimg_python().get(str(policy.minimum))
    if facts is None:
        return tag.unchanged(f"no cimg/python:{policy.minimum} image")
    variant = tag.match["variant"]
    kept = variant if variant in facts.variants else None
    new = _spelled(tag.match["ver"], policy.minimum, facts.latest)
    image = f"cimg/python:{new}" + (f"-{kept}" if kept else "")
    note = f"{tag.base}: circleci/python images are no longer built; moved to {image}"
    if variant and not kept:
        note += f" (cimg/python has no -{variant} variant)"
    return tag.finish([Edit(0, tag.parts.digest_start, image)], [note])


def _shape(tag: _Tag, policy: Policy) -> Retag:
    """Images molt has no tag list for: keep the tag's shape, swap the version."""
    minor = policy.minimum
    notes = []
    if (tag.match["variant"] or "")[:1].isdigit():
        notes.append(f"{tag.base}: check that this tag exists for Python {minor}")
    return tag.finish([tag.version(minor, policy.latest_patch(minor))], notes)


_TAGGERS = {
    "python": _official,
    "pypy": _shape,
    "cimg": _cimg,
    "circleci": _circleci,
    "devcontainer": _shape,
    "uv": _shape,
}
