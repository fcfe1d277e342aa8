from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.ci import github_actions
from rewriters.ci.work import is_python_key, is_tox_key
from rewriters.formats import yaml as _yaml
from rewriters.policy import Facts
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop

MATRIX = "jobs:\n  test:\n    strategy:\n      matrix:\n"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("name: ci\non: push\n", id="no versions"),
        pytest.param(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        node-version: [14, 16]\n",
            id="node versions are not python",
        ),
        pytest.param(
            'jobs:\n  t:\n    strategy:\n      matrix:\n        django: ["3.2", "4.2"]\n',
            id="django versions are not python",
        ),
        pytest.param(
            'jobs:\n  t:\n    strategy:\n      matrix:\n        python-version: ["3.11", "3.12"]\n',
            id="matrix already current",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: ${{ matrix.python-version }}\n",
            id="matrix expression untouched",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version-file: .python-version\n",
            id="python-version-file left alone",
        ),
        pytest.param(
            'jobs:\n  t:\n    steps:\n      - with:\n          python-version: "3.x"\n',
            id="3.x is not a pin",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - run: pip install idna>=3.9\n",
            id="run scripts untouched",
        ),
        pytest.param(
            "jobs:\n  t:\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n",
            id="matrix from an expression",
        ),
        pytest.param(
            "jobs:\n  t:\n    strategy:\n      matrix:\n"
            "        python-version: ['3.11']\n        include:\n"
            "          - python-version: '3.12'\n            os: windows\n",
            id="include already current",
        ),
        pytest.param(
            "jobs:\n  t:\n    env:\n      PYTHON_VERSION: '3.12'\n    name: lint\n",
            id="current pin",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.11\n            3.12\n",
            id="block list already current",
        ),
        pytest.param(
            'jobs:\n  t:\n    with:\n      env: \'["lint", "docs"]\'\n',
            id="embedded list without versions",
        ),
        pytest.param(
            "x: &v '3.12'\njobs:\n  t:\n    env:\n      PYTHON: *v\n      PY: *v\n",
            id="aliases",
        ),
        pytest.param(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        python: [{k: 1}]\n"
            "        include:\n          - python: {key: '3.12'}\n",
            id="mappings in python lists",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.11', '3.14-dev']\n        include:\n"
            "          - {os: w, python-version: '3.14-dev'}\n",
            id="pre-release in a matrix that changes nothing else",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - with:\n          python-version: '3.14-dev'\n",
            id="pre-release pin alone",
        ),
        pytest.param(
            MATRIX + "        image:\n          - name: python3.11\n            python: '3.11'\n"
            "          - name: latest\n",
            id="current items of a matrix list",
        ),
    ),
)
def test_noop(before):
    noop(github_actions, before, POLICY)


