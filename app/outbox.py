"""Accepted deliveries on their way to the queue: recorded and spooled in batches, flushed to
the queue by a flusher (a thread, or a process of its own), and kept while the queue cannot be
reached.

The webhook route awaits ``Outbox.submit``. The event loop gathers what arrives in one turn and
writes it in one SQLite transaction (the delivery ids and the spooled deliveries), so no
request waits on a thread, a lock or the queue's own storage. A flusher then puts the spooled
deliveries on the queue, oldest first and many in one write, and says how far it got; the loop
drops those from the spool in its next transaction.

``wait_for_queue`` says when a delivery is answered: once it is on the queue ("queued"), or
once it is spooled (what ``molt serve`` does: the spool is a WAL-mode SQLite file in the data
directory, as durable as the SQLite queue, and the flush follows within milliseconds). When
the queue cannot be reached (Redis down) deliveries stay spooled and are answered "spooled" —
GitHub does not redeliver on its own — and the flusher retries with a growing pause until the
queue answers. Deliveries left spooled by a stop or a crash are flushed at the next start; one
put on the queue just before a crash may run twice (jobs are idempotent).

``Flusher`` is that loop. ``molt serve`` runs it in a process of its own (``app.flusher``), so
the web process does nothing per delivery but verify, record and answer; there it publishes
how far it got in shared memory, and the loop looks at least once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from typing import Final, Protocol

from app.deliveries import Delivery, DeliveryStore
from app.webhooks import Enqueue, WebhookEvent

logger = logging.getLogger(__name__)

# Puts several events on the queue in one write: all of them, or it raises.
EnqueueAll = Callable[[Sequence[WebhookEvent]], None]

FLUSH_MAX: Final = 500  # deliveries per write to the queue
RETRY_SECONDS: Final = (0.25, 0.5, 1.0, 2.0, 5.0)  # pauses while the queue is unreachable
STOP_SECONDS: Final = 10.0
CHECKPOINT_SECONDS: Final = 5.0  # the spool's log is copied into its database at most this often
TIDY_SECONDS: Final = 1.0  # how often the web process looks after a flusher process


class Waitable(Protocol):
    """What the flusher waits on: a ``threading.Event``, or what stands for one in a flusher
    process (``app.flusher``: a pipe, a flag in shared memory)."""

    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...
    def clear(self) -> None: ...


class RemoteFlusher(Protocol):
    """The flusher as a process of its own (``app.flusher``), seen from the web process."""

    def start(self) -> None: ...
    def alive(self) -> bool: ...
    def stop(self, seconds: float) -> None: ...
    def wake(self) -> None: ...
    @property
    def flushed_through(self) -> int: ...
    @property
    def failure(self) -> str | None: ...


def one_by_one(enqueue: Enqueue) -> EnqueueAll:
    """`enqueue` called for each event in turn."""

    def enqueue_all(events: Sequence[WebhookEvent]) -> None:
        for event in events:
            enqueue(event)

    return enqueue_all


class Outbox:
    """Hands verified deliveries from the route to the queue, through the store's spool.

    The flusher is a thread of this process calling `enqueue_all`, or `elsewhere`: a process
    of its own (then a delivery is answered once it is spooled, whatever `wait_for_queue`).
    """

    def __init__(
        self,
        store: DeliveryStore,
        enqueue_all: EnqueueAll | None = None,
        *,
        wait_for_queue: bool = True,
        elsewhere: RemoteFlusher | None = None,
    ) -> None:
        assert (enqueue_all is None) != (elsewhere is None), "one flusher, in one place"
        self.store = store
        self.wait_for_queue = wait_for_queue and elsewhere is None
        self._lock = threading.Lock()  # guards the two below and the loop
        self._arrived: list[tuple[Delivery, asyncio.Future[str]]] = []
        self._waiting: dict[str, asyncio.Future[str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop of the latest request
        self._events: dict[str, WebhookEvent] = {}  # parsed payloads of spooled deliveries
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._started = False
        self._thread: threading.Thread | None = None
        self._in_thread = _ThreadFlusher(self, enqueue_all) if enqueue_all else None
        self._elsewhere = elsewhere
        self._dropped_through = 0  # the spool holds no flushed delivery up to this position
        self._tidying: asyncio.TimerHandle | None = None

    async def submit(self, event: WebhookEvent, body: bytes) -> str:
        """Record one delivery: "queued", "duplicate" or "spooled" (the queue is unreachable).

        Raises what the store raised when the delivery could not be recorded.
        """
        self.start()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str] = loop.create_future()
        delivery = Delivery(
            event.delivery_id, event.name, event.action, event.installation_id, body
        )
        if self._in_thread is not None:
            self._events[event.delivery_id] = event
        with self._lock:
            self._loop = loop
            if not self._arrived:
                loop.call_soon(self._write)
            self._arrived.append((delivery, answer))
        return await answer

    def start(self) -> None:
        """Start the flusher (once); it first flushes what an earlier run left spooled."""
        with self._lock:
            if self._started:
                return
            self._started = True
        if self._elsewhere is not None:
            self._elsewhere.start()
            with contextlib.suppress(RuntimeError):  # no loop: nobody writes to the spool
                self._tidying = asyncio.get_running_loop().call_later(TIDY_SECONDS, self._tidy)
            return
        assert self._in_thread is not None
        self._thread = threading.Thread(target=self._in_thread.run, name="molt-flusher")
        self._thread.daemon = True
        self._thread.start()

    async def stop(self) -> None:
        """Stop the flusher; what is on the queue leaves the spool, the rest stays for later."""
        if not self._started:
            return
        self._stopping.set()
        self._wake.set()
        if self._tidying is not None:
            self._tidying.cancel()
        if self._elsewhere is not None:
            await asyncio.to_thread(self._elsewhere.stop, STOP_SECONDS)
        elif self._thread is not None:
            await asyncio.to_thread(self._thread.join, STOP_SECONDS)
        self._write()

    def health(self, queue_health: str = "ok") -> str:
        """Return "ok", or "degraded: …" with why deliveries wait in the spool and how many.

        `queue_health` is the queue's own check: "ok" or what is wrong with it.
        """
        problem = self._failure or (None if queue_health == "ok" else queue_health)
        if problem is None:
            return "ok"
        count = self.store.spooled_count()
        return f"degraded: queue unreachable ({problem}); {count} deliveries spooled"

    @property
    def _flushed_through(self) -> int:
        """Every spooled delivery up to this position is on the queue."""
        if self._elsewhere is not None:
            return self._elsewhere.flushed_through
        return self._in_thread.after if self._in_thread else 0

    @property
    def _failure(self) -> str | None:
        """Why the queue refused the flusher's last write, while it does."""
        if self._elsewhere is not None:
            return self._elsewhere.failure
        return self._in_thread.failure if self._in_thread else None

    # --- on an event loop -------------------------------------------------------------

    def _write(self) -> None:
        """One transaction: what arrived is recorded and spooled, what was flushed dropped."""
        with self._lock:
            arrived, self._arrived = self._arrived, []
        through = self._flushed_through
        if not arrived and through <= self._dropped_through:
            return
        try:
            fresh = self.store.accept([d for d, _ in arrived], through=through)
        except Exception as error:
            for delivery, answer in arrived:
                self._events.pop(delivery.delivery_id, None)
                _resolve(answer, error)
            return
        self._dropped_through = max(self._dropped_through, through)
        for (delivery, answer), new in zip(arrived, fresh, strict=True):
            if not new:
                self._events.pop(delivery.delivery_id, None)
                _resolve(answer, "duplicate")
            elif self.wait_for_queue and self._failure is None:
                with self._lock:
                    self._waiting[delivery.delivery_id] = answer
            else:
                _resolve(answer, "spooled" if self._failure else "queued")
        if any(fresh):
            if self._elsewhere is not None:
                self._elsewhere.wake()
            self._wake.set()

    def _tidy(self) -> None:
        """Every second while the flusher is a process: drop what it flushed while no delivery
        came, and start it again if it died."""
        assert self._elsewhere is not None
        if self._stopping.is_set():
            return
        if not self._elsewhere.alive():
            logger.warning("the spool's flusher process stopped; starting another")
            self._elsewhere.start()
        with contextlib.suppress(Exception):  # the store says why at the next delivery
            self._write()
        self._tidying = asyncio.get_running_loop().call_later(TIDY_SECONDS, self._tidy)

    # --- the flusher thread -----------------------------------------------------------

    def _report(self, delivery_ids: list[str], outcome: str) -> None:
        """Answer whoever waits for these deliveries; have them dropped from the spool if
        they are queued (by the latest request's loop, or here when it has closed)."""
        with self._lock:
            waiting = [self._waiting.pop(i, None) for i in delivery_ids]
            loop = self._loop
            riding = bool(self._arrived)  # a write is due anyway: the deletes go with it
        for answer in waiting:
            if answer is not None:
                _call_soon(answer.get_loop(), _settle, answer, outcome)
        if outcome != "queued" or riding:
            return
        if not (loop and _call_soon(loop, self._write)):
            self.store.accept([], through=self._flushed_through)


