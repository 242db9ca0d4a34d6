"""Settings, read only from environment variables (12-factor).

A missing or malformed setting raises :class:`ConfigError` with one line saying what to fix.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from librium.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///librium.sqlite"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"


def database_url(raw: str | None) -> str:
    """Normalise a database URL: Heroku's ``postgres://`` and plain ``postgresql://`` use psycopg 3."""
    url = (raw or "").strip() or DEFAULT_DATABASE_URL
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if not (url.startswith("sqlite") or url.startswith("postgresql+")):
        raise ConfigError(
            "DATABASE_URL must be a sqlite:/// or postgres(ql):// URL, e.g. sqlite:///librium.sqlite"
        )
    return url


def _int_list(name: str, raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"{name} must be Telegram user ids separated by commas; “{part}” is not a number"
            ) from None
    return frozenset(ids)


def _whole(raw: str) -> bool:
    """A whole number written in ASCII digits (``str.isdigit`` alone takes '²', which int() refuses)."""
    return raw.isascii() and raw.isdigit()


def _url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL, got “{raw}”")
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    bot_token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    api_file_url: str = DEFAULT_API_FILE_URL
    allowed_user_ids: frozenset[int] = field(default_factory=frozenset)
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    google_books_api_key: str | None = None
    metadata_lookups: bool = True
    openlibrary_url: str = "https://openlibrary.org"
    googlebooks_url: str = "https://www.googleapis.com/books/v1"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webapp_url: str | None = None  # the Mini App's public HTTPS base (its page is WEBAPP_URL/app/)
    port: int = 8080
    concurrent_updates: int = 16
    telegram_rate_limit: int = 30  # messages a second overall; 0: no client-side flood limiter

    @property
    def console(self) -> bool:
        """Without a token the bot runs as a local console chat."""
        return not self.bot_token

    def __repr__(self) -> str:  # never print the token
        return f"Settings(database_url={_redact(self.database_url)!r}, token={'set' if self.bot_token else 'unset'})"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url


def load(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    get = lambda name: (env.get(name) or "").strip()  # noqa: E731

    token = get("TELEGRAM_BOT_TOKEN") or None
    if token and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN looks malformed: it should look like 123456:ABC-... (from @BotFather)"
        )

    tz = get("DEFAULT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"DEFAULT_TIMEZONE “{tz}” is not an IANA time zone (e.g. Europe/Berlin)") from None

    level = (get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(f"LOG_LEVEL “{level}” is not one of DEBUG, INFO, WARNING, ERROR")

    port_raw = get("PORT") or "8080"
    if not _whole(port_raw) or not 0 < int(port_raw) < 65536:
        raise ConfigError(f"PORT must be a TCP port number, got “{port_raw}”")

    concurrency_raw = get("CONCURRENT_UPDATES") or str(Settings.concurrent_updates)
    if not _whole(concurrency_raw) or not 1 <= int(concurrency_raw) <= 256:
        raise ConfigError(f"CONCURRENT_UPDATES must be a number from 1 to 256, got “{concurrency_raw}”")

    rate_raw = get("TELEGRAM_RATE_LIMIT") or str(Settings.telegram_rate_limit)
    if not _whole(rate_raw):
        raise ConfigError(
            f"TELEGRAM_RATE_LIMIT must be messages per second as a whole number (0: no limit), got “{rate_raw}”"
        )

    webhook_url = get("WEBHOOK_URL") or None
    webhook_secret = get("WEBHOOK_SECRET") or None
    if webhook_url:
        _url("WEBHOOK_URL", webhook_url)
        if not webhook_secret:
            raise ConfigError(
                "WEBHOOK_SECRET must be set when WEBHOOK_URL is (Telegram sends it on every request)"
            )

    webapp_url = (get("WEBAPP_URL") or "").rstrip("/") or None
    if webapp_url:
        _url("WEBAPP_URL", webapp_url)
        if not webapp_url.startswith("https://") and urlsplit(webapp_url).hostname not in (
            "127.0.0.1",
            "localhost",
        ):
            raise ConfigError("WEBAPP_URL must be an https:// URL: Telegram opens Mini Apps over HTTPS only")

    lookups = (get("METADATA_LOOKUPS") or "on").lower()
    if lookups not in ("on", "off", "1", "0", "true", "false", "yes", "no"):
        raise ConfigError(f"METADATA_LOOKUPS must be on or off, got “{lookups}”")

    return Settings(
        database_url=database_url(get("DATABASE_URL")),
        bot_token=token,
        api_base_url=_url("TELEGRAM_API_BASE_URL", get("TELEGRAM_API_BASE_URL"))
        if get("TELEGRAM_API_BASE_URL")
        else DEFAULT_API_BASE_URL,
        api_file_url=_url("TELEGRAM_API_FILE_URL", get("TELEGRAM_API_FILE_URL"))
        if get("TELEGRAM_API_FILE_URL")
        else DEFAULT_API_FILE_URL,
        allowed_user_ids=_int_list("ALLOWED_USER_IDS", get("ALLOWED_USER_IDS")),
        default_timezone=tz,
        log_level=level,
        google_books_api_key=get("GOOGLE_BOOKS_API_KEY") or None,
        metadata_lookups=lookups in ("on", "1", "true", "yes"),
        openlibrary_url=_url("OPENLIBRARY_URL", get("OPENLIBRARY_URL"))
        if get("OPENLIBRARY_URL")
        else Settings.openlibrary_url,
        googlebooks_url=_url("GOOGLE_BOOKS_URL", get("GOOGLE_BOOKS_URL"))
        if get("GOOGLE_BOOKS_URL")
        else Settings.googlebooks_url,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webapp_url=webapp_url,
        port=int(port_raw),
        concurrent_updates=int(concurrency_raw),
        telegram_rate_limit=int(rate_raw),
    )
