"""The modernisation: ruff's version rules and molt's fallback imports on whole source files,
and backport requirements dropped when their last import goes."""

from __future__ import annotations

import ast

import pytest

from app import github as gh
from app import pull_request, upgrade
from app.modernise import FALLBACK, Modernisation, for_plan, modernise, touches
from app.modernise import ruff as ruff_runner
from app.outcome import Outcome, Target
from app.plan import plan
from rewriters import Policy, Skipped
from rewriters.versions import Minor
from tests.app import test_cli, test_jobs
from tests.app.test_cli import run as cli_run
from tests.app.test_cli import snapshot
from tests.app.test_commands import comment, replies, reply
from tests.app.test_jobs import drain, installation_created
from tests.conftest import TODAY

MINIMUM = Minor.parse("3.11")


def run(sources, packaging=None, minimum=MINIMUM) -> Modernisation:
    return modernise(sources, packaging or {}, minimum)


def check(before: str, after: str, minimum: Minor = MINIMUM, path: str = "src/pkg/mod.py"):
    """``before`` becomes ``after``; ``after`` parses and a second run changes nothing."""
    result = run({path: before}, minimum=minimum)
    assert [(f.path, f.after) for f in result.files] == [(path, after)]
    ast.parse(after)
    assert run({path: after}, minimum=minimum).files == ()
    return result


DEAD_BRANCHES = '''\
"""Compatibility shims."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if sys.version_info < (3, 10):
    from typing_extensions import TypeAlias
else:
    from typing import TypeAlias

if sys.version_info >= (3,):
    text_type = str

if sys.version_info[:2] < (3, 9):
    def removeprefix(text: str, prefix: str) -> str:
        return text[len(prefix):] if text.startswith(prefix) else text
else:
    def removeprefix(text: str, prefix: str) -> str:
        return text.removeprefix(prefix)

if sys.version_info > (3, 8, 1):
    HAS_FIXED_ASYNCMOCK = True
else:
    HAS_FIXED_ASYNCMOCK = False

if sys.version_info >= (3, 13):
    from warnings import deprecated
else:
    from typing_extensions import deprecated


def cache_dir() -> str:
    if sys.version_info < (3, 8):  # no importlib.metadata
        return "/tmp"
    return "~/.cache"
'''
DEAD_BRANCHES_AFTER = '''\
"""Compatibility shims."""

import sys

import tomllib

from typing import TypeAlias

text_type = str

def removeprefix(text: str, prefix: str) -> str:
    return text.removeprefix(prefix)

HAS_FIXED_ASYNCMOCK = True

if sys.version_info >= (3, 13):
    from warnings import deprecated
else:
    from typing_extensions import deprecated


def cache_dir() -> str:
    return "~/.cache"
'''

FALLBACKS = '''\
"""Read settings from pyproject.toml."""

from __future__ import annotations

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

try:
    from importlib.metadata import PackageNotFoundError, version
except (ImportError, ModuleNotFoundError):
    from importlib_metadata import PackageNotFoundError, version  # type: ignore[no-redef]

try:
    import zoneinfo
except ImportError:
    from backports import zoneinfo


def settings(path):
    try:
        # the standard library first
        from importlib.resources import files
    except ImportError:
        from importlib_resources import files
    with open(path, "rb") as handle:
        return tomllib.load(handle), files, zoneinfo


try:
    __version__ = version("inkwell")
except PackageNotFoundError:
    __version__ = "unknown"
'''
FALLBACKS_AFTER = '''\
"""Read settings from pyproject.toml."""

from __future__ import annotations

import tomllib

from importlib.metadata import PackageNotFoundError, version

import zoneinfo


def settings(path):
    # the standard library first
    from importlib.resources import files
    with open(path, "rb") as handle:
        return tomllib.load(handle), files, zoneinfo


try:
    __version__ = version("inkwell")
except PackageNotFoundError:
    __version__ = "unknown"
'''

TYPING = """\
from __future__ import annotations, print_function, generator_stop

from typing_extensions import Literal, Self, TypeIs, override


class Node:
    kind: Literal["leaf", "branch"]

    def copy(self) -> Self:
        return self
"""
TYPING_AFTER = """\
from __future__ import annotations

from typing_extensions import TypeIs, override
from typing import Literal, Self


class Node:
    kind: Literal["leaf", "branch"]

    def copy(self) -> Self:
        return self
"""

STYLE_ONLY = """\
from typing import Callable, Dict, Optional
from datetime import timezone
import asyncio


def run(callback: Optional[Callable[[], None]], table: Dict[str, int]) -> None:
    try:
        asyncio.get_event_loop()
    except asyncio.TimeoutError:
        pass
    print(timezone.utc)
"""


