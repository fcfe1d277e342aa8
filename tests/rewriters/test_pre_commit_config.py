from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters.policy import Facts
from rewriters.result import UnparsableInput
from rewriters.tools import pre_commit_config
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop


def _repo(hooks: str, url: str = "https://github.com/asottile/pyupgrade") -> str:
    return f"repos:\n-   repo: {url}\n    rev: v3.9.0\n    hooks:\n{hooks}"


MYPY_RUNS = """\
repos:
- repo: https://github.com/pre-commit/mirrors-mypy
  rev: v1.11.2
  hooks:
  - id: mypy
    alias: mypy-py312
    args: [--python-version=3.12]
  - id: mypy
    alias: mypy-py310
    args: [--python-version=3.10]
  - id: mypy
    alias: mypy-py39
    args: [--python-version=3.9]
"""


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty"),
        pytest.param("repos: []\n", id="no repos"),
        pytest.param(_repo("    -   id: pyupgrade\n"), id="rev looks like a version"),
        pytest.param(_repo("    -   id: pyupgrade\n        args: [--py311-plus]\n"), id="current"),
        pytest.param(_repo("    -   id: pyupgrade\n        args: [--py3-plus]\n"), id="py3-plus"),
        pytest.param(
            _repo("    -   id: add-trailing-comma\n        args: [--py36-plus]\n"),
            id="add-trailing-comma knows only --py36-plus",
        ),
        pytest.param(
            _repo("    -   id: ruff\n        args: [--target-version]\n"), id="flag without value"
        ),
        pytest.param(
            _repo("    -   id: ruff\n        args: [--target-version=py3]\n"), id="not a minor"
        ),
        pytest.param(
            _repo("    -   id: mypy\n        args: ['--python-version=3.9\\t']\n"),
            id="escaped scalar is left alone",
        ),
        pytest.param(
            _repo("    -   id: black\n        language_version: python3\n"),
            id="language_version python3",
        ),
        pytest.param(
            _repo("    -   id: rubocop\n        language_version: 2.7\n"),
            id="bare language_version of a hook that is not python",
        ),
        pytest.param(
            "default_language_version:\n    node: '16.13.0'\n", id="default for another language"
        ),
        pytest.param("default_language_version:\n    python: python3\n", id="default python3"),
        pytest.param("repos:\n- repo: local\n  hooks: {}\n", id="hooks not a list"),
        pytest.param(
            _repo(
                "    -   id: mypy\n        files: ^src\n        args: [--python-version=3.12]\n"
                "    -   id: mypy\n        files: ^tests\n        args: [--python-version=3.13]\n"
            ),
            id="same id, other files, kept versions",
        ),
    ),
)
def test_noop(before):
    noop(pre_commit_config, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            _repo("    -   id: pyupgrade\n        args: [--py39-plus]\n"),
            _repo("    -   id: pyupgrade\n        args: [--py311-plus]\n"),
            id="pyupgrade flow args",
        ),
        pytest.param(
            _repo('      - id: pyupgrade\n        args:\n          - "--py310-plus"\n'),
            _repo('      - id: pyupgrade\n        args:\n          - "--py311-plus"\n'),
            id="pyupgrade block args, quotes kept",
        ),
        pytest.param(
            _repo(
                "    -   id: reorder-python-imports\n"
                "        args: [--py37-plus, --add-import, 'from __future__ import annotations']\n"
            ),
            _repo(
                "    -   id: reorder-python-imports\n"
                "        args: [--py311-plus, --add-import, 'from __future__ import annotations']\n"
            ),
            id="reorder-python-imports",
        ),
        pytest.param(
            "repos:\n- repo: local\n  hooks:\n  - id: upgrade\n"
            "    entry: pyupgrade --py39-plus\n    language: python\n",
            "repos:\n- repo: local\n  hooks:\n  - id: upgrade\n"
            "    entry: pyupgrade --py311-plus\n    language: python\n",
            id="local hook entry",
        ),
        pytest.param(
            _repo("    -   id: ruff\n        args: [--fix, --target-version, py39]\n"),
            _repo("    -   id: ruff\n        args: [--fix, --target-version, py311]\n"),
            id="ruff target-version as two items",
        ),
        pytest.param(
            _repo("    -   id: ruff\n        args: ['--target-version py310']\n"),
            _repo("    -   id: ruff\n        args: ['--target-version py311']\n"),
            id="ruff target-version with a space in one item",
        ),
        pytest.param(
            _repo("      - id: black\n        args:\n          - --target-version=py39\n"),
            _repo("      - id: black\n        args:\n          - --target-version=py311\n"),
            id="black target-version",
        ),
        pytest.param(
            _repo(
                "      - id: black\n        args:\n          - --target-version=py39\n"
                "          - --target-version=py310\n          - --target-version=py311\n"
                "          - --target-version=py312\n"
            ),
            _repo(
                "      - id: black\n        args:\n          - --target-version=py311\n"
                "          - --target-version=py312\n"
            ),
            id="black repeated target-version drops old ones",
        ),
        pytest.param(
            _repo(
                "      - id: black\n"
                "        args: [-q, --target-version, py39, --target-version, py310]\n"
            ),
            _repo("      - id: black\n        args: [-q, --target-version, py311]\n"),
            id="black repeated target-version all dropped keeps the minimum",
        ),
        pytest.param(
            _repo("      - id: mypy\n        args: [--python-version=3.9, --strict]\n"),
            _repo("      - id: mypy\n        args: [--python-version=3.11, --strict]\n"),
            id="mypy python-version",
        ),
        pytest.param(
            _repo("      - id: mypy\n        args: [--python-version, '3.10']\n"),
            _repo("      - id: mypy\n        args: [--python-version, '3.11']\n"),
            id="mypy python-version as two items",
        ),
        pytest.param(
            _repo("      - id: mypy\n        args: [--python-version, 3.9]\n"),
            _repo('      - id: mypy\n        args: [--python-version, "3.11"]\n'),
            id="plain version item gets quotes",
        ),
        pytest.param(
            _repo("      - id: pylint\n        args: ['--py-version 3.9']\n"),
            _repo("      - id: pylint\n        args: ['--py-version 3.11']\n"),
            id="pylint py-version",
        ),
        pytest.param(
            "default_language_version:\n    python: python3.9  # keep in sync\nrepos: []\n",
            "default_language_version:\n    python: python3.11  # keep in sync\nrepos: []\n",
            id="default_language_version",
        ),
        pytest.param(
            "default_language_version:\n    python: 3.10\n",
            'default_language_version:\n    python: "3.11"\n',
            id="default_language_version bare and unquoted",
        ),
        pytest.param(
            _repo("      - id: black\n        language_version: python3.10\n"),
            _repo("      - id: black\n        language_version: python3.11\n"),
            id="hook language_version",
        ),
        pytest.param(
            "repos:\n- repo: local\n  hooks:\n  - id: x\n    entry: x\n"
            "    language: python\n    language_version: '3.9'\n",
            "repos:\n- repo: local\n  hooks:\n  - id: x\n    entry: x\n"
            "    language: python\n    language_version: '3.11'\n",
            id="bare language_version of a python hook",
        ),
        pytest.param(
            MYPY_RUNS,
            MYPY_RUNS.replace(
                "  - id: mypy\n    alias: mypy-py310\n    args: [--python-version=3.10]\n", ""
            ).replace("  - id: mypy\n    alias: mypy-py39\n    args: [--python-version=3.9]\n", ""),
            id="per-version mypy runs for dropped versions removed",
        ),
        pytest.param(
            _repo(
                "    -   id: mypy\n        args: [--python-version=3.9]\n"
                "    -   id: mypy\n        args: [--python-version=3.10]\n"
            ),
            _repo("    -   id: mypy\n        args: [--python-version=3.11]\n"),
            id="per-version runs all dropped keep the newest, moved",
        ),
        pytest.param(
            _repo(
                "    -   id: mypy\n"
                "    -   id: mypy\n        args: [--python-version=3.9]\n"
                "    -   id: flake8\n"
            ),
            _repo("    -   id: mypy\n    -   id: flake8\n"),
            id="run for a dropped version next to a default run",
        ),
        pytest.param(
            _repo(
                "    -   id: mypy\n        files: ^src\n        args: [--python-version=3.9]\n"
                "    -   id: mypy\n        files: ^tests\n        args: [--python-version=3.9]\n"
            ),
            _repo(
                "    -   id: mypy\n        files: ^src\n        args: [--python-version=3.11]\n"
                "    -   id: mypy\n        files: ^tests\n        args: [--python-version=3.11]\n"
            ),
            id="same id checking other files is not a per-version run",
        ),
        pytest.param(
            "repos:\n- repo: x\n  rev: v1\n  hooks:\n  - id: mypy\n"
            "    args: [--python-version=3.9]\n---\n"
            "default_language_version: {python: python3.9}\n",
            "repos:\n- repo: x\n  rev: v1\n  hooks:\n  - id: mypy\n"
            "    args: [--python-version=3.11]\n---\n"
            "default_language_version: {python: python3.11}\n",
            id="several documents, flow mapping",
        ),
    ),
)
def test_rewrite(before, after):
    check(pre_commit_config, before, after, POLICY)


