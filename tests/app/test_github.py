"""GitHub's answers as molt's errors, and the timeouts the fake injects."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from github import GithubException

from app import github as gh
from app.errors import Conflict, Forbidden, GitHubError, NotFound, RateLimited, ServerError


def error(status, message="", headers=None):
    return GithubException(status, {"message": message}, headers or {})


@pytest.mark.parametrize(
    ("raised", "kind", "text"),
    (
        (error(404, "Not Found"), NotFound, "GitHub answered 404: Not Found"),
        (
            error(403, "Resource not accessible by integration"),
            Forbidden,
            "GitHub answered 403: Resource not accessible by integration",
        ),
        (
            error(422, "Reference already exists"),
            Conflict,
            "GitHub answered 422: Reference already exists",
        ),
        (
            error(409, "Git Repository is empty."),
            Conflict,
            "GitHub answered 409: Git Repository is empty.",
        ),
        (error(502), ServerError, "GitHub answered 502"),
        (error(418, "teapot"), GitHubError, "GitHub answered 418: teapot"),
    ),
)
def test_translate(raised, kind, text):
    translated = gh.translate(raised)
    assert type(translated) is kind
    assert str(translated) == text
    assert translated.status == raised.status


def test_secondary_rate_limit_waits_for_retry_after():
    before = datetime.now(UTC)
    limited = gh.translate(
        error(403, "You have exceeded a secondary rate limit", {"Retry-After": "30"})
    )
    assert isinstance(limited, RateLimited)
    assert (
        before + timedelta(seconds=29)
        <= limited.reset_at
        <= datetime.now(UTC) + timedelta(seconds=31)
    )


def test_primary_rate_limit_waits_for_the_reset():
    reset = int((datetime.now(UTC) + timedelta(minutes=20)).timestamp())
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    limited = gh.translate(error(403, "API rate limit exceeded", headers))
    assert isinstance(limited, RateLimited)
    assert limited.reset_at == datetime.fromtimestamp(reset, UTC)


def test_429_without_headers_waits_a_minute():
    limited = gh.translate(error(429, "Too Many Requests"))
    assert isinstance(limited, RateLimited)
    assert limited.reset_at > datetime.now(UTC) + timedelta(seconds=50)


def test_timeout_becomes_server_error(fake_github):
    fake_github.add_repo("octo/slow", {"pyproject.toml": "[project]\n"})
    fake_github.hold_seconds = 3
    fake_github.fail_next("GET", "/repos/octo/slow/git/trees/*", timeout=True)
    client = gh.client_for_token("t", fake_github.url, throttle=False, timeout=1)
    with pytest.raises(ServerError, match=r"did not answer in time|could not connect"):
        gh.Repository(client, "octo/slow").tree("main")


def test_unreachable_github_is_a_server_error():
    client = gh.client_for_token("t", "http://127.0.0.1:9", throttle=False)
    with pytest.raises(ServerError, match="could not connect to GitHub"):
        gh.Repository(client, "octo/any").tree("main")


@pytest.mark.parametrize(("status", "kind"), ((502, ServerError), (404, NotFound)))
def test_failed_download_names_the_status_never_the_url(status, kind):
    answer = requests.Response()
    answer.status_code = status
    answer.url = "https://codeload.github.com/o/r/legacy.tar.gz/main?token=SECRET"
    with pytest.raises(kind) as caught, gh.translated():
        answer.raise_for_status()
    assert (str(caught.value), caught.value.status) == (f"GitHub answered {status}", status)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


class Recorder:
    """A ``gh.Pace`` that remembers what passed through it."""

    def __init__(self):
        self.before, self.after = [], []

    def before_request(self, method):
        self.before.append(method)

    def after_answer(self, method, status, headers, message):
        self.after.append((method, status, headers.get("X-RateLimit-Remaining"), message))


class Pace:
    def __init__(self, recorder):
        self.before, self.after = recorder.before_request, recorder.after_answer


def installation_client(fake, pace=None):
    from tests.app.test_jobs import private_key

    fake.add_installation(5, "octo")
    key = private_key()
    return gh.client_for_installation(fake.world.app_id, key, 5, fake.url, pace=pace)


def test_paced_client_sends_every_request_through_its_gate(fake_github):
    recorder = Recorder()
    client = installation_client(fake_github, Pace(recorder))
    fake_github.add_repo("octo/demo", {"pyproject.toml": "[project]\n"})
    fake_github.fail_next("POST", "/repos/octo/demo/git/blobs", 403, retry_after=9)
    repo = gh.Repository(client, "octo/demo")
    repo.tree("main")
    with pytest.raises(RateLimited), gh.translated():
        client.requester.requestJsonAndCheck(
            "POST", f"{repo._repo.url}/git/blobs", input={"content": "x", "encoding": "utf-8"}
        )
    assert recorder.before == ["GET", "POST"]
    (listing, limited) = recorder.after
    assert listing[:2] == ("GET", 200) and int(listing[2]) > 0
    assert limited[:2] == ("POST", 403) and "secondary rate limit" in limited[3]


def test_installation_repositories_most_recently_pushed_first(fake_github):
    client = installation_client(fake_github)
    for name in ("quiet", "idle", "busy"):
        fake_github.add_repo(f"octo/{name}", {"README.md": name})
    time.sleep(1.1)  # the fake stamps pushes to the second
    fake_github.push("octo/busy", {"README.md": "busy"})
    listed = [t.full_name for t in gh.installation_repositories(client)]
    assert listed == ["octo/busy", "octo/quiet", "octo/idle"]  # ties keep GitHub's order
