from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.formats import toml as _toml
from rewriters.packaging import pyproject
from rewriters.result import BrokenOutput, UnparsableInput, apply_edits
from rewriters.tools.settings import checked
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop


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
            '[tool.poetry]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n'
            '[tool.poetry.dependencies]\npython = "^3.11"\n',
            id="poetry-classifiers-when-python-stays",
        ),
        pytest.param(
            '[tool.poetry]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n'
            "[tool.poetry.dependencies]\npython = 3\n",
            id="poetry-classifiers-when-python-is-odd",
        ),
        pytest.param(
            '[tool.cibuildwheel]\nskip = "cp39-*\\tpp*"\n', id="cibuildwheel-escapes-left-alone"
        ),
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
            "[project]\ndependencies = [\"tomli; python_version < '3.12'\", 3, {a = 1}]\n",
            id="marker-that-still-splits",
        ),
        pytest.param(
            "[project]\ndependencies = [\n"
            "  \"a; python_version < '3.10' and sys_platform == 'win32'\",\n]\n",
            id="and-marker",
        ),
        pytest.param(
            "[project]\ndependencies = [\"a; python_full_version < '3.11.2'\"]\n",
            id="full-version-patch-in-the-minimums-minor",
        ),
        pytest.param(
            '[tool.poetry.dependencies]\nb = { version = "*", python = ">=3.9" }\n'
            'c = { version = "*", python = ">=3.12" }\nd = { version = "*" }\n',
            id="poetry-python-that-admits-kept-versions",
        ),
        pytest.param(
            '[project]\nclassifiers = ["Programming Language :: Python :: 3", 3]\n',
            id="classifiers-without-versions",
        ),
    ],
)
def test_noop(before: str) -> None:
    noop(pyproject, before, POLICY)


