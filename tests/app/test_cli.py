"""The molt command as a user runs it: preview, apply, open-pr, --help and --version."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

from app import cli
from rewriters.policy import load_releases
from tests.rewriters.test_ci_scripts import MATRIX

NOTHING = "Nothing to change: no file under {root} supports a Python older than 3.11.\n"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy-project"
EXAMPLE_FILES = (
    ".github/workflows/tests.yml",
    ".pre-commit-config.yaml",
    "CHANGELOG.md",
    "Dockerfile",
    "README.md",
    "noxfile.py",
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
)
WITHHELD = "(it declares the minimum Python, so molt changes no file until it parses)"


@pytest.fixture
def checkout(tmp_path):
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLE, target)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse's own exits: --help, --version, usage errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def newest_released() -> str:
    today = date.today()
    minors = [v for v, r in load_releases().items() if v.major == 3 and r.first_release <= today]
    return str(max(minors))


def test_preview_prints_diff_and_pull_request_and_changes_nothing(capsys, checkout):
    before = snapshot(checkout)
    code, out, err = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert snapshot(checkout) == before
    for path in EXAMPLE_FILES:
        assert f"--- a/{path}\n+++ b/{path}\n" in out
    assert '-requires-python = ">=3.9"\n+requires-python = ">=3.11"\n' in out
    assert "### Left to do by hand" in out
    assert "\033[" not in out  # no colours when not on a terminal


def test_preview_heads_the_diff_and_the_pull_request(capsys, checkout):
    _, out, _ = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    diff, pull_request = out.split("\n\n==> pull request: molt/python-3.11 <==\n")
    assert diff.startswith("==> diff: 9 file(s) <==\n--- a/.github/workflows/tests.yml\n")
    assert pull_request.startswith("Drop Python 3.9 and 3.10 (end-of-life)\n\nThis pull request")


def test_apply_writes_what_preview_showed(capsys, checkout):
    run(capsys, "apply", str(checkout), "--min-python", "3.11")
    _, out, _ = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert out == NOTHING.format(root=checkout)
    assert 'requires-python = ">=3.11"' in (checkout / "pyproject.toml").read_text()


def test_apply_says_how_many_files(capsys, checkout):
    code, out, _ = run(capsys, "apply", str(checkout), "--min-python", "3.11")
    assert code == 0
    assert out == f"Rewrote 9 file(s) under {checkout}; Python 3.11 is now the minimum.\n"


def test_apply_says_what_is_left_to_do_by_hand(capsys, checkout):
    (checkout / "uv.lock").write_text("version = 1\n")
    code, out, _ = run(capsys, "apply", str(checkout), "--min-python", "3.11")
    assert code == 0
    assert out.endswith(
        "\nLeft to do by hand:\n- `uv.lock` was not edited; regenerate it with `uv lock`.\n"
    )


def test_crlf_and_file_mode_are_kept(capsys, checkout):
    tox = checkout / "tox.ini"
    tox.write_bytes(tox.read_bytes().replace(b"\n", b"\r\n"))
    tox.chmod(0o640)
    run(capsys, "apply", str(checkout), "--min-python", "3.11")
    text = tox.read_bytes()
    assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")
    assert tox.stat().st_mode & 0o777 == 0o640


BROKEN_TOX = "[tox\nenvlist = py39\n"
TOX_SKIPPED = "molt: skipped tox.ini: line 1: not an INI file: File contains no section headers.\n"


def test_unparsable_file_is_skipped_and_named_others_still_rewritten(capsys, checkout):
    (checkout / "tox.ini").write_text(BROKEN_TOX)
    code, out, err = run(capsys, "apply", str(checkout), "--min-python", "3.11")
    assert (code, err) == (0, TOX_SKIPPED)
    assert out == f"Python 3.11 under {checkout}: 8 file(s) changed, 1 file(s) skipped.\n"
    assert (checkout / "tox.ini").read_text() == BROKEN_TOX
    assert 'requires-python = ">=3.11"' in (checkout / "pyproject.toml").read_text()


def test_a_skipped_file_is_never_nothing_to_change(capsys, tmp_path):
    (tmp_path / "tox.ini").write_text(BROKEN_TOX)
    for command, changed in (("preview", "would be changed"), ("apply", "changed")):
        code, out, err = run(capsys, command, str(tmp_path))
        assert (code, err) == (0, TOX_SKIPPED)
        assert out == f"Python 3.11 under {tmp_path}: 0 file(s) {changed}, 1 file(s) skipped.\n"


def test_strict_turns_a_skip_into_status_1(capsys, checkout):
    (checkout / "tox.ini").write_text(BROKEN_TOX)
    code, out, err = run(capsys, "preview", str(checkout), "--strict")
    assert (code, err) == (1, TOX_SKIPPED)
    assert out.endswith(
        f"\nPython 3.11 under {checkout}: 8 file(s) would be changed, 1 file(s) skipped.\n"
    )
    code, out, _ = run(capsys, "apply", str(checkout), "--strict")
    assert (code, out) == (
        1,
        f"Python 3.11 under {checkout}: 8 file(s) changed, 1 file(s) skipped.\n",
    )


def test_strict_is_status_0_without_a_skip(capsys, checkout):
    assert run(capsys, "apply", str(checkout), "--strict")[0] == 0


def test_broken_pyproject_changes_nothing_and_says_why_with_line_and_column(capsys, checkout):
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('name = "inkwell"', 'name = "inkwell'))
    before = snapshot(checkout)
    code, out, err = run(capsys, "apply", str(checkout))
    assert (code, out) == (
        0,
        f"Python 3.11 under {checkout}: 0 file(s) changed, 1 file(s) skipped.\n",
    )
    assert (
        err
        == f"molt: skipped pyproject.toml: line 6, column 16: Illegal character '\\n' {WITHHELD}\n"
    )
    assert snapshot(checkout) == before  # CI keeps 3.9 while requires-python admits it


def test_unreadable_setup_py_changes_nothing(capsys, checkout):
    (checkout / "setup.py").write_bytes(b"setup(name='caf\xe9')\n")
    before = snapshot(checkout)
    code, out, err = run(capsys, "apply", str(checkout))
    assert (code, err) == (0, f"molt: skipped setup.py: not UTF-8 text {WITHHELD}\n")
    assert out == f"Python 3.11 under {checkout}: 0 file(s) changed, 1 file(s) skipped.\n"
    assert snapshot(checkout) == before


def test_broken_yaml_is_one_line_in_the_pull_request_text(capsys, checkout):
    (checkout / ".github/workflows/docs.yml").write_text("jobs:\n  t:\n    steps: [\n  - a: b\n")
    reason = (
        "line 4, column 3: not valid YAML: while parsing a flow node; "
        "expected the node content, but found '-'"
    )
    code, out, err = run(capsys, "preview", str(checkout))
    assert (code, err) == (0, f"molt: skipped .github/workflows/docs.yml: {reason}\n")
    assert (
        "\n\nFiles molt could not read, left unchanged:\n"
        f"- `.github/workflows/docs.yml`: {reason}\n\n"
        f"Python 3.11 under {checkout}: 9 file(s) would be changed, 1 file(s) skipped.\n"
    ) in out


def test_non_utf8_file_is_skipped(capsys, checkout):
    (checkout / "Dockerfile").write_bytes(b"FROM python:3.9\nLABEL name=caf\xe9\n")
    _, _, err = run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert err == "molt: skipped Dockerfile: not UTF-8 text\n"


def test_nothing_to_do_is_one_line(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.12"\n')
    code, out, err = run(capsys, "preview", str(tmp_path), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert out == NOTHING.format(root=tmp_path)


def test_not_a_directory_exits_2(capsys):
    assert run(capsys, "preview", "no/such/dir") == (2, "", "molt: no/such/dir: not a directory\n")


@pytest.mark.parametrize("command", ("preview", "apply"))
@pytest.mark.parametrize("version", ("4.0", "3.99", "2.7", "three", "3.11.2", "3"))
def test_one_message_for_any_minimum_that_is_not_a_released_python_3(
    capsys, tmp_path, command, version
):
    message = f"not a released CPython 3 minor version (3.0 to {newest_released()})"
    code, out, err = run(capsys, command, str(tmp_path), "--min-python", version)
    assert (code, out, err) == (2, "", f"molt: --min-python {version}: {message}\n")


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
        assert process.stdout.readline() == b"==> diff: 420 file(s) <==\n"
        assert process.stdout.readline().startswith(b"--- a/")
        process.stdout.close()  # what `| head -1` does
        assert process.wait(timeout=120) == 0
        assert process.stderr.read() == b""


# --- the command explains itself --------------------------------------------------------


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"molt {metadata.version('molt-bot')}\n", "")


COMMANDS = ("preview", "apply", "register", "serve", "worker", "open-pr")


@pytest.mark.parametrize("argv", [["--help"], *([c, "--help"] for c in COMMANDS)])
def test_help_is_plain_text(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert not any(markup in out for markup in ("``", ":func:", ":class:", "`_", "%("))


def test_help_lists_every_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    _, out, _ = run(capsys, "--help")
    assert out.startswith("usage: molt [-h] [--version] COMMAND ...\n")
    section = out.split("\ncommands:\n  COMMAND\n")[1].split("\n\n")[0]
    listed = [line.split()[0] for line in section.splitlines() if line[4] != " "]
    assert listed == list(COMMANDS)


def test_serve_help_shows_its_defaults(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    _, out, _ = run(capsys, "serve", "--help")
    assert out == (
        "usage: molt serve [-h] [--host HOST] [--port PORT]\n\n"
        "Run the GitHub App: the webhook server and a queue worker.\n\n"
        "options:\n"
        "  -h, --help   show this help message and exit\n"
        "  --host HOST  address to listen on; 0.0.0.0 for every interface (default: 127.0.0.1)\n"
        "  --port PORT  port to listen on (default: 8000)\n"
    )


@pytest.mark.parametrize(
    ("command", "defaults"),
    (
        ("preview", ["(default: 'minimum' in .github/molt.yml", "(default: .github/molt.yml"]),
        ("register", ["(default: app.yml)", "(default: .env)", "(default: 8000)"]),
        ("open-pr", ["(default: $GITHUB_TOKEN)", "(default: $MOLT_GITHUB_URL"]),
    ),
)
def test_help_shows_defaults(capsys, monkeypatch, command, defaults):
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = run(capsys, command, "--help")
    assert all(default in out for default in defaults), out


# --- .github/molt.yml, as the App reads it -----------------------------------------------


def write_config(root: Path, text: str, path: str = ".github/molt.yml") -> Path:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)
    return root / path


def test_config_minimum_is_the_default(capsys, checkout):
    write_config(checkout, 'minimum: "3.10"\n')
    code, out, _ = run(capsys, "apply", str(checkout))
    assert (code, out) == (
        0,
        f"Rewrote 9 file(s) under {checkout}; Python 3.10 is now the minimum.\n",
    )
    assert 'requires-python = ">=3.10"' in (checkout / "pyproject.toml").read_text()


def test_min_python_wins_over_the_config(capsys, checkout):
    write_config(checkout, "minimum: 3.10\n")
    _, out, _ = run(capsys, "apply", str(checkout), "--min-python", "3.12")
    assert out == f"Rewrote 9 file(s) under {checkout}; Python 3.12 is now the minimum.\n"


def test_ignore_paths_and_changelog_entry(capsys, checkout):
    write_config(checkout, "ignore_paths: [tox.ini, .github/*]\nadd_changelog_entry: false\n")
    before = snapshot(checkout)
    _, out, _ = run(capsys, "apply", str(checkout))
    assert out == f"Rewrote 6 file(s) under {checkout}; Python 3.11 is now the minimum.\n"
    after = snapshot(checkout)
    unchanged = {path for path in before if before[path] == after[path]}
    assert {"tox.ini", ".github/workflows/tests.yml", "CHANGELOG.md"} <= unchanged


def test_branch_prefix_names_the_previewed_branch(capsys, checkout):
    write_config(checkout, "branch_prefix: bots/\n")
    _, out, _ = run(capsys, "preview", str(checkout))
    assert "\n==> pull request: bots/python-3.11 <==\n" in out


def test_no_config_ignores_it(capsys, checkout):
    write_config(checkout, "minimum: nonsense\n")
    _, out, _ = run(capsys, "apply", str(checkout), "--no-config")
    assert out == f"Rewrote 9 file(s) under {checkout}; Python 3.11 is now the minimum.\n"


def test_config_from_another_file(capsys, checkout, tmp_path):
    other = write_config(tmp_path, "minimum: '3.12'\n", "elsewhere.yml")
    _, out, _ = run(capsys, "apply", str(checkout), "--config", str(other))
    assert out == f"Rewrote 9 file(s) under {checkout}; Python 3.12 is now the minimum.\n"


def test_config_and_no_config_exclude_each_other(capsys, checkout):
    code, out, err = run(capsys, "preview", str(checkout), "--config", "x.yml", "--no-config")
    assert (code, out) == (2, "")
    assert err.endswith(
        "molt preview: error: argument --no-config: not allowed with argument --config\n"
    )


def test_missing_config_file(capsys, checkout):
    code, out, err = run(capsys, "preview", str(checkout), "--config", "nope.yml")
    assert (code, out, err) == (2, "", "molt: --config nope.yml: no such file\n")


@pytest.mark.parametrize(
    ("text", "message"),
    (
        ("minimum: '4.0'\n", "1: minimum: not a released CPython 3 minor version"),
        ("draft: maybe\n", "1: draft: Input should be a valid boolean, unable to interpret input"),
        ("labels: [a]\nlabel: b\n", "2: label: not a setting molt knows (the README lists them)"),
    ),
)
def test_invalid_config_changes_nothing_and_names_file_key_and_line(
    capsys, checkout, text, message
):
    path = write_config(checkout, text)
    before = snapshot(checkout)
    code, out, err = run(capsys, "apply", str(checkout))
    assert (code, out, err) == (2, "", f"molt: {path}:{message}\n")
    assert snapshot(checkout) == before


def test_a_config_minimum_not_yet_released_gets_the_same_message(capsys, checkout):
    unreleased = max(v for v in load_releases() if v.major == 3)
    path = write_config(checkout, f"minimum: '{unreleased}'\n")
    code, out, err = run(capsys, "preview", str(checkout))
    message = f"not a released CPython 3 minor version (3.0 to {newest_released()})"
    assert (code, out, err) == (2, "", f"molt: {path}: minimum {unreleased}: {message}\n")


# --- colours ------------------------------------------------------------------------------


def preview_on_a_terminal(root: Path, **env: str) -> bytes:
    """``molt preview`` with its standard output on a pseudo-terminal: what it printed."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "app", "preview", str(root)]
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    with subprocess.Popen(
        command, stdout=terminal, stderr=subprocess.PIPE, env=environment
    ) as process:
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0
    os.close(controller)
    return output


