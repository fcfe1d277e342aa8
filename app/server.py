"""create_app(): the web server: the webhook paths (bare ASGI), GET /healthz, the dashboard."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app import dashboard, webhooks
from app.deliveries import DeliveryStore
from app.outbox import EnqueueAll, Outbox, RemoteFlusher, one_by_one
from app.settings import Settings
from app.webhooks import Enqueue, WebhookEvent

logger = logging.getLogger(__name__)

# A health check returns "ok" when healthy, otherwise a short description of the problem.
HealthCheck = Callable[[], str]

__all__ = ["HealthCheck", "WebhookEvent", "create_app"]


def create_app(
    settings: Settings,
    enqueue: Enqueue,
    *,
    queue_health: HealthCheck = lambda: "ok",
    deliveries: DeliveryStore | None = None,
    workers_health: HealthCheck | None = None,
    enqueue_all: EnqueueAll | None = None,
    wait_for_queue: bool = True,
    flusher: RemoteFlusher | None = None,
    states: dashboard.StateStore | None = None,
) -> ASGIApp:
    """The App's web server: webhooks go to `enqueue`, `/healthz` reports the store and queue.

    `deliveries` defaults to the store in `settings.data_dir`. With the App's OAuth client set,
    the dashboard (`GET /`) is served from `states` (default: the store beside the queue).
    Deliveries pass through ``app.outbox``: `enqueue_all` puts many on the queue in one write
    (default: `enqueue` for each), and with `wait_for_queue` off a delivery is answered once
    it is spooled, not once it is queued. With `flusher`, that process puts deliveries on
    the queue instead (and they are answered once spooled).
    """
    store = deliveries or DeliveryStore.in_data_dir(settings.data_dir, automatic_checkpoints=False)
    in_thread = None if flusher else enqueue_all or one_by_one(enqueue)
    outbox = Outbox(store, in_thread, wait_for_queue=wait_for_queue, elsewhere=flusher)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        outbox.start()  # also flushes what an earlier run left spooled
        try:
            yield
        finally:
            await outbox.stop()

    app = FastAPI(title="molt", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    bodies = settings.data_dir / "bodies"
    checks = {"deliveries": store.health, "queue": lambda: outbox.health(_run(queue_health))}
    if workers_health is not None:  # where workers run beside the server
        checks["workers"] = workers_health

    def healthz() -> JSONResponse:
        return health_response(checks)

    app.add_api_route("/healthz", healthz, methods=["GET"])
    if settings.dashboard_enabled:
        app.include_router(dashboard.router(settings, states or dashboard.open_store(settings)))
    receiver = webhooks.Receiver(settings.webhook_secret, outbox.submit, bodies)
    return with_webhooks(receiver, app)


def with_webhooks(receiver: ASGIApp, app: ASGIApp) -> ASGIApp:
    """`app`, except that the webhook paths go straight to `receiver`."""

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in webhooks.PATHS:
            await receiver(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch


def health_response(checks: Mapping[str, HealthCheck]) -> JSONResponse:
    """Every check's result: 200 "ok" when all say "ok"; 200 "degraded" when the others are
    "degraded: …" (deliveries are still accepted, say spooled while the queue is down);
    else 503 "unhealthy"."""
    results = {name: _run(check) for name, check in checks.items()}
    states = {
        "ok" if r == "ok" else "degraded" if r.startswith("degraded") else "unhealthy"
        for r in results.values()
    }
    status = "unhealthy" if "unhealthy" in states else "degraded" if "degraded" in states else "ok"
    body = {"status": status, "checks": results}
    return JSONResponse(body, status_code=503 if status == "unhealthy" else 200)


def _run(check: HealthCheck) -> str:
    try:
        return check()
    except Exception as exc:
        # one line: a probe every few seconds during an outage would repeat one traceback
        logger.warning("health check failed: %s: %s", type(exc).__name__, exc)
        return f"error: {type(exc).__name__}"
