"""The dashboard's routes: sign-in with GitHub, sign-out, and the organisation page.

A page load reads the store and, at most every few minutes per visitor, asks GitHub which
installations and repositories the visitor can access; nothing here touches the webhook path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from app.dashboard import oauth, view
from app.dashboard.oauth import Installation, OAuthError, UserAPI
from app.dashboard.sessions import (
    COOKIE,
    MAX_AGE_SECONDS,
    STATE_COOKIE,
    STATE_MAX_AGE_SECONDS,
    Session,
    Sessions,
)
from app.dashboard.states import RepoState, State
from app.dashboard.store import StateStore
from app.settings import Settings

log = logging.getLogger(__name__)

STATE_MISMATCH = "The sign-in expired or did not start here. Try again."
SIGN_IN_REFUSED = "GitHub did not confirm the sign-in. Try again."
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def templates() -> Environment:
    """The page templates, HTML-escaped."""
    return Environment(
        loader=PackageLoader("app.dashboard", "templates"),
        autoescape=select_autoescape(),
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Dashboard:
    """The routes and what they share: the store, the visitors' sessions, the templates."""

    def __init__(
        self, settings: Settings, store: StateStore, today: Callable[[], date] = date.today
    ) -> None:
        self.store = store
        self.sessions = Sessions(settings.client_secret.get_secret_value())
        self._client_id = settings.client_id
        self._client_secret = settings.client_secret
        self._api = settings.github_url
        self.web = oauth.web_url(settings.github_url)
        self._today = today
        self._templates = templates()
        self._css = resources.files("app.dashboard").joinpath("templates/dashboard.css")

    def router(self) -> APIRouter:
        """The dashboard's routes."""
        router = APIRouter()
        router.add_api_route("/", self.overview, methods=["GET"])
        router.add_api_route("/installations/{installation_id}", self.installation, methods=["GET"])
        router.add_api_route("/login", self.login, methods=["GET"])
        router.add_api_route("/login/github", self.start_sign_in, methods=["GET"])
        router.add_api_route("/login/callback", self.callback, methods=["GET"], name="callback")
        router.add_api_route("/logout", self.logout, methods=["POST"])
        router.add_api_route("/dashboard.css", self.css, methods=["GET"])
        return router

    # --- the page -------------------------------------------------------------------

    def overview(self, request: Request, state: str | None = None) -> Response:
        """Every installation the visitor can access."""
        return self._page(request, None, state)

    def installation(
        self, request: Request, installation_id: int, state: str | None = None
    ) -> Response:
        """One installation; 404 unless the visitor can access it."""
        return self._page(request, installation_id, state)

    def _page(self, request: Request, only: int | None, state: str | None) -> Response:
        session = self.sessions.find(request.cookies.get(COOKIE))
        if session is None:
            return _redirect("/login")
        visible = self._visible(session)
        if visible is None:
            return self._signed_out("/login")
        chosen = [i for i in visible if only is None or i.id == only]
        if only is not None and not chosen:
            raise HTTPException(404)
        return self.render(session.login, chosen, view.parse_filter(state), only)

    def render(
        self, login: str, installations: list[Installation], only: State | None, page: int | None
    ) -> HTMLResponse:
        """The page for ``installations``, rows filtered to ``only``."""
        sections = []
        everything: list[RepoState] = []
        for installation in installations:
            states = self.store.installation(installation.id)
            sections.append(view.section(installation, states, only))
            everything.extend(s for s in states if s.full_name in installation.repositories)
        html = self._templates.get_template("dashboard.html").render(
            login=login,
            sections=sections,
            states=list(State),
            only=only,
            here=f"/installations/{page}" if page is not None else "/",
            calendar=view.calendar(everything, self._today()),
            web=self.web,
        )
        return HTMLResponse(html, headers=HEADERS)

    def _visible(self, session: Session) -> list[Installation] | None:
        """The visitor's installations, from GitHub at most every few minutes; None when the
        visitor's token no longer works."""
        known = self.sessions.fresh_visible(session)
        if known is not None:
            return known
        try:
            with UserAPI(self._api, session.token.get_secret_value()) as api:
                visible = api.installations()
        except OAuthError as error:
            log.warning("signing %s out: %s", session.login, error)
            return None
        self.sessions.remember_visible(session, visible)
        return visible

    def css(self) -> Response:
        """The page's style sheet."""
        headers = {"Cache-Control": "public, max-age=3600"}
        return Response(self._css.read_text(), media_type="text/css", headers=headers)

    # --- signing in and out -----------------------------------------------------------

    def login(self, request: Request) -> Response:
        """The sign-in page (or the dashboard, for a visitor already signed in)."""
        if self.sessions.find(request.cookies.get(COOKIE)) is not None:
            return _redirect("/")
        html = self._templates.get_template("login.html").render(error=None)
        return HTMLResponse(html, headers=HEADERS)

    def start_sign_in(self, request: Request) -> Response:
        """Off to GitHub's sign-in page, with a fresh ``state`` remembered in a cookie."""
        state, cookie = self.sessions.new_state()
        target = oauth.authorize_url(self.web, self._client_id, self._callback(request), state)
        response = _redirect(target)
        _set_cookie(request, response, STATE_COOKIE, cookie, STATE_MAX_AGE_SECONDS)
        return response

    def callback(self, request: Request, code: str = "", state: str = "") -> Response:
        """GitHub sends the visitor back: check ``state``, trade the code for a token."""
        if not self.sessions.state_matches(request.cookies.get(STATE_COOKIE), state):
            return self._failed(400, STATE_MISMATCH)
        try:
            token = oauth.exchange(
                self.web,
                self._client_id,
                self._client_secret.get_secret_value(),
                code,
                self._callback(request),
            )
            with UserAPI(self._api, token) as api:
                login = api.login()
        except OAuthError as error:
            log.warning("sign-in failed: %s", error)
            return self._failed(400, SIGN_IN_REFUSED)
        log.info("%s signed in", login)
        response = _redirect("/")
        _set_cookie(request, response, COOKIE, self.sessions.start(login, token), MAX_AGE_SECONDS)
        response.delete_cookie(STATE_COOKIE, path="/")
        return response

    def logout(self, request: Request) -> Response:
        """Forget the session and its cookie."""
        self.sessions.end(request.cookies.get(COOKIE))
        return self._signed_out("/login")

    def _signed_out(self, target: str) -> Response:
        response = _redirect(target)
        response.delete_cookie(COOKIE, path="/")
        return response

    def _failed(self, status: int, message: str) -> HTMLResponse:
        html = self._templates.get_template("login.html").render(error=message)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    @staticmethod
    def _callback(request: Request) -> str:
        return str(request.url_for("callback"))


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