def test_preview_colours_the_diff_on_a_terminal(checkout):
    output = preview_on_a_terminal(checkout)
    assert b'\x1b[31m-requires-python = ">=3.9"\x1b[0m' in output
    assert b'\x1b[32m+requires-python = ">=3.11"\x1b[0m' in output
    assert b"\x1b[36m@@ " in output


def test_no_color_keeps_a_terminal_plain(checkout):
    assert b"\x1b[" not in preview_on_a_terminal(checkout, NO_COLOR="1")


def test_open_pr_reads_the_github_url_from_the_environment(capsys, fake_github, monkeypatch):
    fake_github.add_repo("octo/inkwell", {"tox.ini": (EXAMPLE / "tox.ini").read_text()})
    monkeypatch.setenv("MOLT_GITHUB_URL", fake_github.url)
    code, out, err = run(capsys, "open-pr", "octo/inkwell", "--token", "personal-token")
    assert (code, out, err) == (0, "octo/inkwell: opened a pull request\n", "")


CI_WORKFLOW = MATRIX.format(command="python scripts/check_abi.py") + "      - run: ./ci/build.sh\n"
CHECK_ABI = 'INTERPRETERS = ["python3.9", "python3.10", "python3.11", "python3.12"]\n'


def _ci_scripts(root: Path, build: bytes) -> None:
    for directory in (".github/workflows", "scripts", "ci"):
        (root / directory).mkdir(parents=True)
    (root / ".github/workflows/test.yml").write_text(CI_WORKFLOW)
    (root / "scripts/check_abi.py").write_text(CHECK_ABI)
    (root / "ci/build.sh").write_bytes(build)


