"""POST /webhook: signature check while the body streams, event filter, hand-over to the outbox.

The order matters: the signature header's shape is checked, the body streams through its HMAC
into a bounded spool (``app.bodies``), the HMAC is compared in constant time, and only then is
the body parsed. Accepted events (those ``events.HANDLERS`` has a handler for) are handed to
``submit`` (the outbox: it records the delivery id, enqueues, or spools while the queue is
down) and answered 202 at once; the work happens in a job. ``ping`` is answered ``pong``;
anything else is answered 202 and dropped. A client that goes away mid-body costs one log line.

``Receiver`` is a bare ASGI app, not a FastAPI route: every delivery GitHub sends comes this
way, and the framework's request objects, dependency solving and middleware cost more than the
rest of the acknowledgement. ``app.server`` sends it the webhook paths and the rest to FastAPI.
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

from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

from app import bodies, events
from app.bodies import Disconnected, Limits, Refused

logger = logging.getLogger(__name__)

PATHS: Final = ("/webhook", "/api/github/webhooks")
MAX_BODY_BYTES: Final = bodies.MAX_BYTES
SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")
# the request headers the receiver reads, as ASGI gives them (lower case, bytes)
_WANTED = frozenset(
    {b"content-length", b"x-github-delivery", b"x-github-event", b"x-hub-signature-256"}
)
_JSON: Final = [(b"content-type", b"application/json")]


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


class Receiver:
    """The webhook paths as an ASGI app: verifies with `secret`, hands accepted events to
    `submit`; bodies past `limits.memory_bytes` are spooled to unlinked files in `spool_dir`."""

    def __init__(
        self, secret: SecretStr, submit: Submit, spool_dir: Path, limits: Limits = bodies.LIMITS
    ) -> None:
        self.key = secret.get_secret_value().encode()
        self.submit = submit
        self.spool_dir = spool_dir
        self.limits = limits
        self.gate = bodies.Gate(limits.concurrent)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _answer(send, 405, {"detail": "Method Not Allowed"}, {"Allow": "POST"})
            return
        headers = {
            name.decode(): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in _WANTED  # ASGI servers give header names in lower case
        }
        delivery_id = headers.get("x-github-delivery")
        extra = {"delivery_id": delivery_id, "installation_id": None}
        try:
            status, answer = await self._receive(headers, receive)
        except Refused as refused:
            logger.warning("refused: %s %s", refused.status, refused.detail, extra=extra)
            status, answer = refused.status, {"detail": refused.detail}
            await _answer(send, status, answer, refused.headers)
            return
        except Disconnected:
            logger.warning("client went away before its whole body was sent", extra=extra)
            status, answer = 400, {"detail": "the body was not sent whole"}  # nobody reads it
        await _answer(send, status, answer)

    async def _receive(self, headers: dict[str, str], receive: Receive) -> tuple[int, Any]:
        signature = headers.get("x-hub-signature-256")
        if signature is None or not is_well_formed(signature):
            raise Refused(401, f"missing or malformed {SIGNATURE_HEADER}", bodies.CLOSE)
        self.gate.enter()
        try:
            declared = headers.get("content-length")
            body = await bodies.read_signed(
                receive, declared, self.key, signature, self.limits, self.spool_dir
            )
        finally:
            self.gate.leave()
        return await _accept(headers, body, self.submit)


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
        raise Refused(400, "body is not a JSON object (use content type application/json)")
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


async def _accept(headers: dict[str, str], body: bytes, submit: Submit) -> tuple[int, Any]:
    name = headers.get("x-github-event")
    delivery_id = headers.get("x-github-delivery")
    if not name or not delivery_id:
        raise Refused(400, "missing X-GitHub-Event or X-GitHub-Delivery")
    payload = parse_payload(body)
    event = to_event(name, delivery_id, payload)
    extra = {"delivery_id": delivery_id, "installation_id": _installation_id(payload)}
    if isinstance(event, str):
        logger.info("%s: %s.%s", event, name, payload.get("action"), extra=extra)
        return 202, {"status": event}
    try:
        outcome = await submit(event, body)
    except Exception:
        logger.exception("could not record %s.%s", event.name, event.action, extra=extra)
        return 503, {"detail": "could not record the delivery; redeliver it"}
    logger.info("%s: %s.%s", outcome, event.name, event.action, extra=extra)
    return 202, {"status": outcome}


async def _answer(
    send: Send, status: int, answer: Any, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(answer).encode()
    raw = [(b"content-length", str(len(body)).encode()), *_JSON]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _installation_id(payload: dict[str, Any]) -> int | None:
    installation = payload.get("installation")
    if not isinstance(installation, dict):
        return None
    value = installation.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
