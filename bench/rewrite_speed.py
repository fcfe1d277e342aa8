"""Two wall times of the ``molt`` command, process start included, in one run.

(a) ``molt preview`` on a repository of 50 config files (the ``.before`` files of
``tests/fixtures/rewriters``, renamed to the names their rewriters claim and spread over a
monorepo's paths), alone and with 20,000 small ordinary ``.py`` files in nested packages beside
them: what a large source tree adds to the walk and the path matching. The ratio of the two
medians is the figure.

(b) ``molt apply DIR --min-python X.Y`` against ``check-python-versions --drop <every version
below X.Y> DIR`` on each corpus case: a fresh copy of its ``before/`` tree per run, the median of
several runs per repository, then the median of the per-repository ratios (molt / the other).
check-python-versions asks before writing each file and is answered yes; it exits 1 when the
files disagree, which is not a failure here (molt must exit 0).

Both commands run from compiled bytecode: ``compileall`` writes molt's, one untimed run of each
command writes the rest, and ``PYTHONDONTWRITEBYTECODE`` is removed from their environment.

Run: ``pip install -e '.[bench]' && python bench/rewrite_speed.py [CORPUS_CASES] [--runs 9]``
(``CORPUS_CASES`` defaults to ``../shared/corpus/cases`` from the repository root; each case is
a directory holding ``before/`` and ``meta.json`` with its ``new_min``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "rewriters"
CONFIG_FILES = 50
ORDINARY_FILES = 20_000
# Where a fixture of each kind goes in the benchmark repository; ``{case}`` is the fixture's
# name. Kinds whose file sits only at the root (Travis, CircleCI, ...) get one file.
PLACES = {
    "appveyor": "appveyor.yml",
    "azure_pipelines": ".azure-pipelines/{case}.yml",
    "changelog": "packages/{case}/CHANGELOG.md",
    "circleci": ".circleci/config.yml",
    "compose": "deploy/{case}/docker-compose.yml",
    "conda_env": "ci/{case}-environment.yml",
    "dockerfile": "docker/{case}/Dockerfile",
    "github_actions": ".github/workflows/{case}.yml",
    "gitlab_ci": ".gitlab-ci.yml",
    "noxfile": "packages/{case}/noxfile.py",
    "pipfile": "services/{case}/Pipfile",
    "pre_commit_config": ".pre-commit-config.yaml",
    "prose": "README.md",
    "pyproject": "packages/{case}/pyproject.toml",
    "readthedocs": ".readthedocs.yaml",
    "setup_cfg": "packages/{case}/setup.cfg",
    "setup_py": "packages/{case}/setup.py",
    "tool_ini": "packages/{case}/mypy.ini",
    "tox_ini": "packages/{case}/tox.ini",
    "travis": ".travis.yml",
    "version_files": "services/{case}/.python-version",
}


def config_files() -> dict[str, Path]:
    """``CONFIG_FILES`` repository paths and the fixture each is copied from, taking one
    fixture of each kind in turn so that every kind is represented."""
    queues = {
        kind: sorted((FIXTURES / kind).glob("*.before"))
        for kind in PLACES
        if (FIXTURES / kind).is_dir()
    }
    chosen: dict[str, Path] = {}
    while len(chosen) < CONFIG_FILES and any(queues.values()):
        for kind, queue in queues.items():
            if queue and len(chosen) < CONFIG_FILES:
                fixture = queue.pop(0)
                case = fixture.name.split(".", 1)[0]
                chosen.setdefault(PLACES[kind].format(case=case), fixture)
    return chosen


def build_config(root: Path) -> int:
    """Write the config files under ``root``; how many there are."""
    files = config_files()
    for path, fixture in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, root / path)
    return len(files)


def build_sources(root: Path) -> None:
    """``ORDINARY_FILES`` small modules: 40 packages of 25 subpackages of 20 files each."""
    written = 0
    for package in range(40):
        for subpackage in range(25):
            directory = root / "src" / f"pkg{package}" / f"sub{subpackage}"
            directory.mkdir(parents=True)
            for module in range(20):
                name = "__init__.py" if module == 0 else f"module{module}.py"
                (directory / name).write_text(f'"""Module {module}."""\n\nVALUE = {module}\n')
                written += 1
    assert written == ORDINARY_FILES


def environment() -> dict[str, str]:
    """This environment, writing and reading bytecode."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: Sequence[str], answers: str = "", check: bool = True) -> float:
    """Seconds one run of ``command`` takes, process start included."""
    start = time.perf_counter()
    subprocess.run(
        command,
        input=answers,
        text=True,
        capture_output=True,
        env=environment(),
        cwd=ROOT,
        check=check,
    )
    return time.perf_counter() - start


