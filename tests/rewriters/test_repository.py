"""The whole repository at once: facts read across files, every file, the passes across files."""

from __future__ import annotations

import pytest

from rewriters import RepositoryRewrite, Skipped, rewrite_repository
from rewriters.policy import Facts
from rewriters.repository import read_facts
from rewriters.versions import Minor
from tests.conftest import POLICY

PYPROJECT = '[project]\nrequires-python = ">=3.9"\n'


def test_plan_collects_changes_dropped_versions_and_skips():
    files = {"pyproject.toml": PYPROJECT, "tox.ini": "[tox\n", "README.md": "hello\n"}
    result = rewrite_repository(files, POLICY)
    assert [c.path for c in result.files] == ["pyproject.toml"]
    assert result.files[0].after == '[project]\nrequires-python = ">=3.11"\n'
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}
    assert [s.path for s in result.skipped] == ["tox.ini"]


def test_notes_of_unchanged_files_are_kept():
    dockerfile = "FROM python:3.11-slim\nRUN apt-get install -y python3.9\n"
    result = rewrite_repository({"Dockerfile": dockerfile, "pyproject.toml": PYPROJECT}, POLICY)
    assert [c.path for c in result.files] == ["pyproject.toml"]
    assert any(note.startswith("`Dockerfile`: ") for note in result.notes), result.notes


ENVIRONMENT = "name: test\ndependencies:\n  - python={version}\n  - numpy\n"
WORKFLOW = """\
jobs:
  test:
    strategy:
      matrix:
        python-version: ["3.9", "3.10", "3.11"]
    steps:
      - run: conda env create -f ci/{name}
"""


def test_a_file_named_for_a_dropped_version_goes_when_the_minimum_has_one():
    files = {
        "ci/py3.9.yml": ENVIRONMENT.format(version="3.9"),
        "ci/py3.11.yml": ENVIRONMENT.format(version="3.11"),
        ".github/workflows/test.yml": WORKFLOW.format(name="py3.9.yml"),
        "README.md": "Run `conda env create -f ci/py3.9.yml` for the oldest Python.\n",
    }
    result = rewrite_repository(files, POLICY)
    changes = {c.path: c for c in result.files}
    assert sorted(changes) == [".github/workflows/test.yml", "ci/py3.9.yml"]
    assert changes["ci/py3.9.yml"].after is None
    assert changes["ci/py3.9.yml"].changes == (
        "removed (named for Python 3.9; py3.11.yml is the one for Python 3.11)",
    )
    workflow = changes[".github/workflows/test.yml"]
    assert workflow.after == (WORKFLOW.format(name="py3.11.yml").replace('"3.9", "3.10", ', ""))
    assert workflow.changes[-1] == "follows moved files: py3.9.yml → py3.11.yml"
    assert "`README.md`: still names ci/py3.9.yml, which molt removes or renames" in result.notes


def test_a_file_named_for_a_dropped_version_is_renamed_to_the_minimum():
    files = {
        "ci/py3.10-min.yml": ENVIRONMENT.format(version="3.10"),
        "ci/py3.12.yml": ENVIRONMENT.format(version="3.12"),
    }
    result = rewrite_repository(files, POLICY)
    assert [(c.path, c.before, c.after) for c in result.files] == [
        ("ci/py3.10-min.yml", files["ci/py3.10-min.yml"], None),
        ("ci/py3.11-min.yml", "", ENVIRONMENT.format(version="3.11")),
    ]
    assert result.files[0].changes == ("renamed to py3.11-min.yml (named for Python 3.10)",)
    assert result.files[1].changes == (
        "dependencies: python=3.10 → python=3.11",
        "renamed from py3.10-min.yml",
    )
    assert result.files[1].renamed_from == "ci/py3.10-min.yml"


def test_a_file_without_quoted_versions_follows_the_repository():
    lint = "jobs:\n  lint:\n    steps:\n      - with:\n          python-version: '3.12'\n"
    docs = "jobs:\n  docs:\n    steps:\n      - with:\n          python-version: 3.9\n"
    files = {".github/workflows/lint.yml": lint, ".github/workflows/docs.yml": docs}
    (change,) = rewrite_repository(files, POLICY).files
    assert change.after == docs.replace("3.9", "'3.11'")
    (change,) = rewrite_repository({".github/workflows/docs.yml": docs}, POLICY).files
    assert change.after == docs.replace("3.9", '"3.11"')


