from __future__ import annotations

import pytest

from rewriters.repository.style import repository_quote

SINGLE = "jobs:\n  a:\n    strategy:\n      matrix:\n        python: ['3.9', '3.10']\n"
DOUBLE = 'build:\n  tools:\n    python: "3.12"\n'
PLAIN = "jobs:\n  a:\n    with:\n      python-version: 3.9\n"


@pytest.mark.parametrize(
    ("files", "quote"),
    (
        pytest.param({}, '"', id="empty repository"),
        pytest.param({".github/workflows/a.yml": PLAIN}, '"', id="nothing quoted"),
        pytest.param(
            {
                ".github/workflows/a.yml": PLAIN,
                ".github/workflows/b.yml": SINGLE,
                ".readthedocs.yaml": DOUBLE,
            },
            "'",
            id="most versions in single quotes",
        ),
        pytest.param(
            {".github/workflows/a.yml": SINGLE, ".pre-commit-config.yaml": DOUBLE + DOUBLE},
            '"',
            id="a tie is double",
        ),
        pytest.param(
            {".github/workflows/a.yml": DOUBLE, "tox.ini": SINGLE, "pyproject.toml": SINGLE},
            '"',
            id="only yaml files count",
        ),
        pytest.param(
            {".github/workflows/a.yml": DOUBLE, "tests/data/x.yml": SINGLE + SINGLE},
            '"',
            id="only yaml files molt reads count",
        ),
        pytest.param(
            {".github/workflows/a.yaml": "# python: '3.9'\npython: \"3.9\"  # or '3.9'\n"},
            '"',
            id="comments do not count",
        ),
    ),
)
def test_repository_quote(files, quote):
    assert repository_quote(files) == quote
