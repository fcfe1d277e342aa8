from __future__ import annotations

from app.plan import plan
from rewriters.versions import Minor
from tests.conftest import POLICY

PYPROJECT = '[project]\nrequires-python = ">=3.9"\n'


def test_plan_collects_changes_dropped_versions_and_skips():
    files = {"pyproject.toml": PYPROJECT, "tox.ini": "[tox\n", "README.md": "hello\n"}
    result = plan(files, POLICY)
    assert [c.path for c in result.files] == ["pyproject.toml"]
    assert result.files[0].after == '[project]\nrequires-python = ">=3.11"\n'
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}
    assert [s.path for s in result.skipped] == ["tox.ini"]


def test_notes_of_unchanged_files_are_kept():
    dockerfile = "FROM python:3.11-slim\nRUN apt-get install -y python3.9\n"
    result = plan({"Dockerfile": dockerfile, "pyproject.toml": PYPROJECT}, POLICY)
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
    result = plan(files, POLICY)
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
    result = plan(files, POLICY)
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
    (change,) = plan(files, POLICY).files
    assert change.after == docs.replace("3.9", "'3.11'")
    (change,) = plan({".github/workflows/docs.yml": docs}, POLICY).files
    assert change.after == docs.replace("3.9", '"3.11"')


def test_a_window_moves_up_to_the_newest_version_the_classifiers_name():
    nightly = "jobs:\n  t:\n    strategy:\n      matrix:\n        python: ['3.9', '3.10', '3.11']\n"
    classifiers = PYPROJECT + 'classifiers = ["Programming Language :: Python :: 3.13"]\n'
    files = {".github/workflows/nightly.yml": nightly, "pyproject.toml": classifiers}
    (workflow, _) = plan(files, POLICY).files
    assert workflow.after == nightly.replace("'3.9', '3.10', '3.11'", "'3.11', '3.12', '3.13'")
    (workflow,) = plan({".github/workflows/nightly.yml": nightly}, POLICY).files
    assert workflow.after == nightly.replace("'3.9', '3.10', '3.11'", "'3.11'")


def test_a_file_molt_cannot_rewrite_goes_when_named_for_a_dropped_version():
    files = {
        "images/python3.10.dockerfile": "FROM vendor/app:python3.10\n",
        "images/python3.11.dockerfile": "FROM vendor/app:python3.11\n",
    }
    (change,) = plan(files, POLICY).files
    assert (change.path, change.after) == ("images/python3.10.dockerfile", None)