CONDITIONS = (
    "    continue-on-error: ${{{{ contains(fromJSON('[\"{}\"]'), matrix.name) }}}}\n"
    "    steps:\n      - if: matrix.name == '{}' || matrix.name == '{}'\n        run: x\n"
)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            MATRIX + '        python-version: ["3.9", "3.10", "3.11", "3.12"]\n',
            MATRIX + '        python-version: ["3.11", "3.12"]\n',
            id="flow list drops leading versions",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.12', '3.11', '3.10', '3.9']\n",
            MATRIX + "        python-version: ['3.12', '3.11']\n",
            id="flow list drops trailing versions",
        ),
        pytest.param(
            MATRIX + "        python-version:\n        - '3.9'\n        - '3.10'\n"
            "        - '3.11'\n        os: [ubuntu]\n",
            MATRIX + "        python-version:\n        - '3.11'\n        os: [ubuntu]\n",
            id="block list",
        ),
        pytest.param(
            MATRIX + "        py: [3.9, 3.10, 3.12]\n",
            MATRIX + '        py: ["3.11", 3.12]\n',
            id="bookend list keeps the new minimum, quoted",
        ),
        pytest.param(
            MATRIX + "        python: ['3.9', '3.13']\n",
            MATRIX + "        python: ['3.11', '3.13']\n",
            id="bookend keeps single quotes",
        ),
        pytest.param(
            MATRIX + '        python-version: ["pypy-3.9"]\n',
            MATRIX + '        python-version: ["pypy-3.11"]\n',
            id="emptied pypy list gets the minimum",
        ),
        pytest.param(
            MATRIX + '        python-version: ["3.10", "3.11", "pypy-3.9", "pypy3.10"]\n',
            MATRIX + '        python-version: ["3.11"]\n',
            id="old pypy entries go",
        ),
        pytest.param(
            MATRIX + "        python-version: [\n          '3.9',\n          '3.11',\n        ]\n",
            MATRIX + "        python-version: [\n          '3.11',\n        ]\n",
            id="multi-line flow list",
        ),
        pytest.param(
            MATRIX + "        toxenv: [py39, py310-django42, py311, lint]\n",
            MATRIX + "        toxenv: [py311-django42, py311, lint]\n",
            id="tox envs: each group alike but for Python shrinks on its own",
        ),
        pytest.param(
            MATRIX + "        toxenv: [django42-py39, django42-py311, docs-3.2]\n",
            MATRIX + "        toxenv: [django42-py311, docs-3.2]\n",
            id="tox envs: the Python factor anywhere, as in tox.ini; a later bare version is not",
        ),
        pytest.param(
            MATRIX + "        python-version:\n          # 3.9 is the oldest\n"
            "          - '3.9'\n          # keep\n          - '3.11'\n",
            MATRIX + "        python-version:\n          # keep\n          - '3.11'\n",
            id="comment about the dropped item goes",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.9', '3.11']\n        os: [ubuntu, windows]\n"
            "        exclude:\n          - os: windows\n            python-version: '3.9'\n",
            MATRIX + "        python-version: ['3.11']\n        os: [ubuntu, windows]\n",
            id="emptied exclude key goes",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.10', '3.11']\n        os: [u, w]\n"
            "        exclude:\n          - os: w\n            python-version: '3.10'\n"
            "          - os: w\n            python-version: '3.11'\n",
            MATRIX + "        python-version: ['3.11']\n        os: [u, w]\n"
            "        exclude:\n          - os: w\n            python-version: '3.11'\n",
            id="exclude entry for a dropped version",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.12']\n        include:\n"
            "          - python-version: '3.9'\n            suffix: -min\n",
            MATRIX + "        python-version: ['3.12']\n        include:\n"
            "          - python-version: '3.11'\n            suffix: -min\n",
            id="include entry moves to the minimum",
        ),
        pytest.param(
            MATRIX + "        include:\n          - {python: '3.11'}\n"
            "          - {python: '3.10'}\n"
            "          - {python: '3.9', tox: py39}\n"
            "          - {name: x, python: '3.9', tox: x}\n",
            MATRIX + "        include:\n          - {python: '3.11'}\n"
            "          - {python: '3.11', tox: py311}\n"
            "          - {name: x, python: '3.11', tox: x}\n",
            id="include entries that would repeat go",
        ),
        pytest.param(
            MATRIX + "        python: ['3.9', '3.11']\n        os: [u, w]\n        include:\n"
            "          - os: w\n            python: '3.9'\n"
            "          - os: m\n            python: 3.9\n",
            MATRIX + "        python: ['3.11']\n        os: [u, w]\n        include:\n"
            "          - os: m\n            python: '3.11'\n",
            id="include entry the base matrix covers goes",
        ),
        pytest.param(
            MATRIX + "        os: [u]\n        include:\n"
            "          - os: w\n            python: '3.9'\n",
            MATRIX + "        os: [u]\n        include:\n"
            "          - os: w\n            python: '3.11'\n",
            id="single include entry moves",
        ),
        pytest.param(
            MATRIX + "        python: ['3.9', '3.11']\n        os: [u]\n        include:\n"
            "          - os: u\n            python: '3.9'\n",
            MATRIX + "        python: ['3.11']\n        os: [u]\n",
            id="emptied include key goes",
        ),
        pytest.param(
            MATRIX + '        name: ["w-py39-x", "w-py311", "m-py39", "m-py311"]\n'
            "        include:\n"
            '          - name: "w-py39-x"\n            python: "3.9"\n            tox: "py39-x"\n\n'
            '          - name: "m-py39"\n            python: "3.9"\n\n'
            '          - name: "m-py311"\n            python: "3.11"\n            cov: true\n'
            + CONDITIONS.format("m-py39", "w-py39-x", "u-py39"),
            MATRIX + '        name: ["w-py311-x", "w-py311", "m-py311"]\n'
            "        include:\n"
            '          - name: "w-py311-x"\n            python: "3.11"\n'
            '            tox: "py311-x"\n\n'
            '          - name: "m-py311"\n            python: "3.11"\n            cov: true\n'
            + CONDITIONS.format("m-py311", "w-py311-x", "u-py39"),
            id="name lists follow include entries",
        ),
        pytest.param(
            MATRIX + "        os: [u]\n        include:\n"
            '          - os: u\n            python: { key: "3.9", version: "3.9.12" }\n'
            '          - os: u\n            python: { key: "3.10", version: "3.10.4" }\n'
            '          - os: w\n            python: { key: "3.11", version: "3.11.0" }\n',
            MATRIX + "        os: [u]\n        include:\n"
            '          - os: u\n            python: { key: "3.11", version: "3.11.16" }\n'
            '          - os: w\n            python: { key: "3.11", version: "3.11.0" }\n',
            id="nested python mapping in include",
        ),
        pytest.param(
            MATRIX + "        python:\n          - '3.9'\n\n"
            "          - '3.11'\n\n          - '3.10'\n",
            MATRIX + "        python:\n          - '3.11'\n",
            id="blank lines separating items",
        ),
        pytest.param(
            MATRIX + "        python-version:\n        - 3.11\n        - >-\n          3.10\n",
            MATRIX + "        python-version:\n        - 3.11\n",
            id="folded item",
        ),
        pytest.param(
            "jobs:\n  lint:\n    steps:\n      - name: Set up Python 3.9\n"
            "        uses: actions/setup-python@v5\n        with:\n          python-version: 3.9\n",
            "jobs:\n  lint:\n    steps:\n      - name: Set up Python 3.11\n"
            "        uses: actions/setup-python@v5\n"
            '        with:\n          python-version: "3.11"\n',
            id="setup-python pin and its step name",
        ),
        pytest.param(
            "jobs:\n  lint:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: '3.9.18'\n",
            "jobs:\n  lint:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: '3.11.16'\n",
            id="patch pin moves to the latest patch",
        ),
        pytest.param(
            'jobs:\n  mypy:\n    name: Mypy 3.9\n    env:\n      PYTHON_VERSION: "3.9"\n',
            'jobs:\n  mypy:\n    name: Mypy 3.11\n    env:\n      PYTHON_VERSION: "3.11"\n',
            id="env pin and job name",
        ),
        pytest.param(
            "x: '3.12'\njobs:\n  a:\n    with:\n      python-version: 3.10\n",
            "x: '3.12'\njobs:\n  a:\n    with:\n      python-version: '3.11'\n",
            id="single pin takes the file's quotes",
        ),
        pytest.param(
            "jobs:\n  a:\n    with:\n      python-version: >-\n        3.9\n",
            "jobs:\n  a:\n    with:\n      python-version: >-\n        3.11\n",
            id="folded pin",
        ),
        pytest.param(
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.9\n            3.10\n            3.12\n          cache: pip\n",
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.11\n            3.12\n          cache: pip\n",
            id="setup-python block list",
        ),
        pytest.param(
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.9\n            3.10\n",
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.11\n",
            id="emptied block list gets the minimum",
        ),
        pytest.param(
            "jobs:\n  a:\n    uses: o/r/.github/workflows/tox.yml@v1\n"
            '    with:\n      env: \'["py39", "py310", "py311"]\'\n',
            "jobs:\n  a:\n    uses: o/r/.github/workflows/tox.yml@v1\n"
            "    with:\n      env: '[\"py311\"]'\n",
            id="embedded tox list",
        ),
        pytest.param(
            "jobs:\n  a:\n    with:\n      env: '[\"py39\"]'\n",
            "jobs:\n  a:\n    with:\n      env: '[\"py311\"]'\n",
            id="emptied embedded list",
        ),
        pytest.param(
            "on:\n  workflow_call:\n    inputs:\n      python_versions:\n"
            '        type: string\n        default: \'["3.9", "3.14"]\'\n',
            "on:\n  workflow_call:\n    inputs:\n      python_versions:\n"
            '        type: string\n        default: \'["3.11", "3.14"]\'\n',
            id="input default list",
        ),
        pytest.param(
            "on:\n  workflow_dispatch:\n    inputs:\n      python-version:\n"
            "        default: '3.9'\n        options: ['3.9', '3.12']\n",
            "on:\n  workflow_dispatch:\n    inputs:\n      python-version:\n"
            "        default: '3.11'\n        options: ['3.11', '3.12']\n",
            id="input default and options",
        ),
        pytest.param(
            "x: &v '3.9'\njobs:\n  t:\n    env:\n      PYTHON: *v\n      PY: *v\n",
            "x: &v '3.11'\njobs:\n  t:\n    env:\n      PYTHON: *v\n      PY: *v\n",
            id="anchored pin edited once",
        ),
        pytest.param(
            "---\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n"
            "      with:\n        python-version: '3.10'\n",
            "---\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n"
            "      with:\n        python-version: '3.11'\n",
            id="composite action",
        ),
        pytest.param(
            "jobs:\n  test:\n    strategy:\n      matrix:\n"
            "        python-version: ['3.9', '3.10', '3.12']\n"
            "    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - name: Extra Python 3.9\n"
            "        uses: actions/setup-python@v5\n"
            "        if: matrix.python-version != '3.9'\n"
            "        with:\n"
            "          python-version: '3.9'\n"
            "      - name: Extra Python 3.10\n"
            "        uses: actions/setup-python@v5\n"
            "        if: matrix.python-version != '3.10'\n"
            "        with:\n"
            "          python-version: '3.10'\n"
            "      - name: Python ${{ matrix.python-version }}\n"
            "        uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: ${{ matrix.python-version }}\n"
            "      - run: nox\n",
            "jobs:\n  test:\n    strategy:\n      matrix:\n"
            "        python-version: ['3.11', '3.12']\n"
            "    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - name: Extra Python 3.11\n"
            "        uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: '3.11'\n"
            "      - name: Python ${{ matrix.python-version }}\n"
            "        uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: ${{ matrix.python-version }}\n"
            "      - run: nox\n",
            id="steps that would repeat a moved step go",
        ),
        pytest.param(
            "jobs:\n  lint:\n    steps:\n"
            "      - uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: '3.11'\n"
            "      - uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: '3.9'\n"
            "      - run: pre-commit run -a\n",
            "jobs:\n  lint:\n    steps:\n"
            "      - uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: '3.11'\n"
            "      - run: pre-commit run -a\n",
            id="a step that would repeat a kept step goes",
        ),
        pytest.param(
            MATRIX + "        PYTHON:\n"
            '          - {VERSION: "3.11", NOXSESSION: "tests"}\n'
            '          - {VERSION: "pypy-3.9", NOXSESSION: "tests-nocoverage"}\n'
            '          - {VERSION: "pypy-3.10-nightly", NOXSESSION: "tests-nocoverage"}\n'
            "    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: ${{ matrix.PYTHON.VERSION }}\n",
            MATRIX + "        PYTHON:\n"
            '          - {VERSION: "3.11", NOXSESSION: "tests"}\n'
            '          - {VERSION: "pypy-3.11", NOXSESSION: "tests-nocoverage"}\n'
            "    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: ${{ matrix.PYTHON.VERSION }}\n",
            id="a nightly PyPy of a dropped version is a dropped version",
        ),
        pytest.param(
            MATRIX + '        python-version: ["3.9", "3.10", "3.11.0-beta - 3.11", "3.12"]\n'
            "    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: ${{ matrix.python-version }}\n",
            MATRIX + '        python-version: ["3.11.0-beta - 3.11", "3.12"]\n'
            "    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: ${{ matrix.python-version }}\n",
            id="a range within the new minimum tests it: nothing moves there",
        ),
        pytest.param(
            MATRIX + "        python-version:\n          - '3.10'\n"
            "          - '>=3.11 <3.12'\n          - '3.12.x'\n          - '3.13'\n",
            MATRIX + "        python-version:\n"
            "          - '>=3.11 <3.12'\n          - '3.12.x'\n          - '3.13'\n",
            id="comparator and x ranges name their minor",
        ),
        pytest.param(
            "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: |\n"
            "            3.10\n            ~3.11\n            3.12\n",
            "jobs:\n  t:\n    steps:\n      - uses: actions/setup-python@v5\n"
            "        with:\n          python-version: |\n"
            "            ~3.11\n            3.12\n",
            id="a range in a block list",
        ),
        pytest.param(
            'jobs:\n  t:\n    with:\n      python-version: \'["3.9", ">=3.11 <3.12", "3.12"]\'\n',
            'jobs:\n  t:\n    with:\n      python-version: \'[">=3.11 <3.12", "3.12"]\'\n',
            id="a range in an embedded list",
        ),
    ),
)
def test_rewrite(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "env: &e\n  PYTHON_VERSION: '3.9'\njobs:\n  a:\n    env: *e\n",
            "env: &e\n  PYTHON_VERSION: '3.11'\njobs:\n  a:\n    env: *e\n",
            id="aliased mapping edited once",
        ),
        pytest.param(
            'jobs:\n  a:\n    with:\n      env: \'["py311", "py39"]\'\n',
            "jobs:\n  a:\n    with:\n      env: '[\"py311\"]'\n",
            id="embedded list tail",
        ),
        pytest.param(
            "jobs:\n  a:\n    name: lint\n    env:\n      PY: '3.9'\n",
            "jobs:\n  a:\n    name: lint\n    env:\n      PY: '3.11'\n",
            id="job name without the version stays",
        ),
        pytest.param(
            MATRIX + "        python-version: '3.9'\n",
            MATRIX + "        python-version: '3.11'\n",
            id="matrix scalar",
        ),
        pytest.param(
            MATRIX + "        os: [u]\n        include:\n"
            "          - {os: w, python: '3.9', extra: [a]}\n          - {os: w, toxenv: [x]}\n",
            MATRIX + "        os: [u]\n        include:\n"
            "          - {os: w, python: '3.11', extra: [a]}\n          - {os: w, toxenv: [x]}\n",
            id="include entries holding lists",
        ),
        pytest.param(
            MATRIX + "        tox_env: [type, type-3.9, lint-py310, lint-py311, {a: 1}]\n"
            "        exclude:\n          - {os: w, tox_env: type-3.9}\n          - {os: w}\n",
            MATRIX + "        tox_env: [type, type-3.9, lint-py311, {a: 1}]\n"
            "        exclude:\n          - {os: w, tox_env: type-3.9}\n          - {os: w}\n",
            id="tox envs naming a version in a later factor stay, as in tox.ini",
        ),
        pytest.param(
            MATRIX + "        include:\n          - {os: w, only: cp39-win32}\n"
            "          - {os: w, only: cp313-win_amd64}\n",
            MATRIX + "        include:\n          - {os: w, only: cp311-win32}\n"
            "          - {os: w, only: cp313-win_amd64}\n",
            id="cibuildwheel identifiers in include entries",
        ),
        pytest.param(
            MATRIX.replace("matrix:\n", "matrix: ")
            + "{python: ['3.9', '3.12'], os: [a, b], exclude: [{os: a, python: '3.9'}]}\n",
            MATRIX.replace("matrix:\n", "matrix: ") + "{python: ['3.11', '3.12'], os: [a, b]}\n",
            id="flow matrix loses its emptied exclude",
        ),
        pytest.param(
            MATRIX + '        name: ["a-py39", "a-py311", "b-py39"]\n        include:\n'
            '          - {name: "a-py39", python: "3.9"}\n'
            '          - {name: "a-py311", python: "3.11"}\n'
            '        exclude:\n          - {name: "b-py39", python: "3.9"}\n',
            MATRIX + '        name: ["a-py311", "b-py39"]\n        include:\n'
            '          - {name: "a-py311", python: "3.11"}\n',
            id="exclude entries never rename the name list",
        ),
    ),
)
def test_rewrite_shapes(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            MATRIX + '        python-version: ["3.10", "3.11", "3.14-dev"]\n',
            MATRIX + '        python-version: ["3.11", "3.14"]\n',
            id="pre-release in a changed list becomes the release",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.9', '3.11', '3.14', '3.14-dev']\n",
            MATRIX + "        python-version: ['3.11', '3.14']\n",
            id="pre-release goes when its release is listed",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.10', '3.11', '3.16-dev']\n",
            MATRIX + "        python-version: ['3.11', '3.16-dev']\n",
            id="unreleased pre-release stays",
        ),
        pytest.param(
            MATRIX + "        python-version:\n          - '3.10'\n          - '3.11'\n"
            "          - '3.13.0-rc.2'\n          - '3.14.0-alpha.1'\n          - '3.12-rc'\n",
            MATRIX + "        python-version:\n          - '3.11'\n"
            "          - '3.13'\n          - '3.14'\n          - '3.12'\n",
            id="setup-python pre-release spellings",
        ),
        pytest.param(
            MATRIX + "        python-version: [3.10, 3.11, 3.14-dev]\n",
            MATRIX + '        python-version: [3.11, "3.14"]\n',
            id="plain pre-release gets quotes",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.10-dev', '3.12']\n",
            MATRIX + "        python-version: ['3.11', '3.12']\n",
            id="old pre-release moves to the release of the minimum",
        ),
        pytest.param(
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.10\n            3.14-dev\n            3.15\n            3.15-dev\n",
            "jobs:\n  a:\n    steps:\n      - with:\n          python-version: |\n"
            "            3.11\n            3.14\n            3.15\n            3.15-dev\n",
            id="setup-python block list (no final 3.15 in the shipped data yet)",
        ),
        pytest.param(
            'jobs:\n  a:\n    with:\n      python: \'["3.10", "3.14-dev", "3.11", "3.11-dev"]\'\n',
            'jobs:\n  a:\n    with:\n      python: \'["3.14", "3.11"]\'\n',
            id="embedded list",
        ),
        pytest.param(
            MATRIX + "        os: [u]\n        python-version: ['3.11', '3.14-dev', pypy-3.11]\n"
            "        include:\n          - os: w\n            python-version: '3.10'\n"
            "          - os: w\n            python-version: '3.11'\n"
            "          - os: w\n            python-version: '3.14-dev'\n"
            "    continue-on-error: ${{ matrix.python-version == '3.14-dev' }}\n",
            MATRIX + "        os: [u]\n        python-version: ['3.11', '3.14', pypy-3.11]\n"
            "        include:\n"
            "          - os: w\n            python-version: '3.11'\n"
            "          - os: w\n            python-version: '3.14'\n"
            "    continue-on-error: ${{ matrix.python-version == '3.14' }}\n",
            id="changed matrix settles its lists, entries and conditions",
        ),
        pytest.param(
            MATRIX + "        python: ['3.10', '3.11']\n        include:\n"
            "          - {python: '3.14', os: w}\n          - {python: '3.14-dev', os: w}\n"
            "          - {name: '3.15-dev', python: {key: '3.15-dev', full: 3.15.0-rc.1}}\n",
            MATRIX + "        python: ['3.11']\n        include:\n"
            "          - {python: '3.14', os: w}\n"
            "          - {name: '3.15-dev', python: {key: '3.15-dev', full: 3.15.0-rc.1}}\n",
            id="settled include entries that would repeat go",
        ),
        pytest.param(
            MATRIX + "        python: ['3.10', '3.11', '3.14-dev']\n        os: [u, w]\n"
            "        exclude:\n          - {os: w, python: '3.14-dev'}\n",
            MATRIX + "        python: ['3.11', '3.14']\n        os: [u, w]\n"
            "        exclude:\n          - {os: w, python: '3.14'}\n",
            id="exclude entries follow the release",
        ),
        pytest.param(
            MATRIX + "        python-version: '3.14-dev'\n        toxenv: [py310, py311]\n",
            MATRIX + "        python-version: '3.14'\n        toxenv: [py311]\n",
            id="matrix scalar",
        ),
    ),
)
def test_settles_prereleases(before, after):
    check(github_actions, before, after, POLICY)


