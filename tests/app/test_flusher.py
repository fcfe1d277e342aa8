"""The spool's flusher as a process of its own: what the web process spools reaches the queue
once, the spool empties behind it, and the process is replaced when it dies and ends when the
web process does."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app import service
from app.deliveries import DeliveryStore
from app.flusher import FlusherProcess
from app.outbox import TIDY_SECONDS, Outbox
from app.settings import Settings
from app.webhooks import WebhookEvent
from tests.app.test_serve import free_port
from tests.fakes.webhooks import app_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return app_settings(tmp_path / "data").model_copy(update={"check_dependencies": False})


def event(number: int) -> tuple[WebhookEvent, bytes]:
    payload = {"ref": "refs/tags/v1", "installation": {"id": 7}, "n": number}
    return WebhookEvent("push", None, f"d-{number}", 7, payload), json.dumps(payload).encode()


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.05)


def queued_ids(settings: Settings) -> list[str]:
    huey = service.build(settings).huey  # knows the tasks it reads back
    ids = []
    while (task := huey.dequeue()) is not None:
        ids.append(task.kwargs["delivery_id"])
    return ids


def test_spooled_deliveries_reach_the_queue_in_order_and_leave_the_spool(settings):
    store = DeliveryStore.in_data_dir(settings.data_dir, automatic_checkpoints=False)
    flusher = FlusherProcess(settings)
    outbox = Outbox(store, elsewhere=flusher)

    async def deliver() -> list[str]:
        outbox.start()
        answers = [await outbox.submit(*event(n)) for n in range(3)]
        await until(lambda: flusher.flushed_through >= 3)
        await asyncio.sleep(TIDY_SECONDS * 1.5)  # no delivery comes: the spool is tidied
        spooled = store.spooled_count()
        await outbox.stop()
        return [*answers, f"{spooled} spooled"]

    assert asyncio.run(deliver()) == ["queued", "queued", "queued", "0 spooled"]
    assert queued_ids(settings) == ["d-0", "d-1", "d-2"]
    assert not flusher.alive()


def test_a_flusher_that_dies_is_replaced_and_queues_nothing_twice(settings):
    store = DeliveryStore.in_data_dir(settings.data_dir, automatic_checkpoints=False)
    flusher = FlusherProcess(settings)
    outbox = Outbox(store, elsewhere=flusher)

    async def deliver() -> tuple[int | None, int | None]:
        outbox.start()
        await outbox.submit(*event(1))
        await until(lambda: flusher.flushed_through >= 1)
        killed = flusher._process.pid if flusher._process else None
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        await outbox.submit(*event(2))
        await until(lambda: flusher.flushed_through >= 2)  # a new process, started by the tidy
        replaced = flusher._process.pid if flusher._process else None
        await outbox.stop()
        return killed, replaced

    killed, replaced = asyncio.run(deliver())

    assert replaced != killed
    assert queued_ids(settings) == ["d-1", "d-2"]


def test_an_unreachable_queue_shows_in_health_and_keeps_the_delivery(settings):
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    settings = settings.model_copy(update={"queue_url": type(settings.queue_url)(unreachable)})
    store = DeliveryStore.in_data_dir(settings.data_dir, automatic_checkpoints=False)
    outbox = Outbox(store, elsewhere=FlusherProcess(settings))

    async def deliver() -> str:
        outbox.start()
        await outbox.submit(*event(1))
        await until(lambda: outbox.health() != "ok")
        health = outbox.health()
        await outbox.stop()
        return health

    assert asyncio.run(deliver()) == (
        "degraded: queue unreachable (ConnectionError); 1 deliveries spooled"
    )
    assert store.spooled_count() == 1


def test_the_flusher_ends_when_the_web_process_is_killed(settings, tmp_path):
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from app.flusher import FlusherProcess
        from tests.fakes.webhooks import app_settings

        if __name__ == "__main__":
            settings = app_settings(Path({str(settings.data_dir)!r}))
            flusher = FlusherProcess(settings.model_copy(update={{"check_dependencies": False}}))
            flusher.start()
            print(flusher._process.pid, flush=True)
            time.sleep(60)
        """
    )
    (tmp_path / "web.py").write_text(script)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, str(tmp_path / "web.py")], env=env, stdout=subprocess.PIPE, text=True
    ) as web:
        assert web.stdout is not None
        child = int(web.stdout.readline())
        spool = Path(settings.data_dir) / "deliveries.sqlite3"
        assert asyncio.run(_made(spool))  # the child is past its imports and in its loop
        web.kill()

    assert asyncio.run(_ended(child))


async def _made(path: Path) -> bool:
    await until(path.exists, seconds=15)
    return True


async def _ended(pid: int) -> bool:
    await until(lambda: not _running(pid), seconds=15)
    return True


def _running(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for a reaper has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status