def test_minimum_310_keeps_310():
    before = _repo(
        "      - id: black\n        args: [--target-version=py39, --target-version=py310]\n"
        "      - id: pyupgrade\n        args: [--py39-plus]\n"
    )
    after = _repo(
        "      - id: black\n        args: [--target-version=py310]\n"
        "      - id: pyupgrade\n        args: [--py310-plus]\n"
    )
    check(pre_commit_config, before, after, POLICY_310)


@pytest.mark.parametrize(
    ("before", "quote", "after"),
    (
        pytest.param(
            "default_language_version:\n    python: 3.10\n",
            "'",
            "default_language_version:\n    python: '3.11'\n",
            id="default_language_version takes the repository's quote",
        ),
        pytest.param(
            _repo("      - id: mypy\n        args: [--python-version, 3.9]\n"),
            "'",
            _repo("      - id: mypy\n        args: [--python-version, '3.11']\n"),
            id="a plain version item takes the repository's quote",
        ),
        pytest.param(
            _repo(
                "      - id: mypy\n        args: [--python-version, 3.9]\n"
                '        language_version: "3.12"\n'
            ),
            "'",
            _repo(
                '      - id: mypy\n        args: [--python-version, "3.11"]\n'
                '        language_version: "3.12"\n'
            ),
            id="the file's quote first",
        ),
    ),
)
def test_quote_for_plain_values(before, quote, after):
    check(pre_commit_config, before, after, replace(POLICY, facts=Facts(quote=quote)))


