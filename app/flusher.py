"""The spool's flusher as a process of its own, beside ``molt serve``'s web server.

The web process answers GitHub, and whatever it does per delivery delays the next answer.
Putting spooled deliveries on the queue (reading them back, parsing, pickling, writing the
queue) is work no answer waits for, so ``molt serve`` runs ``app.outbox.Flusher`` here: it
reads the spool in order, puts what it finds on the queue, and publishes in shared memory how
far it got and, while the queue refuses, why. The web process drops the flushed rows in its
own next write, so the spool keeps a single writer. The web process wakes this one when it
spools something, starts another if this one dies, and stops it on the way out; this one stops
by itself when the web process is gone. They share no lock: a process killed while holding
one would stop the other for good, so the wake-ups go through a pipe and the rest is plain
shared memory with one writer each.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from ctypes import c_bool, c_char, c_longlong
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from app.deliveries import DeliveryStore
from app.outbox import EnqueueAll, Flusher, Waitable
from app.settings import Settings

logger = logging.getLogger(__name__)

# A fresh interpreter: the web process has threads (the consumer's), which a fork would copy
# in whatever state they were.
_SPAWN = multiprocessing.get_context("spawn")
_FAILURE_BYTES = 256


class FlusherProcess:
    """The flusher process for the spool in `settings.data_dir`, seen from the web process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._through: Any = _SPAWN.RawValue(c_longlong, 0)  # written by the child
        self._failure: Any = _SPAWN.RawArray(c_char, _FAILURE_BYTES)  # written by the child
        self._stopping: Any = _SPAWN.RawValue(c_bool, False)  # written here
        self._waking, self._wakes = _SPAWN.Pipe(duplex=False)
        os.set_blocking(self._wakes.fileno(), False)  # a full pipe wakes the child anyway
        self._process: BaseProcess | None = None

    def start(self) -> None:
        """Start the process, unless it runs; a new one goes on from where the last stopped."""
        if self.alive():
            return
        shared = (self._through, self._failure, self._stopping, self._waking)
        self._process = _SPAWN.Process(
            target=_run, args=(self.settings, *shared, os.getpid()), name="molt-flusher"
        )
        self._process.daemon = True  # ended with the web process, whatever happens to it
        self._process.start()

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def stop(self, seconds: float) -> None:
        """Ask the process to stop after its current write; end it after `seconds`."""
        self._stopping.value = True
        self.wake()
        if self._process is None:
            return
        self._process.join(seconds)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(seconds)

    def wake(self) -> None:
        """Something new is spooled."""
        with contextlib.suppress(BlockingIOError):  # wake-ups are already waiting
            self._wakes.send_bytes(b"")

    @property
    def flushed_through(self) -> int:
        """Every spooled delivery up to this position is on the queue."""
        return int(self._through.value)

    @property
    def failure(self) -> str | None:
        """Why the queue refuses the process's writes, while it does."""
        value: bytes = self._failure.value
        return value.decode() or None


class _Wake:
    """The child's end of the wake-up pipe, as a ``Waitable``."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe

    def is_set(self) -> bool:
        return self.pipe.poll(0)

    def wait(self, timeout: float | None = None) -> bool:
        return self.pipe.poll(timeout)

    def clear(self) -> None:
        while self.pipe.poll(0):
            self.pipe.recv_bytes()


class _Stopping:
    """The flag the web process sets, as a ``Waitable``; also set here when it is gone."""

    STEP = 0.1

    def __init__(self, flag: Any, parent: int) -> None:
        self.flag, self.parent = flag, parent

    def is_set(self) -> bool:
        if os.getppid() != self.parent:  # the web process is gone: so is whoever spools
            self.flag.value = True
        return bool(self.flag.value)

    def wait(self, timeout: float | None = None) -> bool:
        deadline = time.monotonic() + (timeout or 0.0)
        while not self.is_set() and time.monotonic() < deadline:
            time.sleep(self.STEP)
        return self.is_set()

    def clear(self) -> None:
        self.flag.value = False


class _Publishing(Flusher):
    """The flusher loop, telling the web process what it did through shared memory."""

    def __init__(
        self,
        store: DeliveryStore,
        enqueue_all: EnqueueAll,
        through: Any,
        failure: Any,
        stopping: Waitable,
        wake: Waitable,
    ) -> None:
        super().__init__(store, enqueue_all, stopping, wake, after=int(through.value))
        self.through, self.failure_text = through, failure

    def queued(self, delivery_ids: list[str]) -> None:
        self.through.value = self.after
        self.failure_text.value = b""

    def refused(self, delivery_ids: list[str]) -> None:
        self.failure_text.value = (self.failure or "error").encode()[: _FAILURE_BYTES - 1]


def _run(
    settings: Settings, through: Any, failure: Any, stopping: Any, waking: Connection, parent: int
) -> None:
    from app import service  # builds the queue the way the web process does

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the web process, which stops us
    os.nice(service.WORKER_NICENESS)  # like the workers: no answer waits for this one
    logging.basicConfig(level=logging.INFO, format=service.LOG_FORMAT)
    store = DeliveryStore.in_data_dir(settings.data_dir, automatic_checkpoints=False)
    enqueue_all = service.enqueue_all(service.build(settings))
    flag = _Stopping(stopping, parent)
    _Publishing(store, enqueue_all, through, failure, flag, _Wake(waking)).run()
