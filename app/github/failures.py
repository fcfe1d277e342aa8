"""PyGithub's and the transport's errors as molt's own (``app.errors``), rate limits included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import requests
from github import GithubException

from app.errors import Conflict, Forbidden, GitHubError, NotFound, RateLimited, ServerError


def _reset_at(error: GithubException) -> datetime:
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
    now = datetime.now(UTC)
    if "retry-after" in headers:
        return now + timedelta(seconds=int(headers["retry-after"]))
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return datetime.fromtimestamp(int(headers["x-ratelimit-reset"]), UTC)
    return now + timedelta(seconds=60)


def _is_rate_limit(error: GithubException) -> bool:
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
    message = str(error.data.get("message", "")) if isinstance(error.data, dict) else ""
    return (
        error.status == 429
        or "retry-after" in headers
        or headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in message.lower()
    )


def translate(error: GithubException) -> GitHubError:
    """PyGithub's exception as one of molt's; the message names the status, never a token."""
    message = error.data.get("message", "") if isinstance(error.data, dict) else ""
    text = f"GitHub answered {error.status}: {message}".rstrip(": ")
    if error.status in (403, 429) and _is_rate_limit(error):
        return RateLimited(text, reset_at=_reset_at(error), status=error.status)
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
