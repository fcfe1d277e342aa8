"""``.github/molt.yml``: the per-repository settings, and errors that name file, key and line."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from app.errors import ConfigError
from rewriters.policy import load_releases
from rewriters.versions import Minor

if TYPE_CHECKING:
    from pydantic import ValidationError

PATH = ".github/molt.yml"
NOT_RELEASED = "not a released CPython 3 minor version"


def check_minimum(text: str, today: date | None = None) -> Minor:
    """``text`` as a minimum molt can move to: a CPython 3 minor released by ``today``.

    Without ``today`` any CPython 3 minor of the shipped release data passes (the date is
    checked when the policy is made). ``ValueError`` says which versions would do.
    """
    releases = load_releases()
    released = sorted(
        v
        for v, r in releases.items()
        if v.major == 3 and (today is None or r.first_release <= today)
    )
    try:
        version: Minor | None = Minor.parse(text)
    except ValueError:
        version = None
    if version not in released:
        span = f" ({released[0]} to {released[-1]})" if today is not None else ""
        raise ValueError(f"{NOT_RELEASED}{span}")
    assert version is not None
    return version


class _Check:
    """A check on one key, told to pydantic only when a file is validated (see ``parse``).

    ``RepoConfig`` is a plain dataclass so that a run without ``.github/molt.yml`` never
    imports pydantic (a fifth of ``molt apply``'s start-up).
    """

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.check, handler(source))


def _minimum_is_a_minor(value: str | None) -> str | None:
    if value is not None:
        check_minimum(value)
    return value


def _prefix_is_a_ref_part(value: str) -> str:
    if not value or " " in value or ".." in value or value.startswith("/"):
        raise ValueError("must be a branch name prefix such as 'molt/'")
    return value


def _names_a_repository(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[\w.-]+/[\w.-]+", value):
        raise ValueError("must name a repository as OWNER/REPO")
    return value


@dataclass(frozen=True, kw_only=True)
class RepoConfig:
    """What a maintainer can set in ``.github/molt.yml``; every key is optional."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

    minimum: Annotated[str | None, _Check(_minimum_is_a_minor)] = None  # e.g. '3.11'
    ignore_paths: tuple[str, ...] = ()
    labels: tuple[str, ...] = ("dependencies", "python")
    reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    branch_prefix: Annotated[str, _Check(_prefix_is_a_ref_part)] = "molt/"
    add_changelog_entry: bool = True
    schedule: Literal["daily", "weekly", "monthly"] = "daily"
    automerge: bool = False
    update_lock_files: bool = True
    modernise: bool = False
    tracking_issue: Annotated[str | None, _Check(_names_a_repository)] = None  # OWNER/REPO
    draft: bool = False
    rebase_when: Literal["conflicted", "behind", "never"] = "conflicted"

    def ignores(self, path: str) -> bool:
        """True when ``path`` matches one of ``ignore_paths``: molt leaves the file alone."""
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.ignore_paths)


def _line_of(document: Any, location: tuple[int | str, ...]) -> int | None:
    """1-based line of the key at ``location`` in the parsed YAML, when it can be found."""
    node, line = document, None
    for part in location:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1  # type: ignore[attr-defined]
            node = node[part]
        else:
            break
    return line


def _raw_minimum(document: CommentedMap, text: str) -> None:
    """Read an unquoted ``minimum: 3.10`` as written, not as the float 3.1 YAML makes of it."""
    if isinstance(document.get("minimum"), float):
        line, column = document.lc.value("minimum")
        raw = text.splitlines()[line][column:].split("#", 1)[0].strip()
        document["minimum"] = raw


def _config_error(error: ValidationError, document: Any, path: str) -> ConfigError:
    """One error naming file, key and line; further problems are listed in the reason."""
    problems = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "unexpected_keyword_argument":
            message = "not a setting molt knows (the README lists them)"
        problems.append((key, _line_of(document, item["loc"]), message))
    (key, line, reason), *others = problems
    for other_key, other_line, other_reason in others:
        reason += f"; also {other_key} (line {other_line}): {other_reason}"
    return ConfigError(reason, path=path, key=key, line=line)


def parse(text: str | None, path: str = PATH) -> RepoConfig:
    """Read ``.github/molt.yml`` (None when absent); raise ``ConfigError`` saying what is wrong.

    ``path`` is how errors name the file (the CLI reads it from a checkout, or ``--config``).
    """
    if text is None or not text.strip():
        return RepoConfig()
    try:
        document = YAML(typ="rt").load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = f"not valid YAML: {getattr(error, 'problem', error)}"
        raise ConfigError(reason, path=path, line=line) from None
    if document is None:
        return RepoConfig()
    if not isinstance(document, CommentedMap):
        raise ConfigError("expected a mapping of settings at the top level", path=path)
    _raw_minimum(document, text)
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(RepoConfig).validate_python(dict(document))
    except ValidationError as error:
        raise _config_error(error, document, path) from None