def molt(*args: str) -> list[str]:
    """The ``molt`` command of this checkout."""
    return [sys.executable, "-m", "app", *args]


def compile_molt() -> None:
    """Bytecode for every molt module, the ones a run imports only when it needs them too."""
    command = [sys.executable, "-m", "compileall", "-q", "app", "rewriters"]
    subprocess.run(command, check=True, capture_output=True, env=environment(), cwd=ROOT)


def measure_preview(runs: int) -> None:
    """Runs alternate between the two repositories, so load from elsewhere falls on both."""
    with tempfile.TemporaryDirectory() as directory:
        alone, beside = Path(directory) / "alone", Path(directory) / "beside"
        count = build_config(alone)
        build_config(beside)
        build_sources(beside)
        timings: dict[Path, list[float]] = {alone: [], beside: []}
        for run in range(runs + 1):  # the first, untimed, writes bytecode
            for root, seconds in timings.items():
                elapsed = timed(molt("preview", str(root)))
                seconds.extend([elapsed] if run else [])
    first, second = statistics.median(timings[alone]), statistics.median(timings[beside])
    print(f"(a) molt preview, {count} config files, median of {runs} runs:")
    print(f"    alone {first * 1000:.0f} ms; with {ORDINARY_FILES:,} .py files beside them", end="")
    print(f" {second * 1000:.0f} ms; ratio {second / first:.2f}")


def dropped(minimum: str) -> str:
    """Every version below ``minimum`` as a check-python-versions list: ``2.7,3.0-3.9``."""
    minor = int(minimum.split(".")[1])
    return "2.7" if minor == 0 else f"2.7,3.0-3.{minor - 1}"


def apply_commands(minimum: str) -> dict[str, list[str]]:
    """The two commands compared, without the directory they work on."""
    return {
        "molt": molt("apply", "--min-python", minimum),
        "check-python-versions": [
            sys.executable,
            "-m",
            "check_python_versions",
            "--allow-non-packages",
            "--drop",
            dropped(minimum),
        ],
    }


def apply_medians(before: Path, commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median seconds of each command on fresh copies of ``before``, the commands taking turns."""
    timings: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as directory:
        for run in range(runs):
            for name, command in commands.items():
                copy = Path(directory) / f"{name}-{run}"
                shutil.copytree(before, copy, symlinks=True)
                seconds = timed([*command, str(copy)], "y\n" * 200, check=name == "molt")
                timings[name].append(seconds)
    return {name: statistics.median(seconds) for name, seconds in timings.items()}


def measure_apply(corpus: Path, runs: int) -> None:
    cases = sorted(path.parent for path in corpus.glob("*/meta.json"))
    if not cases:
        sys.exit(f"no cases under {corpus}")
    apply_medians(cases[0] / "before", apply_commands("3.10"), 1)  # bytecode for both
    print(f"(b) molt apply / check-python-versions --drop, median of {runs} runs per repository:")
    ratios = []
    for case in cases:
        minimum = json.loads((case / "meta.json").read_text())["new_min"]
        times = apply_medians(case / "before", apply_commands(minimum), runs)
        ratio = times["molt"] / times["check-python-versions"]
        ratios.append(ratio)
        print(
            f"    {case.name:<55} molt {times['molt'] * 1000:4.0f} ms, check-python-versions "
            f"{times['check-python-versions'] * 1000:4.0f} ms, ratio {ratio:.2f}"
        )
    print(f"    median ratio over {len(cases)} repositories: {statistics.median(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "cases"
    )
    parser.add_argument("--runs", type=int, default=9, help="runs of molt preview per median")
    parser.add_argument("--apply-runs", type=int, default=5, help="runs per repository and tool")
    parser.add_argument("--skip-preview", action="store_true")
    parser.add_argument("--skip-apply", action="store_true")
    args = parser.parse_args()
    compile_molt()
    if not args.skip_preview:
        measure_preview(args.runs)
    if not args.skip_apply:
        measure_apply(args.corpus, args.apply_runs)


if __name__ == "__main__":
    main()
