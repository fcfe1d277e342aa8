"""Authenticated PyGithub clients, and the App's installations and their repositories."""

from __future__ import annotations

import github
from github import Auth
from github.PaginatedList import PaginatedList
from github.Repository import Repository as GithubRepository

from app.github.failures import translated
from app.outcome import Target

# an authenticated client, as the rest of the App may name it without importing PyGithub
Client = github.Github

TIMEOUT_SECONDS = 30


def client_for_token(
    token: str, base_url: str, *, throttle: bool = True, timeout: int = TIMEOUT_SECONDS
) -> github.Github:
    """A client authenticated by a user or installation token."""
    return _client(Auth.Token(token), base_url, throttle, timeout)


def client_for_installation(
    app_id: int, private_key: str, installation_id: int, base_url: str, *, throttle: bool = True
) -> github.Github:
    """A client for one installation; PyGithub refreshes its token shortly before it expires."""
    app_auth = Auth.AppAuth(app_id, private_key)
    return _client(Auth.AppInstallationAuth(app_auth, installation_id), base_url, throttle)


def _client(
    auth: Auth.Auth, base_url: str, throttle: bool, timeout: int = TIMEOUT_SECONDS
) -> github.Github:
    return github.Github(
        auth=auth,
        base_url=base_url,
        retry=None,  # retries happen in the job, with backoff that honours rate limits
        timeout=timeout,
        # GitHub asks integrators to space requests (writes most) to avoid secondary limits
        seconds_between_requests=0.25 if throttle else 0.0,
        seconds_between_writes=1.0 if throttle else 0.0,
        lazy=True,
    )


def installation_ids(app_id: int, private_key: str, base_url: str) -> list[int]:
    """Every installation of the App."""
    integration = github.GithubIntegration(
        auth=Auth.AppAuth(app_id, private_key), base_url=base_url
    )
    with translated():
        return [installation.id for installation in integration.get_installations()]


def app_slug(app_id: int, private_key: str, base_url: str) -> str:
    """The App's slug (``molt-bot``): its bot user is ``<slug>[bot]``, mentioned as ``@<slug>``."""
    integration = github.GithubIntegration(
        auth=Auth.AppAuth(app_id, private_key), base_url=base_url
    )
    with translated():
        return str(integration.get_app().slug)


def installation_repositories(client: github.Github) -> list[Target]:
    """Every repository an installation can see, 100 per request, with what a scan needs."""
    listing = PaginatedList(
        GithubRepository,
        client.requester,
        "/installation/repositories",
        {"per_page": 100},
        list_item="repositories",
    )
    with translated():
        return [
            Target(r.full_name, r.default_branch or "main", bool(r.archived), bool(r.fork))
            for r in listing
        ]


def describe_repository(client: github.Github, full_name: str) -> Target:
    """One repository's scan target, in one request (token mode has no installation listing)."""
    with translated():
        r = client.get_repo(full_name)
        return Target(r.full_name, r.default_branch or "main", bool(r.archived), bool(r.fork))
