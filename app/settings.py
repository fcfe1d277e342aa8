"""Settings: the App's id, private key, webhook secret, GitHub API URL, data dir, queue URL,
package index URL and the OAuth client the dashboard signs visitors in with.

Read from `MOLT_*` environment variables and an optional `.env` file, once, by `load_settings()`
(or `load_github_url()` for `molt register`, which runs before the App exists, and
`load_index_location()` for `molt preview --check-dependencies`); the result is passed down.
Nothing here reads the environment at import time.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.errors import SettingsError
from app.package_index import DEFAULT_INDEX_URL

ENV_PREFIX = "MOLT_"
GITHUB_URL = "https://api.github.com"
QUEUE_SCHEMES = ("redis", "rediss", "unix")

_PEM = re.compile(
    r"-----BEGIN (?P<label>(?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\n"
    r"(?P<body>[A-Za-z0-9+/=\s]+)"
    r"-----END (?P=label)-----"
)
# What a field holds when pydantic's own type check fails (the value is never repeated).
_MALFORMED = {
    "app_id": "is not a positive integer",
    "data_dir": "is not a path",
    "private_key_file": "is not a path",
}


def env_name(field: str) -> str:
    """The environment variable behind a settings field: `app_id` → `MOLT_APP_ID`."""
    return f"{ENV_PREFIX}{field.upper()}"


class GitHubLocation(BaseSettings):
    """Where GitHub's API is: github.com's, or a GitHub Enterprise Server's `/api/v3`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", env_ignore_empty=True, frozen=True
    )

    github_url: str = GITHUB_URL

    @field_validator("github_url")
    @classmethod
    def _check_github_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{env_name('github_url')} is not an http(s) URL")
        return url.rstrip("/")


