from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.environments import tox_ini
from rewriters.packaging import setup_cfg
from rewriters.tools import tool_ini
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_noops, noop


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("[mypy]\nstrict = true\n", id="no python_version"),
        pytest.param("[mypy]\npython_version = 3.11\n", id="already the minimum"),
        pytest.param("[mypy]\npython_version = 3.13\n", id="above the minimum"),
        pytest.param("[mypy-foo.*]\npython_version = 3.9\n", id="per-module section"),
        pytest.param("[mypy]\npython_version =\n", id="empty value"),
        pytest.param("[mypy]\npython_version = py39\n", id="not mypy's spelling"),
    ),
)
def test_noop(before):
    noop(tool_ini, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "[mypy]\npython_version = 3.9\nstrict = true\n",
            "[mypy]\npython_version = 3.11\nstrict = true\n",
            id="dropped version moves to the minimum",
        ),
        pytest.param(
            "[mypy]\nstrict = true\npython_version: 3.10  \n\n[mypy-x.*]\nignore_errors = True\n",
            "[mypy]\nstrict = true\npython_version: 3.11  \n\n[mypy-x.*]\nignore_errors = True\n",
            id="colon delimiter and trailing space",
        ),
        pytest.param(
            "# comment\n[mypy]\n; old\npython_version=3.8\n",
            "# comment\n[mypy]\n; old\npython_version=3.11\n",
            id="no spaces and comments",
        ),
        pytest.param(
            "[mypy]\npython_version =\n  3.9\n",
            "[mypy]\npython_version =\n  3.11\n",
            id="value on the next line",
        ),
    ),
)
def test_rewrite(before, after):
    check(tool_ini, before, after, POLICY)


def test_changes_and_dropped():
    result = tool_ini.rewrite("[mypy]\npython_version = 3.9\n", POLICY_310)
    assert result is not None
    assert result.text == "[mypy]\npython_version = 3.10\n"
    assert result.changes == ("[mypy] python_version: 3.9 → 3.10",)
    assert result.dropped == {Minor(3, 9)}


@pytest.mark.parametrize(
    "path",
    (
        "mypy.ini",
        ".mypy.ini",
        "pylintrc",
        ".pylintrc",
        ".flake8",
        "src/.flake8",
        ".isort.cfg",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is tool_ini


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "[MAIN]\njobs = 0\npy-version = 3.9\n\n[FORMAT]\nmax-line-length = 100\n",
            "[MAIN]\njobs = 0\npy-version = 3.11\n\n[FORMAT]\nmax-line-length = 100\n",
            id="pylintrc",
        ),
        pytest.param(
            "[MASTER]\npy-version=3.10\n", "[MASTER]\npy-version=3.11\n", id="pylintrc master"
        ),
        pytest.param(
            "[settings]\nprofile = black\npy_version = 39\n",
            "[settings]\nprofile = black\npy_version = 311\n",
            id="isort without a dot",
        ),
        pytest.param(
            "[flake8]\nmax-line-length = 88\nmin_python_version = 3.9.0\n",
            "[flake8]\nmax-line-length = 88\nmin_python_version = 3.11.0\n",
            id="flake8-typing-imports keeps a zero patch",
        ),
        pytest.param(
            "[flake8]\nmin_python_version = 3.9.18\n",
            "[flake8]\nmin_python_version = 3.11.16\n",
            id="another patch is the latest",
        ),
    ),
)
def test_other_tools(before, after):
    check(tool_ini, before, after, POLICY)


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("[settings]\npy_version = all\n", id="isort all"),
        pytest.param("[settings]\npy_version = 311\n", id="isort current"),
        pytest.param("[FORMAT]\npy-version = 3.9\n", id="pylint key in another section"),
        pytest.param("[flake8]\nmin_python_version = 3.14-dev\n", id="pre-release"),
    ),
)
def test_other_tools_noop(before):
    noop(tool_ini, before, POLICY)


@pytest.mark.parametrize(
    ("module", "before", "after"),
    (
        pytest.param(
            setup_cfg,
            "[pylint.MAIN]\npy-version = 3.9\n[tool:isort]\npy_version = 39\n",
            "[pylint.MAIN]\npy-version = 3.11\n[tool:isort]\npy_version = 311\n",
            id="setup.cfg",
        ),
        pytest.param(
            tox_ini,
            "[flake8]\nmin_python_version = 3.9.0\n[isort]\npy_version = 310\n",
            "[flake8]\nmin_python_version = 3.11.0\n[isort]\npy_version = 311\n",
            id="tox.ini",
        ),
    ),
)
def test_pins_in_shared_config_files(module, before, after):
    check(module, before, after, POLICY)


@pytest.mark.parametrize(("text", "policy"), fixture_noops("tool_ini", POLICY))
def test_real_files_without_python_version(text, policy):
    assert tool_ini.rewrite(text, policy) is None
