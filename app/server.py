"""create_app(): the web server, mounting the webhook routes and GET /healthz."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app import dashboard, webhooks
from app.deliveries import DeliveryStore
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
    states: dashboard.StateStore | None = None,
) -> FastAPI:
    """The App's web server: webhooks go to `enqueue`, `/healthz` reports the store and queue.

    `deliveries` defaults to the store in `settings.data_dir`. With the App's OAuth client set,
    the dashboard (`GET /`) is served from `states` (default: the store beside the queue).
    """
    store = deliveries or DeliveryStore.in_data_dir(settings.data_dir)
    app = FastAPI(title="molt", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(webhooks.create_router(settings.webhook_secret, enqueue, store))
    checks = {"deliveries": store.health, "queue": queue_health}
    if workers_health is not None:  # where workers run beside the server
        checks["workers"] = workers_health

    def healthz() -> JSONResponse:
        return health_response(checks)

    app.add_api_route("/healthz", healthz, methods=["GET"])
    if settings.dashboard_enabled:
        app.include_router(dashboard.router(settings, states or dashboard.open_store(settings)))
    return app


def health_response(checks: Mapping[str, HealthCheck]) -> JSONResponse:
    """200 with every check's result when all say "ok", else 503 with the same report."""
    results = {name: _run(check) for name, check in checks.items()}
    healthy = all(result == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "unhealthy", "checks": results}
    return JSONResponse(body, status_code=200 if healthy else 503)


def _run(check: HealthCheck) -> str:
    try:
        return check()
    except Exception as exc:
        logger.exception("health check failed")
        return f"error: {type(exc).__name__}"
