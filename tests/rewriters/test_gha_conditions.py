"""Workflow ``if:`` conditions on dropped Pythons: dead steps go, others follow or get a note."""

from __future__ import annotations

import pytest

from rewriters.ci import github_actions
from tests.conftest import POLICY
from tests.rewriters._check import check, noop

HEAD = "jobs:\n  test:\n    strategy:\n      matrix:\n        python-version: ['3.9', '3.11']\n"
STEPS = HEAD + "    steps:\n      - uses: actions/checkout@v4\n"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(
            STEPS.replace("'3.9', ", "")
            + "      - if: matrix.python-version == '3.12'\n        run: x\n",
            id="current version",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - if: matrix.django == '3.2'\n        run: x\n",
            id="not a python key",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - if: matrix.python-version == '3.x'\n        run: x\n",
            id="not a version",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n"
            "      - if: startsWith(steps.py.outputs.python-version, '3.1')\n        run: x\n",
            id="a prefix of later versions",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - if: runner.os == 'L' && (a || b)\n        run: x\n",
            id="no matrix comparison",
        ),
    ),
)
def test_noop(before):
    noop(github_actions, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            STEPS + "      # TODO: remove once Python 3.9 is no longer supported\n"
            "      - name: Install older AnyIO in Python 3.9\n"
            "        if: matrix.python-version == '3.9'\n"
            '        run: pip install "anyio<4"\n'
            "      - run: pytest\n",
            STEPS.replace("'3.9', ", "") + "      - run: pytest\n",
            id="step named for the version goes with its comment",
        ),
        pytest.param(
            STEPS + "      - if: matrix.python == 3.9\n        run: tox -e py39\n      - run: x\n",
            STEPS.replace("'3.9', ", "") + "      - run: x\n",
            id="step running the version goes",
        ),
        pytest.param(
            STEPS + "      - if: \"'3.9' == matrix.python-version && runner.os == 'Linux'\"\n"
            "        name: for py39\n        run: x\n",
            STEPS.replace("'3.9', ", ""),
            id="reversed comparison in a conjunction",
        ),
        pytest.param(
            STEPS + "      - name: Upload coverage\n"
            "        if: matrix.python-version == 3.9 && matrix.suffix == ''\n"
            "        uses: codecov/codecov-action@v4\n",
            STEPS.replace("'3.9', ", "") + "      - name: Upload coverage\n"
            "        if: matrix.python-version == 3.11 && matrix.suffix == ''\n"
            "        uses: codecov/codecov-action@v4\n",
            id="step picking one cell follows the minimum",
        ),
        pytest.param(
            STEPS + "      - name: Upload PR number\n        if:\n"
            "          startsWith(steps.python.outputs.python-version, '3.9') && matrix.i == 0\n",
            STEPS.replace("'3.9', ", "") + "      - name: Upload PR number\n        if:\n"
            "          startsWith(steps.python.outputs.python-version, '3.11') && matrix.i == 0\n",
            id="startsWith on a step output follows the minimum",
        ),
        pytest.param(
            STEPS + "      - if: steps.setup.outputs.python-version != '3.10'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - run: x\n",
            id="step output compared",
        ),
        pytest.param(
            STEPS + "      - if: ${{ matrix.python-version == '3.9' }}\n        run: coverage\n",
            STEPS.replace("'3.9', ", "")
            + "      - if: ${{ matrix.python-version == '3.11' }}\n        run: coverage\n",
            id="wrapped expression",
        ),
        pytest.param(
            STEPS
            + "      - if: matrix.python-version == '3.9' || matrix.os == 'w'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - if: matrix.os == 'w'\n        run: x\n",
            id="dead first disjunct goes",
        ),
        pytest.param(
            STEPS
            + "      - if: matrix.os == 'w' || matrix.python-version == '3.10'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - if: matrix.os == 'w'\n        run: x\n",
            id="dead last disjunct goes",
        ),
        pytest.param(
            STEPS
            + "      - if: matrix.python-version == '3.9' || matrix.python-version == '3.10'\n"
            "        run: x\n",
            STEPS.replace("'3.9', ", "")
            + "      - if: matrix.python-version == '3.11' || matrix.python-version == '3.11'\n"
            "        run: x\n",
            id="all disjuncts dead: follows the minimum",
        ),
        pytest.param(
            STEPS + "      - name: t\n        if: matrix.python-version != '3.9'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - name: t\n        run: x\n",
            id="always true condition goes",
        ),
        pytest.param(
            STEPS + "      - if: matrix.python-version != '3.9'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - run: x\n",
            id="always true first key: next key moves up",
        ),
        pytest.param(
            STEPS + "      - {if: matrix.python-version != '3.9', run: x}\n",
            STEPS.replace("'3.9', ", "") + "      - {run: x}\n",
            id="always true in a flow mapping",
        ),
        pytest.param(
            STEPS + "      - if: matrix.os == 'w' && matrix.toxenv != 'py39'\n        run: x\n",
            STEPS.replace("'3.9', ", "") + "      - if: matrix.os == 'w'\n        run: x\n",
            id="always true conjunct goes",
        ),
        pytest.param(
            STEPS + "      - if: \"matrix.python-version == '3.9'\"\n        run: x\n",
            STEPS.replace("'3.9', ", "")
            + "      - if: \"matrix.python-version == '3.11'\"\n        run: x\n",
            id="quoted condition",
        ),
    ),
)
def test_rewrite(before, after):
    check(github_actions, before, after, POLICY)


