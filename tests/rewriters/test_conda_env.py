from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.environments import conda_env
from rewriters.result import UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop


def _env(python: str) -> str:
    return (
        "name: test\nchannels:\n  - conda-forge\ndependencies:\n"
        f"  - numpy>=1.23\n  - {python}\n  - pip\n  - pip:\n      - idna>=3.9\n"
    )


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty"),
        pytest.param(_env("python"), id="unpinned"),
        pytest.param(_env("python=3.11"), id="current"),
        pytest.param(_env("python>=3.12"), id="floor high enough"),
        pytest.param(_env("python>=3.9,<3.11"), id="range ends below the minimum"),
        pytest.param(_env("python=3.9=h12_0"), id="build string"),
        pytest.param(_env("python=3"), id="major only"),
        pytest.param(_env("python-dateutil=3.9"), id="another package"),
        pytest.param(_env("pythonnet>=3.9"), id="another package, no separator"),
        pytest.param(_env("'python=3\\u002E9'"), id="escaped"),
        pytest.param("channels:\n  - python=3.9\n", id="not under dependencies"),
        pytest.param("dependencies:\n  python: 3.9\n", id="dependencies not a list"),
        pytest.param(
            "dependencies:\n  - pip:\n      - python=3.9\n", id="pip section is not conda's"
        ),
    ),
)
def test_noop(before):
    noop(conda_env, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(_env("python=3.9"), _env("python=3.11"), id="fuzzy pin"),
        pytest.param(_env("python==3.10"), _env("python==3.11"), id="exact pin"),
        pytest.param(_env("python 3.9.*"), _env("python 3.11.*"), id="space and star"),
        pytest.param(_env("python=3.9.*"), _env("python=3.11.*"), id="equals and star"),
        pytest.param(_env("python=3.9.18"), _env("python=3.11.16"), id="patch pin"),
        pytest.param(_env("python >=3.9"), _env("python >=3.11"), id="floor with space"),
        pytest.param(
            _env("python>=3.9,<3.13"), _env("python>=3.11,<3.13"), id="floor with upper bound"
        ),
        pytest.param(
            _env("conda-forge::python=3.10"), _env("conda-forge::python=3.11"), id="channel"
        ),
        pytest.param(_env('"python=3.9"  # min'), _env('"python=3.11"  # min'), id="quoted"),
        pytest.param(
            "dependencies: [numpy, python=3.9]\n",
            "dependencies: [numpy, python=3.11]\n",
            id="flow list",
        ),
    ),
)
def test_rewrite(before, after):
    check(conda_env, before, after, POLICY)


def test_minimum_310():
    check(conda_env, _env("python=3.9"), _env("python=3.10"), POLICY_310)


def test_changes_and_dropped():
    result = conda_env.rewrite(_env("python>=3.9"), POLICY)
    assert result is not None
    assert result.changes == ("dependencies: python>=3.9 → python>=3.11",)
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_unparsable():
    with pytest.raises(UnparsableInput):
        conda_env.rewrite("dependencies: [\n", POLICY)


@pytest.mark.parametrize(
    "path",
    (
        "environment.yml",
        "docs/environment.yaml",
        "continuous_integration/environment-mindeps-array.yaml",
        "ci/requirements/min-all-deps.yml",
        "ci/requirements-py3.8-min.yml",
        "requirements-dev.yml",
        "requirements.yml",
        "docs/rtd_environment.yml",
        ".binder/environment.yml",
        # named for one version: rewritten, then deleted or renamed (version_named)
        "environment-3.9.yaml",
        "ci/requirements-py3.9.yml",
        "ci/requirements/environment-3.13.yml",
        "ci/deps/actions-310.yaml",
    ),
)
def test_claims_environments(path):
    assert registry.owner_of(path) is conda_env


def test_leaves_json():
    assert registry.owner_of("environment.json") is None


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("conda_env", POLICY))
def test_real_files(before, after, policy):
    check(conda_env, before, after, policy)
