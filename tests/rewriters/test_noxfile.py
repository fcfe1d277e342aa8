from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters import registry
from rewriters.environments import noxfile
from rewriters.policy import Facts
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_noops, fixture_pairs, noop


def session(decorator: str) -> str:
    return f"import nox\n\n\n{decorator}\ndef tests(session):\n    session.run('pytest')\n"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("import nox\n", id="nothing"),
        pytest.param(session("@nox.session"), id="bare decorator"),
        pytest.param(session('@nox.session(python=["3.11", "3.12"])'), id="current list"),
        pytest.param(session('@nox.session(python="3.12")'), id="current single"),
        pytest.param(session("@nox.session(python=False)"), id="python false"),
        pytest.param(session('@nox.session(python=["pypy3", "3.14t"])'), id="not versions"),
        pytest.param(session("@nox.session(python=f'3.{9}')"), id="f-string"),
        pytest.param(
            session('@nox.session(python="3" ".9")'), id="implicit concatenation left alone"
        ),
        pytest.param(
            "import nox\n\nPYTHONS = nox.project.python_versions(PYPROJECT)\n"
            + session("@nox.session(python=PYTHONS)"),
            id="computed list",
        ),
        pytest.param(
            'GQL_CORE_VERSIONS = ["3.2.6", "3.3.0"]\n'
            + session('@nox.parametrize("gql_core", GQL_CORE_VERSIONS)'),
            id="dependency versions",
        ),
        pytest.param(session('@nox.parametrize("python")'), id="parametrize without values"),
        pytest.param(
            "import nox\n\nnox.options.sessions = ['lint', 'tests-3.12']\n", id="session names"
        ),
        pytest.param("import nox\n\nnox.options.reuse_venv = 'yes'\n", id="other option"),
        pytest.param("import nox\n\nnox.options.pythons += ['3.9']\n", id="augmented option"),
        pytest.param("import nox\n\nfoo.bar.pythons = ['3.9']\n", id="not nox options"),
        pytest.param("import nox\n\na = b = ['3.9']\n", id="chained assignment"),
        pytest.param(
            "A = A + ['3.12']\n" + session("@nox.session(python=A)"), id="self-referencing name"
        ),
        pytest.param(session("@nox.session(python=get_pythons())"), id="computed by a call"),
        pytest.param(
            "import nox\n\nif session.python == '3.9':\n    pass\n", id="comparison left alone"
        ),
        pytest.param(session('@nox.session(requires=["lint"])'), id="requires without version"),
    ),
)
def test_noop(before):
    noop(noxfile, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            session('@nox.session(python=["3.9", "3.10", "3.11", "3.12"])'),
            session('@nox.session(python=["3.11", "3.12"])'),
            id="list in decorator",
        ),
        pytest.param(
            session("@nox.session(python=('3.9', '3.11'))"),
            session("@nox.session(python=('3.11',))"),
            id="tuple keeps its comma",
        ),
        pytest.param(
            session('@nox.session(python="3.9")'),
            session('@nox.session(python="3.11")'),
            id="single string moves",
        ),
        pytest.param(
            session("@nox.session(py='3.10.4')"),
            session("@nox.session(py='3.11.16')"),
            id="py alias with patch",
        ),
        pytest.param(
            session('@nox.session(python=["3.9", "3.10"])'),
            session('@nox.session(python=["3.11"])'),
            id="emptied list keeps the minimum",
        ),
        pytest.param(
            session('@nox.session(python=["3.9", "pypy3"])'),
            session('@nox.session(python=["3.11", "pypy3"])'),
            id="only non-versions left keeps the minimum",
        ),
        pytest.param(
            session('@session(python=["3.9", "3.12"], name="unit")'),
            session('@session(python=["3.11", "3.12"], name="unit")'),
            id="nox-poetry session",
        ),
        pytest.param(
            'PYTHON_VERSIONS = ["3.9", "3.10", "3.11"]\n'
            + session("@nox.session(python=PYTHON_VERSIONS)"),
            'PYTHON_VERSIONS = ["3.11"]\n' + session("@nox.session(python=PYTHON_VERSIONS)"),
            id="module-level list",
        ),
        pytest.param(
            "PYTHONS: list[str] = [\n    '3.9',  # oldest\n    '3.12',\n]\n"
            + session("@nox.session(python=PYTHONS)")
            + session("@nox.session(python=PYTHONS, name='x')"),
            "PYTHONS: list[str] = [\n    '3.11',  # oldest\n    '3.12',\n]\n"
            + session("@nox.session(python=PYTHONS)")
            + session("@nox.session(python=PYTHONS, name='x')"),
            id="annotated list used twice",
        ),
        pytest.param(
            'LATEST = "3.10"\n' + session("@nox.session(python=LATEST)"),
            'LATEST = "3.11"\n' + session("@nox.session(python=LATEST)"),
            id="module-level single",
        ),
        pytest.param(
            'CPY = ["3.9", "3.12"]\nPYPY = ["pypy3.9", "pypy3.11"]\n'
            + session("@nox.session(python=CPY + PYPY)"),
            'CPY = ["3.11", "3.12"]\nPYPY = ["pypy3.11"]\n'
            + session("@nox.session(python=CPY + PYPY)"),
            id="concatenated lists",
        ),
        pytest.param(
            'ALL = ["3.9", "3.12"]\n'
            + session('@nox.session(python=[*ALL, "pypy3.9", "pypy3.10"])'),
            'ALL = ["3.11", "3.12"]\n' + session("@nox.session(python=[*ALL])"),
            id="starred names stay",
        ),
        pytest.param(
            'UNIT: List[str] = ["3.9", "3.12"]\nALL = list(UNIT)\n'
            + session("@nox.session(python=ALL)"),
            'UNIT: List[str] = ["3.11", "3.12"]\nALL = list(UNIT)\n'
            + session("@nox.session(python=ALL)"),
            id="list() of a module-level list",
        ),
        pytest.param(
            'PYS = ("3.10", "3.12")\n'
            + session('@nox.session(python=[p for p in PYS if p != "3.12"])'),
            'PYS = ("3.11", "3.12")\n'
            + session('@nox.session(python=[p for p in PYS if p != "3.12"])'),
            id="comprehension over a module-level tuple",
        ),
        pytest.param(
            session('@nox.parametrize("python", ["3.9", "3.13"])'),
            session('@nox.parametrize("python", ["3.11", "3.13"])'),
            id="parametrize python",
        ),
        pytest.param(
            "import nox\n\nnox.options.pythons = ['3.9', '3.12']\n",
            "import nox\n\nnox.options.pythons = ['3.11', '3.12']\n",
            id="options pythons",
        ),
        pytest.param(
            "from nox import options\n\noptions.pythons = '3.10'\n",
            "from nox import options\n\noptions.pythons = '3.11'\n",
            id="options pythons single",
        ),
        pytest.param(
            "import nox\n\nnox.options.sessions = ['lint', 'tests-3.9', 'tests-3.12']\n",
            "import nox\n\nnox.options.sessions = ['lint', 'tests-3.11', 'tests-3.12']\n",
            id="options sessions",
        ),
        pytest.param(
            "import nox\n\nnox.options.sessions = ['tests-3.9']\n",
            "import nox\n\nnox.options.sessions = ['tests-3.11']\n",
            id="options sessions never emptied",
        ),
        pytest.param(
            "import nox\n\nnox.options.sessions = [f'tests-{V}', 'tests-3.9']\n",
            "import nox\n\nnox.options.sessions = [f'tests-{V}', 'tests-3.11']\n",
            id="options sessions with an f-string",
        ),
        pytest.param(
            session('@nox.session(requires=["tests-3.9", "tests-3.12"])'),
            session('@nox.session(requires=["tests-3.11", "tests-3.12"])'),
            id="requires",
        ),
        pytest.param(
            session('@nox.session(python=[\n    "3.9",\n    "3.10",\n    "3.11",\n])'),
            session('@nox.session(python=[\n    "3.11",\n])'),
            id="one per line",
        ),
        pytest.param(
            session('@nox.session(python=["3.11", "3.9", "3.10"])'),
            session('@nox.session(python=["3.11"])'),
            id="neighbours at the end",
        ),
        pytest.param(
            "# café\nimport nox\n\n\n@nox.session(python=['3.9', 'é3', '3.12'])\ndef t(s): ...\n",
            "# café\nimport nox\n\n\n@nox.session(python=['3.11', 'é3', '3.12'])\ndef t(s): ...\n",
            id="non-ascii line",
        ),
        pytest.param(
            session('@nox.session(python=["3.9", "3.12"])'),
            session('@nox.session(python=["3.11", "3.12"])'),
            id="oldest moves to the minimum like a CI list",
        ),
        pytest.param(
            'OLDEST = "3.9"\nPYTHONS = [OLDEST, "3.12"]\n'
            + session("@nox.session(python=PYTHONS)"),
            'OLDEST = "3.11"\nPYTHONS = [OLDEST, "3.12"]\n'
            + session("@nox.session(python=PYTHONS)"),
            id="constant entry moves where it is bound",
        ),
        pytest.param(
            'OLDEST = "3.9"\nPYTHONS = [OLDEST, "3.10", "3.12"]\n'
            + session("@nox.session(python=PYTHONS)"),
            'OLDEST = "3.9"\nPYTHONS = ["3.11", "3.12"]\n'
            + session("@nox.session(python=PYTHONS)"),
            id="constant entry goes from the list",
        ),
        pytest.param(
            'PYTHONS = "3.9", "3.10", "3.12"\n' + session("@nox.session(python=PYTHONS)"),
            'PYTHONS = "3.11", "3.12"\n' + session("@nox.session(python=PYTHONS)"),
            id="bare tuple",
        ),
        pytest.param(
            "from typing import Final\n\nPYTHONS: Final = ('3.9', '3.12')\n"
            + session('@nox.parametrize("python", PYTHONS)'),
            "from typing import Final\n\nPYTHONS: Final = ('3.11', '3.12')\n"
            + session('@nox.parametrize("python", PYTHONS)'),
            id="final tuple through parametrize",
        ),
        pytest.param(
            session(
                '@nox.parametrize(\n    "python",\n    [\n'
                '        nox.param("3.9", id="python=3.9"),\n'
                '        nox.param("3.10", id="python=3.10"),\n'
                '        nox.param("3.12", id="python=3.12"),\n    ],\n)'
            ),
            session(
                '@nox.parametrize(\n    "python",\n    [\n'
                '        nox.param("3.11", id="python=3.11"),\n'
                '        nox.param("3.12", id="python=3.12"),\n    ],\n)'
            ),
            id="nox.param entries and their ids",
        ),
        pytest.param(
            'OLDEST = "3.10"\nLATEST = "3.13"\n'
            + session(
                '@nox.parametrize("python", [nox.param(OLDEST, id="oldest"), '
                'nox.param(LATEST, id="latest")])'
            ),
            'OLDEST = "3.11"\nLATEST = "3.13"\n'
            + session(
                '@nox.parametrize("python", [nox.param(OLDEST, id="oldest"), '
                'nox.param(LATEST, id="latest")])'
            ),
            id="constant used only inside nox.param",
        ),
        pytest.param(
            session('@nox.parametrize(arg_names="python", arg_values_list=["3.10", "3.12"])'),
            session('@nox.parametrize(arg_names="python", arg_values_list=["3.11", "3.12"])'),
            id="parametrize by keywords",
        ),
        pytest.param(
            'VERSIONS = ["3.9", "3.10", "3.12"]\n'
            + session('@nox.parametrize("python", VERSIONS, ids=["py39", "py310", "py312"])'),
            'VERSIONS = ["3.11", "3.12"]\n'
            + session('@nox.parametrize("python", VERSIONS, ids=["py311", "py312"])'),
            id="ids follow the values",
        ),
        pytest.param(
            'VERSIONS = ["3.10", "3.13"]\nIDS = ("oldest", "newest")\n'
            + session('@nox.parametrize("python", VERSIONS, ids=IDS)'),
            'VERSIONS = ["3.11", "3.13"]\nIDS = ("oldest", "newest")\n'
            + session('@nox.parametrize("python", VERSIONS, ids=IDS)'),
            id="ids constant with nothing to respell",
        ),
        pytest.param(
            'VERSIONS = ["3.9", "3.12"]\n'
            + session('@nox.parametrize("python", VERSIONS, ids=[f"py{v}" for v in VERSIONS])'),
            'VERSIONS = ["3.11", "3.12"]\n'
            + session('@nox.parametrize("python", VERSIONS, ids=[f"py{v}" for v in VERSIONS])'),
            id="computed ids left alone",
        ),
        pytest.param(
            session(
                '@nox.parametrize("python,django", '
                '[("3.9", "3.2"), ("3.9", "4.2"), ("3.12", "4.2"), ("3.12", "5.2")])'
            ),
            session(
                '@nox.parametrize("python,django", '
                '[("3.11", "4.2"), ("3.12", "4.2"), ("3.12", "5.2")])'
            ),
            id="row moves when a kept row tests what it tests",
        ),
        pytest.param(
            'DJANGO = [\n    ("4.2", "3.10"),\n    ("5.2", "3.12"),\n    ("5.2", "3.13"),\n]\n'
            + session('@nox.parametrize(["django", "python"], DJANGO)'),
            'DJANGO = [\n    ("5.2", "3.12"),\n    ("5.2", "3.13"),\n]\n'
            + session('@nox.parametrize(["django", "python"], DJANGO)'),
            id="row with what only the old Python tests goes",
        ),
        pytest.param(
            session(
                '@nox.parametrize("python, salt", [nox.param("3.10", 3007, id="py3.10-salt"), '
                'nox.param("3.11", 3007, id="py3.11-salt"), nox.param("3.12", 3008, id="new")])'
            ),
            session(
                '@nox.parametrize("python, salt", ['
                'nox.param("3.11", 3007, id="py3.11-salt"), nox.param("3.12", 3008, id="new")])'
            ),
            id="rows as nox.param",
        ),
        pytest.param(
            session(
                '@nox.parametrize("python,django", [("3.10", "5.2"), ("3.12", "5.2")], '
                'ids=["old-py3.10", "new"])'
            ),
            session(
                '@nox.parametrize("python,django", [("3.11", "5.2"), ("3.12", "5.2")], '
                'ids=["old-py3.11", "new"])'
            ),
            id="row ids follow",
        ),
        pytest.param(
            'PYTHONS = ["3.9", "3.10", "3.12"]\n\n\n'
            '@nox.session(python=PYTHONS, name="unit")\ndef tests(session): ...\n\n\n'
            '@nox.session(requires=["unit-3.9", "unit-3.10", "unit-3.12"])\n'
            "def coverage(session): ...\n",
            'PYTHONS = ["3.11", "3.12"]\n\n\n'
            '@nox.session(python=PYTHONS, name="unit")\ndef tests(session): ...\n\n\n'
            '@nox.session(requires=["unit-3.11", "unit-3.12"])\n'
            "def coverage(session): ...\n",
            id="requires follow the session's list",
        ),
        pytest.param(
            'PYTHONS = ["3.9", "3.10", "3.11", "3.12"]\n\n\n'
            "@nox.session(python=PYTHONS)\ndef tests(session): ...\n\n\n"
            '@nox.session(requires=["tests-3.9", "tests-3.12"])\n'
            "def coverage(session): ...\n",
            'PYTHONS = ["3.11", "3.12"]\n\n\n'
            "@nox.session(python=PYTHONS)\ndef tests(session): ...\n\n\n"
            '@nox.session(requires=["tests-3.12"])\n'
            "def coverage(session): ...\n",
            id="requires lose a session that went",
        ),
        pytest.param(
            '@nox.session(python=["3.9", "3.10", "3.11"])\ndef tests(session): ...\n\n\n'
            '@nox.session(python="3.10")\ndef lint(session): ...\n\n\n'
            'nox.options.sessions = ["tests-3.9", "lint-3.10"]\n',
            '@nox.session(python=["3.11"])\ndef tests(session): ...\n\n\n'
            '@nox.session(python="3.11")\ndef lint(session): ...\n\n\n'
            'nox.options.sessions = ["tests-3.11", "lint-3.11"]\n',
            id="session names never emptied",
        ),
    ),
)
def test_rewrite(before, after):
    check(noxfile, before, after, POLICY)


