"""Running the App: ``molt serve`` (web server and an in-process consumer), ``molt worker``."""

from __future__ import annotations

import logging

import uvicorn
from huey.consumer import Consumer

from app.jobs import Jobs, app_clients, make_huey
from app.server import create_app
from app.settings import Settings

log = logging.getLogger(__name__)

WORKERS = 2  # threads; each repository job waits on GitHub, not on the CPU


def build(settings: Settings) -> Jobs:
    """The queue and its tasks, wired to GitHub through the App's credentials."""
    return Jobs(settings, make_huey(settings), app_clients(settings))


class _Consumer(Consumer):  # type: ignore[misc]
    """huey's consumer, listening for SIGINT and SIGTERM before it forks its workers.

    huey installs its handlers only once every worker has started; a signal that came while
    it forked raised KeyboardInterrupt inside the fork hooks, where it is ignored, and the
    consumer then ran on. Children set their own handlers as they start.
    """

    def start(self) -> None:
        self._set_signal_handlers()
        super().start()


def consumer(jobs: Jobs) -> Consumer:
    """A huey consumer that also runs the daily rescan.

    Its workers are processes: jobs parse YAML and wait on GitHub, and in threads they would
    share the web server's interpreter lock and slow the webhook acknowledgements down.
    """
    return _Consumer(jobs.huey, workers=WORKERS, worker_type="process", periodic=True)


def serve(settings: Settings, host: str, port: int) -> None:
    """The webhook server and a consumer in one process, until interrupted."""
    jobs = build(settings)
    worker = consumer(jobs)
    web = create_app(settings, jobs.enqueue, queue_health=lambda: _queue_health(jobs))
    worker.start()
    try:
        # molt logs each delivery itself; uvicorn's access log would double the work per request
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=False)
    finally:
        worker.stop(graceful=True)


def work(settings: Settings) -> None:
    """A consumer alone, for scaling out with a Redis queue."""
    consumer(build(settings)).run()


def _queue_health(jobs: Jobs) -> str:
    jobs.huey.pending_count()  # raises when the queue's storage cannot be reached
    return "ok"
