"""Server time of the dashboard page for one installation of 1,000 repositories.

Fills a throwaway SQLite state store with 1,000 repositories in mixed states (a third with an
open pull request and its CI, the rest merged, up to date, ignored, failed, invalid or without
Python), signs a visitor in whose installation list is already cached (so the page asks GitHub
nothing, as on every load within a few minutes of the last), and times ``GET /`` through the
ASGI app in-process (``fastapi.testclient``: no socket, so what is timed is molt's work: the
session check, the store read, the rows, the calendar and the template), and
``GET /?state=failed`` (a filter); and, apart from any HTTP, the page's own work alone
(``Dashboard.render``: store read, rows, calendar, template). Warm-up runs are not counted.

Run: ``python bench/dashboard_render.py [--repositories 1000] [--runs 50]``.
Exit status 0 only when the median of ``GET /`` is under the budget (200 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.dashboard.oauth import Installation
from app.dashboard.page import Dashboard
from app.dashboard.sessions import COOKIE
from app.dashboard.states import RepoState, State
from app.dashboard.store import SqliteStates
from app.settings import Settings

BUDGET_MS = 200.0
WARM_UP = 3
INSTALLATION = 1
CYCLE = [
    State.OPEN,
    State.OPEN,
    State.MERGED,
    State.UP_TO_DATE,
    State.OPEN,
    State.IGNORED,
    State.FAILED,
    State.UP_TO_DATE,
    State.INVALID_CONFIG,
    State.NO_PYTHON,
]


def fill(store: SqliteStates, count: int) -> list[str]:
    """``count`` repositories of one installation, in states cycling through ``CYCLE``."""
    names = []
    checked = datetime(2026, 11, 26, 4, 17, tzinfo=UTC)
    for i in range(count):
        state = CYCLE[i % len(CYCLE)]
        name = f"acme/repository-{i:04d}"
        names.append(name)
        fields: dict[str, object] = {}
        if state is State.OPEN:
            fields = {"pull_number": i, "ci": ("success", "failure", "pending")[i % 3]}
            fields["oldest"] = ("3.9", "3.10")[i % 2]
        elif state in (State.MERGED, State.UP_TO_DATE):
            fields = {"floor": "3.11", "pull_number": i if state is State.MERGED else None}
        elif state is State.FAILED:
            fields = {"reason": "someone else pushed to the branch: commented instead"}
        store.put(
            RepoState(INSTALLATION, name, state, checked - timedelta(minutes=i), **fields)  # type: ignore[arg-type]
        )
    return names


def timed(client: TestClient, path: str, runs: int, rows: int | None) -> list[float]:
    """Milliseconds per ``GET path``, after the warm-up."""
    times = []
    for run in range(WARM_UP + runs):
        start = time.perf_counter()
        answer = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert answer.status_code == 200, answer.status_code
        if rows is not None:
            assert answer.text.count('<tr class="row ') == rows
        if run >= WARM_UP:
            times.append(elapsed)
    return times


def timed_render(dashboard: Dashboard, installation: Installation, runs: int) -> list[float]:
    """Milliseconds per render of the page, without HTTP or the session check."""
    times = []
    for run in range(WARM_UP + runs):
        start = time.perf_counter()
        dashboard.render("bench", [installation], None, None)
        if run >= WARM_UP:
            times.append((time.perf_counter() - start) * 1000)
    return times


def describe(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"min {ordered[0]:.1f} ms over {len(times)} runs"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.model_construct(
            app_id=1,
            webhook_secret=SecretStr("bench"),
            github_url="http://127.0.0.1:9",  # nothing listens: the page must not ask GitHub
            data_dir=Path(scratch),
            client_id="Iv1.bench",
            client_secret=SecretStr("bench-secret"),
        )
        store = SqliteStates(Path(scratch) / "states.sqlite3")
        names = fill(store, args.repositories)
        dashboard = Dashboard(settings, store)
        app = FastAPI()
        app.include_router(dashboard.router())
        cookie = dashboard.sessions.start("bench", "not-a-token")
        session = dashboard.sessions.find(cookie)
        assert session is not None
        installation = Installation(INSTALLATION, "acme", frozenset(names))
        dashboard.sessions.remember_visible(session, [installation])
        with TestClient(app, cookies={COOKIE: cookie}) as client:
            everything = timed(client, "/", args.runs, args.repositories)
            failed = sum(
                1 for i in range(args.repositories) if CYCLE[i % len(CYCLE)] is State.FAILED
            )
            filtered = timed(client, "/?state=failed", args.runs, failed)
        rendered = timed_render(dashboard, installation, args.runs)
    print(f"{args.repositories} repositories, one installation")
    print(describe("GET /", everything))
    print(describe("GET /?state=failed", filtered))
    print(describe("render alone", rendered))
    verdict = statistics.median(everything) < BUDGET_MS
    print(f"budget {BUDGET_MS:.0f} ms (median of GET /): {'met' if verdict else 'MISSED'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
