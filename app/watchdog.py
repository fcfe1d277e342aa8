"""What runs: a record of every running job, recovery of those a crash left, worker heartbeats.

huey takes a task off the queue when a worker dequeues it, so a worker that dies mid-job would
lose it. Before a job runs, its task (serialised as huey queues it) is written as a lease
``running:<task id>`` of the worker process, renewed while the job runs and dropped when it
ends (done, failed, or back on the queue for a retry). ``Running.recover`` puts back on the queue
every job whose worker is gone or whose lease expired, and clears the per-repository locks of
workers that are gone; it runs when a consumer starts (and says what it found), then every few
seconds. Effects are idempotent (the branch and the pull request on GitHub are the state), so a
job run twice changes nothing the second time.

Each worker process also holds a ``worker:`` lease, its heartbeat: ``/healthz`` reports no live
worker, and a job running past the time limit, as unhealthy. Jobs past the limit are stopped by
huey's own timeout; a job that does not yield to it (stuck in C code) has its worker process
killed by ``Running``'s watch, after its record and locks are dropped so it is not run again.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from huey import Huey

from app.leases import Holder, Lease, is_gone

log = logging.getLogger(__name__)

RUNNING = "running:"
LOCK = "repo:"
WORKER = "worker:"
PENDING = "pending:"  # a queued run of a repository (``app.jobs`` coalesces on it)
# How long past the time limit huey's own timeout may take before the worker is killed (at
# most the limit again).
BACKSTOP_SECONDS = 5.0

Describe = Callable[[Any], str]  # a huey task → "upgrade_repository octo/demo"


class Recovered(NamedTuple):
    """What a recovery found: jobs put back on the queue, repository locks cleared."""

    jobs: list[str]
    locks: list[str]


class Running:
    """The running-job records of one queue, written by its workers and read by the consumer."""

    def __init__(self, huey: Huey, holder: Holder, time_limit: float, describe: Describe) -> None:
        self.huey, self.holder, self.time_limit = huey, holder, time_limit
        self.store = holder.store
        self._describe = describe
        self._started: dict[str, float] = {}  # task id → monotonic start, in this process
        self.overdue_after = time_limit + min(BACKSTOP_SECONDS, time_limit)
        self._watch_pid: int | None = None
        self._enforcing = False

    # --- in the worker -------------------------------------------------------------------

    def started(self, task: Any) -> None:
        """A worker is about to run ``task``."""
        data = base64.b64encode(self.huey.serialize_task(task)).decode()
        record = {"job": self._describe(task), "started": self.store.now(), "task": data}
        self.holder.claim(RUNNING + task.id, json.dumps(record))
        self._started[task.id] = time.monotonic()
        self._start_watching()

    def ended(self, task: Any, *_: object) -> None:
        """``task`` finished, failed or was queued again for a retry."""
        self._started.pop(task.id, None)
        self.holder.release(RUNNING + task.id)

    def interrupted(self, _signal: str, task: Any, *_: object) -> None:
        """The worker is being stopped mid-job: the job goes back on the queue now."""
        self.huey.enqueue(task)
        self.ended(task)
        log.warning("%s: interrupted; queued again", self._describe(task))

    def timed_out(self, _signal: str, task: Any, *_: object) -> None:
        """huey stopped ``task`` at the time limit; it is retried like any failure, so a
        repository whose content keeps a job busy that long costs a few limits, no more."""
        log.error(
            "%s: stopped at the job time limit (%g s); %d retries left",
            self._describe(task),
            self.time_limit,
            task.retries,
        )

    def enforce(self) -> None:
        """In a worker process: kill it when a job ignores huey's timeout (see ``_kill``)."""
        self._enforcing = True

    def heartbeat(self) -> None:
        """Say this worker process is alive, for as long as it is (see ``health``)."""
        self.holder.keep(WORKER + self.holder.owner)

    def _start_watching(self) -> None:
        if self._enforcing and self._watch_pid != os.getpid():
            self._watch_pid = os.getpid()
            threading.Thread(target=self._watch, name="molt-time-limit", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(1)
            now = time.monotonic()
            overdue = [i for i, t in list(self._started.items()) if now - t > self.overdue_after]
            if overdue:
                self._kill(overdue)

    def _kill(self, overdue: list[str]) -> None:
        """A job ignored huey's timeout: drop its record and locks, then end this process
        (the consumer starts another)."""
        for task_id in overdue:
            log.error(
                "job %s ignored the %g s time limit; killing its worker", task_id, self.time_limit
            )
            self.holder.release(RUNNING + task_id)
        for key in self.holder.held():
            if key.startswith(LOCK):
                self.holder.release(key)
        os.kill(os.getpid(), signal.SIGKILL)

    # --- in the consumer -----------------------------------------------------------------

    def recover(self) -> Recovered:
        """Queue again the jobs of gone or silent workers; clear the locks of gone ones."""
        now = self.store.now()
        jobs = []
        for lease in self.store.leases(RUNNING):
            if _abandoned(lease, now) and self.store.release(lease.key, lease.owner):
                record = json.loads(lease.value)
                self.huey.enqueue(self.huey.deserialize_task(base64.b64decode(record["task"])))
                jobs.append(record["job"])
        locks = [
            lease.key.removeprefix(LOCK)
            for lease in self.store.leases(LOCK)
            if _abandoned(lease, now) and self.store.release(lease.key, lease.owner)
        ]
        for prefix in (WORKER, PENDING):  # dead workers' heartbeats, lost runs' markers
            for lease in self.store.leases(prefix):
                if lease.expires <= now or (prefix == WORKER and is_gone(lease.owner)):
                    self.store.release(lease.key, lease.owner)
        return Recovered(jobs, locks)

    def report(self, found: Recovered) -> None:
        """One log line for what a crash left behind, if anything."""
        if found.jobs or found.locks:
            log.warning(
                "a stopped worker left %d job(s) running and %d repository lock(s) held: "
                "queued again: %s; unlocked: %s",
                len(found.jobs),
                len(found.locks),
                ", ".join(found.jobs) or "none",
                ", ".join(found.locks) or "none",
            )

    def health(self) -> str:
        """Say "ok", or which job runs past the time limit, or that no worker is alive."""
        try:
            return self._health()
        except Exception as error:  # the store is down: say so, once per check, no traceback
            return f"degraded: workers unknown, their store unreachable ({type(error).__name__})"

    def _health(self) -> str:
        now = self.store.now()
        stuck = []
        for lease in self.store.leases(RUNNING):
            record = json.loads(lease.value)
            if now - record["started"] > self.overdue_after:
                stuck.append(f"{record['job']} for {now - record['started']:.0f} s")
        if stuck:
            return f"stuck past the {self.time_limit:g} s limit: " + ", ".join(stuck)
        if not any(lease.expires > now for lease in self.store.leases(WORKER)):
            return "no live worker"
        return "ok"


def _abandoned(lease: Lease, now: float) -> bool:
    return lease.expires <= now or is_gone(lease.owner)


def watch(running: Running, every: float, also: Callable[[], object] = lambda: None) -> None:
    """In a daemon thread: recover what stopped workers left, every ``every`` seconds, and
    call ``also`` (the consumer's own worker check)."""

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                running.report(running.recover())
                also()
            except Exception as error:  # the store is down: the next round tries again
                log.warning(
                    "watchdog: cannot recover (%s); again in %g s", type(error).__name__, every
                )

    threading.Thread(target=loop, name="molt-watchdog", daemon=True).start()