def test_settled_prereleases_are_reported():
    before = MATRIX + ("        python: ['3.9', '3.11', '3.13', '3.13-dev', '3.14-dev']\n")
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "python: dropped 3.9",
        "python: 3.14-dev → 3.14 (released)",
        "python: dropped 3.13-dev, 3.13 is listed",
    )


IMAGES = (
    "        image:\n"
    '          - name: latest\n            python_version: "3.11"\n'
    '          - name: python3.11\n            python_version: "3.11"\n'
    '          - name: python3.10\n            python_version: "3.10"\n'
    '          - name: python3.11-slim\n            python_version: "3.11"\n'
    '          - name: python3.10-slim\n            python_version: "3.10"\n'
)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            MATRIX + IMAGES + "    runs-on: ubuntu-latest\n",
            MATRIX + "        image:\n"
            '          - name: latest\n            python_version: "3.11"\n'
            '          - name: python3.11\n            python_version: "3.11"\n'
            '          - name: python3.11-slim\n            python_version: "3.11"\n'
            "    runs-on: ubuntu-latest\n",
            id="items that would repeat go",
        ),
        pytest.param(
            MATRIX + "        image:\n          - {name: alpine-py3.10, python: '3.10'}\n"
            "          - {name: slim, python: '3.12'}\n          - name: docs\n"
            "          - {name: bare, python: 3.9, os: [a]}\n        os: [u]\n",
            MATRIX + "        image:\n          - {name: alpine-py3.11, python: '3.11'}\n"
            "          - {name: slim, python: '3.12'}\n          - name: docs\n"
            "          - {name: bare, python: '3.11', os: [a]}\n        os: [u]\n",
            id="items that would not repeat move with their names",
        ),
        pytest.param(
            MATRIX
            + "        cell: [{py: '3.10', tag: a}, {py: '3.11', tag: a}, {py: '3.12', tag: b}]\n",
            MATRIX + "        cell: [{py: '3.11', tag: a}, {py: '3.12', tag: b}]\n",
            id="flow items",
        ),
    ),
)
def test_matrix_list_items(before, after):
    check(github_actions, before, after, POLICY)


