"""Authenticated PyGithub clients, and the App's installations and their repositories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import github
from github import Auth
from github.PaginatedList import PaginatedList
from github.Repository import Repository as GithubRepository

from app.github.failures import translated
from app.outcome import Target

# an authenticated client, as the rest of the App may name it without importing PyGithub
Client = github.Github

TIMEOUT_SECONDS = 30


class Pace(Protocol):
    """What paces one installation's requests (``app.pacing.Gate``)."""

    def before(self, method: str) -> None:
        """Wait until the request may go (or raise ``RateLimited``)."""

    def after(self, method: str, status: int, headers: Mapping[str, str], message: str) -> None:
        """Learn from the answer: rate-limit headers, a pause."""


def client_for_token(
    token: str, base_url: str, *, throttle: bool = True, timeout: int = TIMEOUT_SECONDS
) -> github.Github:
    """A client authenticated by a user or installation token."""
    return _client(Auth.Token(token), base_url, throttle, timeout)


def client_for_installation(
    app_id: int,
    private_key: str,
    installation_id: int,
    base_url: str,
    *,
    throttle: bool = True,
    pace: Pace | None = None,
) -> github.Github:
    """A client for one installation; PyGithub refreshes its token shortly before it expires.

    With ``pace``, every API request of the client passes through it (and PyGithub's own fixed
    spacing, which knows nothing of other processes, is off).
    """
    app_auth = Auth.AppAuth(app_id, private_key)
    auth = Auth.AppInstallationAuth(app_auth, installation_id)
    client = _client(auth, base_url, throttle and pace is None)
    if pace is not None:
        _pace_requests(client, pace)
    return client


def _pace_requests(client: github.Github, pace: Pace) -> None:
    """Route the client's API requests through ``pace``.

    PyGithub sends every API request through one connection object of the class its requester
    keeps (downloads from other hosts use another); the requester offers no per-instance hook,
    so the class is replaced on this requester alone (``injectConnectionClasses`` would change
    every client in the process).  ``test_github`` fails if PyGithub renames the attribute.
    """
    requester = client.requester
    attribute = "_Requester__connectionClass"
    base: type[Any] = getattr(requester, attribute)

    class Paced(base):  # type: ignore[misc]
        def getresponse(self) -> Any:
            pace.before(self.verb)
            response = super().getresponse()
            limited = response.status in (403, 429)
            message = response.read() if limited else ""  # the body: kept, so it reads again
            pace.after(self.verb, response.status, dict(response.getheaders()), message)
            return response

    setattr(requester, attribute, Paced)


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
    """Every repository an installation can see, 100 per request, with what a scan needs.

    Most recently pushed first: a scan reaches the repositories people work on first, so
    they see their pull requests early while the rest of a large installation waits its turn.
    """
    listing = PaginatedList(
        GithubRepository,
        client.requester,
        "/installation/repositories",
        {"per_page": 100},
        list_item="repositories",
    )
    with translated():
        found = sorted(listing, key=_pushed, reverse=True)
    return [
        Target(r.full_name, r.default_branch or "main", bool(r.archived), bool(r.fork))
        for r in found
    ]


def _pushed(repository: GithubRepository) -> float:
    return repository.pushed_at.timestamp() if repository.pushed_at else 0.0


def describe_repository(client: github.Github, full_name: str) -> Target:
    """One repository's scan target, in one request (token mode has no installation listing)."""
    with translated():
        r = client.get_repo(full_name)
        return Target(r.full_name, r.default_branch or "main", bool(r.archived), bool(r.fork))
