from __future__ import annotations

from pathlib import Path

import pytest

from rewriters import _toml, pyproject
from rewriters.result import BrokenOutput, UnparsableInput, apply_edits
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, unchanged

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rewriters" / "pyproject"


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(
            '[project]\nrequires-python = ">=3.11"\nclassifiers = [\n'
            '    "Programming Language :: Python :: 3.11",\n'
            '    "Programming Language :: Python :: 3.12",\n]\n',
            id="already-on-the-minimum",
        ),
        pytest.param('[project]\nname = "x"\nversion = "3.9.1"\n', id="own-version"),
        pytest.param(
            '[project]\ndependencies = ["idna>=3.9", "pkg==3.10.*"]\n', id="dependency-pins"
        ),
        pytest.param('[project]\nrequires-python = "<4"\n', id="requires-python-without-floor"),
        pytest.param(
            '[tool.poetry.dependencies]\npython = "^3.11"\nsphinx = "^3.9"\n',
            id="poetry-dependency-that-is-not-python",
        ),
        pytest.param('[tool.poetry.dependencies]\npython = "*"\n', id="poetry-any-python"),
        pytest.param('[tool.ruff]\ntarget-version = "py311"\n', id="ruff-on-the-minimum"),
        pytest.param('[tool.ruff]\ntarget-version = "auto"\n', id="ruff-not-a-version"),
        pytest.param("[tool.mypy]\npython_version = 3.12\n", id="mypy-float-above-minimum"),
        pytest.param("[tool.isort]\npy_version = 311\n", id="isort-on-the-minimum"),
        pytest.param("[tool.isort]\npy_version = 3\n", id="isort-major-only"),
        pytest.param('[tool.isort]\npy_version = "all"\n', id="isort-all"),
        pytest.param('[tool.black]\ntarget-version = ["py311", "py312"]\n', id="black-list-ok"),
        pytest.param('[tool.mypy]\npython_version = ["3.9"]\n', id="mypy-nonsense-array"),
        pytest.param("[tool.mypy]\npython_version = {v = 3}\n", id="mypy-nonsense-table"),
        pytest.param(
            '[tool.cibuildwheel]\nbuild = "cp3*"\nskip = ["pp*", "*-musllinux_*", "cp31?-win32"]\n',
            id="cibuildwheel-wildcards",
        ),
        pytest.param("[tool.cibuildwheel]\nskip = [1]\nbuild = false\n", id="cibuildwheel-odd"),
        pytest.param(
            '[[tool.hatch.envs.test.matrix]]\npython = ["3.11", "3.12", "pypy3.11"]\n',
            id="hatch-matrix-ok",
        ),
        pytest.param(
            "[[tool.hatch.envs.test.matrix]]\npython = [3, {a = 1}]\n[tool.hatch.envs.x]\n"
            'python = {a = 1}\n[[tool.hatch.envs.y.matrix]]\npython = "3.9"\n',
            id="hatch-odd-values",
        ),
        pytest.param(
            '[tool.tox]\nenv_list = ["lint", "3.11", "py312-django42"]\n', id="tox-env-list-ok"
        ),
        pytest.param("[tool.tox]\nenv_list = 3\nlegacy_tox_ini = 3\n", id="tox-odd-values"),
        pytest.param(
            "[project]\nrequires-python = 3\nclassifiers = 3\ndependencies = 3\n",
            id="project-odd-values",
        ),
        pytest.param(
            '[project]\nrequires-python = ">=3.11"\n'
            "dependencies = [\"tomli; python_version < '3.11'\", 3]\n",
            id="a-decided-marker-alone-changes-nothing",
        ),
        pytest.param(
            '[project]\nclassifiers = ["Programming Language :: Python :: 3", 3]\n',
            id="classifiers-without-versions",
        ),
    ],
)
def test_noop(before: str) -> None:
    assert unchanged(pyproject, before, POLICY)


