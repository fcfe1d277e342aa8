"""Sign-in with GitHub and what a visitor may see: sessions, the OAuth state, other users' data."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.dashboard.page import STATE_MISMATCH
from app.dashboard.sessions import COOKIE, MAX_AGE_SECONDS, STATE_COOKIE
from app.dashboard.states import State
from app.server import create_app
from tests.app.dashboard.conftest import grant, row, sign_in

OURS, THEIRS = 101, 202


@pytest.fixture
def client(fake_github, settings, store):
    fake_github.add_installation(OURS, "ours")
    fake_github.add_installation(THEIRS, "theirs")
    fake_github.add_repo("ours/api", {"setup.py": ""}, installation_id=OURS)
    fake_github.add_repo("ours/secret", {"setup.py": ""}, installation_id=OURS)
    fake_github.add_repo("theirs/web", {"setup.py": ""}, installation_id=THEIRS)
    fake_github.add_user("alice", installations=[OURS], repos=["ours/api"])
    fake_github.add_user("bob", installations=[THEIRS])
    for full_name, installation in (("ours/api", OURS), ("ours/secret", OURS)):
        store.put(row(installation, full_name, State.OPEN, pull_number=3))
    store.put(row(THEIRS, "theirs/web"))
    with TestClient(create_app(settings, lambda event: None, states=store)) as made:
        yield made


def use_cookie(client, value):
    """Send ``value`` as the session cookie, instead of the one the sign-in set."""
    client.cookies.clear()
    client.cookies.set(COOKIE, value)


def test_no_session_redirects_to_sign_in(client):
    for path in ("/", f"/installations/{OURS}", "/?state=merged"):
        answer = client.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_sign_in_page_offers_github(client):
    answer = client.get("/login")
    assert answer.status_code == 200
    assert 'href="/login/github"' in answer.text


def test_signed_in_visitor_sees_only_what_github_lets_them(client, fake_github):
    sign_in(client, fake_github, "alice")
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-repo="ours/api"' in page.text
    assert "ours/secret" not in page.text  # in alice's installation, not among her repos
    assert "theirs" not in page.text


def test_forged_cookie_is_sign_in(client, fake_github):
    sign_in(client, fake_github, "alice")
    real = client.cookies[COOKIE]
    forged = [real[:-2] + ("AA" if not real.endswith("AA") else "BB"), "made-up", real + "x"]
    for value in forged:
        use_cookie(client, value)
        answer = client.get("/", follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_expired_cookie_is_sign_in(client, fake_github, settings):
    sign_in(client, fake_github, "alice")
    secret = settings.client_secret.get_secret_value()
    session_id = URLSafeTimedSerializer(secret, salt="molt-session").loads(client.cookies[COOKIE])

    class Yesterday(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - MAX_AGE_SECONDS - 60

    old = URLSafeTimedSerializer(secret, salt="molt-session", signer=Yesterday)
    use_cookie(client, old.dumps(session_id))
    answer = client.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_oauth_state_mismatch_is_400(client, fake_github):
    started = client.get("/login/github", follow_redirects=False)
    query = parse_qs(urlsplit(started.headers["location"]).query)
    forged = started.headers["location"].replace(query["state"][0], "someone-elses-state")
    back = urlsplit(grant(fake_github, forged, "alice"))
    answer = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 400
    assert STATE_MISMATCH in answer.text
    assert COOKIE not in answer.cookies


def test_callback_without_the_state_cookie_is_400(client, fake_github):
    started = client.get("/login/github", follow_redirects=False)
    back = urlsplit(grant(fake_github, started.headers["location"], "alice"))
    client.cookies.delete(STATE_COOKIE)
    answer = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 400


def test_stale_code_is_400(client, fake_github):
    started = client.get("/login/github", follow_redirects=False)
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    answer = client.get(f"/login/callback?code=not-a-code&state={state}", follow_redirects=False)
    assert answer.status_code == 400


def test_another_users_installation_is_404(client, fake_github):
    sign_in(client, fake_github, "alice")
    assert client.get(f"/installations/{OURS}").status_code == 200
    assert client.get(f"/installations/{THEIRS}").status_code == 404
    assert client.get("/installations/999999").status_code == 404


def test_session_cookie_is_http_only_lax_and_secure_behind_https(fake_github, settings, store):
    fake_github.add_installation(OURS, "ours")
    fake_github.add_user("alice", installations=[OURS])
    app = create_app(settings, lambda event: None, states=store)
    with TestClient(app, base_url="https://molt.example") as client:
        answer = sign_in(client, fake_github, "alice")
    cookie = next(v for k, v in answer.headers.multi_items() if v.startswith(f"{COOKIE}="))
    assert {"HttpOnly", "Secure", "SameSite=lax"} <= {p.strip() for p in cookie.split(";")}


def test_plain_http_cookie_is_not_marked_secure(client, fake_github):
    answer = sign_in(client, fake_github, "alice")
    cookie = next(v for k, v in answer.headers.multi_items() if v.startswith(f"{COOKIE}="))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_logout_ends_the_session(client, fake_github):
    sign_in(client, fake_github, "alice")
    cookie = client.cookies[COOKIE]
    answer = client.post("/logout", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    use_cookie(client, cookie)  # the old cookie no longer names a session
    assert client.get("/", follow_redirects=False).status_code == 303


def test_no_token_on_the_page_or_in_the_log(client, fake_github, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, fake_github, "alice")
    page = client.get("/").text
    tokens = set(fake_github.world.user_tokens)
    assert tokens
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for token in tokens:
        assert token not in page and token not in logged and token not in str(client.cookies)


def test_installation_list_is_asked_of_github_once_per_few_minutes(client, fake_github):
    sign_in(client, fake_github, "alice")
    for _ in range(3):
        assert client.get("/").status_code == 200
    asked = [r for r in fake_github.requests if r.path == "/user/installations"]
    assert len(asked) == 1


def test_page_has_strict_headers(client, fake_github):
    sign_in(client, fake_github, "alice")
    headers = client.get("/").headers
    assert headers["cache-control"] == "no-store"
    assert "default-src 'none'" in headers["content-security-policy"]
