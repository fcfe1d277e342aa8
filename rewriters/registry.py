"""Which rewriter owns which path: an explicit, ordered table (first match wins)."""

from __future__ import annotations

import fnmatch
from types import ModuleType

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
from rewriters.environments import conda_env, noxfile, tox_ini
from rewriters.packaging import pipfile, pyproject, requirements_txt, setup_cfg, setup_py
from rewriters.tools import (
    hatch_toml,
    pre_commit_config,
    pyright_config,
    ruff_toml,
    tool_ini,
    uv_toml,
)

REWRITERS: tuple[ModuleType, ...] = (
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
    changelog,  # claims changelogs (never edits them) so prose cannot
    prose,
)

# Files under these directories are data or third-party code, not the project's config.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
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


def _matches(path: str, pattern: str) -> bool:
    """A pattern with a slash matches the whole path; one without, the file name."""
    if "/" in pattern:
        return fnmatch.fnmatchcase(path, pattern)
    return fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern)


def is_skipped(path: str) -> bool:
    """True for paths inside vendored, generated or fixture directories."""
    return any(part in SKIPPED_DIRS for part in path.split("/")[:-1])


def owner_of(path: str) -> ModuleType | None:
    """The rewriter module for ``path`` (POSIX, relative to the repository root), if any."""
    if is_skipped(path):
        return None
    for module in REWRITERS:
        if any(_matches(path, pattern) for pattern in module.PATTERNS):
            return module
    return None


def claims(path: str) -> bool:
    """True when some rewriter wants to see ``path``; the App fetches only these blobs."""
    return owner_of(path) is not None
