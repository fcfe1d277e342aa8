"""The scripts CI runs: which they are, and what becomes of their Python lists and names."""

from __future__ import annotations

import ast

import pytest

from rewriters import rewrite_repository, scripts_run
from rewriters.ci import scripts
from rewriters.ci.interpreters import Pythons
from rewriters.repository import ci_scripts
from rewriters.result import BrokenOutput
from rewriters.versions import Minor
from tests.conftest import POLICY

MATRIX = """\
jobs:
  test:
    strategy:
      matrix:
        python-version: ["3.9", "3.10", "3.11", "3.12"]
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: ${{{{ matrix.python-version }}}}
      - run: {command}
"""
MATRIX_AFTER = MATRIX.replace('"3.9", "3.10", ', "")
PINNED = """\
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "3.9"
      - run: {command}
"""
PINNED_AFTER = PINNED.replace('"3.9"', '"3.11"')
SYSTEM_PYTHON = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {command}\n"
SHELL = "#!/bin/sh\nset -e\npython3.9 -m pip install .\npip3.9 install pytest  # python3.9\n"
SHELL_AFTER = SHELL.replace("3.9", "3.11")
CHECK_ABI = """\
\"\"\"Check the wheels we built cover every supported interpreter.\"\"\"

import sys

INTERPRETERS = ["python3.9", "python3.10", "python3.11", "python3.12"]


def main() -> int:
    return 0 if INTERPRETERS else 1
"""
CHECK_ABI_AFTER = CHECK_ABI.replace('"python3.9", "python3.10", ', "")
VENV = 'import subprocess\n\nsubprocess.run(["python3.9", "-m", "venv"])\n'
WORKFLOW = ".github/workflows/test.yml"


# -- which scripts CI runs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "paths", "expected"),
    (
        pytest.param(
            {WORKFLOW: MATRIX.format(command="python scripts/check_abi.py")},
            ["scripts/check_abi.py"],
            {"scripts/check_abi.py"},
            id="github run",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="./ci/test.sh && bash 'ci/build.sh' --fast")},
            ["ci/test.sh", "ci/build.sh", "ci/other.sh"],
            {"ci/test.sh", "ci/build.sh"},
            id="./ prefix and quoted words",
        ),
        pytest.param(
            {".gitlab-ci.yml": "test:\n  script:\n    - ./scripts/x.sh\n    - sh tools/release\n"},
            ["scripts/x.sh", "tools/release"],
            {"scripts/x.sh", "tools/release"},
            id="gitlab script list, a script without a suffix",
        ),
        pytest.param(
            {".travis.yml": "language: python\ninstall: pip install .\nscript: bash ci/t.sh\n"},
            ["ci/t.sh"],
            {"ci/t.sh"},
            id="travis",
        ),
        pytest.param(
            {
                ".circleci/config.yml": "jobs:\n  t:\n    steps:\n      - run:\n"
                "          command: c/x.sh\n"
            },
            ["c/x.sh"],
            {"c/x.sh"},
            id="circleci run command",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="python scripts/gone.py")},
            ["scripts/other.py"],
            set(),
            id="a script that does not exist",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="pip install -r requirements.txt; python setup.py x")},
            ["requirements.txt", "setup.py"],
            set(),
            id="files a rewriter claims",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="python tests/run.py && vendor/x.sh && cat LICENSE")},
            ["tests/run.py", "vendor/x.sh", "LICENSE"],
            set(),
            id="tests, vendored code and files that are no script",
        ),
        pytest.param(
            {
                WORKFLOW: "jobs:\n  t:\n    steps:\n      - uses: a/b@v1\n        with:\n"
                "          path: scripts/x.sh\n"
            },
            ["scripts/x.sh"],
            set(),
            id="named outside a script",
        ),
        pytest.param(
            {WORKFLOW: "jobs: [\nrun: scripts/x.sh\n"},
            ["scripts/x.sh"],
            set(),
            id="a CI file that is not YAML",
        ),
        pytest.param(
            {".gitlab-ci.yml": ".l: &l [c/x.sh]\na: {script: *l}\nb: {script: *l}\n"},
            ["c/x.sh"],
            {"c/x.sh"},
            id="script lines through an alias",
        ),
        pytest.param(
            {"docs/build.md": "run: scripts/x.sh\n"},
            ["scripts/x.sh"],
            set(),
            id="not a CI file",
        ),
    ),
)
def test_scripts_run(files, paths, expected):
    assert scripts_run(files, [*files, *paths]) == expected


# -- what becomes of them -------------------------------------------------------------------


def _rewrite(files, paths=()):
    return rewrite_repository(files, POLICY, paths=[*files, *paths], changelog_entry=False)


def check(files, expected):
    """``files`` rewrite to ``expected`` (the changed files' texts), which parse, need nothing
    more, and come out the same with CRLF line endings."""
    result = _rewrite(files)
    after = {change.path: change.after for change in result.files}
    assert after == expected
    for path, text in after.items():
        if path.endswith(".py"):
            ast.parse(text)
    assert _rewrite({**files, **after}).files == ()
    crlf = _rewrite({path: text.replace("\n", "\r\n") for path, text in files.items()})
    assert {c.path: c.after for c in crlf.files} == {
        path: text.replace("\n", "\r\n") for path, text in expected.items()
    }


