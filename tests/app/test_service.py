"""molt worker: a huey consumer that stops when asked, however early."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys

import redis

from tests.app.test_jobs import private_key
from tests.fakes import webhooks


def test_sigint_while_the_workers_start_stops_the_worker(fake_github, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOLT_")}
    env["MOLT_CHECK_DEPENDENCIES"] = "false"  # a test never reaches the real package index
    env |= {
        "MOLT_APP_ID": "1",
        "MOLT_PRIVATE_KEY": private_key(),
        "MOLT_WEBHOOK_SECRET": webhooks.SECRET,
        "MOLT_GITHUB_URL": fake_github.url,
        "MOLT_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "app", "worker"]
    with subprocess.Popen(
        command,
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so no worker outlives a failure
    ) as worker:
        try:
            assert worker.stderr is not None
            for line in worker.stderr:
                if "Huey consumer started" in line:  # logged just before the workers are forked
                    break
            worker.send_signal(signal.SIGINT)
            _, err = worker.communicate(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
    assert worker.returncode == 0
    assert "Consumer exiting." in err


def test_queue_outages_are_one_line_a_minute_other_errors_keep_their_traceback(caplog):
    from app.service import quiet_queue_outages

    quiet_queue_outages()
    worker = logging.getLogger("huey.consumer.Worker")
    with caplog.at_level(logging.ERROR, logger="huey.consumer"):
        for _ in range(50):  # huey tries again at once, with its own backoff
            try:
                raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
            except redis.exceptions.ConnectionError:
                worker.exception("Error reading from queue")
        try:
            raise ValueError("a bug")
        except ValueError:
            worker.exception("Unhandled error during execution")
    (outage, bug) = caplog.records
    assert outage.getMessage() == (
        "Error reading from queue (ConnectionError: Error 111 connecting to 127.0.0.1:6379.); "
        "said once a minute"
    )
    assert outage.exc_info is None
    assert bug.exc_info is not None
