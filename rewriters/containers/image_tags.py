"""The tag each image family moves to: the official image, cimg, circleci and the rest.

Official ``python`` and ``cimg/python`` tags are checked against the shipped facts
(``data/container-image-facts.json`` and the docker tag list); other images keep their shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from rewriters.policy import DATA, Policy, load_docker_tags
from rewriters.result import Edit, apply_edits
from rewriters.versions import Minor

_ALPINE = re.compile(r"alpine(\d+)\.(\d+)")
_SUITE = re.compile(r"(?P<slim>slim-)?(?P<suite>[a-z]+)")


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
    raw = (DATA / "container-image-facts.json").read_text(encoding="utf-8")
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


def spelled(old: str, minor: Minor, patch: str) -> str:
    """The new version as the old one was written: ``X.Y``, or ``patch`` when it pinned one."""
    return patch if old.count(".") == 2 else str(minor)


class Tag(NamedTuple):
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
        return self.edit("ver", spelled(self.match["ver"], minor, patch))

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


def _official(tag: Tag, policy: Policy) -> Retag:
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


def _cimg(tag: Tag, policy: Policy) -> Retag:
    facts = cimg_python().get(str(policy.minimum))
    if facts is None:
        return tag.unchanged(f"no cimg/python:{policy.minimum} image")
    return tag.finish([tag.version(policy.minimum, facts.latest)], [])


def _circleci(tag: Tag, policy: Policy) -> Retag:
    """``circleci/python`` is no longer built: move to ``cimg/python``, its successor."""
    facts = cimg_python().get(str(policy.minimum))
    if facts is None:
        return tag.unchanged(f"no cimg/python:{policy.minimum} image")
    variant = tag.match["variant"]
    kept = variant if variant in facts.variants else None
    new = spelled(tag.match["ver"], policy.minimum, facts.latest)
    image = f"cimg/python:{new}" + (f"-{kept}" if kept else "")
    note = f"{tag.base}: circleci/python images are no longer built; moved to {image}"
    if variant and not kept:
        note += f" (cimg/python has no -{variant} variant)"
    return tag.finish([Edit(0, tag.parts.digest_start, image)], [note])


def _shape(tag: Tag, policy: Policy) -> Retag:
    """Images molt has no tag list for: keep the tag's shape, swap the version."""
    minor = policy.minimum
    notes = []
    if (tag.match["variant"] or "")[:1].isdigit():
        notes.append(f"{tag.base}: check that this tag exists for Python {minor}")
    return tag.finish([tag.version(minor, policy.latest_patch(minor))], notes)


TAGGERS = {
    "python": _official,
    "pypy": _shape,
    "cimg": _cimg,
    "circleci": _circleci,
    "devcontainer": _shape,
    "uv": _shape,
}