@pytest.mark.parametrize(
    ("files", "expected"),
    (
        pytest.param(
            {
                WORKFLOW: MATRIX.format(command="python scripts/check_abi.py"),
                "scripts/check_abi.py": CHECK_ABI,
            },
            {
                WORKFLOW: MATRIX_AFTER.format(command="python scripts/check_abi.py"),
                "scripts/check_abi.py": CHECK_ABI_AFTER,
            },
            id="a list of interpreters in a python script",
        ),
        pytest.param(
            {
                WORKFLOW: MATRIX.format(command="python ci/matrix.py"),
                "ci/matrix.py": "PYTHON_VERSIONS = (\n    '3.9',\n    '3.10',\n    '3.11',\n)\n",
            },
            {
                WORKFLOW: MATRIX_AFTER.format(command="python ci/matrix.py"),
                "ci/matrix.py": "PYTHON_VERSIONS = (\n    '3.11',\n)\n",
            },
            id="a tuple of versions named for python keeps the minimum",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="bash ci/build.sh"), "ci/build.sh": SHELL},
            {WORKFLOW: PINNED_AFTER.format(command="bash ci/build.sh"), "ci/build.sh": SHELL_AFTER},
            id="a shell script on a job of one python",
        ),
        pytest.param(
            {WORKFLOW: PINNED.format(command="./ci/build.sh"), "ci/build.sh": SHELL},
            {WORKFLOW: PINNED_AFTER.format(command="./ci/build.sh"), "ci/build.sh": SHELL_AFTER},
            id="./ prefix",
        ),
        pytest.param(
            {
                ".gitlab-ci.yml": "build:\n  image: python:3.9\n  script:\n    - ./scripts/x.sh\n",
                "scripts/x.sh": SHELL,
            },
            {
                ".gitlab-ci.yml": "build:\n  image: python:3.11\n  script:\n    - ./scripts/x.sh\n",
                "scripts/x.sh": SHELL_AFTER,
            },
            id="gitlab job in a python image",
        ),
        pytest.param(
            {
                ".travis.yml": 'language: python\npython: "3.10"\nscript: sh ci/test\n',
                "ci/test": "#!/usr/bin/env bash\npython3.10 -m pytest\n",
            },
            {
                ".travis.yml": 'language: python\npython: "3.11"\nscript: sh ci/test\n',
                "ci/test": "#!/usr/bin/env bash\npython3.11 -m pytest\n",
            },
            id="travis, a script without a suffix",
        ),
        pytest.param(
            {
                WORKFLOW: PINNED.format(command="tools/venv"),
                "tools/venv": "#!/usr/bin/env python3\n" + VENV,
            },
            {
                WORKFLOW: PINNED_AFTER.format(command="tools/venv"),
                "tools/venv": "#!/usr/bin/env python3\n" + VENV.replace("3.9", "3.11"),
            },
            id="a python script without a suffix",
        ),
        pytest.param(
            {
                WORKFLOW: PINNED.format(command="python tools/venv.py"),
                "tools/venv.py": VENV,
            },
            {
                WORKFLOW: PINNED_AFTER.format(command="python tools/venv.py"),
                "tools/venv.py": VENV.replace("3.9", "3.11"),
            },
            id="a python script's interpreter name on a job of one python",
        ),
    ),
)
def test_rewrite(files, expected):
    check(files, expected)


def _unsure(line, name, version="3.9"):
    return (
        f"line {line}: a script names {name}, and molt cannot tell every CI job that runs it "
        f"runs on Python {version} alone; check it by hand"
    )


SHELL_NOTES = [_unsure(3, "python3.9"), _unsure(4, "pip3.9"), _unsure(4, "python3.9")]