CASES = [
    # requires-python
    pytest.param(
        '[project]\nrequires-python = ">=3.9"\n',
        '[project]\nrequires-python = ">=3.11"\n',
        id="requires-python",
    ),
    pytest.param(
        '[project]\nrequires-python = ">= 3.9"\n',
        '[project]\nrequires-python = ">= 3.11"\n',
        id="requires-python-spaced",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9,<4"\n',
        '[project]\nrequires-python = ">=3.11,<4"\n',
        id="requires-python-with-ceiling",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9.2"\n',
        '[project]\nrequires-python = ">=3.11"\n',
        id="requires-python-patch-floor",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9.0"\n',
        '[project]\nrequires-python = ">=3.11.0"\n',
        id="requires-python-keeps-a-spelled-out-zero-patch",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9, <3.14"\n',
        '[project]\nrequires-python = ">=3.11, <3.14"\n',
        id="requires-python-with-spaced-ceiling",
    ),
    pytest.param(
        '[project]\nrequires-python = ">3.8"\n',
        '[project]\nrequires-python = ">=3.11"\n',
        id="requires-python-strictly-greater",
    ),
    pytest.param(
        '[project]\nrequires-python = "~=3.9"\n',
        '[project]\nrequires-python = "~=3.11"\n',
        id="requires-python-compatible-release",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9,!=3.9.1"\n',
        '[project]\nrequires-python = ">=3.11"\n',
        id="requires-python-exclusion-below-the-floor",
    ),
    pytest.param(
        "[project]\nrequires-python = '>=3.9'  # keep\n",
        "[project]\nrequires-python = '>=3.11'  # keep\n",
        id="requires-python-single-quotes-and-comment",
    ),
    # classifiers
    pytest.param(
        "[project]\nclassifiers = [\n"
        '    "Programming Language :: Python :: 3",\n'
        '    "Programming Language :: Python :: 3 :: Only",\n'
        '    "Programming Language :: Python :: 3.9",\n'
        '    "Programming Language :: Python :: 3.10",  # old\n'
        '    "Programming Language :: Python :: 3.11",\n'
        '    "Programming Language :: Python :: Implementation :: CPython",\n'
        "]\n",
        "[project]\nclassifiers = [\n"
        '    "Programming Language :: Python :: 3",\n'
        '    "Programming Language :: Python :: 3 :: Only",\n'
        '    "Programming Language :: Python :: 3.11",\n'
        '    "Programming Language :: Python :: Implementation :: CPython",\n'
        "]\n",
        id="classifiers-multi-line",
    ),
    pytest.param(
        "[project]\nclassifiers = ["
        '"Programming Language :: Python :: 3.9", "Programming Language :: Python :: 3.11"]\n',
        '[project]\nclassifiers = ["Programming Language :: Python :: 3.11"]\n',
        id="classifiers-one-line",
    ),
    pytest.param(
        "[project]\nclassifiers = ["
        '"Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.9"]\n',
        '[project]\nclassifiers = ["Programming Language :: Python :: 3.11"]\n',
        id="classifiers-one-line-last",
    ),
    pytest.param(
        "[project]\nclassifiers = [\n"
        "  'Programming Language :: Python :: 3.10',\n"
        "  'Programming Language :: Python :: 3.9',\n"
        "  'Topic :: Utilities',\n"
        "]\n",
        "[project]\nclassifiers = [\n"
        "  'Programming Language :: Python :: 3.11',\n"
        "  'Topic :: Utilities',\n"
        "]\n",
        id="classifiers-all-dropped-become-the-minimum",
    ),
    pytest.param(
        '[project]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n',
        '[project]\nclassifiers = ["Programming Language :: Python :: 3.11"]\n',
        id="classifiers-only-one",
    ),
    # poetry
    pytest.param(
        '[tool.poetry.dependencies]\npython = "^3.9"\nrequests = "^2.9"\n',
        '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2.9"\n',
        id="poetry-caret",
    ),
    pytest.param(
        '[tool.poetry.dependencies]\npython = ">=3.9,<4.0"\n',
        '[tool.poetry.dependencies]\npython = ">=3.11,<4.0"\n',
        id="poetry-range",
    ),
    pytest.param(
        '[tool.poetry.dependencies]\npython = { version = "^3.9" }\n',
        '[tool.poetry.dependencies]\npython = { version = "^3.11" }\n',
        id="poetry-table-form",
    ),
    # tools
    pytest.param(
        "[tool.ruff]\ntarget-version = 'py39'\nline-length = 88\n",
        "[tool.ruff]\ntarget-version = 'py311'\nline-length = 88\n",
        id="ruff-target-version",
    ),
    pytest.param(
        '[tool.black]\ntarget-version = ["py39", "py310", "py311", "py312"]\n',
        '[tool.black]\ntarget-version = ["py311", "py312"]\n',
        id="black-drops-old-targets",
    ),
    pytest.param(
        '[tool.black]\ntarget-version = [ "py39", "py310" ]\n',
        '[tool.black]\ntarget-version = [ "py311" ]\n',
        id="black-keeps-the-minimum",
    ),
    pytest.param(
        "[tool.black]\ntarget-version = [\n    'py39',\n    'py310',\n    'py311',\n]\n",
        "[tool.black]\ntarget-version = [\n    'py311',\n]\n",
        id="black-multi-line",
    ),
    pytest.param(
        "[tool.black]\ntarget-version = ['py39',\n    'py310', 'py312']\n",
        "[tool.black]\ntarget-version = ['py312']\n",
        id="black-first-on-the-opening-line",
    ),
    pytest.param(
        '[tool.black]\ntarget_version = "py39"\n',
        '[tool.black]\ntarget_version = "py311"\n',
        id="black-single-string",
    ),
    pytest.param(
        '[tool.mypy]\npython_version = "3.9"\nstrict = true\n',
        '[tool.mypy]\npython_version = "3.11"\nstrict = true\n',
        id="mypy-string",
    ),
    pytest.param(
        "[tool.mypy]\npython_version = 3.9\n",
        "[tool.mypy]\npython_version = 3.11\n",
        id="mypy-float-stays-a-float",
    ),
    pytest.param(
        '[tool.pyright]\npythonVersion = "3.9"\nexecutionEnvironments = [\n'
        '  { root = "src", pythonVersion = "3.10" },\n]\n'
        '[tool.basedpyright]\npythonVersion = "3.10"\n',
        '[tool.pyright]\npythonVersion = "3.11"\nexecutionEnvironments = [\n'
        '  { root = "src", pythonVersion = "3.11" },\n]\n'
        '[tool.basedpyright]\npythonVersion = "3.11"\n',
        id="pyright-and-basedpyright",
    ),
    pytest.param(
        '[tool.pylint]\npy-version = "3.9"\n[tool.pylint.main]\npy-version = "3.10"\n'
        "[tool.pylint.MASTER]\npy-version = 3.9\n",
        '[tool.pylint]\npy-version = "3.11"\n[tool.pylint.main]\npy-version = "3.11"\n'
        "[tool.pylint.MASTER]\npy-version = 3.11\n",
        id="pylint-py-version",
    ),
    pytest.param(
        "[tool.isort]\nprofile = 'black'\npy_version = 39\n",
        "[tool.isort]\nprofile = 'black'\npy_version = 311\n",
        id="isort-integer",
    ),
    pytest.param(
        '[tool.isort]\npy_version = "310"\n',
        '[tool.isort]\npy_version = "311"\n',
        id="isort-string",
    ),
    pytest.param(
        '[tool.pytype]\npython_version = "3.9"\n[tool.ty.environment]\npython-version = "3.10"\n'
        '[tool.pyrefly]\npython-version = "3.9"\n[tool.refurb]\npython_version = "3.10"\n',
        '[tool.pytype]\npython_version = "3.11"\n[tool.ty.environment]\npython-version = "3.11"\n'
        '[tool.pyrefly]\npython-version = "3.11"\n[tool.refurb]\npython_version = "3.11"\n',
        id="pytype-ty-pyrefly-refurb",
    ),
    # cibuildwheel
    pytest.param(
        '[tool.cibuildwheel]\nbuild = "cp39-* cp310-* cp311-*"\n',
        '[tool.cibuildwheel]\nbuild = "cp311-*"\n',
        id="cibuildwheel-build-string",
    ),
    pytest.param(
        '[tool.cibuildwheel]\nbuild = ["cp39-*", "cp310-*"]\n',
        '[tool.cibuildwheel]\nbuild = ["cp311-*"]\n',
        id="cibuildwheel-build-keeps-the-minimum",
    ),
    pytest.param(
        '[tool.cibuildwheel]\nskip = "pp* cp39-*"\ntest-skip = "cp39-win32"\n',
        '[tool.cibuildwheel]\nskip = "pp*"\ntest-skip = ""\n',
        id="cibuildwheel-skip-string",
    ),
    pytest.param(
        "[tool.cibuildwheel]\ntest-skip = [\n"
        '  "cp3{9,10,11}-win_arm64",\n'
        '  "cp3{9,10}-musllinux_*",\n'
        '  "pp39-*",  # pypy\n'
        '  "*-win32",\n'
        "]\n",
        '[tool.cibuildwheel]\ntest-skip = [\n  "cp311-win_arm64",\n  "*-win32",\n]\n',
        id="cibuildwheel-skip-braces",
    ),
    pytest.param(
        '[tool.cibuildwheel]\nskip = ["cp3{9,10,11,12}-*", "cp3{,9}-x"]\n',
        '[tool.cibuildwheel]\nskip = ["cp3{11,12}-*"]\n',
        id="cibuildwheel-braces-keep-several",
    ),
    pytest.param(
        '[tool.uv.pip]\npython-version = "3.9"\n[tool.pixi.dependencies]\npython = ">=3.9,<3.14"\n',
        '[tool.uv.pip]\npython-version = "3.11"\n'
        '[tool.pixi.dependencies]\npython = ">=3.11,<3.14"\n',
        id="uv-pip-and-pixi",
    ),
    # hatch
    pytest.param(
        '[[tool.hatch.envs.test.matrix]]\npython = ["3.9", "3.10", "3.11", "3.12"]\n',
        '[[tool.hatch.envs.test.matrix]]\npython = ["3.11", "3.12"]\n',
        id="hatch-matrix",
    ),
    pytest.param(
        "[tool.hatch.envs.test]\nmatrix = [\n  { python = [\n"
        '    "3.12",\n    "3.10",\n    "3.9",\n    "pypy3.9",\n  ] },\n]\n',
        '[tool.hatch.envs.test]\nmatrix = [\n  { python = [\n    "3.12",\n  ] },\n]\n',
        id="hatch-inline-matrix",
    ),
    pytest.param(
        '[[tool.hatch.envs.all.matrix]]\npython = ["39", "310"]\n',
        '[[tool.hatch.envs.all.matrix]]\npython = ["311"]\n',
        id="hatch-matrix-no-dot",
    ),
    pytest.param(
        '[tool.hatch.envs.lint]\npython = "3.9"\n',
        '[tool.hatch.envs.lint]\npython = "3.11"\n',
        id="hatch-env-pin",
    ),
    # tox
    pytest.param(
        '[tool.tox]\nenv_list = ["3.9", "3.10", "3.11", "3.12"]\n',
        '[tool.tox]\nenv_list = ["3.11", "3.12"]\n',
        id="tox-env-list",
    ),
    pytest.param(
        '[tool.tox]\nenv_list = ["py39", "py310-django42", "lint"]\n',
        '[tool.tox]\nenv_list = ["py311-django42", "lint"]\n',
        id="tox-env-list-factors-keep-the-minimum",
    ),
    pytest.param(
        '[tool.tox.env.lint]\nbase_python = ["python3.9"]\n',
        '[tool.tox.env.lint]\nbase_python = ["python3.11"]\n',
        id="tox-base-python",
    ),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_rewrite(before: str, after: str) -> None:
    check(pyproject, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "[tool.mypy]\npython_version = 3.9\n",
            '[tool.mypy]\npython_version = "3.10"\n',
            id="mypy-float-3.10-is-quoted",
        ),
        pytest.param(
            '[project]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n',
            '[project]\nclassifiers = ["Programming Language :: Python :: 3.10"]\n',
            id="classifiers-become-the-pinned-minimum",
        ),
    ],
)
def test_rewrite_to_310(before: str, after: str) -> None:
    check(pyproject, before, after, POLICY_310)