@pytest.mark.parametrize(
    ("before", "after", "counts"),
    (
        pytest.param(
            DEAD_BRANCHES, DEAD_BRANCHES_AFTER, (("UP036", 6),), id="dead-version-branches"
        ),
        pytest.param(FALLBACKS, FALLBACKS_AFTER, ((FALLBACK, 4),), id="fallback-imports"),
        pytest.param(TYPING, TYPING_AFTER, (("UP035", 1), ("UP010", 1)), id="typing-and-future"),
    ),
)
def test_rewrite(before, after, counts):
    assert [(rule.code, n) for rule, n in check(before, after).counts] == list(counts)


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(STYLE_ONLY, id="style-rules-are-not-run"),
        pytest.param(
            "try:\n    import importlib_metadata\nexcept ImportError:\n"
            "    import importlib.metadata as importlib_metadata\n",
            id="backport-first-is-a-choice",
        ),
        pytest.param(
            "try:\n    import tomllib\nexcept ImportError:\n    tomllib = None\n"
            "else:\n    HAVE_TOML = True\n",
            id="try-with-else",
        ),
        pytest.param(
            "try:\n    import tomllib\n    import yaml\nexcept ImportError:\n    yaml = None\n",
            id="try-imports-more-than-the-standard-library",
        ),
        pytest.param(
            "try:\n    import tomllib\nexcept Exception:\n    tomllib = None\n",
            id="broader-handler",
        ),
        pytest.param(
            "import sys\nif sys.version_info >= (3, 12):\n    X = 1\nelse:\n    X = 2\n",
            id="branch-above-the-minimum",
        ),
        pytest.param(
            "# Code generated by protoc. DO NOT EDIT.\nimport sys\n"
            "if sys.version_info < (3, 8):\n    X = 1\n",
            id="generated-file",
        ),
    ),
)
def test_noop(before):
    assert run({"src/pkg/mod.py": before}).files == ()


def test_a_name_the_minimum_lacks_keeps_its_fallback():
    before = (
        "try:\n    from importlib.metadata import packages_distributions\n"
        "except ImportError:\n    from importlib_metadata import packages_distributions\n"
    )
    assert run({"m.py": before}, minimum=Minor.parse("3.9")).files == ()
    check(before, "from importlib.metadata import packages_distributions\n", Minor.parse("3.10"))


def test_crlf_and_nesting_are_kept():
    before = (
        "class Loader:\r\n    def load(self):\r\n        try:\r\n            import tomllib\r\n"
        "        except ImportError:\r\n            import tomli as tomllib\r\n"
        "        return tomllib\r\n"
    )
    after = (
        "class Loader:\r\n    def load(self):\r\n        import tomllib\r\n"
        "        return tomllib\r\n"
    )
    check(before, after)


def test_a_file_that_does_not_parse_is_skipped_and_named():
    result = run(
        {"src/pkg/py2.py": "print 'hello'\n", "src/pkg/ok.py": "from __future__ import division\n"}
    )
    assert result.skipped == (
        Skipped(
            "src/pkg/py2.py",
            "line 1: Missing parentheses in call to 'print'. Did you mean print(...)?",
        ),
    )
    assert [(f.path, f.after) for f in result.files] == [("src/pkg/ok.py", "")]


PYPROJECT = """\
[project]
name = "inkwell"
requires-python = ">=3.11"
dependencies = [
    "markdown-it-py>=3.0",
    "tomli>=1.1",  # Python < 3.11
    "typing-extensions>=4.6",
]
"""
SETUP_CFG = """\
[metadata]
name = inkwell

[options]
install_requires =
    markdown-it-py>=3.0
    tomli>=1.1
"""
REQUIREMENTS = "markdown-it-py==3.0.0\ntomli==2.0.1  # for Python 3.10\n"


def test_a_backport_goes_with_its_last_import():
    packaging = {
        "pyproject.toml": PYPROJECT,
        "setup.cfg": SETUP_CFG,
        "requirements.txt": REQUIREMENTS,
    }
    sources = {
        "src/inkwell/config.py": FALLBACKS,
        "src/inkwell/nodes.py": TYPING,  # TypeIs and override still come from typing_extensions
    }
    result = run(sources, packaging)
    changed = {f.path: (f.after, f.changes) for f in result.files}
    assert changed["pyproject.toml"] == (
        PYPROJECT.replace('    "tomli>=1.1",  # Python < 3.11\n', ""),
        ("removed tomli>=1.1",),
    )
    assert changed["setup.cfg"] == (
        SETUP_CFG.replace("    tomli>=1.1\n", ""),
        ("removed tomli>=1.1",),
    )
    assert changed["requirements.txt"] == ("markdown-it-py==3.0.0\n", ("removed tomli==2.0.1",))
    assert "typing-extensions>=4.6" in changed["pyproject.toml"][0]