def test_changes_and_dropped():
    before = _repo(
        "    -   id: pyupgrade\n        args: [--py39-plus]\n"
        "    -   id: black\n        args: [--target-version, py39, --target-version, py312]\n"
    )
    result = pre_commit_config.rewrite(before + MYPY_RUNS[6:], POLICY)
    assert result is not None
    assert result.changes == (
        "pyupgrade args: --py39-plus → --py311-plus",
        "black args: dropped --target-version py39",
        "mypy: removed the run for Python 3.10",
        "mypy: removed the run for Python 3.9",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_change_names_separate_value():
    result = pre_commit_config.rewrite(
        _repo("      - id: mypy\n        args: [--python-version, '3.9']\n"), POLICY
    )
    assert result is not None
    assert result.changes == ("mypy args: --python-version 3.9 → --python-version 3.11",)


def test_unparsable():
    with pytest.raises(UnparsableInput):
        pre_commit_config.rewrite("repos: [\n", POLICY)


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("pre_commit_config", POLICY))
def test_real_files(before, after, policy):
    check(pre_commit_config, before, after, policy)


def test_notes_name_left_on_a_moved_run():
    before = _repo(
        "      - id: mypy\n        alias: mypy-py39\n        name: MyPy, for Python 3.9\n"
        "        args: [--python-version=3.9]\n"
    )
    result = pre_commit_config.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "mypy hook alias 'mypy-py39' still names an old Python",
        "mypy hook name 'MyPy, for Python 3.9' still names an old Python",
    )


def test_comment_about_a_removed_run_goes_with_it():
    before = _repo(
        "    -   id: mypy\n        args: [--python-version=3.12]\n"
        "    # checks the 3.9 syntax\n"
        "    -   id: mypy\n        args: [--python-version=3.9]\n"
        "    # keep\n"
        "    -   id: flake8\n"
    )
    after = _repo(
        "    -   id: mypy\n        args: [--python-version=3.12]\n    # keep\n    -   id: flake8\n"
    )
    check(pre_commit_config, before, after, POLICY)
