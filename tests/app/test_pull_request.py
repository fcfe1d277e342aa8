from __future__ import annotations

from app import pull_request
from app.plan import FileChange, Plan, Skipped
from rewriters.policy import Policy
from rewriters.versions import Minor
from tests.conftest import POLICY, TODAY

WORKFLOW = FileChange(
    path=".github/workflows/tests.yml",
    before="",
    after="",
    changes=("matrix python-version: dropped 3.9, 3.10",),
    notes=(),
)
PYPROJECT = FileChange(
    path="pyproject.toml",
    before="",
    after="",
    changes=("requires-python: >=3.9 → >=3.11", "classifiers: dropped 3.9, 3.10"),
    notes=("a dependency marker still names Python 3.10",),
)
PLAN = Plan(POLICY, (WORKFLOW, PYPROJECT), (), frozenset({Minor(3, 9), Minor(3, 10)}))

BODY = """\
This pull request drops Python versions that have reached end-of-life and makes \
**Python 3.11** the oldest version this repository supports.

### Why

| Python | end of life |
| --- | --- |
| 3.9 | 2025-10-31 |
| 3.10 | 2026-10-31 |

### What changed

- `.github/workflows/tests.yml`
  - matrix python-version: dropped 3.9, 3.10
- `pyproject.toml`
  - requires-python: >=3.9 → >=3.11
  - classifiers: dropped 3.9, 3.10

### Left to do by hand

- `pyproject.toml`: a dependency marker still names Python 3.10
"""


def test_title_names_the_end_of_life_versions():
    assert pull_request.title(PLAN) == "Drop Python 3.9 and 3.10 (end-of-life)"


def test_title_when_the_minimum_is_pinned_past_end_of_life():
    policy = Policy.for_date(TODAY, minimum="3.12")
    plan = PLAN._replace(policy=policy, dropped=frozenset({Minor(3, 10), Minor(3, 11)}))
    assert pull_request.title(plan) == "Drop Python 3.10 and 3.11"
    assert "| 3.11 | not yet end-of-life: dropped because the minimum was set to 3.12 |" in (
        pull_request.body(plan)
    )


def test_title_without_dropped_versions():
    assert pull_request.title(PLAN._replace(dropped=frozenset())) == "Require Python 3.11"


def test_body():
    assert pull_request.body(PLAN) == BODY


def test_body_lists_skipped_files_and_nothing_by_hand():
    plan = PLAN._replace(
        files=(WORKFLOW,), skipped=(Skipped("tox.ini", "line 3: no section header"),)
    )
    assert pull_request.body(plan).endswith(
        "### Left to do by hand\n\n"
        "- Nothing that molt knows of.\n\n"
        "Files molt could not read, left unchanged:\n"
        "- `tox.ini`: line 3: no section header\n"
    )


def test_token_mode_body_adds_only_the_marker():
    marker = f"<!-- molt: drop end-of-life Pythons · {pull_request.fingerprint(PLAN)} -->"
    assert pull_request.body(PLAN, app=True) == BODY + "\n" + marker + "\n"


def test_app_body_adds_the_check_box_commands_and_marker():
    body = pull_request.body(PLAN, app=True, login="drop-eol")
    assert body.startswith(BODY.rstrip("\n"))
    marker = f"<!-- molt: drop end-of-life Pythons · {pull_request.fingerprint(PLAN)} -->"
    commands = pull_request.COMMANDS.format(table=pull_request.command_help("drop-eol"))
    assert body.endswith(f"{pull_request.REBASE_BOX}\n\n{commands}\n\n{marker}\n")
    assert "<details>\n<summary>Commands</summary>" in body
    assert "| `@drop-eol keep X.Y` |" in body


def test_overrides_round_trip_through_the_body():
    chosen = pull_request.Overrides(Minor(3, 12), frozenset({Minor(3, 10), Minor(3, 9)}))
    body = pull_request.body(PLAN, app=True, login="molt-bot", chosen=chosen)
    assert f"{pull_request.fingerprint(PLAN)} · minimum 3.12 · keep 3.9 3.10 -->" in body
    assert pull_request.PINNED.format(mention="@molt-bot", minimum="3.12") in body
    assert pull_request.KEPT.format(mention="@molt-bot", versions="3.9 and 3.10") in body
    assert pull_request.overrides(body) == chosen


def test_overrides_of_other_bodies_are_empty():
    assert pull_request.overrides("Fixes #3") == pull_request.Overrides()
    edited = "<!-- molt: drop end-of-life Pythons · abc · minimum 3.x · keep 3.10 -->"
    assert pull_request.overrides(edited) == pull_request.Overrides(keep=frozenset({Minor(3, 10)}))


def test_check_box_tick_and_untick():
    body = pull_request.body(PLAN, login="molt-bot")
    assert not pull_request.box_ticked(body)
    ticked = body.replace("- [ ] rebase", "- [x] rebase")
    assert pull_request.box_ticked(ticked)
    assert pull_request.untick(ticked) == body


def test_fingerprint_follows_the_content():
    text = "python-version: ['3.11']\n"
    read = PLAN._replace(files=(WORKFLOW._replace(after=text), PYPROJECT))
    # the same text in another object, as the next scan reads it: the same fingerprint
    read_again = PLAN._replace(files=(WORKFLOW._replace(after="".join(list(text))), PYPROJECT))
    assert read_again.files[0].after is not text
    assert pull_request.fingerprint(read) == pull_request.fingerprint(read_again)
    assert pull_request.fingerprint(read) != pull_request.fingerprint(PLAN)


def test_fingerprint_tells_a_deleted_file_from_an_emptied_one():
    deleted = PLAN._replace(files=(WORKFLOW._replace(after=None),))
    emptied = PLAN._replace(files=(WORKFLOW._replace(after=""),))
    assert pull_request.fingerprint(deleted) != pull_request.fingerprint(emptied)


def test_commit_summary():
    assert pull_request.commit_summary(PLAN) == (
        "- .github/workflows/tests.yml: matrix python-version: dropped 3.9, 3.10\n"
        "- pyproject.toml: requires-python: >=3.9 → >=3.11; classifiers: dropped 3.9, 3.10"
    )
