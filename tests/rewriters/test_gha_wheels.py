"""cibuildwheel selectors and requires-python in workflow ``env:`` maps."""

from __future__ import annotations

import pytest

from rewriters.ci import github_actions
from rewriters.versions import Minor
from tests.conftest import POLICY
from tests.rewriters._check import check, noop

STEP = "jobs:\n  wheels:\n    steps:\n      - uses: pypa/cibuildwheel@v3.2.0\n        env:\n"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(STEP + '          CIBW_SKIP: "pp* *-musllinux*"\n', id="no versions named"),
        pytest.param(STEP + "          CIBW_BUILD: cp311-* cp312-*\n", id="current versions"),
        pytest.param(STEP + '          CIBW_SKIP: "cp39-*"\n', id="only key: note, no edit"),
        pytest.param(
            STEP + '          CIBW_SKIP: "pp*\\tcp39-*"\n', id="escaped text is not edited"
        ),
        pytest.param(STEP + '          CIBW_PROJECT_REQUIRES_PYTHON: ">=3.11"\n', id="floor ok"),
        pytest.param(
            STEP + "          CIBW_PROJECT_REQUIRES_PYTHON: |\n            >=3.9\n",
            id="block specifier left alone",
        ),
        pytest.param(STEP + '          CIBW_ARCHS: "cp39"\n', id="other settings"),
        pytest.param("jobs:\n  w:\n    with:\n      CIBW_SKIP: cp39-*\n", id="only env maps count"),
    ),
)
def test_noop(before):
    noop(github_actions, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            STEP + '          CIBW_TEST_COMMAND: "pytest"\n'
            '          CIBW_SKIP: "pp* cp38-* cp39-win_arm64 cp312-win_arm64"\n',
            STEP + '          CIBW_TEST_COMMAND: "pytest"\n'
            '          CIBW_SKIP: "pp* cp312-win_arm64"\n',
            id="skip selectors for dropped versions go",
        ),
        pytest.param(
            STEP + "          CIBW_SKIP: cp39-* pp*\n",
            STEP + "          CIBW_SKIP: pp*\n",
            id="plain value, first selector goes",
        ),
        pytest.param(
            "env:\n  CIBW_BUILD: 'cp39-* cp310-*'\njobs: {}\n",
            "env:\n  CIBW_BUILD: 'cp311-*'\njobs: {}\n",
            id="build keeps the minimum",
        ),
        pytest.param(
            STEP + "          CIBW_BUILD_LINUX: cp3{9,10,11,12}-*\n",
            STEP + "          CIBW_BUILD_LINUX: cp3{11,12}-*\n",
            id="brace selector narrows",
        ),
        pytest.param(
            STEP + "          CIBW_TEST_SKIP: >-\n            cp39-macosx_arm64\n"
            "            *-musllinux*\n            cp310-*\n",
            STEP + "          CIBW_TEST_SKIP: >-\n            *-musllinux*\n",
            id="folded block",
        ),
        pytest.param(
            STEP + "          CIBW_SKIP: cp39-*\n          CIBW_TEST_COMMAND: pytest\n",
            STEP + "          CIBW_TEST_COMMAND: pytest\n",
            id="emptied skip goes",
        ),
        pytest.param(
            STEP + '          CIBW_PROJECT_REQUIRES_PYTHON: ">=3.9"\n',
            STEP + '          CIBW_PROJECT_REQUIRES_PYTHON: ">=3.11"\n',
            id="requires-python floor rises",
        ),
    ),
)
def test_rewrite(before, after):
    check(github_actions, before, after, POLICY)


def test_reports_selectors():
    before = STEP + "          CIBW_SKIP: cp39-* cp310-* pp*\n          X: 1\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == ("CIBW_SKIP: dropped selectors for 3.9 and 3.10",)
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}


def test_reports_requires_python():
    before = STEP + "          CIBW_PROJECT_REQUIRES_PYTHON: '>=3.10'\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == ("CIBW_PROJECT_REQUIRES_PYTHON: >=3.10 → >=3.11",)
    assert result.dropped == {Minor(3, 10)}


RUN = "jobs:\n  wheels:\n    steps:\n      - run: |\n"


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            RUN + '          CIBW_BUILD="cp39-*" cibuildwheel --print-build-identifiers\n'
            '          CIBW_BUILD="cp314-*" cibuildwheel --print-build-identifiers\n',
            RUN + '          CIBW_BUILD="cp311-*" cibuildwheel --print-build-identifiers\n'
            '          CIBW_BUILD="cp314-*" cibuildwheel --print-build-identifiers\n',
            id="a build of only the old minimum builds the new one",
        ),
        pytest.param(
            RUN + "          CIBW_SKIP='pp* cp39-* cp310-*' CIBW_BUILD=cp3{9,12}-* cibuildwheel\n",
            RUN + "          CIBW_SKIP='pp*' CIBW_BUILD=cp3{11,12}-* cibuildwheel\n",
            id="single quotes, bare words and braces: the build keeps the minimum",
        ),
        pytest.param(
            'jobs:\n  w:\n    steps:\n      - run: CIBW_TEST_SKIP="cp310-* cp312-*" cibuildwheel\n',
            'jobs:\n  w:\n    steps:\n      - run: CIBW_TEST_SKIP="cp312-*" cibuildwheel\n',
            id="plain run value",
        ),
    ),
)
def test_rewrite_script_assignments(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    "script",
    (
        'echo "CIBW_BUILD=$BUILD"',
        "CIBW_BUILD=cp312-* cibuildwheel",
        'MY_CIBW_BUILD="cp39-*" make',
        'CIBW_BUILD="cp3${{ matrix.minor }}-*" cibuildwheel',
    ),
)
def test_script_assignments_left_alone(script):
    noop(github_actions, RUN + f"          {script}\n", POLICY)


def test_script_skip_naming_only_dropped_versions_is_a_note():
    before = RUN + '          CIBW_SKIP="cp39-*" cibuildwheel\n'
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before
    assert result.notes == (
        "line 5: CIBW_SKIP in the script only names dropped Pythons; remove it by hand",
    )
