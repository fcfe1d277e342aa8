from __future__ import annotations

import pytest

from rewriters.repository.declared import newest_supported
from rewriters.versions import Minor

CLASSIFIERS = (
    '"Programming Language :: Python :: 3.9",\n"Programming Language :: Python :: 3.13",\n'
)


@pytest.mark.parametrize(
    ("files", "newest"),
    (
        pytest.param({"pyproject.toml": CLASSIFIERS}, Minor(3, 13), id="pyproject"),
        pytest.param(
            {"setup.cfg": "classifiers =\n    Programming Language :: Python :: 3.12\n"},
            Minor(3, 12),
            id="setup.cfg",
        ),
        pytest.param(
            {
                "setup.py": "classifiers=['Programming Language :: Python :: 3.10']",
                "libs/core/pyproject.toml": CLASSIFIERS,
            },
            Minor(3, 13),
            id="the newest of every package",
        ),
        pytest.param(
            {"README.md": "Programming Language :: Python :: 3.14"}, None, id="not a package file"
        ),
        pytest.param(
            {"pyproject.toml": '"Programming Language :: Python :: 3 :: Only"\n'},
            None,
            id="no minor named",
        ),
        pytest.param({}, None, id="nothing"),
    ),
)
def test_newest_supported(files, newest):
    assert newest_supported(files) == newest
