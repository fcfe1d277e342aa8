from __future__ import annotations

from pathlib import Path

import pytest

from rewriters import mypy_ini
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, unchanged

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rewriters" / "mypy_ini"


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
    assert unchanged(mypy_ini, before, POLICY)


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
    check(mypy_ini, before, after, POLICY)


def test_changes_and_dropped():
    result = mypy_ini.rewrite("[mypy]\npython_version = 3.9\n", POLICY_310)
    assert result is not None
    assert result.text == "[mypy]\npython_version = 3.10\n"
    assert result.changes == ("[mypy] python_version: 3.9 → 3.10",)
    assert result.dropped == {Minor(3, 9)}


def test_patterns():
    assert mypy_ini.PATTERNS == ("mypy.ini", ".mypy.ini")


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.before")), ids=lambda p: p.stem)
def test_real_files_without_python_version(path):
    assert mypy_ini.rewrite(path.read_text(), POLICY) is None
