from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

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
        pytest.param("docs/api/install.rst", "prose", id="a star crosses slashes in a path"),
        pytest.param("ci/jobs/test.gitlab-ci.yml", "gitlab_ci", id="a name in any directory"),
    ),
)
def test_owner_of(path, owner):
    module = registry.owner_of(path)
    assert module is not None
    assert module.__name__.rsplit(".", 1)[1] == owner
    assert registry.module_of(path) == module.__name__
    assert registry.claims(path)


@pytest.mark.parametrize(
    ("path", "owner"),
    (
        pytest.param(".github/workflows/environment.yml", "github_actions", id="not conda"),
        pytest.param("ci/azure-linux.yml", "azure_pipelines", id="azure, not conda's ci/*.yml"),
        pytest.param("ci/py39.yml", "conda_env", id="conda's ci/*.yml"),
        pytest.param("requirements-dev.txt", "requirements_txt", id="requirements"),
        pytest.param("requirements.yml", "conda_env", id="conda's requirements*.yml"),
        pytest.param("docs/changelog.md", "changelog", id="changelog, not prose"),
        pytest.param("docs/whatsnew.rst", "changelog", id="whatsnew, not prose"),
        pytest.param("NEWS.rst", "changelog", id="news"),
    ),
)
def test_first_row_that_matches_wins(path, owner):
    module = registry.owner_of(path)
    assert module is not None
    assert module.__name__.rsplit(".", 1)[1] == owner


@pytest.mark.parametrize(
    "path",
    (
        "LICENSE",
        "src/pkg/setup.txt",
        ".github/dependabot.yml",
        "tests/fixtures/pyproject.toml",
        "node_modules/x/pyproject.toml",
        "docs/workflows/tests.yml",
        pytest.param("pkg/.github/workflows/tests.yml", id="a pattern with a slash is rooted"),
        pytest.param("pkg/.svn/tox.ini", id="subversion metadata"),
        pytest.param("a/b/vendor/c/setup.py", id="a skipped directory deep down"),
        pytest.param("tox.ini.orig", id="the whole name must match"),
        pytest.param("src/module.py", id="ordinary source"),
    ),
)
def test_not_claimed(path):
    assert registry.owner_of(path) is None
    assert registry.module_of(path) is None
    assert not registry.claims(path)


@pytest.mark.parametrize(
    ("row", "pattern"),
    [(row, pattern) for row in registry.TABLE for pattern in row.patterns],
    ids=lambda value: value if isinstance(value, str) else value.module.rsplit(".", 1)[1],
)
def test_no_pattern_is_shadowed_by_an_earlier_row(row, pattern):
    module = registry.owner_of(pattern.replace("*", "x"))
    assert module is not None
    assert module.__name__ == row.module


@pytest.mark.parametrize("row", registry.TABLE, ids=lambda row: row.module)
def test_patterns_use_only_the_wildcards_the_matcher_knows(row):
    assert not any(set(pattern) & set("[]\0") for pattern in row.patterns)


@pytest.mark.parametrize("row", registry.TABLE, ids=lambda row: row.module)
def test_every_row_names_a_rewriter(row):
    module = importlib.import_module(row.module)
    assert list(inspect.signature(module.rewrite).parameters) == ["text", "policy"]


def test_mypy_checks_every_row_against_the_protocol():
    source = Path(inspect.getfile(registry)).read_text()
    checked = next(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "_CHECKED"
    )
    assert isinstance(checked, ast.Tuple)
    names = [ast.unparse(element) for element in checked.elts]
    assert names == [row.module.rsplit(".", 1)[1] for row in registry.TABLE]


def test_matching_imports_no_rewriter_and_owner_of_imports_its_own():
    script = (
        "import sys, rewriters\n"
        "from rewriters import registry\n"
        "names = [row.module for row in registry.TABLE]\n"
        "loaded = lambda: ' '.join(sorted(set(names) & set(sys.modules)))\n"
        "assert registry.claims('tox.ini') and registry.claims('src/pyproject.toml')\n"
        "assert registry.module_of('tox.ini') == 'rewriters.environments.tox_ini'\n"
        "print(loaded())\n"
        "registry.owner_of('tox.ini')\n"
        "print(loaded())\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before, after = run.stdout.splitlines()
    assert before == ""
    assert "rewriters.environments.tox_ini" in after.split()
    assert "rewriters.packaging.pyproject" not in after.split()
