"""molt worker: a huey consumer that stops when asked, however early."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

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
