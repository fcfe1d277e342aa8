from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.specifiers import (
    classifier_for,
    classifier_version,
    constraint_fate,
    marker_fate,
    marker_version,
    named_minors,
    raise_floor,
    shift_window,
    without_marker,
)
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310


@pytest.mark.parametrize(
    ("spec", "expected", "old_floor"),
    (
        pytest.param(">=3.9", ">=3.11", Minor(3, 9), id="plain"),
        pytest.param(">= 3.9", ">= 3.11", Minor(3, 9), id="spaced"),
        pytest.param(">=3.9,<4", ">=3.11,<4", Minor(3, 9), id="upper-bound-kept"),
        pytest.param(">=3.9, <4", ">=3.11, <4", Minor(3, 9), id="space-after-comma"),
        pytest.param(">=3.9.2", ">=3.11", Minor(3, 9), id="patch-floor-becomes-minor"),
        pytest.param("~=3.9", "~=3.11", Minor(3, 9), id="compatible-release"),
        pytest.param(">=3.9,!=3.9.1", ">=3.11", Minor(3, 9), id="exclusion-below-gone"),
        pytest.param(">=3.9,!=3.12.0", ">=3.11,!=3.12.0", Minor(3, 9), id="exclusion-above-kept"),
        pytest.param("^3.9", "^3.11", Minor(3, 9), id="poetry-caret"),
        pytest.param(">=3.9,<4.0", ">=3.11,<4.0", Minor(3, 9), id="poetry-range"),
        pytest.param(">3.8", ">=3.11", Minor(3, 8), id="strictly-greater"),
        pytest.param("<4,>=3.8", "<4,>=3.11", Minor(3, 8), id="floor-second"),
        pytest.param(">=3.8,>=3.9", ">=3.11", Minor(3, 9), id="two-floors"),
        pytest.param(">=3.6.0", ">=3.11.0", Minor(3, 6), id="dot-zero-patch-kept"),
        pytest.param(">=3.9,<=3.11", ">=3.11,<=3.11", Minor(3, 9), id="inclusive-ceiling-at-min"),
    ),
)
def test_raise_floor(spec, expected, old_floor):
    raised = raise_floor(spec, POLICY)
    assert raised is not None
    assert raised.text == expected
    assert raised.old_floor == old_floor


@pytest.mark.parametrize(
    "spec",
    (
        pytest.param(">=3.11", id="already-there"),
        pytest.param(">=3.12,<4", id="above"),
        pytest.param("<4", id="no-floor"),
        pytest.param("", id="empty"),
        pytest.param("not a spec", id="garbage"),
        pytest.param(">=3.9.*", id="invalid-wildcard-floor"),
        pytest.param("==3.9.*", id="pinned-not-a-floor"),
        pytest.param(">=3.9,<3.11", id="ceiling-shuts-out-the-minimum"),
        pytest.param(">=3.9,<=3.10", id="inclusive-ceiling-below"),
    ),
)
def test_raise_floor_noop(spec):
    assert raise_floor(spec, POLICY) is None


def test_raise_floor_to_pinned_minimum():
    raised = raise_floor(">=3.9", POLICY_310)
    assert raised is not None
    assert raised.text == ">=3.10"


def test_classifiers():
    assert classifier_version("Programming Language :: Python :: 3.9") == Minor(3, 9)
    assert classifier_version("  Programming Language :: Python :: 3.10 ") == Minor(3, 10)
    assert classifier_version("Programming Language :: Python :: 3") is None
    assert classifier_version("Programming Language :: Python :: 3 :: Only") is None
    assert classifier_version("License :: OSI Approved :: MIT License") is None
    assert classifier_for(Minor(3, 11)) == "Programming Language :: Python :: 3.11"


@pytest.mark.parametrize(
    ("spec", "policy", "expected", "old_floor"),
    (
        pytest.param(
            "<3.10 >= 3.9.2", POLICY_310, "<3.11 >= 3.10", Minor(3, 9), id="poetry-oldest"
        ),
        pytest.param(">=3.8,<3.10", POLICY_310, ">=3.10,<3.12", Minor(3, 8), id="two-minors-wide"),
        pytest.param(">=3.9,<3.11", POLICY, ">=3.11,<3.13", Minor(3, 9), id="ceiling-at-minimum"),
        pytest.param(
            ">=3.9, <=3.10", POLICY, ">=3.11, <=3.12", Minor(3, 9), id="inclusive-ceiling"
        ),
        pytest.param(">=3.9.0,<3.10", POLICY_310, ">=3.10.0,<3.11", Minor(3, 9), id="zero-patch"),
    ),
)
def test_shift_window(spec, policy, expected, old_floor):
    assert shift_window(spec, policy) == (expected, old_floor)