def test_a_backport_imported_unconditionally_elsewhere_stays():
    sources = {"src/inkwell/config.py": FALLBACKS, "tools/bump.py": "import tomli\n"}
    result = run(sources, {"pyproject.toml": PYPROJECT})
    assert [f.path for f in result.files] == ["src/inkwell/config.py"]


def test_a_backport_named_in_a_file_that_does_not_parse_stays():
    sources = {"src/inkwell/config.py": FALLBACKS, "tools/old.py": "import tomli\nprint 1\n"}
    result = run(sources, {"pyproject.toml": PYPROJECT})
    assert [f.path for f in result.files] == ["src/inkwell/config.py"]


def test_ruff_out_of_time_is_a_note_and_molts_own_rule_still_runs():
    before = "try:\n    import tomllib\nexcept ImportError:\n    tomllib = None\n"
    result = modernise({"m.py": before}, {}, MINIMUM, timeout=0.000001)
    assert [f.after for f in result.files] == ["import tomllib\n"]
    assert result.notes == ("ruff's rules were skipped: ruff did not finish within 1e-06 seconds",)


def test_a_compound_version_test_is_left_alone():
    before = "import sys\nif sys.version_info < (3, 9) and sys.platform == 'win32':\n    X = 1\n"
    assert run({"m.py": before}).files == ()


def test_the_repositorys_own_ruff_config_is_not_read(tmp_path):
    # --isolated: a pyproject.toml selecting every rule changes nothing
    result = run({"m.py": STYLE_ONLY}, {"pyproject.toml": '[tool.ruff.lint]\nselect = ["ALL"]\n'})
    assert result.files == ()


# --- the App: a second commit on molt's branch ---------------------------------------------

REPO = "octo/inkwell"
BRANCH = "molt/python-3.11"
APP_PYPROJECT = """\
[project]
name = "inkwell"
requires-python = ">=3.9"
dependencies = [
    "markdown-it-py>=3.0",
    "tomli>=1.1",
]
"""
APP_PYPROJECT_CONFIG = APP_PYPROJECT.replace(">=3.9", ">=3.11")
APP_PYPROJECT_MODERNISED = APP_PYPROJECT_CONFIG.replace('    "tomli>=1.1",\n', "")
CONFIG = "try:\n    import tomllib\nexcept ImportError:\n    import tomli as tomllib\n"
APP_FILES = {
    "pyproject.toml": APP_PYPROJECT,
    "src/inkwell/config.py": CONFIG,
    "src/inkwell/shim.py": DEAD_BRANCHES,
    "src/inkwell/py2.py": "print 'hello'\n",
    "tests/fixtures/old.py": DEAD_BRANCHES,  # a fixture: never touched
}


def upgrade_run(fake):
    client = gh.client_for_token("personal-token", fake.url, throttle=False)
    return upgrade.run(gh.Repository(client, REPO), Target(REPO, "main"), TODAY, login="molt-bot")


def test_the_modernisation_is_a_separate_commit_after_the_config_commit(fake_github):
    fake_github.add_repo(REPO, {**APP_FILES, ".github/molt.yml": "modernise: true\n"})
    main_head = fake_github.branches(REPO)["main"]
    assert upgrade_run(fake_github) is Outcome.OPENED
    second, first, *_ = fake_github.commits_on(REPO, BRANCH)
    assert first.parents == (main_head,)
    assert second.parents == (first.sha,)
    assert second.message == (
        "Remove code only Pythons older than 3.11 needed\n\n"
        "- UP036: 6\n- fallback-import: 1\n- pyproject.toml: removed tomli>=1.1"
    )
    files = fake_github.branch_files(REPO, BRANCH)
    assert files["pyproject.toml"] == APP_PYPROJECT_MODERNISED
    assert files["src/inkwell/config.py"] == "import tomllib\n"
    assert files["src/inkwell/shim.py"] == DEAD_BRANCHES_AFTER
    assert files["src/inkwell/py2.py"] == "print 'hello'\n"
    assert files["tests/fixtures/old.py"] == DEAD_BRANCHES
    (pull,) = fake_github.pulls(REPO)
    assert pull.body is not None
    assert (
        "| rule | places changed |\n| --- | --- |\n"
        "| `UP036`: version blocks for Pythons older than the minimum | 6 |\n"
        "| `fallback-import`: fallback imports of a backport the standard library replaces | 1 |\n"
        "\n- `src/inkwell/config.py`\n- `src/inkwell/shim.py`\n"
        "- `pyproject.toml`: removed tomli>=1.1\n\n"
        "Python files that do not parse, left unchanged:\n"
        "- `src/inkwell/py2.py`: line 1: Missing parentheses in call to 'print'. "
        "Did you mean print(...)?\n"
    ) in pull.body
    # the next scan finds the pull request up to date: the second run changes nothing
    assert upgrade_run(fake_github) is Outcome.UP_TO_DATE
    assert len(fake_github.commits_on(REPO, BRANCH)) == 3


