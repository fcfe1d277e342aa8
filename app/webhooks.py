"""POST /webhook: signature check while the body streams, event filter, hand-over to the outbox.

The order matters: the signature header's shape is checked, the body streams through its HMAC
into a bounded spool (``app.bodies``), the HMAC is compared in constant time, and only then is
the body parsed. Accepted events (those ``events.HANDLERS`` has a handler for) are handed to
``submit`` (the outbox: it records the delivery id, enqueues, or spools while the queue is
down) and answered 202 at once; the work happens in a job. ``ping`` is answered ``pong``;
anything else is answered 202 and dropped. A client that goes away mid-body costs one log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final, NamedTuple

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from starlette.requests import ClientDisconnect

from app import bodies, events
from app.bodies import Limits

logger = logging.getLogger(__name__)

PATHS: Final = ("/webhook", "/api/github/webhooks")
MAX_BODY_BYTES: Final = bodies.MAX_BYTES
SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


class WebhookEvent(NamedTuple):
    """One accepted delivery, as handed to the queue."""

    name: str  # X-GitHub-Event
    action: str | None
    delivery_id: str  # X-GitHub-Delivery
    installation_id: int
    payload: dict[str, Any]


Enqueue = Callable[[WebhookEvent], None]
# Records, enqueues or spools an event with its raw body: "queued", "duplicate" or "spooled".
Submit = Callable[[WebhookEvent, bytes], Awaitable[str]]


def create_router(
    secret: SecretStr, submit: Submit, spool_dir: Path, limits: Limits = bodies.LIMITS
) -> APIRouter:
    """The webhook routes, verifying with `secret` and handing accepted events to `submit`.

    Bodies past `limits.memory_bytes` are spooled to unlinked files in `spool_dir`.
    """
    key = secret.get_secret_value().encode()
    gate = bodies.Gate(limits.concurrent)

    async def receive(request: Request) -> Response:
        delivery_id = request.headers.get("X-GitHub-Delivery")
        extra = {"delivery_id": delivery_id, "installation_id": None}
        try:
            signature = _signature(request)
            gate.enter()
            try:
                body = await bodies.read_signed(request, key, signature, limits, spool_dir)
            finally:
                gate.leave()
            return await _receive(request, body, submit)
        except HTTPException as exc:
            logger.warning("refused: %s %s", exc.status_code, exc.detail, extra=extra)
            raise
        except ClientDisconnect:
            logger.warning("client went away before its whole body was sent", extra=extra)
            return Response(status_code=400)  # nobody is left to read it

    router = APIRouter()
    for path in PATHS:
        router.add_api_route(path, receive, methods=["POST"], status_code=202)
    return router


def sign(key: bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def is_well_formed(signature: str | None) -> bool:
    """True when `signature` has the shape `sha256=<64 lowercase hex digits>`."""
    return signature is not None and _SIGNATURE.fullmatch(signature) is not None


def verify_signature(key: bytes, body: bytes, signature: str | None) -> bool:
    """Constant-time check that `signature` is the HMAC-SHA256 of `body` under `key`."""
    return is_well_formed(signature) and hmac.compare_digest(sign(key, body), str(signature))


def parse_payload(body: bytes) -> dict[str, Any]:
    """The JSON object in `body` (400 when it is anything else)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        raise HTTPException(400, "body is not a JSON object (use content type application/json)")
    return payload


def to_event(name: str, delivery_id: str, payload: dict[str, Any]) -> WebhookEvent | str:
    """The event to enqueue, or why there is none: "pong", "ignored" or "no installation"."""
    action = payload.get("action")
    action = action if isinstance(action, str) else None
    if name == "ping":
        return "pong"
    if events.handler_for(name, action) is None:
        return "ignored"
    installation_id = _installation_id(payload)
    if installation_id is None:
        # GitHub puts `installation` in every delivery to an App: this one came from elsewhere.
        return "no installation"
    return WebhookEvent(name, action, delivery_id, installation_id, payload)


async def _receive(request: Request, body: bytes, submit: Submit) -> JSONResponse:
    name, delivery_id = _required_headers(request)
    payload = parse_payload(body)
    event = to_event(name, delivery_id, payload)
    extra = {"delivery_id": delivery_id, "installation_id": _installation_id(payload)}
    if isinstance(event, str):
        logger.info("%s: %s.%s", event, name, payload.get("action"), extra=extra)
        return JSONResponse({"status": event}, status_code=202)
    try:
        outcome = await submit(event, body)
    except Exception:
        logger.exception("could not record %s.%s", event.name, event.action, extra=extra)
        return JSONResponse({"detail": "could not record the delivery; redeliver it"}, 503)
    logger.info("%s: %s.%s", outcome, event.name, event.action, extra=extra)
    return JSONResponse({"status": outcome}, status_code=202)


def _signature(request: Request) -> str:
    signature = request.headers.get(SIGNATURE_HEADER)
    if signature is None or not is_well_formed(signature):
        raise HTTPException(401, f"missing or malformed {SIGNATURE_HEADER}", headers=bodies.CLOSE)
    return signature


def _required_headers(request: Request) -> tuple[str, str]:
    name = request.headers.get("X-GitHub-Event")
    delivery_id = request.headers.get("X-GitHub-Delivery")
    if not name or not delivery_id:
        raise HTTPException(400, "missing X-GitHub-Event or X-GitHub-Delivery")
    return name, delivery_id


def _installation_id(payload: dict[str, Any]) -> int | None:
    installation = payload.get("installation")
    if not isinstance(installation, dict):
        return None
    value = installation.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
