from __future__ import annotations

import pytest

from rewriters.repository.declared import newest_supported, oldest_declared
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


@pytest.mark.parametrize(
    ("files", "oldest"),
    (
        pytest.param(
            {"pyproject.toml": 'requires-python = ">=3.8"\n'}, Minor(3, 8), id="pyproject"
        ),
        pytest.param({"setup.cfg": "python_requires = >=3.7, <4\n"}, Minor(3, 7), id="setup.cfg"),
        pytest.param({"setup.py": "python_requires='~=3.9',\n"}, Minor(3, 9), id="setup.py"),
        pytest.param(
            {
                "pyproject.toml": 'requires-python = ">=3.10"\n',
                "sub/setup.py": "python_requires='>=3.8'",
            },
            Minor(3, 8),
            id="the oldest of every package",
        ),
        pytest.param(
            {"pyproject.toml": CLASSIFIERS}, Minor(3, 9), id="classifiers without a floor"
        ),
        pytest.param(
            {"pyproject.toml": 'requires-python = "not a specifier"\n' + CLASSIFIERS},
            Minor(3, 9),
            id="an unreadable floor falls back to classifiers",
        ),
        pytest.param({"tox.ini": "python_requires = >=3.6\n"}, None, id="not a package file"),
        pytest.param({}, None, id="nothing declared"),
    ),
)
def test_oldest_declared(files, oldest):
    assert oldest_declared(files) == oldest
