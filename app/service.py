"""Running the App: ``molt serve`` (web server and an in-process consumer), ``molt worker``.

Each worker is a process with a memory ceiling (``MOLT_JOB_MEMORY_MB``) and a heartbeat; the
consumer first queues again what a crash left running (``app.watchdog``), then keeps doing so.
"""

from __future__ import annotations

import functools
import logging
import os
import resource
import time
from typing import Any

from huey.consumer import Consumer
from redis.exceptions import ConnectionError as RedisConnectionError

from app import batches, listener, watchdog
from app.flusher import FlusherProcess
from app.jobs import Jobs, app_clients, make_huey
from app.outbox import EnqueueAll
from app.package_index import open_index
from app.server import create_app
from app.settings import Settings

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
WORKERS = 2  # processes; each repository job waits on GitHub more than on the CPU
WORKER_NICENESS = 10  # added to the workers' niceness under ``molt serve``


def build(settings: Settings) -> Jobs:
    """The queue and its tasks, wired to GitHub through the App's credentials."""
    index = None
    if settings.check_dependencies:
        url = settings.index_url.get_secret_value()
        index = functools.partial(open_index, url, settings.data_dir)
    return Jobs(settings, make_huey(settings), app_clients(settings), index=index)


class _Consumer(Consumer):  # type: ignore[misc]
    """huey's consumer, listening for SIGINT and SIGTERM before it forks its workers.

    huey installs its handlers only once every worker has started; a signal that came while
    it forked raised KeyboardInterrupt inside the fork hooks, where it is ignored, and the
    consumer then ran on. Children set their own handlers as they start.

    Before its workers start it queues again the jobs a crash left running, then watches for
    more; ``in_process`` (``molt serve``, where huey's own loop does not run) also restarts a
    worker that died.
    """

    def __init__(self, jobs: Jobs, *, in_process: bool, **options: Any) -> None:
        super().__init__(jobs.huey, **options)
        self.jobs, self.in_process = jobs, in_process

    def start(self) -> None:
        self._set_signal_handlers()
        running = self.jobs.running
        try:
            running.report(running.recover())
        except Exception as error:  # the queue's store is down: the watchdog tries again
            log.warning(
                "cannot look for jobs a crash left (%s: %s); the watchdog tries again",
                type(error).__name__,
                error,
            )
        super().start()
        watch = self._restart_dead_workers if self.in_process else (lambda: None)
        watchdog.watch(running, self.jobs.settings.lease_seconds / 3, watch)

    def _restart_dead_workers(self) -> None:
        """huey's check, except while the consumer stops: its workers end then on purpose."""
        if not self.stop_flag.is_set():
            self.check_worker_health()


class QuietOutage(logging.Filter):
    """One line a minute, not a traceback a tenth of a second, while the queue is unreachable.

    huey's workers and scheduler log every failed read of the queue with its traceback and try
    again at once; with Redis stopped that is hundreds of identical tracebacks a minute. A
    record caused by a connection error keeps its message and the error's name and loses the
    traceback, and the same message again within ``EVERY_SECONDS`` is dropped.
    """

    EVERY_SECONDS = 60.0

    def __init__(self) -> None:
        super().__init__()
        self._said: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, ConnectionError | RedisConnectionError):
            return True
        now, said = time.monotonic(), self._said.get(record.getMessage())
        if said is not None and now - said < self.EVERY_SECONDS:
            return False
        self._said[record.getMessage()] = now
        record.msg = f"{record.getMessage()} ({type(error).__name__}: {error}); said once a minute"
        record.args, record.exc_info, record.exc_text = (), None, None
        return True


def quiet_queue_outages() -> None:
    """Put ``QuietOutage`` on the loggers of huey's workers and scheduler (once)."""
    for name in ("huey.consumer.Worker", "huey.consumer.Scheduler"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietOutage) for f in logger.filters):
            logger.addFilter(QuietOutage())


def consumer(jobs: Jobs, *, in_process: bool = False) -> Consumer:
    """A huey consumer that also runs the daily rescan.

    Its workers are processes: jobs parse YAML and wait on GitHub, and in threads they would
    share the web server's interpreter lock and slow the webhook acknowledgements down. A
    process is also what a memory ceiling and a kill at the time limit can apply to alone.
    Beside the web server (`in_process`) they run at a lower priority, so a burst of jobs
    never delays an acknowledgement: GitHub waits for the answer, nobody waits for a job.
    """
    megabytes = jobs.settings.job_memory_mb

    def start_worker() -> None:
        if megabytes:
            limit_memory(megabytes * 2**20)
        if in_process:
            os.nice(WORKER_NICENESS)
        jobs.running.enforce()
        jobs.running.heartbeat()

    jobs.huey.on_startup(name="worker")(start_worker)
    quiet_queue_outages()
    return _Consumer(
        jobs, in_process=in_process, workers=WORKERS, worker_type="process", periodic=True
    )


def limit_memory(ceiling: int) -> None:
    """Cap the address space of this process: past it, allocating raises MemoryError."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def serve(settings: Settings, host: str, port: int) -> None:
    """The webhook server and a consumer in one process, and the spool's flusher in another
    (``app.flusher``), until interrupted."""
    jobs = build(settings)
    worker = consumer(jobs, in_process=True)
    web = create_app(
        settings,
        jobs.enqueue,
        queue_health=lambda: _queue_health(jobs),
        workers_health=jobs.running.health,
        flusher=FlusherProcess(settings),  # answered once spooled: see app.outbox
    )
    worker.start()
    try:
        listener.run(web, host, port)
    finally:
        worker.stop(graceful=True)


def enqueue_all(jobs: Jobs) -> EnqueueAll:
    """Puts the tasks of many deliveries on `jobs`' queue in one write (``app.batches``)."""
    return lambda events: batches.enqueue_all(jobs.huey, list(map(jobs.event_task, events)))


def work(settings: Settings) -> None:
    """A consumer alone, for scaling out with a Redis queue."""
    consumer(build(settings)).run()


def _queue_health(jobs: Jobs) -> str:
    try:
        jobs.huey.pending_count()  # raises when the queue's storage cannot be reached
    except Exception as error:  # the outbox logs the outage once; each check is no news
        return type(error).__name__
    return "ok"
