from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.docs import readthedocs
from rewriters.policy import Facts
from rewriters.result import UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop


def _v2(python: str) -> str:
    return f"version: 2\n\nbuild:\n  os: ubuntu-22.04\n  tools:\n    python: {python}\n"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty"),
        pytest.param("version: 2\nsphinx:\n  configuration: docs/conf.py\n", id="no python"),
        pytest.param(_v2('"3.11"'), id="current"),
        pytest.param(_v2('"3.13"'), id="newer"),
        pytest.param(_v2('"3"'), id="major only"),
        pytest.param(_v2("mambaforge-4.10"), id="conda distribution"),
        pytest.param(_v2("[3.9]"), id="not a scalar"),
        pytest.param("version: 3.9\n", id="top-level version is the config schema"),
        pytest.param(_v2('"3\\u002E9"'), id="escaped value is left alone"),
        pytest.param("python:\n  version: python3.9\n", id="prefixed is not an RTD value"),
        pytest.param("build: latest\n", id="build not a mapping"),
    ),
)
def test_noop(before):
    noop(readthedocs, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(_v2('"3.9"'), _v2('"3.11"'), id="build.tools.python double quotes"),
        pytest.param(_v2("'3.10'  # docs"), _v2("'3.11'  # docs"), id="single quotes, comment"),
        pytest.param(_v2("3.9"), _v2('"3.11"'), id="unquoted gets quotes (float trap)"),
        pytest.param(_v2(">-\n      3.10"), _v2(">-\n      3.11"), id="folded block scalar"),
        pytest.param(
            "python:\n  version: 3.9\n  setup_py_install: true\n",
            'python:\n  version: "3.11"\n  setup_py_install: true\n',
            id="v1 python.version",
        ),
        pytest.param(
            "version: 2\npython:\n  version: '3.8'\n  install:\n    - method: pip\n",
            "version: 2\npython:\n  version: '3.11'\n  install:\n    - method: pip\n",
            id="early v2 python.version",
        ),
    ),
)
def test_rewrite(before, after):
    check(readthedocs, before, after, POLICY)


def test_minimum_310():
    check(readthedocs, _v2('"3.9"'), _v2('"3.10"'), POLICY_310)


@pytest.mark.parametrize(
    ("before", "quote", "after"),
    (
        pytest.param(_v2("3.9"), "'", _v2("'3.11'"), id="the repository's quote"),
        pytest.param(
            "# x: '3.12'\n" + _v2("3.9") + "  nodejs: '3.12'\n",
            '"',
            "# x: '3.12'\n" + _v2("'3.11'") + "  nodejs: '3.12'\n",
            id="the file's quote first, comments aside",
        ),
    ),
)
def test_quote_for_plain_values(before, quote, after):
    check(readthedocs, before, after, replace(POLICY, facts=Facts(quote=quote)))


def test_changes_and_dropped():
    result = readthedocs.rewrite(_v2('"3.9"'), POLICY)
    assert result is not None
    assert result.changes == ("build.tools.python: 3.9 → 3.11",)
    assert result.dropped == frozenset({Minor(3, 9)})


def test_unparsable():
    with pytest.raises(UnparsableInput):
        readthedocs.rewrite("build: [\n", POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("readthedocs", POLICY))
def test_real_files(before, after, policy):
    check(readthedocs, before, after, policy)
