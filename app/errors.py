"""The errors molt raises, one tree so callers can catch as broadly as they need.

::

    MoltError
     ├── SettingsError          a MOLT_* setting is missing or malformed (startup)
     ├── ConfigError            a repository's .github/molt.yml is invalid
     └── GitHubError            GitHub answered with an error
          ├── NotFound          404: repository, ref, file or PR is gone
          ├── Forbidden         403: the installation lacks a permission (e.g. workflows)
          ├── Conflict          409/422: ref already exists, branch moved, PR already open
          ├── RateLimited       primary or secondary rate limit; carries reset_at
          └── ServerError       5xx: try again later

Messages never contain a secret, a token or a private key.
"""

from __future__ import annotations

from datetime import datetime


class MoltError(Exception):
    """Base class of every error molt raises on purpose."""


class SettingsError(MoltError):
    """A setting is missing or malformed; the message is one line naming it, never its value."""


class ConfigError(MoltError):
    """A repository's `.github/molt.yml` is invalid; says which file, key and line."""

    def __init__(
        self,
        reason: str,
        *,
        path: str = ".github/molt.yml",
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.key = key
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = self.reason if self.key is None else f"{self.key}: {self.reason}"
        return f"{where}: {what}"


class GitHubError(MoltError):
    """GitHub answered a request with an error status."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class NotFound(GitHubError):
    """404: the repository, ref, file or pull request does not exist (or is hidden from us)."""


class Forbidden(GitHubError):
    """403 that is not a rate limit: the installation lacks a permission."""


class Conflict(GitHubError):
    """409/422: the state on GitHub is not what we expected (ref exists, branch moved, …)."""


class RateLimited(GitHubError):
    """A primary or secondary rate limit; retry no earlier than `reset_at` (UTC)."""

    def __init__(self, message: str, *, reset_at: datetime, status: int | None = None) -> None:
        self.reset_at = reset_at
        super().__init__(message, status=status)


class ServerError(GitHubError):
    """5xx: GitHub failed; the request may be retried later."""