class Flusher:
    """Puts spooled deliveries on the queue, oldest first and many at once, until `stopping`
    is set; sleeps until `wake` is set (or a few seconds pass) when the spool is empty.

    While the queue refuses, deliveries stay spooled and it retries with a growing pause,
    logging once when that starts and once when it ends. What it did is told to `queued` and
    `refused`, which an owner overrides.
    """

    def __init__(
        self,
        store: DeliveryStore,
        enqueue_all: EnqueueAll,
        stopping: Waitable,
        wake: Waitable,
        *,
        after: int = 0,
    ) -> None:
        self.store = store
        self.enqueue_all = enqueue_all
        self.stopping = stopping
        self.wake = wake
        self.after = after  # the position of the last delivery put on the queue
        self.failure: str | None = None  # why the queue refused the last flush, while it does

    def run(self) -> None:
        retries, checkpointed = 0, time.monotonic()
        while not self.stopping.is_set():
            try:
                spooled = self.spooled()
            except Exception as error:  # the route answers 503 and says why
                self.stopping.wait(RETRY_SECONDS[-1])
                logger.warning("cannot read the spool (%s: %s)", type(error).__name__, error)
                continue
            if not spooled:
                if time.monotonic() - checkpointed > CHECKPOINT_SECONDS:
                    with contextlib.suppress(sqlite3.Error):  # the next one may succeed
                        self.store.checkpoint()
                    checkpointed = time.monotonic()
                self.wake.wait(CHECKPOINT_SECONDS)
                self.wake.clear()
                continue
            ids = [delivery.delivery_id for _, delivery in spooled]
            try:
                self.enqueue_all([self.event(delivery) for _, delivery in spooled])
            except Exception as error:
                self._fail(error)
                self.refused(ids)
                self.stopping.wait(RETRY_SECONDS[min(retries, len(RETRY_SECONDS) - 1)])
                retries += 1
                continue
            self.after, retries = spooled[-1][0], 0
            if self.failure is not None:
                logger.info("the queue answers again: spooled deliveries are being queued")
                self.failure = None
            self.queued(ids)

    def spooled(self) -> list[tuple[int, Delivery]]:
        """The next deliveries to put on the queue, with their positions."""
        return self.store.spooled(FLUSH_MAX, self.after)

    def event(self, delivery: Delivery) -> WebhookEvent:
        """The event a spooled delivery was."""
        payload = json.loads(delivery.body or self.store.spooled_body(delivery.delivery_id))
        return WebhookEvent(
            delivery.event, delivery.action, delivery.delivery_id, delivery.installation_id, payload
        )

    def queued(self, delivery_ids: list[str]) -> None:
        """These deliveries, up to position `after`, are on the queue."""

    def refused(self, delivery_ids: list[str]) -> None:
        """The queue refused these deliveries; they stay spooled."""

    def _fail(self, error: BaseException) -> None:
        """The queue refused: one line when it starts, no traceback; deliveries stay spooled."""
        if self.failure is None:
            logger.warning(
                "could not queue deliveries (%s: %s); they are spooled until the queue answers",
                type(error).__name__,
                error,
            )
        self.failure = type(error).__name__


