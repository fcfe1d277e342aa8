"""``.github/molt.yml``: the per-repository settings, and errors that name file, key and line."""

from __future__ import annotations

import fnmatch
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from app.errors import ConfigError
from rewriters.policy import load_releases
from rewriters.versions import Minor

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


class RepoConfig(BaseModel):
    """What a maintainer can set in ``.github/molt.yml``; every key is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum: str | None = Field(default=None, description="pin the new minimum, e.g. '3.11'")
    ignore_paths: tuple[str, ...] = ()
    labels: tuple[str, ...] = ("dependencies", "python")
    reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    branch_prefix: str = "molt/"
    add_changelog_entry: bool = True
    schedule: Literal["daily", "weekly", "monthly"] = "daily"
    automerge: bool = False
    update_lock_files: bool = True
    modernise: bool = False
    tracking_issue: str | None = Field(
        default=None, pattern=r"^[\w.-]+/[\w.-]+$", description="OWNER/REPO of the tracking issue"
    )
    draft: bool = False
    rebase_when: Literal["conflicted", "behind", "never"] = "conflicted"

    @field_validator("minimum", mode="before")
    @classmethod
    def _minimum_is_a_minor(cls, value: object) -> object:
        if isinstance(value, str):
            check_minimum(value)
        return value

    @field_validator("branch_prefix")
    @classmethod
    def _prefix_is_a_ref_part(cls, value: str) -> str:
        if not value or " " in value or ".." in value or value.startswith("/"):
            raise ValueError("must be a branch name prefix such as 'molt/'")
        return value

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
    try:
        return RepoConfig.model_validate(dict(document))
    except ValidationError as error:
        raise _config_error(error, document, path) from None
