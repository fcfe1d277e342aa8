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