def test_changes_notes_and_dropped():
    before = (
        'PYTHON_VERSIONS = ["3.12", "3.10", "3.9"]\n'
        + session("@nox.session(python=PYTHON_VERSIONS[:-1])")
        + session("@nox.session(python=PYTHON_VERSIONS[0])")
        + session("@nox.session(python=PYTHON_VERSIONS[:LAST])")
    )
    result = noxfile.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "PYTHON_VERSIONS (line 1): dropped 3.9 and 3.10",
        "line 5: PYTHON_VERSIONS[:-1] → PYTHON_VERSIONS: the slice only left out 3.9",
    )
    assert result.notes == (
        "line 17: PYTHON_VERSIONS[:LAST] slices a list molt shortened; "
        "check that it still picks the versions meant",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def sliced(versions: str, *lines: str) -> str:
    body = "".join(f"{line}\n" for line in lines)
    return f"import nox\n\nPYTHONS = [{versions}]\n\n\n{body}def tests(session): ...\n"


ASCENDING = '"3.9", "3.10", "3.11", "3.12", "3.13"'
AFTER_ASCENDING = '"3.11", "3.12", "3.13"'


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            sliced(ASCENDING, "@nox.session(python=PYTHONS[2:])"),
            sliced(AFTER_ASCENDING, "@nox.session(python=PYTHONS)"),
            id="slice that left out only dropped versions goes",
        ),
        pytest.param(
            sliced(
                ASCENDING,
                "# 3.9 and 3.10 lack zoneinfo",
                "# (see the changelog)",
                "@nox.session(python=PYTHONS[2:])",
            ),
            sliced(AFTER_ASCENDING, "@nox.session(python=PYTHONS)"),
            id="comment explaining the skip goes with it",
        ),
        pytest.param(
            sliced(ASCENDING, "# slow on old Pythons", "@nox.session(python=PYTHONS[1:])"),
            sliced(AFTER_ASCENDING, "# slow on old Pythons", "@nox.session(python=PYTHONS)"),
            id="comment not naming a version stays",
        ),
        pytest.param(
            sliced(ASCENDING, "@nox.session(python=PYTHONS[1:4])"),
            sliced(AFTER_ASCENDING, "@nox.session(python=PYTHONS[:2])"),
            id="bounds move",
        ),
        pytest.param(
            sliced(ASCENDING, "@nox.session(python=PYTHONS[1:-1])"),
            sliced(AFTER_ASCENDING, "@nox.session(python=PYTHONS[:-1])"),
            id="negative bound stays negative",
        ),
        pytest.param(
            sliced('"3.13", "3.12", "3.11", "3.10", "3.9"', "@nox.session(python=PYTHONS[-4:-1])"),
            sliced('"3.13", "3.12", "3.11"', "@nox.session(python=PYTHONS[-2:])"),
            id="end at the open end",
        ),
        pytest.param(
            sliced('"3.13", "3.12", "3.11", "3.10", "3.9"', "@nox.session(python=PYTHONS[:-1])"),
            sliced('"3.13", "3.12", "3.11"', "@nox.session(python=PYTHONS)"),
            id="newest first",
        ),
    ),
)
def test_slices(before, after):
    check(noxfile, before, after, POLICY)


