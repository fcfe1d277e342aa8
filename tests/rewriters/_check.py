"""Shared assertion for rewriter tables: exact output, idempotence, output re-parses."""

from __future__ import annotations

import ast
import configparser
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ruamel.yaml import YAML

from rewriters.containers import devcontainer, dockerfile
from rewriters.formats import jsonc
from rewriters.policy import Policy
from tests.conftest import TODAY


def _parse_yaml(text: str) -> None:
    list(YAML(typ="safe", pure=True).load_all(text))


def _parse_ini(text: str) -> None:
    configparser.RawConfigParser(strict=False).read_string(text)


def _parse_version_file(text: str) -> None:
    assert text.strip(), "a version file must still name a version"


PARSERS: dict[str, Callable[[str], object]] = {
    "dockerfile": dockerfile.check_parses,
    "compose": _parse_yaml,
    "devcontainer": devcontainer.check_parses,
    "pyright_config": jsonc.check_parses,
    "github_actions": _parse_yaml,
    "pyproject": tomllib.loads,
    "setup_cfg": _parse_ini,
    "tox_ini": _parse_ini,
    "tool_ini": _parse_ini,
    "setup_py": ast.parse,
    "noxfile": ast.parse,
    "pipfile": tomllib.loads,
    "uv_toml": tomllib.loads,
    "ruff_toml": tomllib.loads,
    "hatch_toml": tomllib.loads,
    "version_files": _parse_version_file,
    "prose": str.splitlines,
    "requirements_txt": str.splitlines,
    "pre_commit_config": _parse_yaml,
    "readthedocs": _parse_yaml,
    "conda_env": _parse_yaml,
    "gitlab_ci": _parse_yaml,
    "travis": _parse_yaml,
    "circleci": _parse_yaml,
    "azure_pipelines": _parse_yaml,
    "appveyor": _parse_yaml,
    "bitbucket_pipelines": _parse_yaml,
}


def parse(module: ModuleType, text: str) -> None:
    """Parse ``text`` the way files of ``module``'s kind are parsed; raise if it does not."""
    PARSERS[module.__name__.rsplit(".", 1)[-1]](text)


def unchanged(module: ModuleType, text: str, policy: Policy) -> bool:
    """True when ``module`` changes nothing in ``text`` (it may still have notes about it)."""
    result = module.rewrite(text, policy)
    return result is None or (result.text == text and not result.changes)


def check(module: ModuleType, before: str, after: str, policy: Policy) -> None:
    """``before`` rewrites to exactly ``after``, which parses and needs nothing more."""
    result = module.rewrite(before, policy)
    assert result is not None, "expected a rewrite, got None"
    assert result.text == after
    assert result.changes, "a rewrite must say what changed"
    parse(module, result.text)
    assert unchanged(module, result.text, policy), "not idempotent"
    # the same text with CRLF line endings rewrites to the same text with CRLF
    crlf = module.rewrite(before.replace("\n", "\r\n"), policy)
    assert crlf is not None
    assert crlf.text == after.replace("\n", "\r\n")


__all__ = ["check", "parse"]


def fixture_pairs(directory: Path) -> list[Any]:
    """``<case>.<minimum>.before|.after`` pairs of real files (``celery.311.before``), as
    ``pytest.param(before, after, policy, id=case)`` for a table."""
    pairs = []
    for before in sorted(directory.glob("*.before")):
        name, minimum = before.stem.rsplit(".", 1)
        policy = Policy.for_date(TODAY, f"{minimum[0]}.{minimum[1:]}")
        after = before.with_suffix(".after").read_text()
        pairs.append(pytest.param(before.read_text(), after, policy, id=name))
    return pairs