def test_matrix_list_items_are_reported():
    result = github_actions.rewrite(MATRIX + IMAGES, POLICY)
    assert result is not None
    assert result.changes == ("matrix image: removed entries for 3.10",)


SETUP = "jobs:\n  a:\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n"


@pytest.mark.parametrize(
    ("before", "quote", "after"),
    (
        pytest.param(
            SETUP + "          python-version: 3.9\n",
            '"',
            SETUP + '          python-version: "3.10"\n',
            id="double quotes by default",
        ),
        pytest.param(
            SETUP + "          python-version: 3.9\n",
            "'",
            SETUP + "          python-version: '3.10'\n",
            id="the repository's quote when the file has none",
        ),
        pytest.param(
            'env:\n  PY: "3.12"\n' + SETUP + "          python-version: 3.9\n",
            "'",
            'env:\n  PY: "3.12"\n' + SETUP + '          python-version: "3.10"\n',
            id="the file's quote first",
        ),
        pytest.param(
            "# '3.12' '3.13'\n" + SETUP + "          python-version: 3.9  # '3.9'\n",
            "'",
            "# '3.12' '3.13'\n" + SETUP + "          python-version: '3.10'  # '3.9'\n",
            id="comments are no hint",
        ),
        pytest.param(
            'env:\n  PY: "3.12"\n' + MATRIX + "        python: [3.9, 3.12]\n",
            "'",
            'env:\n  PY: "3.12"\n' + MATRIX + '        python: ["3.10", 3.12]\n',
            id="an unquoted list takes the file's quote",
        ),
    ),
)
def test_quote_for_plain_values(before, quote, after):
    check(github_actions, before, after, replace(POLICY_310, facts=Facts(quote=quote)))


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("github_actions"))
def test_real_workflows(before, after, policy):
    check(github_actions, before, after, policy)


