from __future__ import annotations

import pytest

from rewriters import registry


@pytest.mark.parametrize(
    ("path", "owner"),
    (
        (".github/workflows/tests.yml", "github_actions"),
        (".github/workflows/release.yaml", "github_actions"),
        (".github/actions/setup/action.yml", "github_actions"),
        ("pyproject.toml", "pyproject"),
        ("packages/core/pyproject.toml", "pyproject"),
        ("setup.cfg", "setup_cfg"),
        ("setup.py", "setup_py"),
        ("tox.ini", "tox_ini"),
        ("mypy.ini", "tool_ini"),
        (".mypy.ini", "tool_ini"),
        ("README.md", "prose"),
        ("docs/install.rst", "prose"),
        ("CHANGELOG.md", "changelog"),
        ("Dockerfile", "dockerfile"),
        (".pre-commit-config.yaml", "pre_commit_config"),
        ("noxfile.py", "noxfile"),
    ),
)
def test_owner_of(path, owner):
    module = registry.owner_of(path)
    assert module is not None
    assert module.__name__.rsplit(".", 1)[1] == owner
    assert registry.claims(path)


@pytest.mark.parametrize(
    "path",
    (
        "LICENSE",
        "src/pkg/setup.txt",
        ".github/dependabot.yml",
        "tests/fixtures/pyproject.toml",
        "node_modules/x/pyproject.toml",
        "docs/workflows/tests.yml",
    ),
)
def test_not_claimed(path):
    assert registry.owner_of(path) is None
    assert not registry.claims(path)