NOTE = "tests for Python {}, which no longer runs; update or remove that step by hand"


@pytest.mark.parametrize(
    ("steps", "version"),
    (
        pytest.param(
            "      - if: matrix.python-version != '3.9' || matrix.os == 'w'\n        run: x\n",
            "3.9",
            id="always true disjunct",
        ),
        pytest.param(
            "      - if: matrix.python-version == '3.9' && a || b\n        run: x\n",
            "3.9",
            id="mixed operators",
        ),
        pytest.param(
            "      - if: (matrix.python-version == '3.9' || a) && b\n        run: x\n",
            "3.9",
            id="parentheses",
        ),
        pytest.param(
            "      - if: >-\n          matrix.python-version == '3.10'\n        run: x\n",
            "3.10",
            id="folded condition",
        ),
        pytest.param(
            "      - {run: x, if: matrix.python-version != '3.9'}\n",
            "3.9",
            id="always true last in a flow mapping",
        ),
    ),
)
def test_notes_shapes_left_alone(steps, version):
    result = github_actions.rewrite(STEPS + steps, POLICY)
    assert result is not None
    assert result.text == STEPS.replace("'3.9', ", "") + steps
    (note,) = result.notes
    assert note.startswith("line 8: `if: ") and note.endswith(NOTE.format(version))


def test_keeps_a_dead_step_when_it_is_the_only_one():
    steps = "    steps:\n      - name: py39 only\n        if: matrix.python-version == '3.9'\n"
    result = github_actions.rewrite(HEAD + steps, POLICY)
    assert result is not None
    assert result.text == HEAD.replace("'3.9', ", "") + steps
    assert result.notes == ("line 8: `if: matrix.python-version == '3.9'` " + NOTE.format("3.9"),)


def test_reports_removed_and_retargeted_steps():
    before = STEPS + (
        "      - name: old\n        if: matrix.python-version == '3.9'\n        run: tox -e py39\n"
        "      - if: matrix.python-version == '3.10'\n        run: tox -e py310\n"
        "      - if: matrix.python-version == '3.10'\n        run: coverage\n"
    )
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "python-version: dropped 3.9",
        "removed step `old`: it only ran on Python 3.9",
        "removed a step: it only ran on Python 3.10",
        "line 13: `if:` tested Python 3.10, now 3.11",
    )
    assert result.dropped == {POLICY.minimum._replace(minor=9), POLICY.minimum._replace(minor=10)}