class IndexLocation(BaseSettings):
    """Where the package index is (PyPI's simple API, a mirror, or a private index with its
    credentials in the URL) and the data dir its answers are cached in."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", env_ignore_empty=True, frozen=True
    )

    index_url: SecretStr = SecretStr(DEFAULT_INDEX_URL)
    data_dir: Path = Path("molt-data")

    @field_validator("index_url")
    @classmethod
    def _check_index_url(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{env_name('index_url')} is not an http(s) URL")
        return value


class Settings(GitHubLocation, IndexLocation):
    """Everything the App needs to run; secrets are `SecretStr` and never shown by `repr`."""

    app_id: int = Field(gt=0)
    private_key: SecretStr | None = None
    private_key_file: Path | None = None
    webhook_secret: SecretStr
    data_dir: Path = Path("molt-data")
    queue_url: SecretStr = SecretStr("")
    # Jobs: per-repository locks and running-job records are leases of this time-to-live,
    # renewed while their worker lives; a job stops at the time limit; each worker process
    # may map at most the memory ceiling (0: none); a failed job is retried after this delay,
    # doubling.
    lease_seconds: float = Field(default=60, gt=0)
    job_time_limit: float = Field(default=600, gt=0)
    job_memory_mb: int = Field(default=2048, ge=0)
    retry_seconds: float = Field(default=30, gt=0)
    # Content-creating requests (POST, PATCH, PUT, DELETE) each installation may make, as
    # COUNT/SECONDS windows: GitHub's secondary limit is 80 a minute and 500 an hour.
    write_budget: str = "60/60,450/3600"
    # Check pins against the package index (MOLT_INDEX_URL) and regenerate lock files.
    check_dependencies: bool = True
    # The dashboard's sign-in with GitHub: the App's OAuth client (empty: no dashboard).
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")

    @field_validator("private_key")
    @classmethod
    def _check_private_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = _normalise_pem(value.get_secret_value())
        if not is_pem_private_key(text):
            raise ValueError(f"{env_name('private_key')} is not a PEM private key")
        return SecretStr(text)

    @field_validator("private_key_file")
    @classmethod
    def _check_private_key_file(cls, path: Path | None) -> Path | None:
        if path is not None:
            _read_key_file(path)
        return path

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError(f"{env_name('webhook_secret')} is empty")
        return value

    @field_validator("queue_url")
    @classmethod
    def _check_queue_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if url and urlsplit(url).scheme not in QUEUE_SCHEMES:
            raise ValueError(f"{env_name('queue_url')} must be empty (SQLite) or a redis:// URL")
        return value

    @field_validator("write_budget")
    @classmethod
    def _check_write_budget(cls, value: str) -> str:
        from app.pacing.budget import parse_windows  # the server's import, not the CLI's

        parse_windows(value)
        return value

    @model_validator(mode="after")
    def _check_one_private_key(self) -> Settings:
        if self.private_key is None and self.private_key_file is None:
            raise ValueError(
                f"{env_name('private_key')} or {env_name('private_key_file')} is missing"
            )
        if self.private_key is not None and self.private_key_file is not None:
            raise ValueError(
                f"set only one of {env_name('private_key')} and {env_name('private_key_file')}"
            )
        return self

    def private_key_pem(self) -> str:
        """The App's private key as PEM text, from `MOLT_PRIVATE_KEY` or the key file."""
        if self.private_key is not None:
            return self.private_key.get_secret_value()
        assert self.private_key_file is not None  # guaranteed by _check_one_private_key
        return _read_key_file(self.private_key_file)

    @property
    def dashboard_enabled(self) -> bool:
        """True when the App's OAuth client id and secret are set, so visitors can sign in."""
        return bool(self.client_id and self.client_secret.get_secret_value())

    @property
    def uses_redis(self) -> bool:
        """True when the queue is Redis; False for SQLite in the data dir."""
        return bool(self.queue_url.get_secret_value())


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read the settings from the environment and `env_file` (if it exists).

    Raises `SettingsError` with one line naming each missing or malformed setting.
    """
    try:
        # `_env_file` is pydantic-settings' own init argument, unknown to mypy's field signature.
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        # `from None`: pydantic's own message repeats input values, which may be secrets.
        raise SettingsError(describe(exc)) from None


def load_github_url() -> str:
    """`MOLT_GITHUB_URL` from the environment (no `.env`), or github.com's API.

    Raises `SettingsError` when it is not an http(s) URL.
    """
    try:
        # `_env_file` as in `load_settings`: registration writes the `.env`, it never reads one.
        return GitHubLocation(_env_file=None).github_url  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def load_index_location() -> IndexLocation:
    """`MOLT_INDEX_URL` and `MOLT_DATA_DIR` from the environment (no `.env`), else PyPI and
    `molt-data`. Raises `SettingsError` when the URL is not an http(s) URL."""
    try:
        return IndexLocation(_env_file=None)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """One line naming every setting `exc` complains about, without any value."""
    return "; ".join(_describe_one(error) for error in exc.errors(include_input=False))


def _describe_one(error: ErrorDetails) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if error["type"] == "missing":
        return f"{env_name(field)} is missing"
    return f"{env_name(field)} {_MALFORMED.get(field, 'is malformed')}"


def is_pem_private_key(text: str) -> bool:
    """True when `text` is one PEM-armoured private key with a base64 body."""
    match = _PEM.fullmatch(text.strip())
    if match is None:
        return False
    try:
        return bool(base64.b64decode("".join(match["body"].split()), validate=True))
    except binascii.Error:
        return False


def _normalise_pem(text: str) -> str:
    # Keys pasted into a one-line env var often carry literal "\n" (probot accepts them too).
    if "\n" not in text.strip() and "\\n" in text:
        text = text.replace("\\n", "\n")
    return text.strip() + "\n"


def _read_key_file(path: Path) -> str:
    name = env_name("private_key_file")
    if not path.is_file():
        raise ValueError(f"{name}: no such file: {path}")
    try:
        text = _normalise_pem(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name}: cannot read {path}: {type(exc).__name__}") from None
    if not is_pem_private_key(text):
        raise ValueError(f"{name}: {path} is not a PEM private key")
    return text