class _ThreadFlusher(Flusher):
    """The flusher as a thread of the outbox's process: parsed payloads come from the route,
    and what happened is reported to the outbox."""

    def __init__(self, outbox: Outbox, enqueue_all: EnqueueAll) -> None:
        super().__init__(outbox.store, enqueue_all, outbox._stopping, outbox._wake)
        self.outbox = outbox

    def spooled(self) -> list[tuple[int, Delivery]]:
        return self.store.spooled(FLUSH_MAX, self.after, bodies=False)

    def event(self, delivery: Delivery) -> WebhookEvent:
        return self.outbox._events.get(delivery.delivery_id) or super().event(delivery)

    def queued(self, delivery_ids: list[str]) -> None:
        for delivery_id in delivery_ids:
            self.outbox._events.pop(delivery_id, None)
        self.outbox._report(delivery_ids, "queued")

    def refused(self, delivery_ids: list[str]) -> None:
        self.outbox._report(delivery_ids, "spooled")


def _call_soon(
    loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: object
) -> bool:
    """Run `callback(*args)` on `loop` from another thread; False when the loop has closed."""
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:
        return False
    return True


def _resolve(answer: asyncio.Future[str], outcome: str | BaseException) -> None:
    """Settle `answer` on its own loop (another thread's, when tests run several loops)."""
    loop = answer.get_loop()
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is running:
        _settle(answer, outcome)
    else:
        _call_soon(loop, _settle, answer, outcome)


def _settle(answer: asyncio.Future[str], outcome: str | BaseException) -> None:
    if answer.done():  # its request was cancelled: the client went away
        return
    if isinstance(outcome, BaseException):
        answer.set_exception(outcome)
    else:
        answer.set_result(outcome)
