"""The one list rule (``rules.shrink``) as a table of lists and what each becomes, and the one
spelling of a moved pin (``rules.pinned``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.policy import Facts
from rewriters.rules import entry_goes, pinned, shrink
from rewriters.versions import Minor, parse_token, range_token
from tests.conftest import POLICY

# new minimum 3.11; the repository declares support up to 3.13 (its classifiers' newest)
DECLARED = replace(POLICY, facts=Facts(newest=Minor(3, 13)))
LATEST_311 = POLICY.latest_patch(Minor(3, 11))


def shrunk(items: list[str], settle: bool = False) -> list[str]:
    """The list as it reads once ``shrink``'s decision is written out."""
    tokens = [parse_token(item) for item in items]
    result = shrink(tokens, DECLARED, settle)
    out = []
    for i, item in enumerate(items):
        token = tokens[i]
        if i in result.removed:
            continue
        if i in result.moved:
            assert token is not None
            out.append(pinned(token, DECLARED, result.moved[i]))
        elif i in result.settled:
            assert token is not None
            out.append(str(token.version))
        else:
            out.append(item)
    return out


# The table every CI system's list must agree with (tests/rewriters/test_ci_systems.py).
LISTS = (
    pytest.param(
        ["3.9", "3.10", "3.11", "3.12", "3.13"], ["3.11", "3.12", "3.13"], id="full range"
    ),
    pytest.param(["3.9", "3.13"], ["3.11", "3.13"], id="bookends keep the minimum tested"),
    pytest.param(["3.10", "3.12", "3.13"], ["3.11", "3.12", "3.13"], id="oldest moves up"),
    pytest.param(["3.11", "3.12"], ["3.11", "3.12"], id="nothing old"),
    pytest.param(["3.9", "pypy3.10", "3.13"], ["3.11", "3.13"], id="pypy goes, cpython moves"),
    pytest.param(["3.9", "3.10", "3.11"], ["3.11", "3.12", "3.13"], id="window moves up"),
    pytest.param(["3.10", "3.11"], ["3.11", "3.12"], id="window of two"),
    pytest.param(["3.10", "3.11", "3.12", "3.13"], ["3.11", "3.12", "3.13"], id="long run shrinks"),
    pytest.param(["3.9", "3.10"], ["3.11"], id="all old: one moves"),
    pytest.param(["pypy3.9", "pypy3.10"], ["pypy3.11"], id="all old pypy: newest moves"),
    pytest.param(["3.9", "3.11", "pypy3.10"], ["3.11"], id="pypy of a dropped minor goes"),
    pytest.param(["3.9.18", "3.12"], [LATEST_311, "3.12"], id="a patch moves to the latest"),
    pytest.param(["3.9", "3.12", "3.14-dev"], ["3.11", "3.12", "3.14"], id="released dev settles"),
    pytest.param(["3.9", "3.14", "3.14-dev"], ["3.11", "3.14"], id="dev of a listed one goes"),
)


@pytest.mark.parametrize(("before", "after"), LISTS)
def test_shrink(before, after):
    assert shrunk(before) == after


def test_settle_only_when_asked_in_an_unchanged_list():
    assert shrunk(["3.12", "3.14-dev"]) == ["3.12", "3.14-dev"]
    assert shrunk(["3.12", "3.14-dev"], settle=True) == ["3.12", "3.14"]


def test_non_versions_stay_in_place():
    tokens = [parse_token("3.9"), None, parse_token("3.12")]
    result = shrink(tokens, DECLARED)
    assert (result.removed, result.moved) == ([], {0: Minor(3, 11)})


def test_ranges_count_as_their_minor_but_never_move():
    def tokens(*items):
        return [range_token(i) or parse_token(i) for i in items]

    at_minimum = shrink(tokens("3.9", "3.10", ">=3.11 <3.12", "3.12"), DECLARED)
    assert (at_minimum.removed, at_minimum.moved) == ([0, 1], {})
    no_window = shrink(tokens("3.10", "3.11.x"), DECLARED)
    assert (no_window.removed, no_window.moved) == ([0], {})
    old_range = shrink(tokens("3.9.x", "3.12"), DECLARED)
    assert (old_range.removed, old_range.moved, old_range.dropped) == ([], {}, set())


def test_a_window_needs_a_declared_newest():
    tokens = [parse_token(v) for v in ("3.9", "3.10", "3.11")]
    assert shrink(tokens, POLICY).removed == [0, 1]


@pytest.mark.parametrize(
    ("token", "spelled"),
    (
        ("3.9", "3.11"),
        ("3.9.18", LATEST_311),
        ("3.9-dev", "3.11"),
        ("py39", "py311"),
        ("cp39", "cp311"),
        ("pypy-3.9", "pypy-3.11"),
    ),
)
def test_pinned(token, spelled):
    parsed = parse_token(token)
    assert parsed is not None
    assert pinned(parsed, POLICY) == spelled


@pytest.mark.parametrize(
    ("always", "repeats", "named", "goes"),
    (
        (False, False, False, False),  # an entry of its own moves
        (False, True, False, True),  # moved, it would repeat another: it goes
        (False, True, True, False),  # ... unless something names it
        (True, False, False, True),  # an exclude entry for a dropped version goes
        (True, False, True, True),
    ),
)
def test_entry_goes(always, repeats, named, goes):
    assert entry_goes(always=always, repeats=repeats, named=named) is goes