def test_slice_comment_at_the_top_of_the_file():
    tail = "def tests(session): ...\n\n\nPYTHONS = [{}]\n"
    check(
        noxfile,
        "# 3.9 and 3.10 lack zoneinfo\n@nox.session(python=PYTHONS[2:])\n" + tail.format(ASCENDING),
        "@nox.session(python=PYTHONS)\n" + tail.format(AFTER_ASCENDING),
        POLICY,
    )


@pytest.mark.parametrize(
    "slice_",
    (
        pytest.param("PYTHONS[:-1]", id="newest left out"),
        pytest.param("PYTHONS[-2:]", id="newest two"),
        pytest.param("PYTHONS[:]", id="whole"),
        pytest.param("PYTHONS[-5:-1]", id="start clamped"),
    ),
)
def test_slices_still_right(slice_):
    before = sliced('"3.10", "3.11", "3.12", "3.13"', f"@nox.session(python={slice_})")
    result = noxfile.rewrite(before, POLICY)
    assert result is not None
    assert result.text == sliced('"3.11", "3.12", "3.13"', f"@nox.session(python={slice_})")
    assert result.notes == ()


@pytest.mark.parametrize(
    ("slice_", "note"),
    (
        pytest.param(
            "PYTHONS[:2]",
            "line 6: PYTHONS[:2] picked only 3.9 and 3.10, which molt dropped; "
            "the sessions using it now run other versions",
            id="only dropped versions",
        ),
        pytest.param(
            "PYTHONS[::2]",
            "line 6: PYTHONS[::2] slices a list molt shortened; "
            "check that it still picks the versions meant",
            id="step",
        ),
        pytest.param(
            "PYTHONS[-N:]",
            "line 6: PYTHONS[-N:] slices a list molt shortened; "
            "check that it still picks the versions meant",
            id="computed bound",
        ),
    ),
)
def test_slices_noted(slice_, note):
    result = noxfile.rewrite(sliced(ASCENDING, f"@nox.session(python={slice_})"), POLICY)
    assert result is not None
    assert result.notes == (note,)


