"""GitHub API requests per repository: what one ``app.upgrade.run`` costs, scenario by scenario.

Runs the App's upgrade flow against the fake GitHub of the tests (real HTTP on 127.0.0.1,
every request checked against GitHub's OpenAPI description) the way ``tests/app/test_upgrade.py``
does, and counts the requests in the fake's log. The tarball download from ``/_codeload/`` is not
counted: on GitHub it is served by codeload, not the API, and does not count against the limit.

Repositories are built from ``examples/legacy-project`` (Python 3.9 and up, several config files)
and variations: the same project already upgraded, one with a ``.github/molt.yml``, one with a
single config file, one with no Python at all; then one repository through its life: a new pull
request, a second run, pushes to the default branch. The date is pinned (2026-11-26: 3.9 and 3.10
are end-of-life), so the numbers do not move with the calendar. DESIGN.md's budget: a repository
that needs nothing costs at most 2 requests, one that needs a pull request about 10.

Run: ``python bench/api_requests.py [--verbose]`` (``--verbose`` lists every request).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, which is not an installed package

from app import github as gh  # noqa: E402
from app import upgrade  # noqa: E402
from app.outcome import Outcome, Target  # noqa: E402
from app.plan import plan  # noqa: E402
from rewriters import Policy  # noqa: E402
from tests.fakes.github import FakeGitHub, Request  # noqa: E402

EXAMPLE = ROOT / "examples" / "legacy-project"
TODAY = date(2026, 11, 26)  # the tests' pinned date
OWNER = "octo"
CODELOAD = "/_codeload/"
WORKFLOW = ".github/workflows/tests.yml"
NOTHING, UPDATED = Outcome.NOTHING, Outcome.UPDATED

Files = dict[str, str]


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    scenario: str
    outcome: Outcome
    requests: list[Request]


def example_files() -> Files:
    """Every file of the example project, by repository path."""
    files = {}
    for directory, subdirs, names in os.walk(EXAMPLE):
        subdirs[:] = [d for d in subdirs if d != "__pycache__" and not d.endswith("_cache")]
        for name in names:
            path = Path(directory) / name
            files[path.relative_to(EXAMPLE).as_posix()] = path.read_text(encoding="utf-8")
    return files


def upgraded(files: Mapping[str, str]) -> Files:
    """``files`` as molt would leave them: nothing left to do."""
    result = plan(files, Policy.for_date(TODAY))
    return {**files, **{change.path: change.after for change in result.files}}


def api_requests(fake: FakeGitHub, since: int) -> list[Request]:
    """The requests logged after the first ``since``, without the codeload download."""
    return [r for r in fake.requests[since:] if not r.path.startswith(CODELOAD)]


class Bench:
    """A fake GitHub and the rows measured on it."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        self.rows: list[Row] = []
        # the caches a worker's job runner keeps between jobs (``app.jobs.Jobs``)
        self.listings = gh.Listings(gh.LISTINGS_MAX)
        self.needed_nothing = upgrade.NeededNothing(upgrade.NEEDED_NOTHING_MAX)

    def repo(self, name: str, files: Mapping[str, str]) -> str:
        """A repository ``octo/<name>`` holding ``files`` on ``main``; its full name."""
        full_name = f"{OWNER}/{name}"
        self.fake.add_repo(full_name, dict(files))
        return full_name

    def run(
        self, scenario: str, full_name: str, expected: Outcome, *, on_push: bool = False
    ) -> None:
        """One upgrade run, as a job would do it, and what it cost; it must end ``expected``."""
        client = gh.client_for_token("bench-token", self.fake.url, throttle=False)
        target = Target(full_name, "main")
        before = len(self.fake.requests)
        repository = gh.Repository(client, full_name, listings=self.listings)
        outcome = upgrade.run(
            repository, target, TODAY, on_push=on_push, needed_nothing=self.needed_nothing
        )
        if outcome is not expected:
            raise SystemExit(f"{scenario}: expected {expected.name}, got {outcome.name}")
        self.rows.append(Row(scenario, outcome, api_requests(self.fake, before)))


def needing_nothing(bench: Bench) -> None:
    """Repositories molt leaves alone."""
    legacy = example_files()
    done = upgraded(legacy)
    website = {"README.md": "# site\n", "package.json": '{"name": "site"}\n', "index.js": "1;\n"}
    bench.run("no Python at all", bench.repo("website", website), Outcome.SKIPPED)
    finished = bench.repo("inkwell-done", done)
    bench.run("needs nothing (example, upgraded)", finished, NOTHING)
    bench.run("daily rescan, nothing changed since", finished, NOTHING)
    configured = {**done, ".github/molt.yml": "labels: []\n"}
    bench.run(
        "needs nothing, with .github/molt.yml",
        bench.repo("inkwell-configured", configured),
        NOTHING,
    )
    single = {"pyproject.toml": done["pyproject.toml"], "src/inkwell/__init__.py": "x = 1\n"}
    bench.run("needs nothing (1 config file)", bench.repo("inkwell-single", single), NOTHING)
    bench.run(
        "push, still needs nothing", bench.repo("inkwell-pushed", done), NOTHING, on_push=True
    )


def through_life(bench: Bench) -> None:
    """One repository: opened, re-run, then pushes that move the default branch."""
    legacy = example_files()
    name = bench.repo("inkwell", legacy)
    bench.run("new pull request", name, Outcome.OPENED)
    bench.run("second run: pull request up to date", name, Outcome.UP_TO_DATE)
    bench.fake.push(name, {"src/inkwell/render.py": "WIDTH = 80\n"}, "Code")
    bench.run("push not touching config: PR left alone", name, Outcome.UP_TO_DATE, on_push=True)
    bench.fake.push(name, {".github/workflows/docs.yml": legacy[WORKFLOW]}, "Docs workflow")
    bench.run("push that makes the PR stale: updated", name, UPDATED, on_push=True)
    by_hand = upgraded(bench.fake.branch_files(name))
    bench.fake.push(name, by_hand, "Drop 3.9 and 3.10 by hand")
    bench.run("push doing it by hand: PR closed", name, Outcome.CLOSED, on_push=True)


def print_table(rows: list[Row], verbose: bool) -> None:
    """Scenario → outcome and API requests."""
    width = max(len(row.scenario) for row in rows)
    print(f"{'scenario':<{width}}  {'outcome':<10}  API requests  of them 304 (free)")
    for row in rows:
        free = sum(1 for r in row.requests if r.status == 304)
        print(f"{row.scenario:<{width}}  {row.outcome.name:<10}  {len(row.requests):>12}", end="")
        print(f"  {free:>17}")
        for request in row.requests if verbose else ():
            print(f"    {request.method:<6} {request.status} {request.path}")


def parse_args() -> bool:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every request")
    verbose: bool = parser.parse_args().verbose
    return verbose


def main() -> None:
    verbose = parse_args()
    scenarios: list[Callable[[Bench], None]] = [needing_nothing, through_life]
    with FakeGitHub() as fake:  # fails on exit if any traffic broke GitHub's description
        bench = Bench(fake)
        for scenario in scenarios:
            scenario(bench)
    print_table(bench.rows, verbose)


if __name__ == "__main__":
    main()
