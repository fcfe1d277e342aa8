"""GitHub's App-manifest flow in the fake: the "Create GitHub App" page, and the code conversion.

The page is GitHub's website, not its API: ``create_app`` does what a user pressing the button
does, and returns where GitHub then redirects the browser. The code carries the manifest, so
the conversion (``POST /app-manifests/{code}/conversions``) needs no state of its own; the
App it describes is the fake's one App (``world.app_id``), renamed after the manifest.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes import _shapes as shapes
from tests.fakes._call import Call, Reply, not_found

# The pages a manifest form may post to: the user's, or an organisation's.
NEW_APP_PATH = re.compile(r"(?:/organizations/(?P<org>[^/]+))?/settings/apps/new")


def create_app(web: str, form_action: str, manifest: dict[str, Any]) -> str:
    """The redirect GitHub answers a posted manifest form with: ``redirect_url?code&state``.

    Checks what GitHub checks: the form posts to ``web``'s "new App" page, and the manifest
    has a name, a home page URL and a webhook URL.
    """
    action = urlsplit(form_action)
    assert f"{action.scheme}://{action.netloc}" == web, form_action
    assert NEW_APP_PATH.fullmatch(action.path), form_action
    assert isinstance(manifest.get("name"), str) and manifest["name"], manifest
    assert isinstance(manifest.get("url"), str) and manifest["url"], manifest
    assert manifest.get("hook_attributes", {}).get("url"), manifest
    state = parse_qs(action.query).get("state", [""])[-1]
    code = base64.urlsafe_b64encode(json.dumps(manifest).encode()).decode().rstrip("=")
    return f"{manifest['redirect_url']}?{urlencode({'code': code, 'state': state})}"


def convert(call: Call) -> Reply:
    """``apps/create-from-manifest``: the new App's id, key, webhook secret and OAuth client."""
    code = call.params["code"]
    try:
        manifest = json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    except (ValueError, binascii.Error):
        raise not_found() from None
    world = call.world
    world.app_slug = re.sub(r"[^a-z0-9]+", "-", manifest["name"].lower()).strip("-")
    shape = shapes.app(call.api, world) | {
        "name": manifest["name"],
        "description": manifest.get("description", ""),
        "external_url": manifest["url"],
        "permissions": manifest.get("default_permissions", {}),
        "events": manifest.get("default_events", []),
    }
    return Reply(
        201,
        shape
        | {
            "client_id": f"Iv1.{secrets.token_hex(8)}",
            "client_secret": secrets.token_hex(20),
            "webhook_secret": secrets.token_hex(20),
            "pem": _private_key(),
        },
    )


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem.decode()
