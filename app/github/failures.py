"""PyGithub's and the transport's errors as molt's own (``app.errors``), rate limits included."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import requests
from github import GithubException

from app.errors import Conflict, Forbidden, GitHubError, NotFound, RateLimited, ServerError
from app.pacing.budget import limit_ends


def _limit_ends(error: GithubException) -> datetime | None:
    """When the rate limit ``error`` reports ends, by the one rule pacing uses too."""
    message = str(error.data.get("message", "")) if isinstance(error.data, dict) else ""
    ends = limit_ends(error.status, error.headers or {}, message, time.time())
    return None if ends is None else datetime.fromtimestamp(ends, UTC)


def translate(error: GithubException) -> GitHubError:
    """PyGithub's exception as one of molt's; the message names the status, never a token."""
    message = error.data.get("message", "") if isinstance(error.data, dict) else ""
    text = f"GitHub answered {error.status}: {message}".rstrip(": ")
    reset_at = _limit_ends(error)
    if reset_at is not None:
        return RateLimited(text, reset_at=reset_at, status=error.status)
    if error.status == 404:
        return NotFound(text, status=404)
    if error.status == 403:
        return Forbidden(text, status=403)
    if error.status in (409, 422):
        return Conflict(text, status=error.status)
    if error.status >= 500:
        return ServerError(text, status=error.status)
    return GitHubError(text, status=error.status)


@contextmanager
def translated() -> Iterator[None]:
    """Turn PyGithub and transport errors into molt's errors."""
    try:
        yield
    except GithubException as error:
        raise translate(error) from None
    except requests.HTTPError as error:  # a download: the message quotes its URL, token and all
        answer = error.response
        status = 502 if answer is None else answer.status_code
        headers = {} if answer is None else dict(answer.headers)
        raise translate(GithubException(status, None, headers)) from None
    except requests.Timeout:
        raise ServerError("GitHub did not answer in time") from None
    except requests.ConnectionError:
        raise ServerError("could not connect to GitHub") from None
