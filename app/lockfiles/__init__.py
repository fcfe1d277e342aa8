"""Lock files regenerated with the real tools when molt raises the minimum.

``Locker(index_url).regenerate(plan, files)`` runs, for each lock file of a project molt
changed, that lock file's own tool (``uv lock``, ``poetry lock``, ``pdm lock --update-reuse``,
or the ``pip-compile`` / ``uv pip compile`` command a compiled file's header records), and adds
the new lock file to the plan with one line per locked release the change removed or moved.
Each run is fenced (``scratch``): a temporary directory holding only the manifests and lock
files, an environment with no secret in it, the package index as the one URL, a time limit.

A failure never costs the pull request: the old lock file stays and a note says what failed.
A lock file molt will not regenerate (dynamic metadata only a build can tell, another index,
git or URL sources, pip-compile under another Python, ``Pipfile.lock``) gets a note with the
command to run.

    job.py       Job (a command over some files) and Skip (a note instead)
    projects.py  uv.lock, poetry.lock, pdm.lock
    compiled.py  compiled requirements files
    locked.py    the releases a lock file locks, and the summary of what changed
    sources.py   git and URL sources, which would reach beyond the index
    scratch.py   the directory, environment and time limit the tools run in
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Collection, Mapping
from pathlib import Path

from app.lockfiles import compiled, locked, projects, scratch
from app.lockfiles.job import Job, Skip, directory, joined
from app.plan import FileChange, Plan, texts_after
from rewriters.registry import is_skipped
from rewriters.repository import lockfiles as lock_notes
from rewriters.versions import Minor

__all__ = ["DEFAULT_BUDGET", "DEFAULT_TIMEOUT", "Job", "LockFailed", "Locker", "Skip", "jobs"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0  # seconds per lock file
# seconds for all of one repository's lock files: a job has 600 (MOLT_JOB_TIME_LIMIT's default)
DEFAULT_BUDGET = 300.0
REGENERATED = "regenerated with {command}"
FAILED = "`{path}` was not regenerated ({reason}); the old lock file is kept: run {command}."
OUT_OF_TIME = (
    "`{path}` was not regenerated: molt's time for one repository's lock files ({budget:g} s) "
    "was spent on the others; run {command}."
)
NOT_INSTALLED = "`{tool}` is not installed beside molt: install `molt-bot[lock]`"
MAX_REASON = 300  # characters of a tool's error quoted in a note
# where a project declares its minimum: when molt changes one, the lock file beside it is stale
MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")


class LockFailed(Exception):
    """A tool could not regenerate a lock file; the message says why."""


class Locker:
    """Regenerates lock files against one package index, each within ``timeout`` seconds and
    all of one repository's within ``budget`` seconds."""

    def __init__(
        self, index_url: str, *, timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET
    ) -> None:
        self._index_url = index_url
        self.timeout = timeout
        self.budget = budget

    def __repr__(self) -> str:  # the index URL may carry credentials
        return f"Locker(timeout={self.timeout:g})"

    def regenerate(self, plan: Plan, files: Mapping[str, str]) -> Plan:
        """``plan`` with the lock files of the projects it changes regenerated.

        ``files`` are the repository's texts before the change, lock files included. A lock
        file molt regenerates, fails to or skips loses the plan's "regenerate it with …" note;
        a failure or a skip gets its own note instead.
        """
        if not plan.files:
            return plan
        minimum = plan.policy.minimum
        after = texts_after(plan, files)
        work = jobs(after, {change.path for change in plan.files}, self._index_url, minimum)
        changes = {change.path: change for change in plan.files}
        notes = []
        deadline = time.monotonic() + self.budget
        for item in work:
            if isinstance(item, Skip):
                notes.append(item.note)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                notes.append(
                    OUT_OF_TIME.format(path=item.path, budget=self.budget, command=item.command)
                )
                continue
            try:
                text = self.run(item, min(self.timeout, left))
            except LockFailed as error:
                log.warning("%s: %s", item.path, error)
                notes.append(FAILED.format(path=item.path, reason=error, command=item.command))
                continue
            if text != after[item.path]:
                was = changes.get(item.path)
                changes[item.path] = _change(item, files[item.path], text, minimum, was)
        superseded = set(lock_notes.notes({item.path: files[item.path] for item in work}))
        kept = tuple(note for note in plan.repository_notes if note not in superseded)
        return plan._replace(
            files=tuple(sorted(changes.values())), repository_notes=(*kept, *notes)
        )

    def run(self, job: Job, timeout: float | None = None) -> str:
        """The lock file ``job`` makes, in a scratch directory, within ``timeout`` seconds (the
        locker's own by default); ``LockFailed`` says why not."""
        tool = scratch.tool_path(job.argv[0])
        if tool is None:
            raise LockFailed(NOT_INSTALLED.format(tool=job.argv[0]))
        try:
            with tempfile.TemporaryDirectory(prefix="molt-lock-") as temporary:
                return self._run_in(Path(temporary), tool, job, timeout or self.timeout)
        except OSError as error:  # the scratch directory, or a tool that wrote no lock file
            raise LockFailed(f"`{job.argv[0]}`: {error.strerror or error}") from None

    def _run_in(self, temporary: Path, tool: str, job: Job, timeout: float) -> str:
        tree, home = temporary / "repository", temporary / "home"
        scratch.write_tree(tree, job.inputs)
        home.mkdir()
        env = scratch.environment(home, self._index_url)
        cwd = tree.joinpath(*job.cwd.split("/")) if job.cwd else tree
        try:
            ran = scratch.run([tool, *job.argv[1:]], cwd, env, timeout)
        except scratch.TimedOut as error:
            raise LockFailed(f"`{job.argv[0]}` was {error}") from None
        if ran.status != 0:
            said = scratch.redact(_last_words(ran.stderr or ran.stdout), self._index_url)
            raise LockFailed(f"`{job.argv[0]}` failed: {said}")
        return tree.joinpath(*job.path.split("/")).read_bytes().decode("utf-8", "replace")