def test_apply_reads_and_rewrites_the_scripts_ci_runs(capsys, tmp_path):
    _ci_scripts(tmp_path, b"#!/bin/sh\npython3.9 -m pip install .\n")
    code, out, err = run(capsys, "apply", str(tmp_path), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert (tmp_path / "scripts/check_abi.py").read_text() == (
        'INTERPRETERS = ["python3.11", "python3.12"]\n'
    )
    assert (tmp_path / "ci/build.sh").read_text() == "#!/bin/sh\npython3.9 -m pip install .\n"
    assert out.endswith(
        "- `ci/build.sh`: line 2: a script names python3.9, and molt cannot tell every CI job "
        "that runs it runs on Python 3.9 alone; check it by hand\n"
    )


def test_a_script_ci_runs_that_is_ignored_or_not_text_is_left_unsaid(capsys, tmp_path):
    _ci_scripts(tmp_path, b"#!/bin/sh\n\xff python3.9\n")
    (tmp_path / ".github/molt.yml").write_text('ignore_paths: ["scripts/*"]\n')
    code, out, err = run(capsys, "apply", str(tmp_path), "--min-python", "3.11")
    assert (code, err) == (0, "")
    assert (tmp_path / "scripts/check_abi.py").read_text() == CHECK_ABI
    assert "Left to do by hand" not in out
