"""Accepted deliveries on their way to the queue: recorded and spooled in batches, flushed to
the queue by a background thread, and kept while the queue cannot be reached.

The webhook route awaits ``Outbox.submit``. The event loop gathers what arrives in one turn and
writes it in one SQLite transaction (the delivery ids and the spooled deliveries), so no
request waits on a thread, a lock or the queue's own storage. A flusher thread then puts the
spooled deliveries on the queue, oldest first and many in one write, and the loop drops them
from the spool in its next transaction.

``wait_for_queue`` says when a delivery is answered: once it is on the queue ("queued"), or
once it is spooled (what ``molt serve`` does: the spool is a WAL-mode SQLite file in the data
directory, as durable as the SQLite queue, and the flush follows within milliseconds). When
the queue cannot be reached (Redis down) deliveries stay spooled and are answered "spooled" —
GitHub does not redeliver on its own — and the flusher retries with a growing pause until the
queue answers. Deliveries left spooled by a stop or a crash are flushed at the next start; one
put on the queue just before a crash may run twice (jobs are idempotent).
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
from typing import Final

from app.deliveries import Delivery, DeliveryStore
from app.webhooks import Enqueue, WebhookEvent

logger = logging.getLogger(__name__)

# Puts several events on the queue in one write: all of them, or it raises.
EnqueueAll = Callable[[Sequence[WebhookEvent]], None]

FLUSH_MAX: Final = 500  # deliveries per write to the queue
RETRY_SECONDS: Final = (0.25, 0.5, 1.0, 2.0, 5.0)  # pauses while the queue is unreachable
STOP_SECONDS: Final = 10.0
CHECKPOINT_SECONDS: Final = 5.0  # the spool's log is copied into its database at most this often


def one_by_one(enqueue: Enqueue) -> EnqueueAll:
    """`enqueue` called for each event in turn."""

    def enqueue_all(events: Sequence[WebhookEvent]) -> None:
        for event in events:
            enqueue(event)

    return enqueue_all


class Outbox:
    """Hands verified deliveries from the route to the queue, through the store's spool."""

    def __init__(
        self, store: DeliveryStore, enqueue_all: EnqueueAll, *, wait_for_queue: bool = True
    ) -> None:
        self.store = store
        self.wait_for_queue = wait_for_queue
        self._enqueue_all = enqueue_all
        self._lock = threading.Lock()  # guards the three lists below and the loop
        self._arrived: list[tuple[Delivery, asyncio.Future[str]]] = []
        self._flushed: list[str] = []  # on the queue, still in the spool
        self._waiting: dict[str, asyncio.Future[str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop of the latest request
        self._events: dict[str, WebhookEvent] = {}  # parsed payloads of spooled deliveries
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._flusher: threading.Thread | None = None
        self._failure: str | None = None  # why the queue refused the last flush, while it does

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
            if self._flusher is not None:
                return
            self._flusher = threading.Thread(target=self._flush, name="molt-flusher", daemon=True)
        self._flusher.start()

    async def stop(self) -> None:
        """Stop the flusher; what is on the queue leaves the spool, the rest stays for later."""
        if self._flusher is None:
            return
        self._stopping.set()
        self._wake.set()
        await asyncio.to_thread(self._flusher.join, STOP_SECONDS)
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

    # --- on an event loop -------------------------------------------------------------

    def _write(self) -> None:
        """One transaction: what arrived is recorded and spooled, what was flushed dropped."""
        with self._lock:
            arrived, self._arrived = self._arrived, []
            flushed, self._flushed = self._flushed, []
        if not arrived and not flushed:
            return
        try:
            fresh = self.store.accept([delivery for delivery, _ in arrived], flushed)
        except Exception as error:
            with self._lock:
                self._flushed += flushed
            for delivery, answer in arrived:
                self._events.pop(delivery.delivery_id, None)
                _resolve(answer, error)
            return
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
            self._wake.set()

    # --- the flusher thread -----------------------------------------------------------

    def _flush(self) -> None:
        after, retries, checkpointed = 0, 0, time.monotonic()
        while not self._stopping.is_set():
            try:
                spooled = self.store.spooled(FLUSH_MAX, after, bodies=False)
            except Exception as error:  # the route answers 503 and says why
                self._stopping.wait(RETRY_SECONDS[-1])
                logger.warning("cannot read the spool (%s: %s)", type(error).__name__, error)
                continue
            if not spooled:
                if time.monotonic() - checkpointed > CHECKPOINT_SECONDS:
                    with contextlib.suppress(sqlite3.Error):  # the next one may succeed
                        self.store.checkpoint()
                    checkpointed = time.monotonic()
                self._wake.wait(CHECKPOINT_SECONDS)
                self._wake.clear()
                continue
            ids = [delivery.delivery_id for _, delivery in spooled]
            try:
                self._enqueue_all([self._event(delivery) for _, delivery in spooled])
            except Exception as error:
                self._fail(error)
                self._report(ids, "spooled")
                self._stopping.wait(RETRY_SECONDS[min(retries, len(RETRY_SECONDS) - 1)])
                retries += 1
                continue
            after, retries = spooled[-1][0], 0
            if self._failure is not None:
                logger.info("the queue answers again: spooled deliveries are being queued")
                self._failure = None
            for delivery_id in ids:
                self._events.pop(delivery_id, None)
            self._report(ids, "queued")

    def _report(self, delivery_ids: list[str], outcome: str) -> None:
        """Answer whoever waits for these deliveries; have them dropped from the spool if
        they are queued (by the latest request's loop, or here when it has closed)."""
        with self._lock:
            waiting = [self._waiting.pop(i, None) for i in delivery_ids]
            if outcome == "queued":
                self._flushed += delivery_ids
            loop = self._loop
            riding = bool(self._arrived)  # a write is due anyway: the deletes go with it
        for answer in waiting:
            if answer is not None:
                _call_soon(answer.get_loop(), _settle, answer, outcome)
        if outcome != "queued" or riding:
            return
        if not (loop and _call_soon(loop, self._write)):
            with self._lock:
                flushed, self._flushed = self._flushed, []
            self.store.unspool(flushed)

    def _fail(self, error: BaseException) -> None:
        """The queue refused: one line when it starts, no traceback; deliveries stay spooled."""
        if self._failure is None:
            logger.warning(
                "could not queue deliveries (%s: %s); they are spooled until the queue answers",
                type(error).__name__,
                error,
            )
        self._failure = type(error).__name__

    def _event(self, delivery: Delivery) -> WebhookEvent:
        event = self._events.get(delivery.delivery_id)
        if event is not None:
            return event
        payload = json.loads(self.store.spooled_body(delivery.delivery_id))  # an earlier run's
        return WebhookEvent(
            delivery.event, delivery.action, delivery.delivery_id, delivery.installation_id, payload
        )


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