def test_reports_changes_and_dropped():
    before = MATRIX + "        python-version: ['3.9', '3.10', '3.11']\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == ("python-version: dropped 3.9 and 3.10",)
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


@pytest.mark.parametrize(
    ("before", "notes"),
    (
        pytest.param(
            MATRIX + '        python-version: ["3.9", ">=3.9 <3.11", "3.12"]\n',
            (
                "python-version: the range >=3.9 <3.11 takes in 3.9 and 3.10, no longer supported; "
                "check it by hand",
            ),
            id="a range over dropped minors",
        ),
        pytest.param(
            "jobs:\n  t:\n    with:\n      python-version: |\n        3.9\n        <3.11\n"
            "        3.12\n",
            (
                "python-version: the range <3.11 takes in 3.10 and older, no longer supported; "
                "check it by hand",
            ),
            id="a range open below",
        ),
        pytest.param(
            MATRIX + '        python-version: ["3.9", "3.10.x", "3.13"]\n',
            (
                "python-version: the range 3.10.x takes in 3.10, no longer supported; "
                "check it by hand",
            ),
            id="an old range stays: it is never rewritten",
        ),
        pytest.param(
            MATRIX + '        python-version: ["3.9", ">=3.11 <3.13", ">=3.9", "3.x"]\n',
            (),
            id="ranges over kept minors, or open above (the newest is picked)",
        ),
    ),
)
def test_ranges_over_several_minors_stay_and_are_noted(before, notes):
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert '"3.9", ' not in result.text
    assert [n for n in result.notes if "range" in n] == list(notes)


