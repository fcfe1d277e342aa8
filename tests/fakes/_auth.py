"""Who is calling: the App's JWT on ``/app…``, else an installation or a personal token."""

from __future__ import annotations

import base64
import binascii
import json
import time

from tests.fakes import _shapes as shapes
from tests.fakes import git
from tests.fakes._call import HTTPError
from tests.fakes._limits import Caller
from tests.fakes._state import BOT, World

PERSONAL_USER = "token-user"
_JWT_MAX_LIFETIME = 600 + 60  # GitHub's ten minutes, plus PyGithub's 60 s of back-dating


def authenticate(world: World, template: str, authorization: str) -> tuple[int | None, str]:
    """(installation id or None, acting login) for an ``Authorization`` header, or 401/403.

    A user-to-server token (from the OAuth web flow) acts as its user; a token the fake never
    issued acts as a personal token. Both see every repository.
    """
    scheme, _, credential = authorization.partition(" ")
    if template == "/app" or template.startswith("/app/"):
        if scheme.lower() != "bearer" or not is_app_jwt(credential, world.app_id):
            raise HTTPError(401, "A JSON web token could not be decoded")
        return None, world.app_slug
    if not credential:
        if template in ("/rate_limit", "/app-manifests/{code}/conversions"):  # no auth
            return None, PERSONAL_USER
        raise HTTPError(401, "Requires authentication")
    if scheme.lower() not in ("token", "bearer") or credential.count(".") == 2:
        raise HTTPError(401, "Bad credentials")
    token = world.tokens.get(credential)
    if token is None:
        return None, world.user_tokens.get(credential, PERSONAL_USER)
    if token.expires_at <= git.now():
        raise HTTPError(401, "Bad credentials")
    return token.installation_id, BOT


def caller(world: World, authorization: str) -> Caller:
    """Whose rate limit a request spends, from its ``Authorization`` header alone."""
    credential = authorization.partition(" ")[2]
    token = world.tokens.get(credential)
    if token is not None:
        return caller_of(token.installation_id, BOT)
    if credential.count(".") == 2:
        return caller_of(None, world.app_slug)  # the App's JWT
    return caller_of(None, world.user_tokens.get(credential, PERSONAL_USER))


def caller_of(installation_id: int | None, actor: str) -> Caller:
    if installation_id is not None:
        return Caller(f"installation:{installation_id}", f"installation ID {installation_id}")
    return Caller(f"user:{actor}", f"user ID {shapes.user_id(actor)}")


def is_app_jwt(credential: str, app_id: int) -> bool:
    """Shape only (the signature is not checked): RS256, ``iss`` = app id, a live ``exp``."""
    parts = credential.split(".")
    if len(parts) != 3 or not all(parts):
        return False
    try:
        header, claims = (
            json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2]
        )
    except (ValueError, binascii.Error):
        return False
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return False
    issued, expires, now = claims.get("iat"), claims.get("exp"), time.time()
    if not isinstance(issued, int) or not isinstance(expires, int):
        return False
    fresh = issued <= now + 60 and now < expires <= issued + _JWT_MAX_LIFETIME
    return fresh and header.get("alg") == "RS256" and str(claims.get("iss")) == str(app_id)
