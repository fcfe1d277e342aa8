"""The molt command as a user runs it: preview, apply, open-pr."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

NOTHING = "Nothing to change: no file under {root} supports a Python older than 3.11.\n"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy-project"


@pytest.fixture
def checkout(tmp_path):
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_preview_prints_diff_and_pull_request_and_changes_nothing(capsys, checkout):
    before = snapshot(checkout)
    code, out, err = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert snapshot(checkout) == before
    for path in (
        ".github/workflows/tests.yml",
        ".pre-commit-config.yaml",
        "CHANGELOG.md",
        "Dockerfile",
        "README.md",
        "noxfile.py",
        "pyproject.toml",
        "setup.cfg",
        "tox.ini",
    ):
        assert f"--- a/{path}\n+++ b/{path}\n" in out
    assert '-requires-python = ">=3.9"\n+requires-python = ">=3.11"\n' in out
    assert "\nDrop Python 3.9 and 3.10 (end-of-life)\n\n" in out
    assert "### Left to do by hand" in out
    assert "\033[" not in out  # no colours when not on a terminal


def test_apply_writes_what_preview_showed(capsys, checkout):
    run(capsys, "apply", str(checkout), "--min-python", "3.11")
    _, out, _ = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert out == NOTHING.format(root=checkout)
    assert 'requires-python = ">=3.11"' in (checkout / "pyproject.toml").read_text()


def test_apply_says_how_many_files(capsys, checkout):
    code, out, _ = run(capsys, "apply", str(checkout), "--min-python", "3.11")
    assert code == 0
    assert out == f"Rewrote 9 file(s) under {checkout}; Python 3.11 is now the minimum.\n"


def test_crlf_and_file_mode_are_kept(capsys, checkout):
    tox = checkout / "tox.ini"
    tox.write_bytes(tox.read_bytes().replace(b"\n", b"\r\n"))
    tox.chmod(0o640)
    run(capsys, "apply", str(checkout), "--min-python", "3.11")
    text = tox.read_bytes()
    assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")
    assert tox.stat().st_mode & 0o777 == 0o640


def test_unparsable_file_is_skipped_and_named_others_still_rewritten(capsys, checkout):
    broken = "[tox\nenvlist = py39\n"
    (checkout / "tox.ini").write_text(broken)
    code, _, err = run(capsys, "apply", str(checkout), "--min-python", "3.11")
    assert code == 0
    assert err.startswith("molt: skipped tox.ini: ")
    assert (checkout / "tox.ini").read_text() == broken
    assert 'requires-python = ">=3.11"' in (checkout / "pyproject.toml").read_text()


def test_non_utf8_file_is_skipped(capsys, checkout):
    (checkout / "setup.cfg").write_bytes(b"[metadata]\nname = caf\xe9\n")
    _, _, err = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert err == "molt: skipped setup.cfg: not UTF-8 text\n"


def test_nothing_to_do_is_one_line(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.12"\n')
    code, out, err = run(capsys, "preview", str(tmp_path), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert out == NOTHING.format(root=tmp_path)


@pytest.mark.parametrize(
    ("argv", "message"),
    (
        (["preview", "no/such/dir"], "molt: no/such/dir: not a directory\n"),
        (
            ["preview", ".", "--min-python", "3.99"],
            "molt: --min-python 3.99: Python 3.99 is not a released CPython version\n",
        ),
        (
            ["apply", ".", "--min-python", "three"],
            "molt: not a Python minor version: 'three'\n",
        ),
    ),
)
def test_bad_arguments_exit_2_with_a_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", message)


def test_open_pr_with_a_token(capsys, fake_github, monkeypatch):
    files = {p: (EXAMPLE / p).read_text() for p in ("pyproject.toml", "tox.ini")}
    fake_github.add_repo("octo/inkwell", files)
    monkeypatch.setenv("GITHUB_TOKEN", "personal-token")
    code, out, err = run(capsys, "open-pr", "octo/inkwell", "--github-url", fake_github.url)
    assert (code, err) == (0, "")
    assert out == "octo/inkwell: opened a pull request\n"
    assert [p.head for p in fake_github.pulls("octo/inkwell")] == ["molt/python-3.11"]


def test_open_pr_needs_a_token(capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert run(capsys, "open-pr", "octo/inkwell") == (
        2,
        "",
        "molt: open-pr needs --token or $GITHUB_TOKEN\n",
    )


def test_open_pr_reports_github_errors(capsys, fake_github):
    argv = ["open-pr", "octo/missing", "--token", "t", "--github-url", fake_github.url]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == "molt: octo/missing: GitHub answered 404: Not Found\n"


def test_apply_creates_a_towncrier_fragment(capsys, tmp_path):
    pyproject = (
        '[project]\nrequires-python = ">=3.9"\n\n'
        '[tool.towncrier]\ndirectory = "changelog.d"\nfilename = "CHANGES.md"\n'
    )
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "changelog.d").mkdir()
    (tmp_path / "changelog.d" / "123.bugfix.md").write_text("Fix a thing.\n")
    run(capsys, "apply", str(tmp_path), "--min-python", "3.11")
    created = sorted(p.name for p in (tmp_path / "changelog.d").iterdir())
    assert created == ["+drop-python-3.9-3.10.removal.md", "123.bugfix.md"]
    fragment = (tmp_path / "changelog.d" / "+drop-python-3.9-3.10.removal.md").read_text()
    assert fragment == "Drop support for Python 3.9 and 3.10, which have reached end-of-life.\n"


def test_files_named_for_a_dropped_version_are_removed_or_renamed(capsys, tmp_path):
    environment = "name: test\ndependencies:\n  - python={}\n"
    (tmp_path / "ci").mkdir()
    for name, version in (("py3.9.yml", "3.9"), ("py3.10-min.yml", "3.10"), ("py3.11.yml", "3.11")):
        (tmp_path / "ci" / name).write_text(environment.format(version))
    _, out, _ = run(capsys, "preview", str(tmp_path), "--min-python", "3.11")
    assert "--- a/ci/py3.9.yml\n+++ /dev/null\n@@ -1,3 +0,0 @@\n" in out
    assert "--- /dev/null\n+++ b/ci/py3.11-min.yml\n@@ -0,0 +1,3 @@\n" in out
    run(capsys, "apply", str(tmp_path), "--min-python", "3.11")
    assert snapshot(tmp_path) == {
        "ci/py3.11-min.yml": environment.format("3.11").encode(),
        "ci/py3.11.yml": environment.format("3.11").encode(),
    }


def test_a_renamed_file_keeps_its_mode(capsys, tmp_path):
    (tmp_path / "environment-py3.10-min.yml").write_text("dependencies:\n  - python=3.10\n")
    (tmp_path / "environment-py3.11.yml").write_text("dependencies:\n  - python=3.11\n")
    (tmp_path / "environment-py3.10-min.yml").chmod(0o750)
    run(capsys, "apply", str(tmp_path), "--min-python", "3.11")
    renamed = tmp_path / "environment-py3.11-min.yml"
    assert renamed.read_text() == "dependencies:\n  - python=3.11\n"
    assert renamed.stat().st_mode & 0o777 == 0o750
    assert not (tmp_path / "environment-py3.10-min.yml").exists()


def test_preview_into_a_closed_pipe_ends_quietly(tmp_path):
    for n in range(60):  # a diff longer than a pipe holds
        shutil.copytree(EXAMPLE, tmp_path / "repo" / f"pkg{n}")
    command = [sys.executable, "-m", "app", "preview", str(tmp_path / "repo")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"--- a/")
        process.stdout.close()  # what `| head -1` does
        assert process.wait(timeout=120) == 0
        assert process.stderr.read() == b""
