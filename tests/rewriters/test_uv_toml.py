from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.result import UnparsableInput
from rewriters.tools import uv_toml
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, noop

SETTINGS = """\
# uv settings for this checkout
python-preference = "only-managed"
python-downloads = "manual"
required-version = ">=0.5"
index-url = "https://pypi.org/simple"

"""


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(SETTINGS, id="no version settings"),
        pytest.param(SETTINGS + '[pip]\npython-version = "3.11"\n', id="current"),
        pytest.param('python-version = "3.9"\n', id="top-level key is not a uv setting"),
        pytest.param('[tool.uv]\npython-version = "3.9"\n', id="tool.uv is not pip"),
        pytest.param('[pip]\nconstraint-dependencies = ["idna>=3.9"]\n', id="dependency pin"),
    ),
)
def test_noop(before):
    noop(uv_toml, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            SETTINGS + '[pip]\npython-version = "3.9"\n',
            SETTINGS + '[pip]\npython-version = "3.11"\n',
            id="pip python-version",
        ),
        pytest.param(
            "[pip]\npython-version = '3.10.4'  # CI\n",
            "[pip]\npython-version = '3.11.16'  # CI\n",
            id="patch, literal string, comment",
        ),
        pytest.param(
            'pip = { python-version = "3.9", universal = true }\n',
            'pip = { python-version = "3.11", universal = true }\n',
            id="inline table",
        ),
    ),
)
def test_rewrite(before, after):
    check(uv_toml, before, after, POLICY)


def test_minimum_310():
    check(
        uv_toml, '[pip]\npython-version = "3.9"\n', '[pip]\npython-version = "3.10"\n', POLICY_310
    )


def test_changes_and_dropped():
    result = uv_toml.rewrite('[pip]\npython-version = "3.10"\n', POLICY)
    assert result is not None
    assert result.changes == ("pip.python-version: 3.10 → 3.11",)
    assert result.dropped == frozenset({Minor(3, 10)})


def test_markers_handled_like_tool_uv():
    before = (
        "constraint-dependencies = [\"foo; python_version < '3.10'\",\n"
        "  \"bar; python_version > '3.9'\"]\n"
        '[pip]\npython-version = "3.9"\n'
    )
    result = uv_toml.rewrite(before, POLICY)
    assert result is not None
    assert result.text == (
        "constraint-dependencies = [\"bar; python_version > '3.9'\"]\n"
        '[pip]\npython-version = "3.11"\n'
    )
    assert result.changes == (
        "constraint-dependencies: removed foo; python_version < '3.10'",
        "pip.python-version: 3.9 → 3.11",
    )
    assert result.notes == (
        "constraint-dependencies: python_version markers are now always true or always false "
        "in \"bar; python_version > '3.9'\"; simplify them by hand",
    )


def test_unparsable():
    with pytest.raises(UnparsableInput):
        uv_toml.rewrite("[pip\n", POLICY)


@pytest.mark.parametrize(
    "path",
    (
        "uv.toml",
        "pkg/uv.toml",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is uv_toml
