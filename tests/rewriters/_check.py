"""Shared checks for rewriter tables, and the loader of their real-file fixtures."""

from __future__ import annotations

import ast
import configparser
import difflib
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from _pytest.mark import ParameterSet
from ruamel.yaml import YAML

from rewriters.containers import devcontainer, dockerfile
from rewriters.formats import jsonc
from rewriters.policy import Policy
from tests.conftest import TODAY

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rewriters"


def _parse_yaml(text: str) -> None:
    list(YAML(typ="safe", pure=True).load_all(text))


def _parse_python(text: str) -> None:
    with warnings.catch_warnings():  # an invalid escape like "\\d" is valid, with a warning
        warnings.simplefilter("ignore", DeprecationWarning)  # SyntaxWarning from 3.12
        warnings.simplefilter("ignore", SyntaxWarning)
        ast.parse(text)


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
    "tox_toml": tomllib.loads,
    "tool_ini": _parse_ini,
    "setup_py": _parse_python,
    "noxfile": _parse_python,
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
    PARSERS[_kind(module)](text)


def _kind(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def noop(module: ModuleType, text: str, policy: Policy) -> None:
    """``module`` changes nothing in ``text`` (it may still have notes about it)."""
    result = module.rewrite(text, policy)
    if result is None or (result.text == text and not result.changes):
        return
    diff = difflib.unified_diff(
        text.splitlines(keepends=True), result.text.splitlines(keepends=True), "text", "rewritten"
    )
    raise AssertionError(
        f"{_kind(module)} changed a text it should leave alone: {result.changes!r}\n"
        + "".join(diff)
    )


def check(module: ModuleType, before: str, after: str, policy: Policy) -> None:
    """``before`` rewrites to exactly ``after``, which parses and needs nothing more."""
    result = module.rewrite(before, policy)
    assert result is not None, "expected a rewrite, got None"
    assert result.text == after
    assert result.changes, "a rewrite must say what changed"
    parse(module, result.text)
    noop(module, result.text, policy)  # idempotent: the output needs nothing more
    # the same text with CRLF line endings rewrites to the same text with CRLF
    crlf = module.rewrite(before.replace("\n", "\r\n"), policy)
    assert crlf is not None
    assert crlf.text == after.replace("\n", "\r\n")


def _case(path: Path, policy: Policy | None) -> tuple[str, Policy]:
    """A fixture's case name and policy: ``celery.311.before`` is case ``celery`` under
    minimum 3.11; ``celery.before`` is case ``celery`` under ``policy``."""
    name, dot, minimum = path.stem.rpartition(".")
    if dot and minimum.isdigit():
        return name, Policy.for_date(TODAY, f"{minimum[0]}.{minimum[1:]}")
    if policy is None:
        raise ValueError(f"{path.parent.name}/{path.name}: no minimum in the name, no policy")
    return path.stem, policy


def _fixtures(kind: str, suffix: str) -> list[Path]:
    paths = sorted((FIXTURES / kind).glob(f"*{suffix}"))
    if not paths:  # a misspelt kind would otherwise make an empty table that tests nothing
        raise ValueError(f"no *{suffix} files in tests/fixtures/rewriters/{kind}/")
    return paths


def fixture_pairs(kind: str, policy: Policy | None = None) -> list[ParameterSet]:
    """The real files of ``tests/fixtures/rewriters/<kind>/``: each ``<case>.before`` with its
    ``<case>.after``, as ``pytest.param(before, after, policy, id=case)`` for a table. A case
    named ``<name>.<minimum>`` (``celery.311``) runs under that minimum, others under ``policy``."""
    pairs = []
    for before in _fixtures(kind, ".before"):
        case, case_policy = _case(before, policy)
        after = before.with_suffix(".after").read_text()
        pairs.append(pytest.param(before.read_text(), after, case_policy, id=case))
    return pairs


def fixture_noops(kind: str, policy: Policy | None = None) -> list[ParameterSet]:
    """The ``<case>.noop`` files of ``tests/fixtures/rewriters/<kind>/``: real files the rewriter
    leaves alone, as ``pytest.param(text, policy, id=case)``, named as in ``fixture_pairs``."""
    noops = []
    for path in _fixtures(kind, ".noop"):
        case, case_policy = _case(path, policy)
        noops.append(pytest.param(path.read_text(), case_policy, id=case))
    return noops


__all__ = ["FIXTURES", "check", "fixture_noops", "fixture_pairs", "noop", "parse"]