def jobs(
    files: Mapping[str, str], changed: Collection[str], index_url: str, minimum: Minor
) -> list[Job | Skip]:
    """What to do for each lock file in ``files`` (texts after the change) whose project the
    change touched (``changed``: the paths it changes); compiled requirements files always,
    as the Python they are compiled for moved."""
    found: list[Job | Skip] = []
    for path in sorted(files):
        name = path.rpartition("/")[2]
        if is_skipped(path):
            continue
        if name in projects.COMMANDS:
            work = projects.job(path, files, index_url, minimum)
            inputs = work.inputs if isinstance(work, Job) else ()
            beside = [joined(directory(path), manifest) for manifest in MANIFESTS]
            if any(p in changed for p in [*beside, *inputs]):
                found.append(work)
        elif name.endswith(".txt") and compiled.command(files[path]):
            found.append(compiled.job(path, files, minimum))
    return found


def _change(
    job: Job, before: str, after: str, minimum: Minor, was: FileChange | None
) -> FileChange:
    """The regenerated lock file; when the plan already edited it (a moved pin), its edits'
    lines come first, and the summary is of what the tool changed after them."""
    name = job.path.rpartition("/")[2]
    started = job.inputs[job.path]
    summary = locked.summary(locked.read(name, started), locked.read(name, after), minimum)
    changes = (REGENERATED.format(command=job.command), *summary)
    if was is None:
        return FileChange(job.path, before, after, changes, ())
    return was._replace(after=after, changes=(*was.changes, *changes))


def _last_words(output: str) -> str:
    """The tool's last lines of error, on one line, at most ``MAX_REASON`` characters."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    said = " ".join(lines[-3:]) or "no output"
    return said if len(said) <= MAX_REASON else "…" + said[-MAX_REASON:]
