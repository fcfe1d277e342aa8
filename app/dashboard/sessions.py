"""Signed-in visitors: a signed, expiring cookie naming a session kept in the server's memory.

The cookie holds only a random session id, signed with the App's client secret (itsdangerous),
so a forged, tampered or expired cookie is simply no session. The visitor's token stays in
memory, never in the cookie, a log or the page; a restart signs everyone out.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import SecretStr

from app.dashboard.oauth import Installation
from app.memory import LRU

COOKIE = "molt_session"
STATE_COOKIE = "molt_oauth_state"
MAX_AGE_SECONDS = 8 * 3600
STATE_MAX_AGE_SECONDS = 600  # time to click through GitHub's sign-in page
SESSIONS_MAX = 10_000
VISIBLE_SECONDS = 300  # how long the visitor's installation list is trusted


@dataclass
class Session:
    """One signed-in visitor."""

    login: str
    token: SecretStr
    visible: list[Installation] | None = None
    visible_at: float = field(default=float("-inf"))


class Sessions:
    """Sessions by id; cookies are made and read here."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._sessions = LRU[str, Session](SESSIONS_MAX)
        self._cookies = URLSafeTimedSerializer(secret, salt="molt-session")
        self._states = URLSafeTimedSerializer(secret, salt="molt-oauth-state")
        self._clock = clock

    def start(self, login: str, token: str) -> str:
        """A new session's cookie value."""
        session_id = secrets.token_urlsafe(32)
        self._sessions.put(session_id, Session(login, SecretStr(token)))
        return self._cookies.dumps(session_id)

    def find(self, cookie: str | None) -> Session | None:
        """The session a cookie names; None when it is missing, forged, expired or forgotten."""
        session_id = self._load(self._cookies, cookie, MAX_AGE_SECONDS)
        return None if session_id is None else self._sessions.get(session_id)

    def end(self, cookie: str | None) -> None:
        """Forget the session a cookie names (sign-out)."""
        session_id = self._load(self._cookies, cookie, MAX_AGE_SECONDS)
        if session_id is not None:
            self._sessions.discard(session_id)

    def new_state(self) -> tuple[str, str]:
        """A fresh OAuth ``state`` and the cookie value that remembers it."""
        state = secrets.token_urlsafe(24)
        return state, self._states.dumps(state)

    def state_matches(self, cookie: str | None, state: str | None) -> bool:
        """Whether ``state`` came back as sent, within the time allowed."""
        sent = self._load(self._states, cookie, STATE_MAX_AGE_SECONDS)
        return bool(sent and state) and secrets.compare_digest(str(sent), str(state))

    def fresh_visible(self, session: Session) -> list[Installation] | None:
        """The visitor's installations, if looked up within the last few minutes."""
        if self._clock() - session.visible_at < VISIBLE_SECONDS:
            return session.visible
        return None

    def remember_visible(self, session: Session, visible: list[Installation]) -> None:
        """Keep the visitor's installations for a few minutes."""
        session.visible, session.visible_at = visible, self._clock()

    def _load(
        self, serializer: URLSafeTimedSerializer, cookie: str | None, max_age: int
    ) -> str | None:
        if not cookie:
            return None
        try:
            return str(serializer.loads(cookie, max_age=max_age))
        except BadSignature:  # SignatureExpired is one too
            return None
