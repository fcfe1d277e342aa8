from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest

from app.errors import MoltError, SettingsError
from app.settings import load_github_url, load_settings
from tests.fakes.webhooks import fake_private_key

SECRET = "webhook-secret-do-not-leak"
KEY = fake_private_key(seed=1)
REDIS_PASSWORD = "redis-password-do-not-leak"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No MOLT_* variable from the machine, and no stray `.env` in the working directory."""
    for name in list(os.environ):
        if name.upper().startswith("MOLT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def required(monkeypatch):
    monkeypatch.setenv("MOLT_APP_ID", "29310")
    monkeypatch.setenv("MOLT_PRIVATE_KEY", KEY)
    monkeypatch.setenv("MOLT_WEBHOOK_SECRET", SECRET)


def error_of(env_file=None) -> SettingsError:
    with pytest.raises(SettingsError) as info:
        load_settings(env_file=env_file)
    return info.value


def assert_no_secret(text: str) -> None:
    for secret in (SECRET, KEY.strip(), KEY.splitlines()[1], REDIS_PASSWORD):
        assert secret not in text


def test_reads_required_settings_and_defaults(required):
    settings = load_settings(env_file=None)

    assert settings.app_id == 29310
    assert settings.webhook_secret.get_secret_value() == SECRET
    assert settings.private_key_pem() == KEY
    assert settings.github_url == "https://api.github.com"
    assert settings.data_dir == Path("molt-data")
    assert settings.queue_url.get_secret_value() == ""
    assert settings.uses_redis is False


def test_reads_optional_settings(required, monkeypatch, tmp_path):
    monkeypatch.setenv("MOLT_GITHUB_URL", "https://ghe.example/api/v3/")
    monkeypatch.setenv("MOLT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOLT_QUEUE_URL", f"redis://:{REDIS_PASSWORD}@redis.internal:6379/0")

    settings = load_settings(env_file=None)

    assert settings.github_url == "https://ghe.example/api/v3"
    assert settings.data_dir == tmp_path / "data"
    assert settings.uses_redis is True


def test_accepts_the_test_fake_as_github_url(required, monkeypatch):
    monkeypatch.setenv("MOLT_GITHUB_URL", "http://127.0.0.1:8123")

    assert load_settings(env_file=None).github_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        pytest.param("MOLT_APP_ID", "MOLT_APP_ID is missing", id="app_id"),
        pytest.param("MOLT_WEBHOOK_SECRET", "MOLT_WEBHOOK_SECRET is missing", id="secret"),
        pytest.param(
            "MOLT_PRIVATE_KEY",
            "MOLT_PRIVATE_KEY or MOLT_PRIVATE_KEY_FILE is missing",
            id="private_key",
        ),
    ],
)
def test_missing_setting_is_named(required, monkeypatch, unset, message):
    monkeypatch.delenv(unset)

    assert str(error_of()) == message


def test_empty_variable_counts_as_missing(required, monkeypatch):
    monkeypatch.setenv("MOLT_APP_ID", "")

    assert str(error_of()) == "MOLT_APP_ID is missing"


def test_every_missing_setting_is_named_on_one_line():
    assert str(error_of()) == "MOLT_APP_ID is missing; MOLT_WEBHOOK_SECRET is missing"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param("MOLT_APP_ID", "my-app", "MOLT_APP_ID is not a positive integer", id="word"),
        pytest.param("MOLT_APP_ID", "0", "MOLT_APP_ID is not a positive integer", id="zero"),
        pytest.param("MOLT_APP_ID", "-5", "MOLT_APP_ID is not a positive integer", id="negative"),
        pytest.param("MOLT_APP_ID", "1.5", "MOLT_APP_ID is not a positive integer", id="float"),
        pytest.param(
            "MOLT_GITHUB_URL",
            "api.github.com",
            "MOLT_GITHUB_URL is not an http(s) URL",
            id="url-without-scheme",
        ),
        pytest.param(
            "MOLT_GITHUB_URL",
            "ftp://ghe.example/api/v3",
            "MOLT_GITHUB_URL is not an http(s) URL",
            id="url-ftp",
        ),
        pytest.param(
            "MOLT_QUEUE_URL",
            f"amqp://molt:{REDIS_PASSWORD}@mq.internal",
            "MOLT_QUEUE_URL must be empty (SQLite) or a redis:// URL",
            id="queue-not-redis",
        ),
        pytest.param("MOLT_WEBHOOK_SECRET", "   ", "MOLT_WEBHOOK_SECRET is empty", id="blank"),
    ],
)
def test_malformed_setting_is_named(required, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)

    assert str(error_of()) == message


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("not a key at all", id="word"),
        pytest.param("/etc/molt/app.private-key.pem", id="a-path-not-the-text"),
        pytest.param(KEY.replace("PRIVATE KEY", "PUBLIC KEY"), id="public-key"),
        pytest.param(KEY.rsplit("-----END", 1)[0], id="truncated"),
        pytest.param(KEY.replace("-----END RSA", "-----END EC"), id="mismatched-labels"),
        pytest.param(KEY.replace(KEY.splitlines()[2], "not*base64!"), id="bad-base64"),
        pytest.param(KEY.replace(KEY.splitlines()[2], "abc"), id="bad-base64-padding"),
    ],
)
def test_bad_private_key_is_named_without_its_text(required, monkeypatch, key):
    monkeypatch.setenv("MOLT_PRIVATE_KEY", key)

    error = error_of()

    assert str(error) == "MOLT_PRIVATE_KEY is not a PEM private key"
    assert key.strip() not in "".join(traceback.format_exception(error))


def test_private_key_with_escaped_newlines_is_accepted(required, monkeypatch):
    monkeypatch.setenv("MOLT_PRIVATE_KEY", KEY.strip().replace("\n", "\\n"))

    assert load_settings(env_file=None).private_key_pem() == KEY


def test_private_key_is_read_from_file(required, monkeypatch, tmp_path):
    path = tmp_path / "molt.private-key.pem"
    path.write_text(KEY)
    monkeypatch.delenv("MOLT_PRIVATE_KEY")
    monkeypatch.setenv("MOLT_PRIVATE_KEY_FILE", str(path))

    settings = load_settings(env_file=None)

    assert settings.private_key_file == path
    assert settings.private_key_pem() == KEY


def test_missing_private_key_file_is_named(required, monkeypatch, tmp_path):
    path = tmp_path / "nowhere.pem"
    monkeypatch.delenv("MOLT_PRIVATE_KEY")
    monkeypatch.setenv("MOLT_PRIVATE_KEY_FILE", str(path))

    assert str(error_of()) == f"MOLT_PRIVATE_KEY_FILE: no such file: {path}"


def test_private_key_file_that_is_not_a_key_is_named_without_its_text(
    required, monkeypatch, tmp_path
):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    monkeypatch.delenv("MOLT_PRIVATE_KEY")
    monkeypatch.setenv("MOLT_PRIVATE_KEY_FILE", str(path))

    error = error_of()

    assert str(error) == f"MOLT_PRIVATE_KEY_FILE: {path} is not a PEM private key"
    assert_no_secret("".join(traceback.format_exception(error)))


def test_unreadable_private_key_file_is_named(required, monkeypatch, tmp_path):
    path = tmp_path / "binary.der"
    path.write_bytes(b"\x30\x82\xff\xfe" * 64)
    monkeypatch.delenv("MOLT_PRIVATE_KEY")
    monkeypatch.setenv("MOLT_PRIVATE_KEY_FILE", str(path))

    assert str(error_of()) == f"MOLT_PRIVATE_KEY_FILE: cannot read {path}: UnicodeDecodeError"


def test_private_key_and_key_file_together_are_refused(required, monkeypatch, tmp_path):
    path = tmp_path / "molt.private-key.pem"
    path.write_text(KEY)
    monkeypatch.setenv("MOLT_PRIVATE_KEY_FILE", str(path))

    assert str(error_of()) == "set only one of MOLT_PRIVATE_KEY and MOLT_PRIVATE_KEY_FILE"


def write_env_file(path: Path, app_id: str = "42") -> Path:
    key = KEY.strip().replace("\n", "\\n")
    lines = [
        "# molt settings",
        f"MOLT_APP_ID={app_id}",
        f'MOLT_PRIVATE_KEY="{key}"',
        f"MOLT_WEBHOOK_SECRET={SECRET}",
        "MOLT_GITHUB_URL=https://ghe.example/api/v3",
        "UNRELATED_TOOL_TOKEN=ignored",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_reads_dot_env_in_working_directory(tmp_path):
    write_env_file(tmp_path / ".env")

    settings = load_settings()

    assert settings.app_id == 42
    assert settings.private_key_pem() == KEY
    assert settings.github_url == "https://ghe.example/api/v3"


def test_reads_named_env_file(tmp_path):
    path = write_env_file(tmp_path / "molt.env")

    assert load_settings(env_file=path).app_id == 42


def test_environment_wins_over_env_file(monkeypatch, tmp_path):
    write_env_file(tmp_path / ".env")
    monkeypatch.setenv("MOLT_APP_ID", "7")

    assert load_settings().app_id == 7


def test_no_env_file_means_environment_only(tmp_path):
    write_env_file(tmp_path / ".env")

    assert str(error_of(env_file=None)).startswith("MOLT_APP_ID is missing")


def test_malformed_setting_in_env_file_is_named(tmp_path):
    write_env_file(tmp_path / ".env", app_id="twelve")

    assert str(error_of(env_file=tmp_path / ".env")) == "MOLT_APP_ID is not a positive integer"


def test_repr_and_str_hide_secrets(required, monkeypatch):
    monkeypatch.setenv("MOLT_QUEUE_URL", f"redis://:{REDIS_PASSWORD}@redis.internal:6379/0")

    settings = load_settings(env_file=None)

    assert_no_secret(repr(settings))
    assert_no_secret(str(settings))
    assert_no_secret(settings.model_dump_json())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MOLT_APP_ID", "x"),
        ("MOLT_GITHUB_URL", "nope"),
        ("MOLT_QUEUE_URL", f"amqp://:{REDIS_PASSWORD}@mq"),
        ("MOLT_PRIVATE_KEY", SECRET),
    ],
)
def test_errors_never_contain_secrets(required, monkeypatch, name, value):
    monkeypatch.setenv(name, value)

    error = error_of()

    assert "\n" not in str(error)
    assert_no_secret("".join(traceback.format_exception(error)))


def test_settings_error_is_a_molt_error():
    assert issubclass(SettingsError, MoltError)


def test_register_reads_only_the_github_url(monkeypatch, tmp_path):
    assert load_github_url() == "https://api.github.com"
    monkeypatch.setenv("MOLT_GITHUB_URL", "https://ghe.example/api/v3/")
    (tmp_path / ".env").write_text("MOLT_GITHUB_URL=https://elsewhere.example\n")
    assert load_github_url() == "https://ghe.example/api/v3"  # never from a .env


def test_register_refuses_a_github_url_that_is_not_http(monkeypatch):
    monkeypatch.setenv("MOLT_GITHUB_URL", "ghe.example")
    with pytest.raises(SettingsError) as info:
        load_github_url()
    assert str(info.value) == "MOLT_GITHUB_URL is not an http(s) URL"
