"""Settings come from the environment; bad ones give one clear line."""

import pytest

from librium import config
from librium.errors import ConfigError


def test_defaults():
    settings = config.load({})
    assert settings.database_url == "sqlite:///librium.sqlite"
    assert settings.console is True
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.default_timezone == "UTC"
    assert settings.allowed_user_ids == frozenset()
    assert settings.concurrent_updates == 16
    assert settings.telegram_rate_limit == 30


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db.example:5432/lib", "postgresql+psycopg://u:p@db.example:5432/lib"),
        ("postgresql://u@h/lib", "postgresql+psycopg://u@h/lib"),
        ("postgresql+psycopg://u@h/lib", "postgresql+psycopg://u@h/lib"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_database_url_forms(raw, expected):
    assert config.load({"DATABASE_URL": raw}).database_url == expected


def test_everything_set():
    settings = config.load(
        {
            "TELEGRAM_BOT_TOKEN": "123456:ABC-def",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_API_FILE_URL": "http://127.0.0.1:8081/file/bot",
            "ALLOWED_USER_IDS": "1, 2;3",
            "DEFAULT_TIMEZONE": "Europe/Berlin",
            "LOG_LEVEL": "debug",
            "WEBHOOK_URL": "https://bot.example.org",
            "WEBHOOK_SECRET": "s3cret",
            "PORT": "5000",
            "CONCURRENT_UPDATES": "64",
            "TELEGRAM_RATE_LIMIT": "0",
        }
    )
    assert settings.console is False
    assert settings.allowed_user_ids == frozenset({1, 2, 3})
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.log_level == "DEBUG"
    assert settings.port == 5000
    assert settings.concurrent_updates == 64
    assert settings.telegram_rate_limit == 0
    assert "123456:ABC-def" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"ALLOWED_USER_IDS": "12,abc"}, "ALLOWED_USER_IDS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"PORT": "http"}, "PORT"),
        ({"CONCURRENT_UPDATES": "0"}, "CONCURRENT_UPDATES"),
        ({"CONCURRENT_UPDATES": "many"}, "CONCURRENT_UPDATES"),
        ({"CONCURRENT_UPDATES": "1000"}, "CONCURRENT_UPDATES"),
        ({"CONCURRENT_UPDATES": "²"}, "CONCURRENT_UPDATES"),
        ({"PORT": "８０"}, "PORT"),
        ({"TELEGRAM_RATE_LIMIT": "-1"}, "TELEGRAM_RATE_LIMIT"),
        ({"TELEGRAM_RATE_LIMIT": "fast"}, "TELEGRAM_RATE_LIMIT"),
        ({"TELEGRAM_RATE_LIMIT": "2.5"}, "TELEGRAM_RATE_LIMIT"),
        ({"TELEGRAM_RATE_LIMIT": "³"}, "TELEGRAM_RATE_LIMIT"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
        ({"WEBHOOK_URL": "https://x.org"}, "WEBHOOK_SECRET"),
    ],
)
def test_bad_settings_give_one_line(env, fragment):
    with pytest.raises(ConfigError) as caught:
        config.load(env)
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message
