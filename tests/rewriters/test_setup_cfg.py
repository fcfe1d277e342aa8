from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.packaging import setup_cfg
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_noops, fixture_pairs, noop

CLASSIFIERS = """\
[metadata]
name = pkg
classifiers =
    Programming Language :: Python
    Programming Language :: Python :: 3
    Programming Language :: Python :: 3 :: Only
{versions}    License :: OSI Approved :: MIT License
"""


def classifiers(*versions: str) -> str:
    lines = "".join(f"    Programming Language :: Python :: {v}\n" for v in versions)
    return CLASSIFIERS.format(versions=lines)


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("[metadata]\nname = pkg\n", id="nothing versioned"),
        pytest.param(classifiers("3.11", "3.12"), id="classifiers current"),
        pytest.param("[options]\npython_requires = >=3.11\n", id="python_requires current"),
        pytest.param("[options]\npython_requires = <4\n", id="python_requires without floor"),
        pytest.param("[options]\ninstall_requires =\n    idna>=3.9\n", id="dependency pin"),
        pytest.param(
            "[bdist_rpm]\nrequires = zoneinfo;python_version<'3.9'\n", id="markers elsewhere"
        ),
        pytest.param(
            "[options]\ninstall_requires = tomli; python_version < '3.12'\n", id="marker splits"
        ),
        pytest.param("[tool:pytest]\nminversion = 3.9\n", id="pytest untouched"),
        pytest.param("[bdist_wheel]\npython_tag = py39\n", id="python_tag untouched"),
        pytest.param(
            "[testenv]\ndeps = py39: foo\n", id="testenv without tox:tox is not tox config"
        ),
    ),
)
def test_noop(before):
    noop(setup_cfg, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "[options]\npython_requires = >=3.9\n",
            "[options]\npython_requires = >=3.11\n",
            id="python_requires",
        ),
        pytest.param(
            "[options]\npython_requires = >= 3.8, <4\n",
            "[options]\npython_requires = >= 3.11, <4\n",
            id="python_requires with spaces and ceiling",
        ),
        pytest.param(
            "[options]\npython_requires =\n    >=3.10\n",
            "[options]\npython_requires =\n    >=3.11\n",
            id="python_requires on the next line",
        ),
        pytest.param(
            classifiers("3.9", "3.10", "3.11", "3.12"),
            classifiers("3.11", "3.12"),
            id="classifiers",
        ),
        pytest.param(
            classifiers("3.9", "3.10"),
            classifiers("3.11"),
            id="all classifiers dropped: the minimum's goes in",
        ),
        pytest.param(
            "[metadata]\nclassifiers = Programming Language :: Python :: 3.9\n",
            "[metadata]\nclassifiers = Programming Language :: Python :: 3.11\n",
            id="single classifier on the key line",
        ),
        pytest.param(
            "[metadata]\nclassifiers = Programming Language :: Python :: 3.10\n"
            "    Programming Language :: Python :: 3.12\n",
            "[metadata]\nclassifiers =\n    Programming Language :: Python :: 3.12\n",
            id="classifier on the key line goes",
        ),
        pytest.param(
            '[options]\ninstall_requires =\n    a\n    b;python_version<"3.8"\n'
            "    c<2; python_version<'3.9'\n    c>=2; python_version>='3.9'\n"
            "    d; python_version>='3.9'\n    e; python_version>='3.6'\n"
            "    f; python_version>='3.11'\npython_requires = >=3.7\n",
            "[options]\ninstall_requires =\n    a\n    c>=2\n    d\n"
            "    e; python_version>='3.6'\n    f; python_version>='3.11'\n"
            "python_requires = >=3.11\n",
            id="install_requires markers: dead ones go, a split pin collapses, "
            "one naming a dropped version goes, others stay",
        ),
        pytest.param(
            "[options.extras_require]\ntoml =\n    tomli; python_version < '3.11'\n",
            "[options.extras_require]\ntoml =\n",
            id="extras markers",
        ),
        pytest.param(
            "[mypy]\npython_version = 3.9\n",
            "[mypy]\npython_version = 3.11\n",
            id="mypy section",
        ),
        pytest.param(
            "[tox:tox]\nenvlist = py{39,310,311}\n\n[testenv]\ndeps =\n    py39: old\n    new\n",
            "[tox:tox]\nenvlist = py{311}\n\n[testenv]\ndeps =\n    new\n",
            id="tox section",
        ),
    ),
)
def test_rewrite(before, after):
    check(setup_cfg, before, after, POLICY)


PY2_CFG = """\
[metadata]
name = pkg
classifiers =
    Programming Language :: Python :: 2
{py2}    Programming Language :: Python :: 3
    Programming Language :: Python :: {oldest}
    Programming Language :: Python :: 3.12
    Programming Language :: Python :: 2 :: Only
    License :: OSI Approved :: MIT License

[options]
python_requires = {requires}
"""


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            PY2_CFG.format(
                py2="    Programming Language :: Python :: 2.7\n",
                oldest="3.9",
                requires=">=2.7, !=3.0.*",
            ),
            "[metadata]\nname = pkg\nclassifiers =\n"
            "    Programming Language :: Python :: 3\n"
            "    Programming Language :: Python :: 3.12\n"
            "    License :: OSI Approved :: MIT License\n\n"
            "[options]\npython_requires = >=3.11\n",
            id="python 2 classifiers go with 2.7 and 3.9",
        ),
        pytest.param(
            PY2_CFG.format(py2="", oldest="3.11", requires=">=3.11"),
            "[metadata]\nname = pkg\nclassifiers =\n"
            "    Programming Language :: Python :: 3\n"
            "    Programming Language :: Python :: 3.11\n"
            "    Programming Language :: Python :: 3.12\n"
            "    License :: OSI Approved :: MIT License\n\n"
            "[options]\npython_requires = >=3.11\n",
            id="python 2 classifiers below a floor of 3.x go alone",
        ),
    ),
)
def test_python2_classifiers_go(before, after):
    check(setup_cfg, before, after, POLICY)


def test_python2_classifiers_are_reported():
    before = PY2_CFG.format(py2="", oldest="3.9", requires=">=3.9")
    result = setup_cfg.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "classifiers: dropped 3.9",
        "classifiers: dropped the Python 2 classifiers",
        "python_requires: >=3.9 → >=3.11",
    )


def test_changes_and_dropped():
    before = classifiers("3.8", "3.9", "3.10") + "\n[options]\npython_requires = >=3.8\n"
    result = setup_cfg.rewrite(before, POLICY_310)
    assert result is not None
    assert result.changes == (
        "classifiers: dropped 3.8 and 3.9",
        "python_requires: >=3.8 → >=3.10",
    )
    assert result.dropped == {Minor(3, 8), Minor(3, 9)}


@pytest.mark.parametrize(
    "path",
    (
        "setup.cfg",
        "pkg/setup.cfg",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is setup_cfg


@pytest.mark.parametrize(("text", "policy"), fixture_noops("setup_cfg", POLICY_310))
def test_real_files_without_versions(text, policy):
    assert setup_cfg.rewrite(text, policy) is None


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("setup_cfg", POLICY_310))
def test_real_files(before, after, policy):
    check(setup_cfg, before, after, policy)