def test_the_python_files_come_from_the_config_files_tarball(fake_github):
    many = {f"src/inkwell/m{n}.py": CONFIG for n in range(30)}
    fake_github.add_repo(REPO, {**APP_FILES, **many, ".github/molt.yml": "modernise: true\n"})
    before = len(fake_github.requests)
    upgrade_run(fake_github)
    made = list(fake_github.requests[before:])
    assert sum(1 for r in made if r.path.endswith("/tarball/main")) == 1  # kept for the Python
    assert not any("/git/blobs/" in r.path for r in made)
    # the 10 of a pull request, the second tree and commit
    assert sum(1 for r in made if not r.path.startswith("/_codeload/")) == 12


def test_without_modernise_the_python_files_are_not_read(fake_github):
    fake_github.add_repo(REPO, APP_FILES)
    assert upgrade_run(fake_github) is Outcome.OPENED
    assert len(fake_github.commits_on(REPO, BRANCH)) == 2
    assert fake_github.branch_files(REPO, BRANCH)["src/inkwell/config.py"] == CONFIG


app = test_jobs.app  # the fixture: molt's web app and jobs, wired to the fake GitHub
checkout = test_cli.checkout  # the fixture: a copy of the example repository


def test_the_modernise_command_adds_the_commit_and_records_it(app, fake_github):
    server, jobs = app
    fake_github.add_repo(test_jobs.REPO, APP_FILES, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    assert len(fake_github.commits_on(test_jobs.REPO, BRANCH)) == 2
    comment(server, fake_github, "@molt-bot modernise")
    drain(jobs)
    assert replies(fake_github) == [reply(Outcome.UPDATED)]
    assert len(fake_github.commits_on(test_jobs.REPO, BRANCH)) == 3
    assert (
        fake_github.branch_files(test_jobs.REPO, BRANCH)["src/inkwell/config.py"]
        == "import tomllib\n"
    )
    (pull,) = fake_github.pulls(test_jobs.REPO)
    assert pull.body is not None and pull.body.rstrip().endswith(" · modernise -->")
    assert pull_request.MODERNISE_ASKED.format(mention="@molt-bot") in pull.body
    # a later rebase keeps it: the choice is on GitHub, in the body
    comment(server, fake_github, "@molt-bot rebase")
    drain(jobs)
    assert len(fake_github.commits_on(test_jobs.REPO, BRANCH)) == 3
    assert (
        fake_github.branch_files(test_jobs.REPO, BRANCH)["src/inkwell/config.py"]
        == "import tomllib\n"
    )


# --- molt preview / apply --modernise ----------------------------------------------------

COMPAT_DIFF = "".join(
    f"{line}\n"
    for line in (
        "==> modernisation, a second commit: 1 file(s) <==",
        "--- a/src/inkwell/_compat.py",
        "+++ b/src/inkwell/_compat.py",
        "@@ -5,15 +5,9 @@",
        " import sys",
        " from typing import Any",
        " ",
        "-if sys.version_info >= (3, 11):",
        "-    from typing import Self",
        "-else:",
        "-    from typing_extensions import Self",
        "+from typing import Self",
        " ",
        "-try:",
        "-    import tomllib",
        "-except ImportError:  # Python < 3.11",
        "-    import tomli as tomllib",
        "+import tomllib",
        " ",
        " ",
        " def load_settings(path: str) -> dict[str, Any]:",
        "",
        "==> pull request: molt/python-3.11 <==",
    )
)


def test_preview_shows_the_config_diff_then_the_modernisation(capsys, checkout):
    before = snapshot(checkout)
    code, out, err = cli_run(
        capsys, "preview", str(checkout), "--min-python", "3.11", "--modernise"
    )
    assert (code, err) == (0, "")
    assert snapshot(checkout) == before
    diff, modernisation = out.split("\n==> modernisation", 1)
    assert diff.startswith("==> diff: 9 file(s) <==\n")
    assert "\n==> modernisation" + modernisation.split("Drop Python")[0] == "\n" + COMPAT_DIFF
    assert "| `UP036`: version blocks for Pythons older than the minimum | 1 |" in out
    assert "| `fallback-import`: fallback imports of a backport" in out


def test_apply_writes_both_and_a_second_apply_changes_nothing(capsys, checkout):
    code, out, _ = cli_run(capsys, "apply", str(checkout), "--min-python", "3.11", "--modernise")
    assert code == 0
    assert out.splitlines()[1] == (
        "Modernised 1 file(s) for Python 3.11: UP036 1, fallback-import 1."
    )
    assert "import tomllib\n" in (checkout / "src/inkwell/_compat.py").read_text()
    assert 'requires-python = ">=3.11"' in (checkout / "pyproject.toml").read_text()
    applied = snapshot(checkout)
    _, out, _ = cli_run(capsys, "apply", str(checkout), "--min-python", "3.11", "--modernise")
    assert snapshot(checkout) == applied
    assert "Modernised" not in out


def test_modernise_in_the_config_is_the_default(capsys, checkout):
    (checkout / ".github" / "molt.yml").write_text("modernise: true\n")
    _, out, _ = cli_run(capsys, "preview", str(checkout), "--min-python", "3.11")
    assert "==> modernisation, a second commit: 1 file(s) <==" in out


NOXFILE = """\
import sys

import nox

if sys.version_info < (3, 10):
    nox.options.error_on_missing_interpreters = False


@nox.session(python=["3.9", "3.10", "3.11"])
def tests(session):
    session.run("pytest")
"""
NOXFILE_AFTER = """\
import sys

import nox



@nox.session(python=["3.11"])
def tests(session):
    session.run("pytest")
"""
SETUP_PY = """\
import sys

from setuptools import setup

if sys.version_info < (3, 9):
    sys.exit("inkwell needs Python 3.9 or later")

setup(name="inkwell", python_requires=">=3.9")
"""


def test_a_file_the_plan_rewrote_is_modernised_as_the_plan_left_it():
    files = {"pyproject.toml": APP_PYPROJECT, "noxfile.py": NOXFILE, "setup.py": SETUP_PY}
    result = plan(files, Policy.for_date(TODAY))
    sources = {p: t for p, t in files.items() if touches(p)}
    modernised = for_plan(result, sources, files)
    assert [(f.path, f.after) for f in modernised.files] == [("noxfile.py", NOXFILE_AFTER)]
    # setup.py's guard runs on the Pythons it refuses: the rewriters move it, ruff leaves it
    assert "setup.py" not in sources


def test_ruff_refusing_its_arguments_is_a_failure_that_says_so():
    with pytest.raises(ruff_runner.RuffFailed, match=r"^ruff failed: .*UP999"):
        ruff_runner.fix({"m.py": "x = 1\n"}, MINIMUM, rules=["UP999"])


def test_a_path_outside_the_repository_is_refused():
    with pytest.raises(ruff_runner.RuffFailed, match="not a path inside the repository"):
        ruff_runner.fix({"../m.py": "x = 1\n"}, MINIMUM, rules=["UP036"])


def test_files_molt_does_not_edit_keep_the_backport():
    packaging = {
        "pyproject.toml": "[project\nname = 'broken'\n",  # does not parse
        "requirements-lock.txt": "tomli==2.0.1 --hash=sha256:abc\n",  # a lock file
        "docs/requirements.txt": "tomli>=1\nnot a requirement !\n",
        "README.md": "tomli\n",
    }
    result = run({"src/inkwell/config.py": FALLBACKS}, packaging)
    assert [(f.path, f.after) for f in result.files if f.path.endswith(".txt")] == [
        ("docs/requirements.txt", "not a requirement !\n")
    ]
    assert {f.path for f in result.files} == {"src/inkwell/config.py", "docs/requirements.txt"}


def test_a_nul_byte_is_a_skip_and_a_try_with_more_than_imports_stays():
    sources = {
        "nul.py": "x = 1\0\n",
        "flag.py": (
            "try:\n    import tomllib\n    HAVE = True\nexcept ImportError:\n    HAVE = False\n"
        ),
    }
    result = run(sources)
    assert [skip.path for skip in result.skipped] == ["nul.py"]
    assert result.files == ()
