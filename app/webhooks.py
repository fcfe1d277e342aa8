"""POST /webhook: signature check, size cap, event filter, delivery de-duplication, enqueue.

The order matters: the signature header is checked, the body is read up to GitHub's 25 MB cap,
its HMAC is compared in constant time, and only then is it parsed. Accepted events (those
``events.HANDLERS`` has a handler for) are enqueued and answered 202 at once; the work happens
in a job. ``ping`` is answered ``pong``; anything else is answered 202 and dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from app import events
from app.deliveries import DeliveryStore

logger = logging.getLogger(__name__)

PATHS: Final = ("/webhook", "/api/github/webhooks")
MAX_BODY_BYTES: Final = 25 * 1024 * 1024  # GitHub does not deliver larger payloads
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


def create_router(secret: SecretStr, enqueue: Enqueue, deliveries: DeliveryStore) -> APIRouter:
    """The webhook routes, verifying with `secret` and handing accepted events to `enqueue`."""
    key = secret.get_secret_value().encode()

    async def receive(request: Request) -> JSONResponse:
        try:
            return await _receive(request, key, enqueue, deliveries)
        except HTTPException as exc:
            delivery_id = request.headers.get("X-GitHub-Delivery")
            extra = {"delivery_id": delivery_id, "installation_id": None}
            logger.warning("refused: %s %s", exc.status_code, exc.detail, extra=extra)
            raise

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


async def read_signed_body(request: Request, key: bytes) -> bytes:
    """The raw body, once its size and signature are checked (413 / 401)."""
    signature = request.headers.get(SIGNATURE_HEADER)
    if not is_well_formed(signature):
        raise HTTPException(401, f"missing or malformed {SIGNATURE_HEADER}")
    body = await read_body(request)
    if not verify_signature(key, body, signature):
        raise HTTPException(401, f"{SIGNATURE_HEADER} does not match the body")
    return body


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refusing (413) a declared or actual size over `limit` without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise HTTPException(400, "malformed Content-Length")
    if declared is not None and int(declared) > limit:
        raise HTTPException(413, f"body over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"body over {limit} bytes")
    return bytes(body)


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


def deliver(event: WebhookEvent, enqueue: Enqueue, deliveries: DeliveryStore) -> str:
    """Enqueue `event` unless its delivery id was seen: "queued" or "duplicate".

    The id is claimed first (so concurrent redeliveries enqueue once) and released again if
    `enqueue` raises, so a failed delivery can be redelivered.
    """
    if not deliveries.claim(event.delivery_id):
        return "duplicate"
    try:
        enqueue(event)
    except BaseException:
        deliveries.release(event.delivery_id)
        raise
    return "queued"


async def _receive(
    request: Request, key: bytes, enqueue: Enqueue, deliveries: DeliveryStore
) -> JSONResponse:
    body = await read_signed_body(request, key)
    name, delivery_id = _required_headers(request)
    payload = parse_payload(body)
    event = to_event(name, delivery_id, payload)
    if isinstance(event, str):
        extra = {"delivery_id": delivery_id, "installation_id": _installation_id(payload)}
        logger.info("%s: %s.%s", event, name, payload.get("action"), extra=extra)
        return JSONResponse({"status": event}, status_code=202)
    return await _deliver(event, enqueue, deliveries)


async def _deliver(
    event: WebhookEvent, enqueue: Enqueue, deliveries: DeliveryStore
) -> JSONResponse:
    extra = {"delivery_id": event.delivery_id, "installation_id": event.installation_id}
    try:
        outcome = await run_in_threadpool(deliver, event, enqueue, deliveries)
    except Exception:
        logger.exception("could not queue %s.%s", event.name, event.action, extra=extra)
        return JSONResponse({"detail": "could not queue the event; redeliver it"}, 503)
    logger.info("%s: %s.%s", outcome, event.name, event.action, extra=extra)
    return JSONResponse({"status": outcome}, status_code=202)


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