def test_slice_of_list_with_starred_part_is_noted():
    before = 'OLD = ["3.8"]\n' + sliced(f"*OLD, {ASCENDING}", "@nox.session(python=PYTHONS[1:])")
    result = noxfile.rewrite(before, POLICY)
    assert result is not None
    assert "PYTHONS[1:] slices a list molt shortened" in result.notes[0]


def test_single_change_line():
    result = noxfile.rewrite(session('@nox.session(python="3.9")'), POLICY)
    assert result is not None
    assert result.changes == ("session python (line 4): 3.9 → 3.11",)


def test_minimum_310():
    check(
        noxfile,
        session('@nox.session(python=["3.9", "3.10"])'),
        session('@nox.session(python=["3.10"])'),
        POLICY_310,
    )


def test_unparsable():
    with pytest.raises(UnparsableInput):
        noxfile.rewrite("def (:\n", POLICY)


def test_broken_output_raises():
    with pytest.raises(BrokenOutput):
        noxfile._checked("def (:\n")


@pytest.mark.parametrize(
    "path",
    (
        "noxfile.py",
        "tools/noxfile.py",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is noxfile


@pytest.mark.parametrize(("text", "policy"), fixture_noops("noxfile", POLICY_310))
def test_real_files_without_versions(text, policy):
    assert noxfile.rewrite(text, policy) is None


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("noxfile", POLICY_310))
def test_real_files(before, after, policy):
    check(noxfile, before, after, policy)


ROWS_310 = session('@nox.parametrize("python,django", [("3.10", "4.2"), ("3.12", "5.2")])')


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(
            'ROWS = [(p, d) for p in ["3.12"] for d in ["5.2"]]\n'
            + session('@nox.parametrize("python,django", ROWS)')
            + session('@nox.parametrize("python,django", ROWS)'),
            id="computed rows",
        ),
        pytest.param(
            'NAMES = ["tests-3.12"]\n'
            + session("@nox.session(requires=NAMES)")
            + session("@nox.session(requires=NAMES)"),
            id="names list used twice",
        ),
        pytest.param(
            session('@nox.parametrize("python,django", [ROW, ("3.12",), ("pypy3", "5.2")])'),
            id="rows molt cannot read",
        ),
        pytest.param(
            session('@nox.parametrize("django,python", [("4.2", *OLD), ("5.2", "3.12")])'),
            id="row with a starred part",
        ),
        pytest.param(session('@nox.parametrize("python", [nox.param()])'), id="empty param"),
        pytest.param(
            session('@nox.parametrize(("python", 3), [("3.9", "x")])'), id="odd argument names"
        ),
        pytest.param(session("@nox.parametrize(NAMES, [('3.9', 'x')])"), id="names computed"),
        pytest.param(session('@nox.parametrize("python")'), id="no values"),
        pytest.param(session('@nox.parametrize("django", ["3.9"])'), id="not python"),
    ),
)
def test_noop_parametrize(before):
    noop(noxfile, before, POLICY)


