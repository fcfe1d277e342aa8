"""Which rewriter owns which path: an explicit, ordered table (first match wins).

The table is the one place a rewriter's path patterns are written: a path is matched without
importing anything, and a rewriter module is imported the first time a path it owns is
rewritten, so a run pays only for the kinds its repository has. Every pattern of every row is
compiled into one regular expression, matched once per path.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from rewriters.policy import Policy
    from rewriters.result import Rewrite


class Rewriter(Protocol):
    """What every rewriter module is: a pure function from a file's text to its rewrite."""

    def rewrite(self, text: str, policy: Policy) -> Rewrite | None: ...


class Row(NamedTuple):
    """A rewriter module, by import name, and the paths it claims.

    A pattern with a slash matches the whole repository-relative path; one without, the file
    name. ``*`` matches any run of characters (crossing ``/`` in a whole path, as in
    ``fnmatch``), ``?`` any one; the table uses no ``[...]``.
    """

    module: str
    patterns: tuple[str, ...]


TABLE: tuple[Row, ...] = (
    Row(
        "rewriters.ci.github_actions",
        (".github/workflows/*.yml", ".github/workflows/*.yaml", "action.yml", "action.yaml"),
    ),
    Row(
        "rewriters.ci.gitlab_ci",
        (".gitlab-ci.yml", ".gitlab-ci.yaml", "*.gitlab-ci.yml", ".gitlab/ci/*.yml"),
    ),
    Row("rewriters.ci.travis", (".travis.yml",)),
    Row("rewriters.ci.circleci", (".circleci/config.yml", ".circleci/config.yaml")),
    Row(
        "rewriters.ci.azure_pipelines",
        (
            "azure-pipelines*.yml",
            "azure-pipelines*.yaml",
            ".azure-pipelines/*.yml",
            ".azure-pipelines/*.yaml",
            "ci/azure*.yml",
            "ci/azure*.yaml",
        ),
    ),
    Row("rewriters.ci.appveyor", ("appveyor.yml", ".appveyor.yml")),
    Row("rewriters.ci.bitbucket_pipelines", ("bitbucket-pipelines.yml",)),
    Row("rewriters.packaging.pyproject", ("pyproject.toml",)),
    Row("rewriters.packaging.setup_cfg", ("setup.cfg",)),
    Row("rewriters.packaging.setup_py", ("setup.py",)),
    Row("rewriters.environments.tox_ini", ("tox.ini",)),
    Row("rewriters.environments.tox_toml", ("tox.toml",)),
    Row(
        "rewriters.tools.tool_ini",
        ("mypy.ini", ".mypy.ini", "pylintrc", ".pylintrc", ".flake8", ".isort.cfg"),
    ),
    Row("rewriters.environments.noxfile", ("noxfile.py",)),
    Row("rewriters.packaging.pipfile", ("Pipfile",)),
    Row("rewriters.tools.uv_toml", ("uv.toml",)),
    Row("rewriters.tools.ruff_toml", ("ruff.toml", ".ruff.toml")),
    Row("rewriters.tools.hatch_toml", ("hatch.toml",)),
    Row("rewriters.tools.pyright_config", ("pyrightconfig.json",)),
    Row(
        "rewriters.packaging.requirements_txt",
        (
            "*requirements*.txt",
            "*requirements*.in",
            "requirements/*.txt",
            "requirements/*.in",
            "*constraints*.txt",
        ),
    ),
    Row("rewriters.version_files", (".python-version", "runtime.txt", ".tool-versions")),
    Row(
        "rewriters.containers.dockerfile",
        (
            "Dockerfile",
            "Dockerfile.*",
            "Dockerfile-*",
            "Dockerfile_*",
            "*.Dockerfile",
            "*.dockerfile",
            "Containerfile",
            "Containerfile.*",
        ),
    ),
    Row(
        "rewriters.containers.compose",
        ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml"),
    ),
    Row(
        "rewriters.containers.devcontainer",
        (
            ".devcontainer/devcontainer.json",
            ".devcontainer/*/devcontainer.json",
            ".devcontainer.json",
        ),
    ),
    Row("rewriters.tools.pre_commit_config", (".pre-commit-config.yaml", ".pre-commit-config.yml")),
    Row("rewriters.docs.readthedocs", (".readthedocs.yaml", ".readthedocs.yml", "readthedocs.yml")),
    Row(
        "rewriters.environments.conda_env",
        tuple(
            pattern
            for extension in ("yml", "yaml")
            for pattern in (
                f"*environment*.{extension}",
                f"requirements*.{extension}",
                f"ci/*.{extension}",
            )
        ),
    ),
    # claims changelogs (never edits them) so prose cannot
    Row(
        "rewriters.docs.changelog",
        (
            "CHANGELOG*",
            "CHANGES*",
            "HISTORY*",
            "NEWS*",
            "RELEASE*NOTES*",
            "docs/changelog*",
            "docs/*/changelog*",
            "docs/changes*",
            "docs/history*",
            "docs/news*",
            "docs/*release*notes*",
            "docs/*release-notes/*",
            "docs/*whatsnew*",
            "docs/*whats-new*",
            "docs/*whats_new*",
            "towncrier.toml",
        ),
    ),
    Row(
        "rewriters.docs.prose",
        ("README*", "CONTRIBUTING*", "INSTALL*", "docs/*.md", "docs/*.rst"),
    ),
)

