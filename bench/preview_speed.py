"""Wall time of ``molt preview`` on a repository with 50 config files (median of N runs).

The repository is built from ``examples/legacy-project``: its config files copied into
package directories until there are 50 files the rewriters claim, so every file needs a change.
Run: ``python bench/preview_speed.py [--runs 15]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "legacy-project"
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "tox.ini")
TARGET = 50


def build_repository(root: Path) -> int:
    """Copy the example's config into ``root`` until it holds ``TARGET`` claimed files."""
    shutil.copytree(EXAMPLE, root, dirs_exist_ok=True)
    count = 4  # the example's own workflow, pyproject.toml, setup.cfg and tox.ini
    package = 0
    while count < TARGET:
        directory = root / "packages" / f"pkg{package}"
        directory.mkdir(parents=True)
        for name in CONFIG_FILES:
            if count < TARGET:
                shutil.copy(EXAMPLE / name, directory / name)
                count += 1
        workflow = root / ".github" / "workflows" / f"pkg{package}.yml"
        if count < TARGET:
            shutil.copy(EXAMPLE / ".github" / "workflows" / "tests.yml", workflow)
            count += 1
        package += 1
    return count


def time_preview(root: Path, runs: int) -> list[float]:
    """Seconds per ``molt preview`` run, process start included."""
    command = [sys.executable, "-m", "app", "preview", str(root)]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "repo"
        files = build_repository(root)
        timings = time_preview(root, args.runs)
    median = statistics.median(timings)
    print(f"molt preview, {files} config files, {args.runs} runs:")
    print(f"  median {median * 1000:.0f} ms, min {min(timings) * 1000:.0f} ms,", end=" ")
    print(f"max {max(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
