"""Time and GitHub API requests of a modernising run on a repository of 500 Python files.

The repository is ``examples/legacy-project`` plus 500 Python modules cut from five realistic
shapes (a compat module with version branches and a tomllib fallback, typing_extensions
imports, ``__future__`` imports, a module with nothing to change, one that does not parse),
with ``modernise: true`` in ``.github/molt.yml``. One ``app.upgrade.run`` opens the pull
request against the fake GitHub of the tests (real HTTP on 127.0.0.1, in this process), first
without modernisation and then with it, on two repositories alike; the time is the whole run
(the fake's share included), the requests are counted in the fake's log as
``bench/api_requests.py`` counts them (the codeload tarball download is not an API call). The
pure ``app.modernise.modernise`` on the same files is timed too (ruff's share of the run).
The date is pinned (2026-11-26: 3.9 and 3.10 are end-of-life).

Run: ``python bench/modernise_speed.py [--files 500] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, which is not an installed package

from app import github as gh  # noqa: E402
from app import modernise, upgrade  # noqa: E402
from app.outcome import Outcome, Target  # noqa: E402
from rewriters.versions import Minor  # noqa: E402
from tests.fakes.github import FakeGitHub  # noqa: E402

EXAMPLE = ROOT / "examples" / "legacy-project"
TODAY = date(2026, 11, 26)
CODELOAD = "/_codeload/"
SHAPES = {
    "compat": (EXAMPLE / "src/inkwell/_compat.py").read_text(encoding="utf-8"),
    "typing": (
        "from __future__ import annotations\n\n"
        "from typing_extensions import Literal, Self, TypeIs\n\n\n"
        "class Node:\n    kind: Literal['a', 'b']\n\n"
        "    def copy(self) -> Self:\n        return self\n\n"
        "    def leaf(self) -> TypeIs[Node]:\n        return True\n"
    ),
    "future": (
        "from __future__ import absolute_import, division, print_function\n\n"
        "def ratio(a, b):\n    return a / b\n"
    ),
    "plain": (
        '"""Rendering."""\n\nimport textwrap\n\nWIDTH = 80\n\n\n'
        "def wrap(text: str) -> str:\n    return textwrap.fill(text, WIDTH)\n"
    ),
    "broken": "print 'hello'\n",
}


def files(count: int) -> dict[str, str]:
    """The example's files and ``count`` Python modules cycling through the shapes."""
    found = {
        path.relative_to(EXAMPLE).as_posix(): path.read_text(encoding="utf-8")
        for path in EXAMPLE.rglob("*")
        if path.is_file() and "_cache" not in str(path) and "__pycache__" not in str(path)
    }
    shapes = list(SHAPES.items())
    for n in range(count):
        name, text = shapes[n % len(shapes)]
        found[f"src/inkwell/part{n // 50}/{name}_{n}.py"] = text
    return found


def run(fake: FakeGitHub, name: str, repository: dict[str, str]) -> tuple[float, int]:
    """One upgrade run opening the pull request: seconds and API requests."""
    fake.add_repo(name, repository)
    client = gh.client_for_token("bench-token", fake.url, throttle=False)
    before = len(fake.requests)
    start = time.perf_counter()
    outcome = upgrade.run(gh.Repository(client, name), Target(name, "main"), TODAY)
    elapsed = time.perf_counter() - start
    if outcome is not Outcome.OPENED:
        raise SystemExit(f"{name}: expected OPENED, got {outcome.name}")
    made = [r for r in fake.requests[before:] if not r.path.startswith(CODELOAD)]
    return elapsed, len(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500, help="Python modules to add")
    parser.add_argument("--runs", type=int, default=5, help="runs of each kind (median)")
    args = parser.parse_args()
    plain = files(args.files)
    asked = {**plain, ".github/molt.yml": "modernise: true\n"}
    without, with_, pure = [], [], []
    with FakeGitHub() as fake:
        for n in range(args.runs):  # alternating, so a slow moment hits both kinds
            without.append(run(fake, f"octo/plain{n}", plain))
            with_.append(run(fake, f"octo/modern{n}", asked))
    sources = {p: t for p, t in plain.items() if modernise.touches(p)}
    for _ in range(args.runs):
        start = time.perf_counter()
        result = modernise.modernise(sources, {}, Minor(3, 11))
        pure.append(time.perf_counter() - start)
    places = ", ".join(f"{rule.code} {count}" for rule, count in result.counts)
    print(f"{len(sources)} Python files; modernised {len(result.files)}: {places}")
    print(f"skipped (do not parse): {len(result.skipped)}")
    for label, rows in (("without modernise", without), ("with modernise", with_)):
        seconds = statistics.median(r[0] for r in rows)
        requests = sorted({r[1] for r in rows})
        print(f"upgrade.run {label}: median {seconds:.2f} s, API requests {requests}")
    print(f"app.modernise.modernise alone: median {statistics.median(pure):.2f} s")


if __name__ == "__main__":
    main()
