"""Files named for one Python version, among siblings named for others.

``ci/requirements-py3.9.yml`` next to ``ci/requirements-py3.10.yml``, or
``docker-images/python3.10-slim.dockerfile`` next to ``python3.11-slim.dockerfile``: a CI
matrix usually builds the name from its version (``requirements-py${{ matrix.python }}.yml``),
so each file exists for its version alone.  Retargeting such a file's content to the new
minimum leaves a file whose name lies, and a matrix entry moved to the minimum would look for
a file that does not exist.  Maintainers delete the file when the minimum's sibling exists
and otherwise rename it to the minimum's name (pvlib, dask); molt does the same:

- a file whose name carries a dropped version, and whose own rewrite dropped that version
  (the content proves the name means Python), in a directory holding files named for at
  least two versions (``requirements-py3.8-min.yml`` next to ``requirements-py3.9.yml``);
- goes when the sibling named for the minimum exists, or when a later dropped sibling takes
  the minimum's name; else it becomes the minimum's sibling (its rewritten content moves).

Other config files that name a moved file by its basename follow it (``follow``); prose and
changelogs are history and keep their text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.registry import module_of
from rewriters.versions import PREFIXED_RE, TOKEN_RE, Minor, Token, parse_token, retarget


class Move(NamedTuple):
    """What happens to one file named for a dropped version."""

    path: str
    version: Minor
    # The path of the minimum's sibling: the file that replaces this one.
    target: str
    # True when the target already exists (or another file becomes it): this file just goes.
    delete: bool


class _Named(NamedTuple):
    directory: str
    template: tuple[str, str]  # the basename around the version token
    token: Token


def _named(path: str) -> _Named | None:
    """The version token a basename carries, when it carries exactly one."""
    directory, _, name = path.rpartition("/")
    if "2" not in name and "3" not in name:
        return None  # most names of a large tree: no token to look for
    found = []
    for match in TOKEN_RE.finditer(name):
        token = parse_token(match[0]) or _bare(match[0])
        before = name[match.start() - 1] if match.start() else ""
        after = name[match.end()] if match.end() < len(name) else ""
        if token is None or token.suffix or before.isalnum() or after.isdigit():
            continue
        found.append((match, token))
    if len(found) != 1:
        return None
    match, token = found[0]
    return _Named(directory, (name[: match.start()], name[match.end() :]), token)


def _bare(text: str) -> Token | None:
    """``310`` in ``actions-310.yaml``: a version only in a file name, next to its siblings."""
    if re.fullmatch(r"3\d{1,2}", text) is None:
        return None
    return Token("", Minor(3, int(text[1:])), "", "", "")


def _path(named: _Named, version: Minor, policy: Policy) -> str:
    head, tail = named.template
    name = f"{head}{retarget(named.token._replace(patch=''), version, policy.latest_patch)}{tail}"
    return f"{named.directory}/{name}" if named.directory else name


def moves(
    paths: Collection[str],
    policy: Policy,
    dropped: Mapping[str, Collection[Minor]],
    named: Mapping[str, Collection[Minor]] | None = None,
) -> list[Move]:
    """The files to delete or rename; ``dropped`` maps each rewritten path to the versions its
    rewrite dropped, ``named`` each read path to the versions its text names as Python
    (``python3.10`` in a third-party image tag): enough to delete a file, not to rename one
    whose content molt could not move."""
    families: dict[tuple[str, tuple[str, str]], dict[Minor, str]] = {}
    versions_in: dict[str, set[Minor]] = {}
    for path in paths:
        found = _named(path)
        if found is not None:
            family = families.setdefault((found.directory, found.template), {})
            family[found.token.version] = path
            versions_in.setdefault(found.directory, set()).add(found.token.version)
    result: list[Move] = []
    for (directory, _), family in families.items():
        if len(versions_in[directory]) < 2:
            continue  # one version in the directory: nothing says the name follows a matrix
        rewritten = {v for v, p in family.items() if v in dropped.get(p, ())}
        mentioned = {v for v, p in family.items() if v in (named or {}).get(p, ())}
        retired = sorted(
            version
            for version, path in family.items()
            if policy.drops(version) and version in rewritten | mentioned and not is_history(path)
        )
        for version in retired:
            path = family[version]
            found = _named(path)
            assert found is not None
            target = _path(found, policy.minimum, policy)
            taken = policy.minimum in family or version != retired[-1]
            if taken or version in rewritten:
                result.append(Move(path, version, target, delete=taken))
    return sorted(result)


def named_versions(text: str) -> set[Minor]:
    """The versions ``text`` names with a Python prefix (``python3.10``, ``py39``)."""
    tokens = (parse_token(match[0]) for match in PREFIXED_RE.finditer(text))
    return {token.version for token in tokens if token is not None}


def is_history(path: str) -> bool:
    """Prose and changelogs: what they say of a file is history, not a reference to follow."""
    return module_of(path) in ("rewriters.docs.changelog", "rewriters.docs.prose")


def follow(text: str, found: Collection[Move]) -> tuple[str, list[str]]:
    """``text`` with each moved file's basename replaced by its target's; what changed."""
    changes = []
    for move in found:
        text, count = _naming(move).subn(_basename(move.target), text)
        if count:
            changes.append(f"{_basename(move.path)} → {_basename(move.target)}")
    return text, changes


def mentions(text: str, move: Move) -> bool:
    """True when ``text`` names the moved file by its basename."""
    return _naming(move).search(text) is not None


def _basename(path: str) -> str:
    return path.rpartition("/")[2]


def _naming(move: Move) -> re.Pattern[str]:
    """The moved file's basename as a whole word of a path (not ``py3.9-min.yml`` for
    ``py3.9.yml``, not ``py3.9.yml.bak``)."""
    return re.compile(rf"(?<![\w.-]){re.escape(_basename(move.path))}(?![\w-]|\.\w)")