LEGACY_BEFORE = """\
[tool.tox]
legacy_tox_ini = '''
[tox]
envlist = py39, py310, py311
'''
"""
LEGACY_AFTER = """\
[tool.tox]
legacy_tox_ini = '''
[tox]
envlist = py311
'''
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(LEGACY_BEFORE, LEGACY_AFTER, id="legacy-tox-ini-literal"),
        pytest.param(
            LEGACY_BEFORE.replace("'''", '"""'),
            LEGACY_AFTER.replace("'''", '"""'),
            id="legacy-tox-ini-basic",
        ),
    ],
)
def test_rewrite_legacy_tox_ini(before: str, after: str) -> None:
    check(pyproject, before, after, POLICY)


def test_legacy_tox_ini_that_does_not_parse_is_a_note() -> None:
    before = (
        "[project]\nrequires-python = '>=3.9'\n[tool.tox]\nlegacy_tox_ini = '''\nenvlist\n'''\n"
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert any(note.startswith("legacy_tox_ini: ") for note in result.notes)


def test_legacy_tox_ini_with_escapes_is_left_alone() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\n'
        '[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py39\\n"""\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace(">=3.9", ">=3.11")
    assert result.notes == ("legacy_tox_ini uses escapes; molt left it alone",)


def test_reports_changes_and_dropped_versions() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\nclassifiers = [\n'
        '  "Programming Language :: Python :: 3.9",\n'
        '  "Programming Language :: Python :: 3.10",\n'
        '  "Programming Language :: Python :: 3.11",\n]\n'
        '[tool.ruff]\ntarget-version = "py39"\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "project.requires-python: >=3.9 → >=3.11",
        "project.classifiers: dropped 3.9 and 3.10",
        "tool.ruff.target-version: py39 → py311",
    )
    assert result.notes == ()
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}