def test_rows_only_the_old_python_tests_go_with_a_note():
    result = noxfile.rewrite(ROWS_310, POLICY)
    assert result is not None
    assert result.text == session('@nox.parametrize("python,django", [("3.12", "5.2")])')
    assert result.notes == (
        'line 4: the parametrize("python,django") rows for 3.10 went rather than move to 3.11, '
        "as each tests something no kept row does; no row runs 3.11 now",
    )


def test_row_that_would_repeat_another_goes():
    check(
        noxfile,
        session(
            '@nox.parametrize("python,django", [("3.10", "5.2"), ("3.10", "5.2"), ("3.12", "5.2")])'
        ),
        session('@nox.parametrize("python,django", [("3.11", "5.2"), ("3.12", "5.2")])'),
        POLICY,
    )


def test_only_rows_move_as_a_list():
    check(
        noxfile,
        session('@nox.parametrize("python,django", [("3.10", "4.2")])'),
        session('@nox.parametrize("python,django", [("3.11", "4.2")])'),
        POLICY,
    )


@pytest.mark.parametrize(
    "values",
    (
        pytest.param('[*OLD, "3.9", "3.12"], ids=["a", "b", "c"]', id="starred values"),
        pytest.param('["3.9", "3.12"], ids=["a", "b", "c"]', id="ids longer"),
        pytest.param('PYS, ids=["a", "b"]', id="values built from a list"),
    ),
)
def test_ids_that_cannot_follow_are_noted(values):
    before = 'PYS = list(["3.9", "3.12"])\n' + session(f'@nox.parametrize("python", {values})')
    result = noxfile.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "line 5: the ids of this parametrize may no longer match its values; check them by hand",
    )