OLD_CLASSIFIERS = (
    '    "Programming Language :: Python :: 3.9",\n    "Programming Language :: Python :: 3.10",\n'
)
POETRY_CLASSIFIERS = (
    '[tool.poetry]\nname = "tidewater"\nclassifiers = [\n'
    '    "Development Status :: 5 - Production/Stable",\n'
    "{old}"
    '    "Programming Language :: Python :: 3.11",\n'
    '    "Programming Language :: Python :: 3.12",\n'
    "]\n\n[tool.poetry.dependencies]\npython = {python}\n"
)

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
    pytest.param(
        POETRY_CLASSIFIERS.format(python='"^3.9"', old=OLD_CLASSIFIERS),
        POETRY_CLASSIFIERS.format(python='"^3.11"', old=""),
        id="poetry-classifiers-follow-python",
    ),
    pytest.param(
        POETRY_CLASSIFIERS.format(python='{ version = ">=3.10,<4" }', old=OLD_CLASSIFIERS),
        POETRY_CLASSIFIERS.format(python='{ version = ">=3.11,<4" }', old=""),
        id="poetry-classifiers-follow-python-table",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9"\n'
        '[tool.poetry]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n',
        '[project]\nrequires-python = ">=3.11"\n'
        '[tool.poetry]\nclassifiers = ["Programming Language :: Python :: 3.11"]\n',
        id="poetry-classifiers-follow-requires-python",
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
        '[tool.cibuildwheel]\nbuild = "cp39-* cp312-* cp313-*"\n',
        '[tool.cibuildwheel]\nbuild = "cp311-* cp312-* cp313-*"\n',
        id="cibuildwheel-build-keeps-building-the-minimum",
    ),
    pytest.param(
        '[tool.cibuildwheel]\nbuild = "cp39-manylinux_x86_64 cp39-musllinux_x86_64 cp312-*"\n',
        '[tool.cibuildwheel]\nbuild = "cp311-manylinux_x86_64 cp311-musllinux_x86_64 cp312-*"\n',
        id="cibuildwheel-build-selectors-of-the-moved-version-all-move",
    ),
    pytest.param(
        '[tool.cibuildwheel.linux]\nbuild = "cp3{9,10,12}-manylinux*"\n'
        '[tool.cibuildwheel.macos]\nskip = ["cp39-macosx_x86_64", "pp*"]\n',
        '[tool.cibuildwheel.linux]\nbuild = "cp3{11,12}-manylinux*"\n'
        '[tool.cibuildwheel.macos]\nskip = ["pp*"]\n',
        id="cibuildwheel-platform-tables",
    ),
    pytest.param(
        '[[tool.cibuildwheel.overrides]]\nselect = "cp310-* cp311-*"\nbefore-build = "make"\n',
        '[[tool.cibuildwheel.overrides]]\nselect = "cp311-*"\nbefore-build = "make"\n',
        id="cibuildwheel-override-select-narrows",
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
        '[tool.tox]\nenv_list = ["py311", "py311-django42", "lint"]\n',
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


PY = "Programming Language :: Python :: "


@pytest.mark.parametrize(
    ("before", "after", "changes"),
    (
        pytest.param(
            '[project]\nrequires-python = ">=2.7"\nclassifiers = [\n'
            f'    "{PY}2",\n    "{PY}2 :: Only",\n    "{PY}2.7",\n    "{PY}3.9",\n'
            f'    "{PY}3.12",\n]\n',
            f'[project]\nrequires-python = ">=3.11"\nclassifiers = [\n    "{PY}3.12",\n]\n',
            (
                "project.requires-python: >=2.7 → >=3.11",
                "project.classifiers: dropped 2.7 and 3.9",
                "project.classifiers: dropped the Python 2 classifiers",
            ),
            id="python 2 classifiers go with the old minors",
        ),
        pytest.param(
            f'[project]\nclassifiers = ["{PY}2", "{PY}3", "{PY}3.12"]\n',
            f'[project]\nclassifiers = ["{PY}3", "{PY}3.12"]\n',
            ("project.classifiers: dropped the Python 2 classifiers",),
            id="a python 2 classifier alone goes",
        ),
    ),
)
def test_python2_classifiers_go(before: str, after: str, changes: tuple[str, ...]) -> None:
    check(pyproject, before, after, POLICY)
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == changes


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


DEPENDENCY_CASES = [
    pytest.param(
        """\
[project]
dependencies = [
    "cleo (>=2.1.0,<3.0.0)",
    # needed before 3.10
    "importlib-metadata (>=4.4) ; python_version < '3.10'",  # backport
    "installer (>=0.7.0,<0.8.0)",
]
""",
        """\
[project]
dependencies = [
    "cleo (>=2.1.0,<3.0.0)",
    # needed before 3.10
    "installer (>=0.7.0,<0.8.0)",
]
""",
        id="middle-item-removed-with-its-line-comment",
    ),
    pytest.param(
        """\
[project]
dependencies = [
  "distlib>=0.3.7,<1",
  "importlib-metadata>=6.6; python_version<'3.8'",
]
""",
        """\
[project]
dependencies = [
  "distlib>=0.3.7,<1",
]
""",
        id="last-item-removed",
    ),
    pytest.param(
        """\
[project.optional-dependencies]
dev = ["pytest", "tomli; python_version <= '3.9'"]
io = ["scipy", 'pydap; python_version<"3.10"', "zarr"]
""",
        """\
[project.optional-dependencies]
dev = ["pytest"]
io = ["scipy", "zarr"]
""",
        id="one-line-arrays",
    ),
    pytest.param(
        """\
[project.optional-dependencies]
typing = [
  "typing-extensions; python_version<'3.10'",
]
compat = ["backports.zoneinfo; python_version == '3.8'"]
""",
        """\
[project.optional-dependencies]
typing = [
]
compat = []
""",
        id="single-item-arrays",
    ),
    pytest.param(
        """\
[dependency-groups]
test = [
  "pytest_codspeed<3; python_version < '3.9'",
  "pytest-codspeed (>=3.0.0) ; python_version >= \\"3.9\\"",
  "litestar>=2; python_full_version >= '3.9.2'",  # asgi
  { include-group = "lint" },
]
""",
        """\
[dependency-groups]
test = [
  "pytest-codspeed (>=3.0.0)",
  "litestar>=2; python_full_version >= '3.9.2'",  # asgi
  { include-group = "lint" },
]
""",
        id="split-pin-collapses-lone-true-marker-stays",
    ),
    pytest.param(
        """\
[build-system]
requires = ["setuptools>=75.3; python_version<='3.8'", "setuptools>=75.8; python_version>'3.8'"]
[tool.uv]
dev-dependencies = ["a; python_version != '3.9'"]
constraint-dependencies = ["b<2; python_version < '3.10'", "c"]
override-dependencies = ["d; python_version >= '3.10'"]
[tool.pdm.dev-dependencies]
test = ["e; python_version < '3.9'", "f"]
""",
        """\
[build-system]
requires = ["setuptools>=75.8"]
[tool.uv]
dev-dependencies = ["a; python_version != '3.9'"]
constraint-dependencies = ["c"]
override-dependencies = ["d; python_version >= '3.10'"]
[tool.pdm.dev-dependencies]
test = ["f"]
""",
        id="build-system-uv-and-pdm",
    ),
    pytest.param(
        """\
[tool.poetry.group.dev.dependencies]
pre-commit = ">=2.10"
# add setuptools for PyCharm
setuptools = { version = ">=60", python = "<3.10" }
tomli = { version = "*", python = ">=3.8,<3.10", markers = "python_version < '3.10'" }  # old
[tool.poetry.dependencies]
python = "^3.9"
zipp = {version = "*", python = "<3.10 >= 3.8"}
""",
        """\
[tool.poetry.group.dev.dependencies]
pre-commit = ">=2.10"
# add setuptools for PyCharm
[tool.poetry.dependencies]
python = "^3.10"
""",
        id="poetry-inline-tables-removed",
    ),
    pytest.param(
        """\
[tool.poetry.group.dev.dependencies]
pre-commit = ">=2.10"
# add setuptools for PyCharm
# see https://youtrack.jetbrains.com/issue/PY-48909
setuptools = { version = ">=60", python = "<3.10" }

[tool.poetry.group.test.dependencies]
""",
        """\
[tool.poetry.group.dev.dependencies]
pre-commit = ">=2.10"

[tool.poetry.group.test.dependencies]
""",
        id="comment-right-above-a-removed-last-entry-goes-with-it",
    ),
    pytest.param(
        """\
[project]
requires-python = ">=3.9"
[dependency-groups]
dev = [
  "pytest-codspeed>=3 ; python_version >= \\"3.9\\"",
  "django>=4.2; python_version>='3.8'",
  "litestar>=2; python_version >= '3.10'",
]
""",
        """\
[project]
requires-python = ">=3.10"
[dependency-groups]
dev = [
  "pytest-codspeed>=3",
  "django>=4.2; python_version>='3.8'",
  "litestar>=2; python_version >= '3.10'",
]
""",
        id="always-true-marker-naming-a-version-dropped-now-goes",
    ),
    pytest.param(
        """\
[tool.poetry.dependencies]
python = "^3.9"
[project.optional-dependencies]
bench = ["pytest-codspeed; python_version>='3.9'"]
""",
        """\
[tool.poetry.dependencies]
python = "^3.10"
[project.optional-dependencies]
bench = ["pytest-codspeed"]
""",
        id="poetry-python-is-the-old-floor-too",
    ),
    pytest.param(
        '[tool.poetry.dependencies]\npython = "<3.10 >= 3.9.2"\n',
        '[tool.poetry.dependencies]\npython = "<3.11 >= 3.10"\n',
        id="poetry-oldest-window-moves-up",
    ),
    pytest.param(
        "[project]\nrequires-python = '>=3.8, <3.10'\n",
        "[project]\nrequires-python = '>=3.10, <3.12'\n",
        id="requires-python-window-keeps-its-width",
    ),
    pytest.param(
        '[project]\nrequires-python = ">=3.9,<3.11"\n',
        '[project]\nrequires-python = ">=3.10,<3.11"\n',
        id="window-that-admits-the-minimum-gets-a-new-floor",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# about x\n# more\nx = 1\n", 0),
        ("# about x\nx = 1\ny = 2\n", 10),
        ("a = [\n  # about x\n  'x',\n]\n", 6),
    ],
)
def test_a_comment_goes_with_what_it_is_about(text: str, expected: int) -> None:
    start = text.index("x =") if "x =" in text else text.index("  'x'")
    end = text.index("\n", start) + 1
    assert _toml.with_comment_above(text, start, end) == expected


@pytest.mark.parametrize(("before", "after"), DEPENDENCY_CASES)
def test_rewrite_dependencies(before: str, after: str) -> None:
    check(pyproject, before, after, POLICY_310)


def test_always_true_marker_without_a_declared_floor_stays() -> None:
    text = '[project]\ndynamic = ["requires-python"]\n' + (
        "optional-dependencies.bench = [\"pytest-codspeed; python_version>='3.9'\"]\n"
    )
    result = pyproject.rewrite(text, POLICY_310)
    assert result is not None
    assert result.text == text
    assert result.notes == (
        "project.optional-dependencies.bench: python_version markers are now always true or "
        "always false in \"pytest-codspeed; python_version>='3.9'\"; simplify them by hand",
    )


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


def test_dependency_edits_are_reported() -> None:
    before = (
        "[project]\ndependencies = [\n"
        "  \"importlib-metadata>=4; python_version < '3.11'\",\n"
        '  "zipp; python_full_version >= \\"3.9.1\\"",\n'
        "]\n"
        "[tool.poetry.dependencies]\n"
        'setuptools = { version = ">=60", python = ">=3.7,<3.11" }\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "project.dependencies: removed importlib-metadata>=4; python_version < '3.11'",
        "tool.poetry.dependencies.setuptools: removed (python = '>=3.7,<3.11')",
    )
    assert result.notes == (
        "project.dependencies: python_version markers are now always true or always false in "
        "'zipp; python_full_version >= \"3.9.1\"'; simplify them by hand",
    )
    # the dropped versions a marker or constraint names, as classifiers and pins record theirs
    assert result.dropped == {Minor(3, 7)}


def test_markers_molt_cannot_edit_are_notes() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\ndependencies = [\n'
        "  \"importlib-metadata>=4; python_version < '3.10' and sys_platform == 'win32'\",\n"
        "  \"exceptiongroup; python_version < '3.12'\",\n"
        "  \"zipp; python_full_version < '3.11.2'\",\n"
        "  \"b; sys_platform == 'win32' or python_version <= '3.10'\",\n"
        "  \"\\u0061; python_version >= '3.9'\",\n"
        "]\n"
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('">=3.9"', '">=3.11"')
    assert result.notes == (
        "project.dependencies: python_version markers are now always true or always false in "
        "\"importlib-metadata>=4; python_version < '3.10' and sys_platform == 'win32'\"; "
        "\"b; sys_platform == 'win32' or python_version <= '3.10'\"; "
        "\"a; python_version >= '3.9'\"; simplify them by hand",
    )


def test_decided_conditions_elsewhere_are_notes() -> None:
    before = (
        '[project]\nrequires-python = ">=3.9"\n'
        "[tool.poetry.group.dev.dependencies]\n"
        'tomli = { version = "*", markers = "python_version < \'3.11\'" }\n'
        'always = { version = "*", python = ">=3.9" }\n'
        'live = { version = "*", python = ">=3.12" }\n'
        "odd = { version = 3, python = 3 }\n"
        'several = [{ version = "1", python = "<3.10" }, { version = "2", python = ">=3.12" }]\n'
        "[tool.poetry.dependencies.whole]\n"
        'version = "*"\npython = "<3.10"\n'
        "[tool.poetry]\n"
        'dev-dependencies = { nested = { version = "*", python = "<3.10" } }\n'
        "[tool.coverage.coverage_conditional_plugin.rules]\n"
        'py-lt-310 = "sys_version_info < (3, 10)"\n'
        'py-gte-312 = "sys_version_info >= (3, 12)"\n'
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('">=3.9"\n[', '">=3.11"\n[', 1)
    assert result.notes == (
        "tool.poetry.group.dev.dependencies.tomli.markers = \"python_version < '3.11'\": the "
        "marker is now always true or always false; simplify it by hand",
        "tool.poetry.group.dev.dependencies.always.python = '>=3.9': the python constraint "
        "is now always true or always false; simplify it by hand",
        "tool.poetry.group.dev.dependencies.several.python = '<3.10': the python constraint "
        "is now always true or always false; simplify it by hand",
        "tool.poetry.dependencies.whole.python = '<3.10': the python constraint "
        "is now always true or always false; simplify it by hand",
        "tool.poetry.dev-dependencies.nested.python = '<3.10': the python constraint "
        "is now always true or always false; simplify it by hand",
        "tool.coverage.coverage_conditional_plugin.rules.py-lt-310 = "
        "'sys_version_info < (3, 10)': the rule is now always true or always false; "
        "simplify it by hand",
    )


def test_window_of_dropped_versions_moves_up_with_a_note() -> None:
    before = '[tool.poetry.dependencies]\npython = "<3.10 >= 3.9.2"\n'
    result = pyproject.rewrite(before, POLICY_310)
    assert result is not None
    assert result.changes == ("tool.poetry.dependencies.python: <3.10 >= 3.9.2 → <3.11 >= 3.10",)
    assert result.notes == (
        "tool.poetry.dependencies.python '<3.10 >= 3.9.2' admitted only dropped Pythons; molt "
        "moved the window up to '<3.11 >= 3.10', as wide as before: check it",
    )
    assert result.dropped == {Minor(3, 9)}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("<3.10", id="no-floor"),
        pytest.param(">=3.9,<3.10.5", id="ceiling-with-a-patch"),
        pytest.param(">3.8, <3.10", id="exclusive-floor"),
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
        '[[tool.cibuildwheel.overrides]]\nselect = "cp312-*"\n'
        "[[tool.cibuildwheel.overrides]]\nselect = 3\n"
    )
    result = pyproject.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('skip = "cp39-*"', 'skip = ""')
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
        checked("[project\n", "pyproject.toml")


@pytest.mark.parametrize(
    "path",
    (
        "pyproject.toml",
        "packages/core/pyproject.toml",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is pyproject


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("pyproject", POLICY_310))
def test_real_files(before, after, policy) -> None:
    check(pyproject, before, after, policy)


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