def test_decided_markers_are_a_note_not_an_edit() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\ndependencies = [\n'
        "  \"importlib-metadata>=4; python_version < '3.10'\",\n"
        "  \"tomli; python_version<='3.10'\",\n"
        "  \"exceptiongroup; python_version < '3.12'\",\n"
        '  "zipp; python_full_version >= \\"3.9.1\\"",\n'
        "  \"a; python_version > '3.9'\",\n"
        "  \"b; python_version == '3.9'\",\n"
        "  \"c; python_version == '3.12'\",\n"
        "  \"d; python_version != '3.10'\",\n"
        "]\n"
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('">=3.9"', '">=3.11"')
    (note,) = result.notes
    assert note.startswith("project.dependencies: python_version markers are now always")
    for decided in ("importlib-metadata", "tomli", "zipp", "a;", "b;", "d;"):
        assert decided in note
    for live in ("exceptiongroup", "c;"):
        assert live not in note


def test_decided_conditions_elsewhere_are_notes() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\n'
        "[build-system]\nrequires = [\"numpy; python_version >= '3.9'\"]\n"
        "[tool.poetry.group.dev.dependencies]\n"
        'setuptools = { version = ">=60", python = "<3.10" }\n'
        'tomli = { version = "*", markers = "python_version < \'3.11\'" }\n'
        'live = { version = "*", python = ">=3.12" }\n'
        "odd = { version = 3, python = 3 }\n"
        "[tool.coverage.coverage_conditional_plugin.rules]\n"
        'py-lt-310 = "sys_version_info < (3, 10)"\n'
        'py-gte-312 = "sys_version_info >= (3, 12)"\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "build-system.requires: python_version markers are now always true or always false in "
        "\"numpy; python_version >= '3.9'\"; simplify them by hand",
        "tool.poetry.group.dev.dependencies.setuptools.python = '<3.10': the python constraint "
        "is now always true or always false; simplify it by hand",
        "tool.poetry.group.dev.dependencies.tomli.markers = \"python_version < '3.11'\": the "
        "marker is now always true or always false; simplify it by hand",
        "tool.coverage.coverage_conditional_plugin.rules.py-lt-310 = "
        "'sys_version_info < (3, 10)': the rule is now always true or always false; "
        "simplify it by hand",
    )


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("<3.10 >= 3.9.2", id="unreadable"),
        pytest.param(">=3.9,<3.11", id="ceiling-at-the-minimum"),
        pytest.param(">=3.9, <=3.10", id="ceiling-below-the-minimum"),
        pytest.param("==3.9.*", id="pinned-to-a-dropped-minor"),
    ],
)
def test_floor_it_cannot_raise_is_a_note(spec: str) -> None:
    before = (
        f'[project]\nrequires-python = ">=3.9"\n[tool.poetry.dependencies]\npython = "{spec}"\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('">=3.9"', '">=3.11"')
    assert result.notes == (
        f"tool.poetry.dependencies.python {spec!r} names a dropped Python; edit it by hand",
    )


def test_cibuildwheel_override_for_dropped_versions_is_a_note() -> None:
    before = (
        '[tool.cibuildwheel]\nskip = "cp39-*"\n'
        '[[tool.cibuildwheel.overrides]]\nselect = "cp39-* cp310-*"\nenvironment = {A = "1"}\n'
        '[[tool.cibuildwheel.overrides]]\nselect = "cp39-* cp311-*"\n'
        "[[tool.cibuildwheel.overrides]]\nselect = 3\n"
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "[[tool.cibuildwheel.overrides]] select = 'cp39-* cp310-*' only names dropped Pythons; "
        "remove that override by hand",
    )


def test_unparsable_toml_raises() -> None:
    with pytest.raises(UnparsableInput) as caught:
        pyproject.rewrite('[project]\nname = "x"\nname = "y"\n', POLICY)
    assert caught.value.line == 3


def test_output_that_does_not_parse_is_a_bug() -> None:
    with pytest.raises(BrokenOutput):
        pyproject._checked("[project\n")


def test_patterns_match_any_directory() -> None:
    assert pyproject.PATTERNS == ("pyproject.toml",)


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.before")), ids=str)
def test_real_files(name: str) -> None:
    before = (FIXTURES / f"{name}.before").read_text()
    after = (FIXTURES / f"{name}.after").read_text()
    check(pyproject, before, after, POLICY_310)


# -- the TOML locator ----------------------------------------------------------------------

TRICKY = """\
# comment
"quoted.key" = 1
a . "b c" . d = 'literal \\ no escape'
dt = 1979-05-27 07:32:00Z  # date with a space
[[arr.tables]]
s = \"\"\"ends with two quotes\"\"\"\"\"
lit = '''x''\'''
esc = "a \\" b"
nested = [[1, 2], ["x", {k = "v", deep = {z = [3]}}]]
[t]
empty = []
inline = {}
"""


def test_locator_finds_every_value() -> None:
    found = {entry.path: _toml.decode(TRICKY, entry.value) for entry in _toml.entries(TRICKY)}
    assert found == {
        ("quoted.key",): 1,
        ("a", "b c", "d"): "literal \\ no escape",
        ("dt",): _toml.load(TRICKY)["dt"],
        ("arr", "tables", "s"): 'ends with two quotes""',
        ("arr", "tables", "lit"): "x''",
        ("arr", "tables", "esc"): 'a " b',
        ("arr", "tables", "nested"): [[1, 2], ["x", {"k": "v", "deep": {"z": [3]}}]],
        ("arr", "tables", "nested", "k"): "v",
        ("arr", "tables", "nested", "deep"): {"z": [3]},
        ("arr", "tables", "nested", "deep", "z"): [3],
        ("t", "empty"): [],
        ("t", "inline"): {},
    }


@pytest.mark.parametrize(
    ("array", "removed", "after"),
    [
        pytest.param('x = ["a", "b", "c"]\n', [0, 1], 'x = ["c"]\n', id="leading"),
        pytest.param('x = ["a", "b", "c"]\n', [1, 2], 'x = ["a"]\n', id="trailing"),
        pytest.param('x = ["a", "b", "c"]\n', [0, 1, 2], "x = []\n", id="all"),
        pytest.param('x = ["a", "b",]\n', [0, 1], "x = []\n", id="all-trailing-comma"),
        pytest.param('x = [\n  "a",\n  "b"\n]\n', [1], 'x = [\n  "a",\n]\n', id="last-line"),
        pytest.param('x = [\n  "a",\n  "b"]\n', [1], 'x = [\n  "a"]\n', id="last-before-bracket"),
        pytest.param(
            'x = ["a",\n  "b",\n  "c"]\n', [0, 1], 'x = ["c"]\n', id="opening-line-and-own-line"
        ),
    ],
)
def test_remove_items(array: str, removed: list[int], after: str) -> None:
    (entry,) = _toml.entries(array)
    assert apply_edits(array, _toml.remove_items(array, entry.value, removed)) == after
