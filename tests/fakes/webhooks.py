"""GitHub's example webhook payloads (tests/fixtures/webhooks), signed as GitHub signs them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import uuid
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from pydantic import SecretStr
from referencing import Registry
from referencing.jsonschema import DRAFT7

from app.settings import Settings

with warnings.catch_warnings():
    # Starlette 1.x asks for `httpx2` under its TestClient; until the test extras carry it,
    # the plain `httpx` it falls back to works the same.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

FIXTURES = Path(__file__).parent.parent / "fixtures"
WEBHOOKS = FIXTURES / "webhooks"
SCHEMAS = FIXTURES / "webhook-schemas"
__all__ = ["TestClient"]  # re-exported for the tests, imported without the warning

SECRET = "It's a Secret to Everybody"  # the example secret in GitHub's docs


def example_paths() -> list[Path]:
    """Every example payload, real and derived, sorted; `index.json` is not one."""
    return sorted(p for p in WEBHOOKS.glob("*/*.json"))


def example_id(path: Path) -> str:
    """`push/default.json` for a path under the fixtures."""
    return path.relative_to(WEBHOOKS).as_posix()


def event_name(path: Path) -> str:
    """The X-GitHub-Event of an example: its directory."""
    return path.parent.name


def load(name: str) -> bytes:
    """The exact bytes of an example, e.g. `load("push/default.json")`."""
    return (WEBHOOKS / name).read_bytes()


def load_json(name: str) -> dict[str, Any]:
    """An example payload, parsed."""
    payload: dict[str, Any] = json.loads(load(name))
    return payload


def sign(body: bytes, secret: str = SECRET) -> str:
    """The X-Hub-Signature-256 GitHub sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(
    event: str, body: bytes, secret: str | None = SECRET, delivery_id: str | None = None
) -> dict[str, str]:
    """Headers of a delivery of `body`; unsigned when `secret` is None."""
    result = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "User-Agent": "GitHub-Hookshot/molt-tests",
    }
    if secret is not None:
        result["X-Hub-Signature-256"] = sign(body, secret)
    return result


@cache
def schema_registry() -> Registry:
    """A `referencing` registry of every schema under tests/fixtures/webhook-schemas."""
    docs = [json.loads(p.read_text()) for p in SCHEMAS.rglob("*.schema.json")]
    return Registry().with_resources((d["$id"], DRAFT7.create_resource(d)) for d in docs)


def schema_errors(event: str, action: str | None, payload: dict[str, Any]) -> list[str]:
    """Messages of every way `payload` breaks the schema of `event`/`action`."""
    ref = f"{event}${action or 'event'}"
    validator = Draft7Validator({"$ref": ref}, registry=schema_registry())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]


def fake_private_key(seed: int = 0) -> str:
    """PEM-shaped text with a random body: passes the settings check, signs nothing."""
    body = base64.encodebytes(random.Random(seed).randbytes(1190)).decode()
    label = "RSA PRIVATE KEY"
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n"


def app_settings(data_dir: Path, secret: str = SECRET) -> Settings:
    """Settings for a receiver under test, independent of the environment and any `.env`."""
    return Settings.model_construct(
        app_id=1,
        private_key=SecretStr(fake_private_key()),
        private_key_file=None,
        webhook_secret=SecretStr(secret),
        github_url="https://api.github.com",
        data_dir=data_dir,
        queue_url=SecretStr(""),
    )