if TYPE_CHECKING:  # mypy holds every module of the table to the Rewriter protocol
    from rewriters import version_files
    from rewriters.ci import (
        appveyor,
        azure_pipelines,
        bitbucket_pipelines,
        circleci,
        github_actions,
        gitlab_ci,
        travis,
    )
    from rewriters.containers import compose, devcontainer, dockerfile
    from rewriters.docs import changelog, prose, readthedocs
    from rewriters.environments import conda_env, noxfile, tox_ini, tox_toml
    from rewriters.packaging import pipfile, pyproject, requirements_txt, setup_cfg, setup_py
    from rewriters.tools import (
        hatch_toml,
        pre_commit_config,
        pyright_config,
        ruff_toml,
        tool_ini,
        uv_toml,
    )

    _CHECKED: tuple[Rewriter, ...] = (
        github_actions,
        gitlab_ci,
        travis,
        circleci,
        azure_pipelines,
        appveyor,
        bitbucket_pipelines,
        pyproject,
        setup_cfg,
        setup_py,
        tox_ini,
        tox_toml,
        tool_ini,
        noxfile,
        pipfile,
        uv_toml,
        ruff_toml,
        hatch_toml,
        pyright_config,
        requirements_txt,
        version_files,
        dockerfile,
        compose,
        devcontainer,
        pre_commit_config,
        readthedocs,
        conda_env,
        changelog,
        prose,
    )

# Files under these directories are data or third-party code, not the project's config.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "site-packages",
        "__pycache__",
        "vendor",
        "_vendor",
        "third_party",
        "fixtures",
        "testdata",
        "test_data",
    }
)


def _regex(pattern: str, anything: str) -> str:
    """``pattern`` as a regular expression: ``*`` and ``?`` (the wildcards the table uses)
    stand for any run of, or any one, ``anything``; every other character for itself."""
    return "".join({"*": f"{anything}*", "?": anything}.get(c, re.escape(c)) for c in pattern)


def _alternative(pattern: str) -> str:
    """``pattern`` over ``name NUL path`` (a path holds no NUL): one with a slash matches all
    of the path, where ``*`` crosses slashes as in ``fnmatch``; one without, all of the name."""
    if "/" in pattern:
        return rf"[^\0]*\0{_regex(pattern, '.')}\Z"
    return _regex(pattern, r"[^\0]") + r"\0"


def _compile(table: tuple[Row, ...]) -> tuple[re.Pattern[str], tuple[Row, ...]]:
    """One expression for the whole table, and the row of each of its groups: no skipped
    directory on the path, then every pattern in table order, each followed by an empty group
    (``match.lastindex`` names the pattern that matched). Most alternatives start with a literal,
    which the engine rejects in one step: the many paths no rewriter claims cost little."""
    skipped = "|".join(re.escape(name) for name in sorted(SKIPPED_DIRS))
    patterns = [(row, pattern) for row in table for pattern in row.patterns]
    alternatives = "|".join(f"{_alternative(pattern)}()" for _, pattern in patterns)
    expression = rf"(?![^\0]*\0(?:.*/)?(?:{skipped})/)(?:{alternatives})"
    return re.compile(expression, re.DOTALL), tuple(row for row, _ in patterns)


_MATCHER, _GROUP_ROWS = _compile(TABLE)


def _row(path: str) -> Row | None:
    """The row claiming ``path`` (POSIX, relative to the repository root), if any."""
    match = _MATCHER.match(f"{path.rpartition('/')[2]}\0{path}")
    if match is None or match.lastindex is None:
        return None
    return _GROUP_ROWS[match.lastindex - 1]


def module_of(path: str) -> str | None:
    """The import name of the rewriter that owns ``path``, without importing it."""
    row = _row(path)
    return None if row is None else row.module


def is_skipped(path: str) -> bool:
    """True for paths inside vendored, generated or fixture directories."""
    return any(part in SKIPPED_DIRS for part in path.split("/")[:-1])


def claims(path: str) -> bool:
    """True when some rewriter wants to see ``path``; the App fetches only these blobs."""
    return _row(path) is not None


def owner_of(path: str) -> Rewriter | None:
    """The rewriter module for ``path``, imported the first time one of its paths is asked for."""
    row = _row(path)
    if row is None:
        return None
    module: Rewriter = importlib.import_module(row.module)
    return module