@pytest.mark.parametrize(
    ("before", "after", "notes"),
    (
        pytest.param(
            MATRIX + '        python: ["3.11", "3.12"]\n        flask-version: ["2.3", "3.0"]\n'
            '        include:\n          - python: "3.9"\n'
            '            flask-version: ["0.11", "1.0"]\n',
            MATRIX + '        python: ["3.11", "3.12"]\n        flask-version: ["2.3", "3.0"]\n'
            '        include:\n          - python: "3.11"\n'
            '            flask-version: ["0.11", "1.0"]\n',
            (
                "line 8: the include entry moved from 3.9 to 3.11 keeps `flask-version`, picked "
                "for the old Python, while another entry tests 3.11 already; check it by hand",
            ),
            id="old flask releases beside a base matrix at the minimum",
        ),
        pytest.param(
            MATRIX + '        python: ["3.12"]\n        include:\n'
            '          - {python: "3.9", django: "~=3.2"}\n'
            '          - {python: "3.10", django: "4.0", os: windows-latest}\n',
            MATRIX + '        python: ["3.12"]\n        include:\n'
            '          - {python: "3.11", django: "~=3.2"}\n'
            '          - {python: "3.11", django: "4.0", os: windows-latest}\n',
            (
                "line 8: the include entry moved from 3.10 to 3.11 keeps `django`, picked "
                "for the old Python, while another entry tests 3.11 already; check it by hand",
            ),
            id="the first moved entry is the oldest supported job; the next is noted",
        ),
        pytest.param(
            MATRIX + '        python: ["3.11", "3.12"]\n        django: ["4.2"]\n'
            '        include:\n          - {python: "3.9", django: "4.2", os: windows-latest}\n',
            MATRIX + '        python: ["3.11", "3.12"]\n        django: ["4.2"]\n'
            '        include:\n          - {python: "3.11", django: "4.2", os: windows-latest}\n',
            (),
            id="a release the base matrix holds",
        ),
    ),
)
def test_moved_entry_with_releases_for_the_old_python_gets_a_note(before, after, notes):
    check(github_actions, before, after, POLICY)
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == notes


def test_include_changes_are_reported():
    before = MATRIX + (
        "        python: ['3.11']\n        include:\n"
        "          - {python: '3.9', os: w}\n          - {python: '3.10', os: w}\n"
    )
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "matrix include: removed entries for 3.10",
        "matrix include: moved entries for 3.9 to 3.11",
    )


def test_conditions_follow_only_old_versions():
    before = MATRIX + (
        "        python-version: ['3.9', '3.11']\n    steps:\n"
        "      - if: matrix.python-version == '3.9'\n        run: pip install old\n"
        "      - if: matrix.python-version == '3.12'\n        run: pip install new\n"
    )
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == ()
    assert result.text == MATRIX + (
        "        python-version: ['3.11']\n    steps:\n"
        "      - if: matrix.python-version == '3.11'\n        run: pip install old\n"
        "      - if: matrix.python-version == '3.12'\n        run: pip install new\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            MATRIX + "        python-version: [3.9, '3.10']\n        include:\n"
            "          - python-version: pypy3.9\n            experimental: true\n"
            "    steps:\n"
            "      - name: Run kafka integration tests\n"
            "        if: ${{ matrix.python-version != 'pypy3.9'}}\n"
            "        run: tox -e kafka\n"
            "      - if: matrix.python-version == 'pypy3.9'\n        run: pip install cffi\n",
            MATRIX + "        python-version: ['3.11']\n        include:\n"
            "          - python-version: pypy3.11\n            experimental: true\n"
            "    steps:\n"
            "      - name: Run kafka integration tests\n"
            "        if: ${{ matrix.python-version != 'pypy3.11'}}\n"
            "        run: tox -e kafka\n"
            "      - if: matrix.python-version == 'pypy3.11'\n        run: pip install cffi\n",
            id="a condition on an entry's value follows the entry it moved with",
        ),
        pytest.param(
            MATRIX + "        python-version: ['3.11']\n        include:\n"
            "          - {python-version: '3.9', os: macos-13}\n"
            "    steps:\n"
            "      - if: matrix.python-version != '3.9'\n        run: tox -e docs\n",
            MATRIX + "        python-version: ['3.11']\n        include:\n"
            "          - {python-version: '3.11', os: macos-13}\n"
            "    steps:\n"
            "      - run: tox -e docs\n",
            id="not when other jobs run the value it moved to",
        ),
    ],
)
def test_conditions_follow_a_value_moved_with_its_entry(before, after):
    check(github_actions, before, after, POLICY)


CONTAINERS = (
    "jobs:\n  a:\n    container:\n      image: python:3.10-bookworm\n"
    "    services:\n      db:\n        image: postgres:13\n"
    "      py:\n        image: 'python:3.12'\n"
    "  b:\n    container: python:3.9-buster\n"
)


def test_job_containers_and_service_images_move_to_a_built_tag():
    after = CONTAINERS.replace("3.10-bookworm", "3.11-bookworm").replace(
        "3.9-buster", "3.11-bookworm"
    )
    check(github_actions, CONTAINERS, after, POLICY)
    result = github_actions.rewrite(CONTAINERS, POLICY)
    assert result is not None
    assert result.changes == (
        "line 4: image python:3.10-bookworm → python:3.11-bookworm",
        "line 11: image python:3.9-buster → python:3.11-bookworm",
    )
    assert len(result.notes) == 1 and "buster" in result.notes[0]


def test_a_container_without_a_built_tag_is_a_note():
    before = "jobs:\n  a:\n    container: python:3.9-windowsservercore-ltsc2016\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before
    assert result.notes == (
        "python:3.9-windowsservercore-ltsc2016: python:3.11-windowsservercore-ltsc2016 is not "
        "built and has no maintained equivalent; left unchanged",
    )


def test_a_tox_env_naming_an_old_version_in_a_later_factor_is_a_note():
    before = MATRIX + "        tox_env: [type-3.9, django-3.2, py39, py311]\n"
    result = github_actions.rewrite(before, POLICY)
    assert result is not None
    assert result.text == MATRIX + "        tox_env: [type-3.9, django-3.2, py311]\n"
    assert result.notes == (
        "tox_env: the tox env type-3.9 names 3.9 in a factor that is not its Python; "
        "check it by hand",
    )


def test_minimum_310_keeps_310():
    before = MATRIX + '        python-version: ["3.9", "3.10", "3.11"]\n'
    after = MATRIX + '        python-version: ["3.10", "3.11"]\n'
    check(github_actions, before, after, POLICY_310)


def test_unparsable_yaml_names_the_line():
    with pytest.raises(UnparsableInput) as raised:
        github_actions.rewrite("jobs:\n  a: [\n", POLICY)
    assert raised.value.line == 3


