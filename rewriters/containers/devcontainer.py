"""Dev container configs: the ``image``, Python ``build.args`` and the python feature's version.

``devcontainer.json`` is JSON with comments and trailing commas, so the scanner of
``rewriters.formats.jsonc`` locates the strings to change and the edits are made in the text:
comments
and layout stay. What moves:
``"image": "mcr.microsoft.com/devcontainers/python:3.9"`` (see ``rewriters.containers.images``),
``"build": {"args": {"VARIANT": "3.9"}}`` (and args named for Python), and
``"features": {"ghcr.io/devcontainers/features/python:1": {"version": "3.9"}}``.
"""

from __future__ import annotations

import re

from rewriters.containers import images
from rewriters.formats.jsonc import String, Value, parse
from rewriters.formats.jsonc import check_parses as check_parses  # re-exported: tests use it
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite

_PYTHON_ARG = re.compile(
    r"(?i)(?:BASE_|DEFAULT_)?PY(?:THON)?(?:[_-]?(?:VER|VERSION|MINOR))?|VARIANT"
)
_PYTHON_FEATURE = re.compile(r"ghcr\.io/devcontainers/features/python(?::\d+)?")


def _record(found: Record, retag: images.Retag, at: String, change: str) -> None:
    """Take ``retag`` of the string ``at`` into ``found``."""
    edits = [Edit(at.start + e.start, at.start + e.end, e.new) for e in retag.edits]
    images.record(found, retag, edits, change)


def _image(document: dict[str, Value], policy: Policy, found: Record) -> None:
    image = document.get("image")
    if isinstance(image, String) and "\\" not in image.value:
        retag = images.retag(image.value, policy)
        if retag is not None:
            _record(found, retag, image, f"image: {retag.change}")


def _args(document: dict[str, Value], policy: Policy, found: Record) -> None:
    build = document.get("build")
    args = build.get("args") if isinstance(build, dict) else None
    for name, value in args.items() if isinstance(args, dict) else []:
        if isinstance(value, String) and _PYTHON_ARG.fullmatch(name):
            retag = images.retag_arg(value.value, policy)
            if retag is not None:
                _record(found, retag, value, f"build arg {name}: {retag.change}")


def _features(document: dict[str, Value], policy: Policy, found: Record) -> None:
    features = document.get("features")
    for name, options in features.items() if isinstance(features, dict) else []:
        version = options.get("version") if isinstance(options, dict) else None
        if _PYTHON_FEATURE.fullmatch(name) and isinstance(version, String):
            retag = images.retag_arg(version.value, policy)
            if retag is not None:
                _record(found, retag, version, f"python feature version: {retag.change}")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the image, Python build args and python feature off the versions ``policy`` drops."""
    document = parse(text)
    if not isinstance(document, dict):
        return None
    found = Record()
    _image(document, policy, found)
    _args(document, policy, found)
    _features(document, policy, found)
    return found.finish(text, check_parses)
