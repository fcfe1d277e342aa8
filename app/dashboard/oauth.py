"""GitHub's web OAuth flow with the App's client id and secret, and what the signed-in user's
token may see: their login, their installations of the App and those installations'
repositories (GitHub answers only with what the user can access)."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlencode

import httpx

from app.errors import MoltError
from app.register import web_url

__all__ = ["Installation", "OAuthError", "UserAPI", "authorize_url", "exchange", "web_url"]

TIMEOUT_SECONDS = 10.0
PER_PAGE = 100


class OAuthError(MoltError):
    """GitHub refused the sign-in (a stale or forged code, a wrong client secret)."""


class Installation(NamedTuple):
    """An installation of the App the visitor may see, with the repositories they can access."""

    id: int
    account: str
    repositories: frozenset[str]


def authorize_url(web: str, client_id: str, redirect_uri: str, state: str) -> str:
    """The page that asks the visitor to sign in and sends them back with a code and ``state``."""
    query = urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "state": state})
    return f"{web}/login/oauth/authorize?{query}"


def exchange(web: str, client_id: str, client_secret: str, code: str, redirect_uri: str) -> str:
    """The user's access token for ``code``; raises ``OAuthError`` when GitHub refuses."""
    form = {
        "client_id": client_id,
        "client_secret": client_secret,
        "code": code,
        "redirect_uri": redirect_uri,
    }
    try:
        answer = httpx.post(
            f"{web}/login/oauth/access_token",
            data=form,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
        )
        data = answer.json() if answer.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        raise OAuthError("GitHub's sign-in could not be reached") from None
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        # GitHub's error names the problem ("bad_verification_code"), never the secret
        error = data.get("error", "no token") if isinstance(data, dict) else "no token"
        raise OAuthError(f"GitHub refused the sign-in: {error}")
    return token


class UserAPI:
    """The API as the signed-in user: one client per visit, closed by ``with``."""

    def __init__(self, api_url: str, token: str) -> None:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        self._http = httpx.Client(base_url=api_url, headers=headers, timeout=TIMEOUT_SECONDS)

    def __enter__(self) -> UserAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def login(self) -> str:
        """The user's login."""
        return str(self._get("/user")["login"])

    def installations(self) -> list[Installation]:
        """The App's installations the user can access, each with the repositories they can."""
        found = self._pages("/user/installations", "installations")
        return [
            Installation(int(i["id"]), str(i["account"]["login"]), self._repositories(int(i["id"])))
            for i in found
        ]

    def _repositories(self, installation_id: int) -> frozenset[str]:
        url = f"/user/installations/{installation_id}/repositories"
        return frozenset(str(r["full_name"]) for r in self._pages(url, "repositories"))

    def _get(self, url: str, params: dict[str, int] | None = None) -> Any:
        try:
            answer = self._http.get(url, params=params)
        except httpx.HTTPError:
            raise OAuthError("GitHub could not be reached") from None
        if answer.status_code != 200:
            raise OAuthError(f"GitHub answered {answer.status_code} to {url}")
        return answer.json()

    def _pages(self, url: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            data = self._get(url, {"per_page": PER_PAGE, "page": page})
            items.extend(data[key])
            if len(data[key]) < PER_PAGE or len(items) >= int(data["total_count"]):
                return items
            page += 1
