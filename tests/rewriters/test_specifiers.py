from __future__ import annotations

import pytest

from rewriters.specifiers import classifier_for, classifier_version, raise_floor
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