def test_unparsable_without_mark():
    with pytest.raises(UnparsableInput) as raised:
        github_actions.rewrite("a: 1\n\t- b\n", POLICY)
    assert raised.value.reason.startswith("not valid YAML")


def test_broken_output_raises():
    with pytest.raises(BrokenOutput):
        _yaml.check_parses("a: [\n")


@pytest.mark.parametrize(
    ("key", "python", "tox"),
    (
        ("python-version", True, False),
        ("PYTHON_VERSION", True, False),
        ("pyver", True, False),
        ("python-version-file", False, False),
        ("pydantic-version", False, False),
        ("node-version", False, False),
        ("toxenv", False, True),
        ("tox_env", False, True),
    ),
)
def test_key_names(key, python, tox):
    assert is_python_key(key) is python
    assert is_tox_key(key) is tox


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            MATRIX + "        python: ['3.11']\n        include:\n"
            "          - {python: '3.10', os: w, name: a}\n"
            "          - {python: '3.11', os: w, name: b}\n",
            MATRIX + "        python: ['3.11']\n        include:\n"
            "          - {python: '3.11', os: w, name: a}\n",
            id="of two equal entries the first stays",
        ),
        pytest.param(
            MATRIX + "        python: ['3.11']\n        include:\n"
            "          - {python: '3.10', os: w, name: c}\n"
            "          - {python: '3.11', os: w, name: b}\n"
            "          - {python: '3.12', os: x, name: c}\n",
            MATRIX + "        python: ['3.11']\n        include:\n"
            "          - {python: '3.11', os: w, name: b}\n"
            "          - {python: '3.12', os: x, name: c}\n",
            id="a moved entry whose name another entry holds goes",
        ),
        pytest.param(
            MATRIX + "        python: ['3.11']\n        name: [b, z]\n        include:\n"
            "          - {python: '3.10', os: w}\n"
            "          - {python: '3.11', os: w, name: b}\n",
            MATRIX + "        python: ['3.11']\n        name: [b, z]\n        include:\n"
            "          - {python: '3.11', os: w, name: b}\n",
            id="a moved entry without the names the later one has goes",
        ),
        pytest.param(
            MATRIX + "        os: [u]\n        include:\n"
            "          - {os: u, python: {key: '3.10', version: 3.10.12}}\n"
            "          - {os: u, python: {key: '3.11', version: 3.11.4}}\n",
            MATRIX + "        os: [u]\n        include:\n"
            "          - {os: u, python: {key: '3.11', version: 3.11.4}}\n",
            id="a later entry with its own pinned patch stays",
        ),
        pytest.param(
            MATRIX + "        name: [w-py310, w-py310-pluggy, w-py311, m-py310, m-py311]\n"
            "        include:\n"
            "          - {name: w-py310, python: '3.10', tox_env: py310-extras}\n"
            "          - {name: w-py310-pluggy, python: '3.10', tox_env: py310-pluggy}\n"
            "          - {name: w-py311, python: '3.11', tox_env: py311-xdist}\n"
            "          - {name: m-py310, python: '3.10', tox_env: py310-xdist}\n"
            "          - {name: m-py311, python: '3.11', tox_env: py311-xdist, cov: true}\n"
            "          - {name: u-py310, python: '3.10', tox_env: py310}\n"
            "          - {name: u-py311, python: '3.11', tox_env: py311, cov: true}\n",
            MATRIX + "        name: [w-py311-extras, w-py311-pluggy, w-py311, m-py311]\n"
            "        include:\n"
            "          - {name: w-py311-extras, python: '3.11', tox_env: py311-extras}\n"
            "          - {name: w-py311-pluggy, python: '3.11', tox_env: py311-pluggy}\n"
            "          - {name: w-py311, python: '3.11', tox_env: py311-xdist}\n"
            "          - {name: m-py311, python: '3.11', tox_env: py311-xdist, cov: true}\n"
            "          - {name: u-py311, python: '3.11', tox_env: py311, cov: true}\n",
            id="a moved entry running its own tox env takes its factors into its name",
        ),
        pytest.param(
            MATRIX + "        include:\n"
            '        - python-version: "3.10"\n          env:\n            TOXENV: py\n'
            '        - python-version: "3.11"\n          env:\n            TOXENV: py\n'
            '        - python-version: "3.10.19"\n          env:\n            TOXENV: min\n'
            "          coverage: true\n",
            MATRIX + "        include:\n"
            '        - python-version: "3.11"\n          env:\n            TOXENV: py\n'
            '        - python-version: "3.11.16"\n          env:\n            TOXENV: min\n'
            "          coverage: true\n",
            id="entries compare their nested mappings: one repeating another goes",
        ),
        pytest.param(
            MATRIX + "        tox_env:\n"
            '          - "py38-pytestmin"\n'
            '          - "py38-pytestlatest"\n'
            '          - "py39-pytestlatest"\n'
            '          - "py311-pytestlatest"\n'
            '          - "py310-psutil"\n'
            "        os: [ubuntu-latest, windows-latest]\n"
            "        include:\n"
            '          - tox_env: "py38-pytestmin"\n            python: "3.8"\n'
            '          - tox_env: "py38-pytestlatest"\n            python: "3.8"\n'
            '          - tox_env: "py39-pytestlatest"\n            python: "3.9"\n'
            '          - tox_env: "py311-pytestlatest"\n            python: "3.11"\n'
            '          - tox_env: "py310-psutil"\n            python: "3.10"\n',
            MATRIX + "        tox_env:\n"
            '          - "py311-pytestmin"\n'
            '          - "py311-pytestlatest"\n'
            '          - "py311-psutil"\n'
            "        os: [ubuntu-latest, windows-latest]\n"
            "        include:\n"
            '          - tox_env: "py311-pytestmin"\n            python: "3.11"\n'
            '          - tox_env: "py311-pytestlatest"\n            python: "3.11"\n'
            '          - tox_env: "py311-psutil"\n            python: "3.11"\n',
            id="tox envs move up by their other factors, and each include entry once",
        ),
    ],
)
def test_a_moved_entry_that_repeats_another(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            MATRIX + "        python:\n"
            '          - version: "3.10"\n            toxenv: py310,smoke\n'
            '          - version: "3.11"\n            toxenv: py311,smoke\n',
            MATRIX + "        python:\n"
            '          - version: "3.11"\n            toxenv: py311,smoke\n',
            id="an item repeating another goes",
        ),
        pytest.param(
            MATRIX + "        python:\n"
            "          - {version: '3.9', toxenv: 'py39,lowest'}\n"
            "          - {version: '3.12', toxenv: py312}\n",
            MATRIX + "        python:\n"
            "          - {version: '3.11', toxenv: 'py311,lowest'}\n"
            "          - {version: '3.12', toxenv: py312}\n",
            id="an item of its own moves to the minimum",
        ),
    ],
)
def test_items_of_a_python_list_are_versions_spelled_as_mappings(before, after):
    check(github_actions, before, after, POLICY)


