"""Package index requests per repository, and what the shared cache saves over a 100-repository run.

Runs ``app.dependencies.check_dependencies`` on 100 generated repositories against the local
package index of the tests (real HTTP on 127.0.0.1, pages in PyPI's PEP 691 shape), the way a
worker does: one ``PackageIndex`` and one disk cache for every repository, one ``Budget`` each.
Each repository pins 4 to 12 projects drawn (seeded, so every run is the same) from 40, with the
popular ones drawn more often, the way real dependency lists overlap; some also have a range
with a ceiling, a Dockerfile ``pip install`` line and a ``[project] name`` of their own.

Four passes over the same 100 repositories:

- ``no shared cache``: each repository starts with an empty cache (as if nothing were kept);
- ``cold shared cache``: one cache for the run, empty at the start (a worker's first scan);
- ``warm, within max-age``: the same run again at once: every answer is fresh, no request;
- ``warm, past max-age``: after the index's max-age: every answer is revalidated, all 304s.

Run: ``python bench/index_requests.py [--repositories N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, which is not an installed package

from app.dependencies import check_dependencies  # noqa: E402
from app.package_index import Budget, IndexCache, PackageIndex  # noqa: E402
from rewriters import Policy  # noqa: E402
from rewriters.versions import Minor  # noqa: E402
from tests.fakes.index import PROJECTS, FakeIndex, Release, cp  # noqa: E402

POLICY = Policy.for_date(date(2026, 11, 26))  # 3.9 and 3.10 dropped
DROPPED = (Minor(3, 9), Minor(3, 10))
MAX_AGE = 600
SEED = 14


class Pass(NamedTuple):
    """One pass over every repository: requests each made, 304s, fresh answers, seconds."""

    name: str
    requests: list[int]
    not_modified: int
    fresh: int
    seconds: float


def synthetic_projects(count: int) -> dict[str, tuple[Release, ...]]:
    """``count`` more projects shaped like the real ones: compiled, with a first cp311 release."""
    projects = {}
    for number in range(count):
        releases = [Release(f"1.{minor}.0", cp(8, 9, 10), ".tar.gz", ">=3.8") for minor in range(6)]
        releases += [Release(f"2.{m}.0", cp(9, 10, 11, 12), ".tar.gz", ">=3.9") for m in range(4)]
        releases.append(Release("3.0.0", cp(11, 12, 13, 14), ".tar.gz", ">=3.11"))
        projects[f"lib{number:02}"] = tuple(releases)
    return projects


def repositories(count: int, names: list[str]) -> list[dict[str, str]]:
    """``count`` repositories, each pinning a few of ``names`` (earlier names drawn more)."""
    rng = random.Random(SEED)
    weights = [1 / (rank + 1) for rank in range(len(names))]
    found = []
    for number in range(count):
        chosen: list[str] = []
        while len(chosen) < rng.randint(4, 12):
            name = rng.choices(names, weights)[0]
            chosen += [] if name in chosen else [name]
        pins = [f"{name}=={PROJECTS_ALL[name][0].version}" for name in chosen]
        files = {"requirements.txt": "\n".join(pins) + "\n"}
        if number % 3 == 0:
            files["pyproject.toml"] = (
                f'[project]\nname = "service{number}"\ndependencies = ["{chosen[0]}<3"]\n'
            )
        if number % 4 == 0:
            files["Dockerfile"] = f"FROM python:3.11-slim\nRUN pip install {pins[-1]}\n"
        found.append(files)
    return found


PROJECTS_ALL = {**PROJECTS, **synthetic_projects(31)}
POPULAR = ["numpy", "pandas", "cryptography", "lxml", "tomli", "docopt", "typing-extensions"]


def run_pass(
    name: str, repos: list[dict[str, str]], index_for: Callable[[int], PackageIndex]
) -> Pass:
    requests, not_modified, fresh = [], 0, 0
    started = time.perf_counter()
    for number, files in enumerate(repos):
        budget = Budget()
        check_dependencies(files, POLICY, index_for(number), dropped=DROPPED, budget=budget)
        requests.append(budget.requests)
        not_modified += budget.not_modified
        fresh += budget.fresh
    return Pass(name, requests, not_modified, fresh, time.perf_counter() - started)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repositories", type=int, default=100)
    args = parser.parse_args(argv)
    names = POPULAR + [n for n in PROJECTS_ALL if n not in POPULAR and n != "inkwell"]
    repos = repositories(args.repositories, names[:40])
    pins = sum(files["requirements.txt"].count("==") for files in repos)
    with FakeIndex(PROJECTS_ALL, max_age=MAX_AGE) as fake, tempfile.TemporaryDirectory() as tmp:
        passes = []
        separate = [
            PackageIndex(fake.url, IndexCache(Path(tmp) / f"alone{n}")) for n in range(len(repos))
        ]
        passes.append(run_pass("no shared cache", repos, separate.__getitem__))
        clock = Clock()
        shared = PackageIndex(fake.url, IndexCache(Path(tmp) / "shared", clock=clock))
        passes.append(run_pass("cold shared cache", repos, lambda _: shared))
        passes.append(run_pass("warm, within max-age", repos, lambda _: shared))
        clock.now += MAX_AGE + 1
        passes.append(run_pass("warm, past max-age (304s)", repos, lambda _: shared))
        for client in [*separate, shared]:
            client.close()
        served = len(fake.requests)
    print(f"{len(repos)} repositories, {pins} pins, 40 projects on the index\n")
    print("| pass | index requests | per repository: mean / median / max | 304 | fresh | time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in passes:
        total = sum(row.requests)
        mean, median = statistics.mean(row.requests), statistics.median(row.requests)
        spread = f"{mean:.1f} / {median:g} / {max(row.requests)}"
        print(
            f"| {row.name} | {total} | {spread} | {row.not_modified} | {row.fresh} "
            f"| {row.seconds:.2f} s |"
        )
    print(f"\nthe index served {served} requests in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
