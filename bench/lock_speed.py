"""Time to regenerate each kind of lock file when the minimum moves from Python 3.9 to 3.11.

One example project per kind (uv, Poetry, pdm, pip-compile, uv pip compile), each with the same
20 direct dependencies drawn from 40 generated projects (seeded: every run is the same), some
depending on others, a backport only old Pythons need and releases that leave the old
Pythons, so the lock for 3.9 holds about 30 releases. Each is locked for 3.9 by its own tool,
then molt's ``Locker.regenerate`` runs as the App does: a fresh scratch directory and empty
tool caches every time, against the tests' local index (real HTTP on 127.0.0.1).

Run: ``python bench/lock_speed.py [--runs N]`` (median of N, default 5).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, which is not an installed package

from app.lockfiles import Job, Locker, locked  # noqa: E402
from app.plan import plan  # noqa: E402
from rewriters import Policy  # noqa: E402
from tests.fakes.simple_index import Dist, SimpleIndex  # noqa: E402

MINIMUM = "3.11"
PROJECTS = 40
DIRECT = 20
REQUIRES = "tomli; python_version < '3.11'"


def dists(rng: random.Random) -> list[Dist]:
    """The index: 40 projects of three releases; every fourth one's newest leaves 3.9 and 3.10
    behind, some depend on a project after them, and tomli is a backport."""
    found = [Dist("tomli", "2.0.1", ">=3.7"), Dist("tomli", "2.2.1", ">=3.8")]
    for number in range(PROJECTS):
        name = f"pkg-{number:02d}"
        later = [f"pkg-{n:02d}" for n in range(number + 1, PROJECTS)]
        requires = tuple(rng.sample(later, min(len(later), rng.choice((0, 0, 1, 2)))))
        newest = ">=3.11" if number % 4 == 0 else ">=3.8"
        found += [
            Dist(name, "1.0.0", ">=3.8", requires),
            Dist(name, "1.1.0", ">=3.8", (*requires, REQUIRES) if number % 5 == 0 else requires),
            Dist(name, "2.0.0", newest, requires),
        ]
    return found


def requirements(rng: random.Random) -> list[str]:
    chosen = sorted(rng.sample(range(PROJECTS), DIRECT))
    return [f"pkg-{n:02d}" for n in chosen] + [REQUIRES]


def manifest(needs: list[str], tool: str, url: str) -> str:
    listed = ", ".join(f'"{r}"' for r in needs)
    text = (
        f'[project]\nname = "example"\nversion = "1.0"\nrequires-python = ">=3.9"\n'
        f"dependencies = [{listed}]\n"
    )
    if tool == "poetry":
        text += (
            "\n[tool.poetry]\npackage-mode = false\n\n[[tool.poetry.source]]\n"
            f'name = "local"\nurl = "{url}"\npriority = "primary"\n'
        )
    if tool == "pdm":
        text += "\n[tool.pdm]\ndistribution = false\n"
    return text


# kind -> (lock file, the command that locks for 3.9)
KINDS = {
    "uv.lock": ("uv.lock", ("uv", "lock")),
    "poetry.lock": ("poetry.lock", ("poetry", "lock")),
    "pdm.lock": ("pdm.lock", ("pdm", "lock")),
    "pip-compile": ("requirements.txt", ("pip-compile", "-o", "requirements.txt", "req.in")),
    "uv pip compile": (
        "requirements.txt",
        ("uv", "pip", "compile", "req.in", "-o", "requirements.txt", "--python-version", "3.9"),
    ),
}


def locked_for_39(kind: str, needs: list[str], index: SimpleIndex) -> dict[str, str]:
    """The example project of ``kind``, locked for Python 3.9 by its own tool."""
    lock, argv = KINDS[kind]
    tool = {"poetry.lock": "poetry", "pdm.lock": "pdm"}.get(kind, "uv")
    files = {"pyproject.toml": manifest(needs, tool, index.url)}
    if lock == "requirements.txt":
        files["req.in"] = "\n".join(needs) + "\n"
    job = Job(lock, argv, "", files)
    text = Locker(index.url).run(job)
    if kind == "pip-compile":  # as if compiled under 3.9: the backport is in
        text = text.replace("with Python 3.11", "with Python 3.9")
        text += 'tomli==2.2.1 ; python_version < "3.11"\n    # via -r req.in\n'
    return {**files, lock: text}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="regenerations per kind")
    args = parser.parse_args()
    rng = random.Random(13)
    index_dists, needs = dists(rng), requirements(rng)
    policy = Policy.for_date(date.today(), MINIMUM)
    with SimpleIndex(index_dists) as index:
        print(f"{len(index_dists)} releases on the index; median of {args.runs} per kind")
        for kind, (lock, _) in KINDS.items():
            files = locked_for_39(kind, needs, index)
            change = plan(files, policy, paths=list(files), changelog_entry=False)
            times, regenerated = [], change
            for _ in range(args.runs):
                started = time.perf_counter()
                regenerated = Locker(index.url).regenerate(change, files)
                times.append(time.perf_counter() - started)
            (lock_change,) = [c for c in regenerated.files if c.path == lock]
            assert lock_change.after is not None
            count = len(locked.read(lock, files[lock]))
            after = len(locked.read(lock, lock_change.after))
            print(
                f"  {kind:15} median {statistics.median(times):5.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f}); "
                f"{count} locked releases before, {after} after"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
