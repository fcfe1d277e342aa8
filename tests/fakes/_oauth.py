"""GitHub's OAuth web flow on the fake: the authorize page and the code-for-token exchange.

These are github.com pages, not REST API routes: no OpenAPI check, no rate limit.

- ``GET /login/oauth/authorize?client_id&redirect_uri&state`` shows one "Sign in as <login>"
  button per user added with ``fake.add_user``, and a Cancel button.
- ``POST /login/oauth/authorize`` (what a button sends) redirects to ``redirect_uri`` with
  ``code`` and ``state`` (or ``error=access_denied``).
- ``POST /login/oauth/access_token`` (form, JSON or query) trades ``client_id``,
  ``client_secret`` and ``code`` for a user-to-server token; errors are 200s with an ``error``
  field, as on GitHub. JSON when ``Accept: application/json``, else form-encoded.
"""

from __future__ import annotations

import html
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from tests.fakes._call import Reply
from tests.fakes._state import Grant, OAuthApp, World

_CODE_LIFETIME = 600  # GitHub's ten minutes
_TROUBLESHOOTING = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-oauth-app-access-token-request-errors/"
)
_ERRORS = {
    "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
    "bad_verification_code": "The code passed is incorrect or expired.",
    "redirect_uri_mismatch": "The redirect_uri MUST match the registered callback URL for this"
    " application.",
}
_DENIED = "The user has denied your application access."


def authorize_page(world: World, form: dict[str, str]) -> Reply:
    """The page a browser lands on: a sign-in button per user the fake knows."""
    oauth = world.oauth
    if form.get("client_id") != oauth.client_id:
        return _html(404, "<h1>Not Found</h1>")
    if not _redirect_allowed(oauth, form.get("redirect_uri")):
        return _html(400, f"<h1>{html.escape(_ERRORS['redirect_uri_mismatch'])}</h1>")
    keep = {k: form[k] for k in ("client_id", "redirect_uri", "state") if k in form}
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in keep.items()
    )
    buttons = "".join(
        f'<form method="post" action="/login/oauth/authorize">{hidden}'
        f'<button type="submit" name="login" value="{html.escape(login)}">'
        f"Sign in as {html.escape(login)}</button></form>"
        for login in world.users
    )
    cancel = (
        f'<form method="post" action="/login/oauth/authorize">{hidden}'
        '<button type="submit" name="deny" value="1">Cancel</button></form>'
    )
    title = f"Authorize {html.escape(world.app_slug)}"
    return _html(200, f"<title>{title}</title><h1>{title}</h1>{buttons}{cancel}")


def grant(world: World, form: dict[str, str]) -> Reply:
    """A button was pressed: back to the App with a one-time code, or with ``access_denied``."""
    oauth, login = world.oauth, form.get("login", "")
    redirect = form.get("redirect_uri") or oauth.callback_url
    if form.get("client_id") != oauth.client_id or not redirect:
        return _html(404, "<h1>Not Found</h1>")
    if not _redirect_allowed(oauth, form.get("redirect_uri")):
        return _html(400, f"<h1>{html.escape(_ERRORS['redirect_uri_mismatch'])}</h1>")
    state = {"state": form["state"]} if "state" in form else {}
    if form.get("deny") or login not in world.users:
        answer = {"error": "access_denied", "error_description": _DENIED} | state
    else:
        code = secrets.token_hex(10)
        oauth.codes[code] = Grant(login, form.get("redirect_uri"), time.time())
        answer = {"code": code} | state
    joiner = "&" if "?" in redirect else "?"
    return Reply(302, None, {"Location": f"{redirect}{joiner}{urlencode(answer)}"})


def access_token(world: World, given: dict[str, str], accept: str) -> Reply:
    """Code → token; a code works once, for ten minutes, with the redirect it was issued for."""
    oauth = world.oauth
    client = (given.get("client_id"), given.get("client_secret"))
    if client != (oauth.client_id, oauth.client_secret):
        return _token_reply(_error("incorrect_client_credentials"), accept)
    found = oauth.codes.pop(given.get("code", ""), None)
    if found is None or time.time() - found.issued > _CODE_LIFETIME:
        return _token_reply(_error("bad_verification_code"), accept)
    if given.get("redirect_uri") not in (None, found.redirect_uri):
        return _token_reply(_error("redirect_uri_mismatch"), accept)
    token = world.issue_user_token(found.login)
    return _token_reply({"access_token": token, "token_type": "bearer", "scope": ""}, accept)


def _redirect_allowed(oauth: OAuthApp, redirect_uri: str | None) -> bool:
    """GitHub wants the redirect under the registered callback URL, when one is registered."""
    registered = oauth.callback_url
    return registered is None or redirect_uri is None or redirect_uri.startswith(registered)


def _error(code: str) -> dict[str, str]:
    uri = _TROUBLESHOOTING + "#" + code.replace("_", "-")
    return {"error": code, "error_description": _ERRORS[code], "error_uri": uri}


def _token_reply(body: dict[str, Any], accept: str) -> Reply:
    if "json" in accept:
        data, kind = json.dumps(body).encode(), "application/json; charset=utf-8"
    else:
        data, kind = urlencode(body).encode(), "application/x-www-form-urlencoded; charset=utf-8"
    return Reply(200, data, {"Content-Type": kind})


def _html(status: int, body: str) -> Reply:
    page = f"<!DOCTYPE html><html><body>{body}</body></html>"
    return Reply(status, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
