"""An installation of 30 repositories in mixed states, scanned through the fake GitHub: the page
shows each in its state and the tracking issue says the same; the next scan edits that issue."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from huey import SqliteHuey

from app.dashboard.states import State
from app.dashboard.tracking_issue import MARKER
from app.jobs import Jobs, app_clients
from app.outcome import Target
from app.server import create_app
from tests.app.dashboard.conftest import sign_in
from tests.app.test_jobs import drain
from tests.conftest import TODAY

INSTALLATION = 7
ORG = "acme"
TRACKER = f"{ORG}/.github"
OLD = '[project]\nname = "p"\nrequires-python = ">=3.9"\n'
MODERN = '[project]\nname = "p"\nrequires-python = ">=3.11"\n'
BAD_CONFIG = "minimum: '3.11'\nno_such_key: 1\n"
BRANCH = "molt/python-3.11"

# name → (files, archived, the state after the second scan)
REPOS = {
    ".github": ({".github/molt.yml": f"tracking_issue: {TRACKER}\n"}, False, State.NO_PYTHON),
    **{f"docs-{i}": ({"README.md": "# docs\n"}, False, State.NO_PYTHON) for i in range(4)},
    "archived": ({"pyproject.toml": OLD}, True, State.NO_PYTHON),
    **{f"modern-{i}": ({"pyproject.toml": MODERN}, False, State.UP_TO_DATE) for i in range(6)},
    **{f"old-{i}": ({"pyproject.toml": OLD}, False, State.OPEN) for i in range(8)},
    **{f"merged-{i}": ({"pyproject.toml": OLD}, False, State.MERGED) for i in range(3)},
    **{f"ignored-{i}": ({"pyproject.toml": OLD}, False, State.IGNORED) for i in range(3)},
    **{
        f"badconfig-{i}": (
            {"pyproject.toml": OLD, ".github/molt.yml": BAD_CONFIG},
            False,
            State.INVALID_CONFIG,
        )
        for i in range(2)
    },
    **{f"blocked-{i}": ({"pyproject.toml": OLD}, False, State.FAILED) for i in range(2)},
}
CI = {"old-0": "success", "old-1": "success", "old-2": "failure", "old-3": "pending"}
ROW = re.compile(r'<tr class="row state-([\w-]+)" data-repo="([^"]+)">')
PULL = re.compile(r'data-repo="([^"]+)">(?:(?!</tr>).)*?class="pull" href="([^"]+)"', re.S)
CI_CELL = re.compile(r'data-repo="([^"]+)">(?:(?!</tr>).)*?class="ci ci-(\w+)"', re.S)


@pytest.fixture
def organisation(fake_github, settings, tmp_path):
    fake_github.add_installation(INSTALLATION, ORG)
    for name, (files, archived, _) in REPOS.items():
        fake_github.add_repo(f"{ORG}/{name}", files, archived=archived)
    fake_github.add_user("carol", installations=[INSTALLATION])
    huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    jobs = Jobs(settings, huey, app_clients(settings, throttle=False), today=lambda: TODAY)
    app = create_app(settings, jobs.enqueue, states=jobs.recorder.store)
    with TestClient(app) as client:
        sign_in(client, fake_github, "carol")
        yield jobs, client


def scan(jobs):
    """A scan of the installation: every repository, then the tracking issue."""
    jobs.scan_installation(INSTALLATION)
    drain(jobs)


def shown(client):
    page = client.get("/")
    assert page.status_code == 200
    return {name.removeprefix(f"{ORG}/"): slug for slug, name in ROW.findall(page.text)}, page.text


def issue_rows(fake_github):
    [issue] = fake_github.issues(TRACKER)
    rows = [line.split(" | ") for line in issue.body.splitlines() if line.startswith(f"| {ORG}/")]
    return issue, {cells[0].removeprefix(f"| {ORG}/"): cells[1].split(":")[0] for cells in rows}


def test_page_and_tracking_issue_show_every_state(organisation, fake_github):
    jobs, client = organisation
    scan(jobs)
    first, _ = issue_rows(fake_github)
    assert MARKER in first.body
    for name in REPOS:
        if name.startswith(("merged-", "ignored-")):
            [pull] = fake_github.pulls(f"{ORG}/{name}")
            fake_github.close_pull(f"{ORG}/{name}", pull.number, merged=name.startswith("merged"))
    for name in ("blocked-0", "blocked-1"):  # someone else pushed, and molt has more to do
        fake_github.push(f"{ORG}/{name}", {"notes.txt": "mine\n"}, branch=BRANCH, author="dave")
        fake_github.push(f"{ORG}/{name}", {"tox.ini": "[tox]\nenvlist = py39, py311\n"})
    for name, conclusion in CI.items():
        done = conclusion != "pending"
        fake_github.add_check_run(
            f"{ORG}/{name}",
            BRANCH,
            status="completed" if done else "in_progress",
            conclusion=conclusion if done else None,
        )
    edits_before = len(
        [r for r in fake_github.requests if r.method == "PATCH" and "/issues/" in r.path]
    )

    scan(jobs)

    states, html = shown(client)
    assert states == {name: expected.slug for name, (_, _, expected) in REPOS.items()}
    pulls = dict(PULL.findall(html))
    for name in REPOS:
        if name.startswith(("old-", "merged-", "ignored-", "blocked-")):
            [pull] = fake_github.pulls(f"{ORG}/{name}")
            assert pulls[f"{ORG}/{name}"] == f"{fake_github.url}/{ORG}/{name}/pull/{pull.number}"
    assert {k.removeprefix(f"{ORG}/"): v for k, v in CI_CELL.findall(html)} == CI
    assert "9 of 24 Python repositories off end-of-life Pythons (38%)" in html

    second, rows = issue_rows(fake_github)
    assert second.number == first.number  # edited in place, never a second issue
    assert rows == {name: expected.value for name, (_, _, expected) in REPOS.items()}
    edits = [r for r in fake_github.requests if r.method == "PATCH" and "/issues/" in r.path]
    assert len(edits) == edits_before + 1


def test_the_filter_keeps_one_state(organisation):
    jobs, client = organisation
    scan(jobs)
    page = client.get("/?state=invalid-molt-yml").text
    assert {name for _, name in ROW.findall(page)} == {f"{ORG}/badconfig-0", f"{ORG}/badconfig-1"}
    assert 'aria-current="page">invalid molt.yml' in page


def test_a_scan_with_nothing_new_does_not_edit_the_issue(organisation, fake_github):
    jobs, _ = organisation
    scan(jobs)
    [issue] = fake_github.issues(TRACKER)
    scan(jobs)
    [again] = fake_github.issues(TRACKER)
    assert again.number == issue.number


def test_a_lost_store_is_rebuilt_by_the_next_scan(organisation, fake_github, settings, tmp_path):
    jobs, client = organisation
    scan(jobs)
    before, _ = shown(client)
    [issue] = fake_github.issues(TRACKER)

    fresh = settings.model_copy(update={"data_dir": tmp_path / "fresh"})
    huey = SqliteHuey("molt-fresh", filename=str(tmp_path / "fresh-queue.sqlite3"))
    rebuilt = Jobs(fresh, huey, app_clients(fresh, throttle=False), today=lambda: TODAY)
    assert rebuilt.recorder.store.installation(INSTALLATION) == []
    scan(rebuilt)

    with TestClient(create_app(fresh, rebuilt.enqueue, states=rebuilt.recorder.store)) as again:
        sign_in(again, fake_github, "carol")
        assert shown(again)[0] == before
    [same] = fake_github.issues(TRACKER)  # found again by its marker, not opened twice
    assert same.number == issue.number


def test_a_job_that_fails_its_last_try_says_why(organisation, fake_github):
    jobs, client = organisation
    scan(jobs)
    fake_github.fail_next("GET", f"/repos/{ORG}/old-0/git/trees/*", 500, times=7)
    jobs.scan(INSTALLATION, Target(f"{ORG}/old-0", "main"))
    drain(jobs, scheduled=True)  # the first try and its six retries
    failed = client.get("/?state=failed").text
    assert {name for _, name in ROW.findall(failed)} == {f"{ORG}/old-0"}
    assert "GitHub answered 500" in failed
    assert 'class="pull"' in failed  # the pull request it had is still linked