def test_ids_keep_words_naming_other_versions_and_computed_ids():
    check(
        noxfile,
        session('@nox.parametrize("python", [nox.param("3.10", id=f"{X}-3.12"), "3.12"])'),
        session('@nox.parametrize("python", [nox.param("3.11", id=f"{X}-3.12"), "3.12"])'),
        POLICY,
    )
    check(
        noxfile,
        session('@nox.parametrize("python", ["3.10", "3.12"], ids=["from-3.12", "b"])'),
        session('@nox.parametrize("python", ["3.11", "3.12"], ids=["from-3.12", "b"])'),
        POLICY,
    )


def test_released_pre_release_settles_in_a_list_that_changes():
    check(
        noxfile,
        session('@nox.session(python=["3.10", "3.12", "3.14-dev"])'),
        session('@nox.session(python=["3.11", "3.12", "3.14"])'),
        POLICY,
    )


def test_constant_two_lists_move_differently_is_noted():
    policy = replace(POLICY_310, facts=Facts(newest=Minor(3, 13)))
    before = (
        'C = "3.9"\nA = ["3.8", C, "3.10"]\nB = [C, "3.13"]\n'
        + session("@nox.session(python=A)")
        + session("@nox.session(python=B)")
    )
    result = noxfile.rewrite(before, policy)
    assert result is not None
    assert result.text.startswith('C = "3.11"\nA = ["3.10", C, "3.12"]\nB = [C, "3.13"]\n')
    assert result.notes == (
        "line 1: 3.9 is moved to 3.10 by one list and to 3.11 by another; check which it should be",
    )