def test_a_window_moves_up_to_the_newest_version_the_classifiers_name():
    nightly = "jobs:\n  t:\n    strategy:\n      matrix:\n        python: ['3.9', '3.10', '3.11']\n"
    classifiers = PYPROJECT + 'classifiers = ["Programming Language :: Python :: 3.13"]\n'
    files = {".github/workflows/nightly.yml": nightly, "pyproject.toml": classifiers}
    (workflow, _) = rewrite_repository(files, POLICY).files
    assert workflow.after == nightly.replace("'3.9', '3.10', '3.11'", "'3.11', '3.12', '3.13'")
    (workflow,) = rewrite_repository({".github/workflows/nightly.yml": nightly}, POLICY).files
    assert workflow.after == nightly.replace("'3.9', '3.10', '3.11'", "'3.11'")


def test_a_file_molt_cannot_rewrite_goes_when_named_for_a_dropped_version():
    files = {
        "images/python3.10.dockerfile": "FROM vendor/app:python3.10\n",
        "images/python3.11.dockerfile": "FROM vendor/app:python3.11\n",
    }
    (change,) = rewrite_repository(files, POLICY).files
    assert (change.path, change.after) == ("images/python3.10.dockerfile", None)


def test_facts_are_read_across_the_repository():
    files = {
        "pyproject.toml": '[project]\nclassifiers = ["Programming Language :: Python :: 3.13"]\n',
        ".github/workflows/a.yml": "jobs:\n  t:\n    steps:\n      - with: {python: '3.12'}\n",
    }
    assert read_facts(files) == Facts(quote="'", newest=Minor(3, 13))
    assert read_facts({}) == Facts()


def test_an_unparsable_file_is_skipped_and_named():
    result = rewrite_repository({"tox.ini": "[tox\nenvlist = py39\n"}, POLICY)
    assert result.files == ()
    assert [skip.path for skip in result.skipped] == ["tox.ini"]


def test_a_changed_repository_gets_a_changelog_entry_and_lock_file_notes():
    files = {"pyproject.toml": PYPROJECT, "CHANGES.md": "# Changes\n\n## Unreleased\n\n- First.\n"}
    result = rewrite_repository(files, POLICY, paths=[*files, "uv.lock"])
    assert [change.path for change in result.files] == ["pyproject.toml", "CHANGES.md"]
    assert result.repository_notes and "uv.lock" in result.repository_notes[0]
    quiet = rewrite_repository(files, POLICY, paths=[*files, "uv.lock"], changelog_entry=False)
    assert [change.path for change in quiet.files] == ["pyproject.toml"]


def test_a_repository_that_needs_nothing_gets_no_notes():
    files = {"pyproject.toml": '[project]\nrequires-python = ">=3.11"\n'}
    result = rewrite_repository(files, POLICY, paths=[*files, "uv.lock"])
    assert result == RepositoryRewrite(result.policy, (), (), frozenset())


@pytest.mark.parametrize(
    ("path", "text"),
    (
        pytest.param("pyproject.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", id="toml"),
        pytest.param("setup.py", "setup(x=" + "+".join(["1"] * 100_000) + ")\n", id="python"),
    ),
)
def test_a_file_nested_too_deeply_is_skipped_not_fatal(path, text):
    files = {path: text, ".github/workflows/ci.yml": WORKFLOW}
    result = rewrite_repository(files, POLICY)
    assert result.skipped == (Skipped(path, "nested too deeply to read"),)


@pytest.mark.parametrize("path", (".github/workflows/ci.yml", ".gitlab-ci.yml", ".travis.yml"))
def test_aliases_of_aliases_cost_the_file_not_its_expansion(path):
    lines = ['.a0: &a0 ["3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9", "3.9"]']
    lines += [f".a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += [
        "job39: {image: 'python:3.9', tags: *a9}",
        "job311: {image: 'python:3.11', tags: *a9}",
    ]
    result = rewrite_repository({path: "\n".join(lines) + "\n"}, POLICY)
    assert result.skipped == ()


def test_aliases_of_aliases_in_a_matrix_entry_cost_the_file_not_its_expansion():
    lines = ['x0: &a0 ["a", "b", "c", "d", "e", "f", "g", "h", "i"]']
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += [
        "jobs:",
        "  t:",
        "    strategy:",
        "      matrix:",
        "        include:",
        "          - {python-version: '3.9', env: {tags: *a9}}",
        "          - {python-version: '3.11', env: {tags: *a9}}",
    ]
    result = rewrite_repository({".github/workflows/ci.yml": "\n".join(lines) + "\n"}, POLICY)
    assert result.skipped == ()
    after = result.files[0].after or ""
    assert "python-version: '3.11', env: {tags: *a9}}\n          - {python-version: '3.11'" in after
