"""The dashboard against the fake GitHub: settings with its OAuth client, sign-in by its pages."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from app.dashboard.states import RepoState, State
from app.dashboard.store import SqliteStates
from app.settings import Settings
from tests.app.test_jobs import private_key
from tests.fakes import webhooks

CHECKED = datetime(2026, 11, 26, 4, 17, tzinfo=UTC)


@pytest.fixture
def settings(fake_github, tmp_path):
    return Settings.model_construct(
        app_id=fake_github.world.app_id,
        private_key=SecretStr(private_key()),
        private_key_file=None,
        webhook_secret=SecretStr(webhooks.SECRET),
        github_url=fake_github.url,
        data_dir=tmp_path,
        queue_url=SecretStr(""),
        client_id=fake_github.oauth.client_id,
        client_secret=SecretStr(fake_github.oauth.client_secret),
    )


@pytest.fixture
def store(tmp_path):
    return SqliteStates(tmp_path / "states.sqlite3")


def row(installation_id, full_name, state=State.UP_TO_DATE, **fields):
    """A stored repository state, checked at a fixed time."""
    return RepoState(installation_id, full_name, state, CHECKED, **fields)


def grant(fake_github, authorize_url, login):
    """Press "Sign in as ``login``" on the fake's authorize page: the callback URL it returns."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    answer = httpx.post(f"{fake_github.url}/login/oauth/authorize", data=query | {"login": login})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def sign_in(client, fake_github, login):
    """Sign ``client`` (a TestClient) in as ``login`` through the fake's OAuth pages."""
    started = client.get("/login/github", follow_redirects=False)
    back = urlsplit(grant(fake_github, started.headers["location"], login))
    answer = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer
