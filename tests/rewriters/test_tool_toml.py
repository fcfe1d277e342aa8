"""ruff.toml and hatch.toml: a tool's pyproject table in a file of its own."""

from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.result import UnparsableInput
from rewriters.tools import hatch_toml, ruff_toml
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, noop

RUFF = """\
# shared settings: see pyproject.toml for the package
line-length = 100
target-version = "py39"

[lint]
select = ["E", "F", "UP"]
"""

HATCH = """\
[envs.default]
python = "3.9"
dependencies = ["pytest"]

[[envs.test.matrix]]
python = ["3.9", "3.10", "3.11", "3.12"]

[envs.lint]
python = "3.12"
"""


@pytest.mark.parametrize(
    ("module", "before", "after", "policy"),
    (
        pytest.param(ruff_toml, RUFF, RUFF.replace("py39", "py311"), POLICY, id="ruff"),
        pytest.param(
            ruff_toml,
            "target-version = 'py39'  # oldest\n",
            "target-version = 'py310'  # oldest\n",
            POLICY_310,
            id="ruff literal string and comment",
        ),
        pytest.param(
            hatch_toml,
            HATCH,
            HATCH.replace('python = "3.9"', 'python = "3.11"').replace('"3.9", "3.10", ', ""),
            POLICY,
            id="hatch env and matrix",
        ),
    ),
)
def test_rewrite(module, before, after, policy):
    check(module, before, after, policy)


@pytest.mark.parametrize(
    ("module", "before"),
    (
        pytest.param(ruff_toml, 'target-version = "py311"\n', id="ruff current"),
        pytest.param(ruff_toml, '[tool.ruff]\ntarget-version = "py39"\n', id="ruff prefixed"),
        pytest.param(ruff_toml, '[lint.isort]\nknown-first-party = ["py39"]\n', id="ruff other"),
        pytest.param(hatch_toml, '[envs.lint]\npython = "3.12"\n', id="hatch current"),
        pytest.param(hatch_toml, '[version]\npath = "src/py39/__init__.py"\n', id="hatch other"),
    ),
)
def test_noop(module, before):
    noop(module, before, POLICY)


def test_ruff_change_is_reported():
    result = ruff_toml.rewrite(RUFF, POLICY)
    assert result is not None
    assert result.changes == ("target-version: py39 → py311",)
    assert result.dropped == frozenset({Minor(3, 9)})


@pytest.mark.parametrize("module", (ruff_toml, hatch_toml))
def test_unparsable(module):
    with pytest.raises(UnparsableInput):
        module.rewrite("[lint\n", POLICY)


@pytest.mark.parametrize(
    ("path", "module"),
    (
        ("ruff.toml", ruff_toml),
        (".ruff.toml", ruff_toml),
        ("tools/ruff.toml", ruff_toml),
        ("hatch.toml", hatch_toml),
    ),
)
def test_owned_paths(path, module):
    assert registry.owner_of(path) is module