@pytest.mark.parametrize(
    ("files", "path", "notes"),
    (
        pytest.param(
            {WORKFLOW: MATRIX.format(command="bash ci/build.sh"), "ci/build.sh": SHELL},
            "ci/build.sh",
            SHELL_NOTES,
            id="a job of several pythons",
        ),
        pytest.param(
            {
                WORKFLOW: PINNED.format(command="bash ci/build.sh"),
                ".github/workflows/all.yml": MATRIX.format(command="bash ci/build.sh"),
                "ci/build.sh": SHELL,
            },
            "ci/build.sh",
            SHELL_NOTES,
            id="one job of one python, another of several",
        ),
        pytest.param(
            {WORKFLOW: SYSTEM_PYTHON.format(command="bash ci/build.sh"), "ci/build.sh": SHELL},
            "ci/build.sh",
            SHELL_NOTES,
            id="a job that names no python",
        ),
        pytest.param(
            {
                ".gitlab-ci.yml": "build:\n  image: python:3.12\n  script: ./x.sh\n",
                "x.sh": "python3.10 -m build\n",
            },
            "x.sh",
            [_unsure(1, "python3.10", "3.10")],
            id="a job of a kept python",
        ),
        pytest.param(
            {
                WORKFLOW: MATRIX.format(command="python scripts/check_abi.py"),
                "scripts/check_abi.py": "# runs python3.10 too\nPYTHONS = ['python3.9', '-E']\n",
            },
            "scripts/check_abi.py",
            [_unsure(1, "python3.10", "3.10"), _unsure(2, "python3.9")],
            id="names in a python script outside a list of pythons",
        ),
        pytest.param(
            {
                WORKFLOW: PINNED.format(command="bash ci/build.sh"),
                "ci/build.sh": "# Generated by tools/gen.py; DO NOT EDIT\n" + SHELL,
            },
            "ci/build.sh",
            ["says it is generated, so molt left it alone; regenerate it with tools/gen.py"],
            id="a generated script",
        ),
        pytest.param(
            {
                WORKFLOW: PINNED.format(command="bash ci/build.sh"),
                ".github/workflows/broken.yml": "jobs: [\n  run: bash ci/build.sh\n",
                "ci/build.sh": SHELL,
            },
            "ci/build.sh",
            SHELL_NOTES,
            id="also named by a CI file molt cannot read",
        ),
    ),
)
def test_unsure_names_are_notes(files, path, notes):
    result = _rewrite(files)
    assert path not in {change.path for change in result.files}
    assert [note for note in result.notes if note.startswith(f"`{path}`")] == [
        f"`{path}`: {note}" for note in notes
    ]


@pytest.mark.parametrize(
    ("workflow", "path", "text"),
    (
        pytest.param(
            PINNED.format(command="python tests/run.py"),
            "tests/run.py",
            "INTERPRETERS = ['python3.9', 'python3.12']\n",
            id="a script under tests",
        ),
        pytest.param(
            MATRIX.format(command="python ci/deps.py"),
            "ci/deps.py",
            "DJANGO_VERSIONS = ['3.0', '3.1', '3.2']\n",
            id="versions under a name that does not say python",
        ),
        pytest.param(
            MATRIX.format(command="python ci/deps.py"),
            "ci/deps.py",
            "PYTHONS = ['3.9.18', '3.12.1']\n",
            id="patch releases",
        ),
        pytest.param(
            PINNED.format(command="cat ci/notes"),
            "ci/notes",
            "python3.9\n",
            id="a file without a suffix that is no script",
        ),
    ),
)
def test_noop(workflow, path, text):
    result = _rewrite({WORKFLOW: workflow, path: text})
    assert path not in {change.path for change in result.files}
    assert not [note for note in result.notes if note.startswith(f"`{path}`")]


def test_a_script_that_does_not_exist_is_not_read():
    result = _rewrite({WORKFLOW: PINNED.format(command="bash ci/build.sh")})
    assert [change.path for change in result.files] == [WORKFLOW]
    assert result.notes == ()


def test_an_unparsable_python_script_is_left_but_its_names_are_noted():
    files = {
        WORKFLOW: PINNED.format(command="python ci/check.py"),
        "ci/check.py": "print 'python3.9'\n",
    }
    result = _rewrite(files)
    assert "ci/check.py" not in {change.path for change in result.files}
    assert result.notes == (f"`ci/check.py`: {_unsure(1, 'python3.9')}",)


def test_a_slice_of_a_shortened_list_keeps_picking_what_it_picked():
    script = "PYTHONS = ['3.9', '3.11', '3.12']\nNEWEST = PYTHONS[1:]\n"
    files = {WORKFLOW: MATRIX.format(command="python ci/v.py"), "ci/v.py": script}
    check(
        files,
        {
            WORKFLOW: MATRIX_AFTER.format(command="python ci/v.py"),
            "ci/v.py": "PYTHONS = ['3.11', '3.12']\nNEWEST = PYTHONS\n",
        },
    )


def test_the_dropped_versions_a_script_names_are_announced():
    files = {
        "pyproject.toml": '[project]\nrequires-python = ">=3.9"\n',
        WORKFLOW: SYSTEM_PYTHON.format(command="python ci/v.py"),
        "ci/v.py": "PYTHONS = ['3.9', '3.10', '3.12']\n",
    }
    assert _rewrite(files).dropped == {Minor(3, 9), Minor(3, 10)}


def test_output_that_does_not_parse_is_a_bug():
    with pytest.raises(BrokenOutput):
        ci_scripts._checked("def (:\n")


def test_a_ci_file_molt_cannot_read_runs_its_scripts_on_unknown_pythons():
    files = {
        WORKFLOW: PINNED.format(command="bash ci/build.sh"),
        ".gitlab-ci.yml": "t: [\n  script: bash ci/build.sh\n",
    }
    assert scripts.runs(files, POLICY, ["ci/build.sh"]) == {
        "ci/build.sh": [Pythons(frozenset({Minor(3, 9)})), scripts.UNKNOWN]
    }