@pytest.mark.parametrize(
    "spec",
    (
        pytest.param(">=3.9,<3.12", id="still-admits-the-minimum"),
        pytest.param(">=3.9, <=3.11", id="inclusive-ceiling-admits-the-minimum"),
        pytest.param("<3.10", id="no-floor"),
        pytest.param(">=3.9", id="no-ceiling"),
        pytest.param(">=3.9,<3.10.5", id="ceiling-with-a-patch"),
        pytest.param(">3.8,<3.10", id="exclusive-floor"),
        pytest.param(">=3.9,!=3.9.1,<3.10", id="three-clauses"),
        pytest.param(">=2.6,<2.8", id="another-major"),
        pytest.param(">=3.11,<3.10", id="empty-range"),
        pytest.param("^3.9", id="caret"),
        pytest.param("==3.9.*", id="wildcard"),
        pytest.param("", id="empty"),
    ),
)
def test_shift_window_noop(spec):
    assert shift_window(spec, POLICY) is None


@pytest.mark.parametrize(
    ("requirement", "expected"),
    (
        pytest.param("a; python_version < '3.10'", False, id="below"),
        pytest.param("a;python_version<='3.9'", False, id="at-or-below"),
        pytest.param("a; python_version == '3.9'", False, id="equal-dropped"),
        pytest.param("a; python_version >= '3.10'", True, id="from-the-minimum"),
        pytest.param('a ; python_version > "3.8"', True, id="above-dropped"),
        pytest.param("a; python_version != '3.9'", True, id="not-dropped"),
        pytest.param("a; python_full_version >= '3.9.2'", True, id="patch-in-a-dropped-minor"),
        pytest.param("a; python_full_version < '3.9.2'", False, id="patch-below"),
        pytest.param("a; python_version < '3.12'", None, id="splits"),
        pytest.param("a; python_full_version < '3.10.2'", None, id="patch-splits-the-minimum"),
        pytest.param("a; python_full_version >= '3.10.0'", None, id="zero-patch-of-the-minimum"),
        pytest.param("a; python_version < '3.10' and sys_platform == 'win32'", None, id="and"),
        pytest.param("a; sys_platform == 'win32' or python_version < '3.10'", None, id="or"),
        pytest.param("a", None, id="no-marker"),
    ),
)
def test_marker_fate(requirement, expected):
    assert marker_fate(requirement, Minor(3, 10)) is expected


def test_without_marker():
    assert without_marker('pkg (>=3.0.0) ; python_version >= "3.9"') == "pkg (>=3.0.0)"
    assert marker_version("pkg;python_full_version<'3.9.2'") == Minor(3, 9)


@pytest.mark.parametrize(
    ("constraint", "expected"),
    (
        pytest.param("<3.10", False, id="below"),
        pytest.param(">=3.8,<3.10", False, id="range-below"),
        pytest.param("<3.10 >= 3.8", False, id="blank-separated"),
        pytest.param(">=3.9", True, id="every-kept"),
        pytest.param("<4", True, id="major-only"),
        pytest.param(">=3.12", None, id="some-kept"),
        pytest.param("<3.11.2", None, id="patch-splits-a-kept-minor"),
        pytest.param("<3.10 || >=3.12", None, id="or"),
        pytest.param("~3.9", None, id="tilde"),
        pytest.param("3.9.*", None, id="wildcard"),
        pytest.param("", None, id="empty"),
    ),
)
def test_constraint_fate(constraint, expected):
    assert constraint_fate(constraint, Minor(3, 10)) is expected


def test_named_minors():
    assert named_minors("<3.10 >= 3.8.1") == [Minor(3, 10), Minor(3, 8)]
    assert named_minors("^3.8") == []


def test_a_kept_version_holds_the_floor():
    keep = replace(POLICY, keep=frozenset({Minor(3, 10)}))  # minimum 3.11, 3.10 kept
    raised = raise_floor(">=3.9,!=3.9.1", keep)
    assert raised is not None
    assert raised.text == ">=3.10"
    assert raise_floor(">=3.10", keep) is None