TEMPLATED = (
    MATRIX + "        environment: [{values}]\n    steps:\n"
    "      - with:\n          environment-file: ci/environment-${{{{ matrix.environment }}}}.yaml\n"
)


def test_a_matrix_key_that_picks_a_per_version_file_lists_python_versions():
    before = TEMPLATED.format(values='"3.10", "3.11", "3.12"')
    after = TEMPLATED.format(values='"3.11", "3.12"')
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(TEMPLATED.format(values='"3.1", "3.2"'), id="no kept version: not Python"),
        pytest.param(TEMPLATED.format(values='"3.10", "4.2"'), id="a value that is not 3.N"),
        pytest.param(
            MATRIX + '        environment: ["3.10"]\n    steps:\n'
            "      - run: echo ${{ matrix.environment }}\n",
            id="one value and not a file name",
        ),
        pytest.param(
            MATRIX + '        ruby: ["3.2", "3.3"]\n        python: ["3.11"]\n',
            id="another language's versions",
        ),
        pytest.param(MATRIX + '        django: ["3.2", "4.2"]\n', id="a library's versions"),
        pytest.param(MATRIX + '        mongodb-version: ["3.6", "4.0"]\n', id="a service"),
        pytest.param(MATRIX + '        scala: ["2.12", "2.13"]\n', id="python 2 spellings"),
        pytest.param(MATRIX + '        lib: ["3.1", "3.4"]\n', id="below 3.5"),
    ),
)
def test_other_matrix_keys_are_not_python(before):
    noop(github_actions, before, POLICY)


AXIS = (
    MATRIX + "        interpreter: [{values}]\n        include:\n"
    "          - {{interpreter: '3.9', extra: slow}}\n    steps:\n"
    "      - run: nox --interpreter ${{{{ matrix.interpreter }}}}\n"
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            MATRIX + '        environment: ["3.10", "3.11"]\n    steps:\n'
            "      - run: echo ${{ matrix.environment }}\n",
            MATRIX + '        environment: ["3.11"]\n    steps:\n'
            "      - run: echo ${{ matrix.environment }}\n",
            id="a list of versions under any name",
        ),
        pytest.param(
            AXIS.format(values="'3.9', '3.10', '3.11', '3.12', '3.13'"),
            MATRIX + "        interpreter: ['3.11', '3.12', '3.13']\n        include:\n"
            "          - {interpreter: '3.11', extra: slow}\n    steps:\n"
            "      - run: nox --interpreter ${{ matrix.interpreter }}\n",
            id="its include entries follow",
        ),
        pytest.param(
            MATRIX + "        include:\n          - {name: all, interpreter: 3.9 3.10 3.11 3.12}\n",
            MATRIX + "        include:\n          - {name: all, interpreter: 3.11 3.12}\n",
            id="space-separated versions in an include entry",
        ),
        pytest.param(
            MATRIX + "        os: [ubuntu-latest]\n    steps:\n"
            "      - run: nox --interpreter ${{ matrix.interpreter || '3.9 3.10 3.11' }}\n",
            MATRIX + "        os: [ubuntu-latest]\n    steps:\n"
            "      - run: nox --interpreter ${{ matrix.interpreter || '3.11' }}\n",
            id="a default list in an expression",
        ),
    ],
)
def test_a_version_axis_is_read_by_content_whatever_its_key(before, after):
    check(github_actions, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            MATRIX + "        os: [linux, macos-latest]\n        python: ['3.10', '3.11', '3.12']\n"
            "        include:\n          - {os: macos-13, python: '3.10'}\n"
            "        exclude:\n          - {os: macos-latest, python: '3.10'}\n",
            MATRIX + "        os: [linux, macos-latest]\n        python: ['3.11', '3.12']\n"
            "        include:\n          - {os: macos-13, python: '3.11'}\n"
            "        exclude:\n          - {os: macos-latest, python: '3.11'}\n",
            id="an exclude paired with a moved include moves with it",
        ),
        pytest.param(
            MATRIX + "        os: [linux, macos-latest]\n        python: ['3.10', '3.11']\n"
            "        include:\n          - {os: macos-13, python: '3.10'}\n"
            "        exclude:\n          - {os: windows, python: '3.10'}\n",
            MATRIX + "        os: [linux, macos-latest]\n        python: ['3.11']\n"
            "        include:\n          - {os: macos-13, python: '3.11'}\n",
            id="an exclude that would exclude nothing goes",
        ),
    ],
)
def test_exclude_entries_paired_with_include_entries(before, after):
    check(github_actions, before, after, POLICY)


def test_a_folded_version_in_an_include_entry_moves():
    entry = MATRIX + "        os: [linux]\n        include:\n          - python: >-\n"
    before = entry + "              3.9\n"
    after = entry + "              3.11\n"
    check(github_actions, before, after, POLICY)


REUSABLE = """\
on:
  workflow_call:
    inputs:
      python-versions:
        type: string
        default: '[{defaults}]'
jobs:
  call:
    uses: ./.github/workflows/test.yml
    with:
      python-versions: '[{passed}]'
"""


def test_reusable_workflow_inputs_and_their_defaults_are_version_lists():
    before = REUSABLE.format(defaults='"3.9", "3.10", "3.11"', passed='"3.10", "3.12"')
    after = REUSABLE.format(defaults='"3.11"', passed='"3.11", "3.12"')
    check(github_actions, before, after, POLICY)
