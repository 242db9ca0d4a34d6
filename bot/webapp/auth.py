"""Who opened the Mini App: Telegram's signed ``initData``, checked with the bot token.

The page sends ``Telegram.WebApp.initData`` with every request (``Authorization: tma <initData>``).
init-data-py checks the HMAC-SHA256 exactly as Telegram documents it and refuses initData older than
``max_age`` seconds (a leaked link stops working). The user is taken from initData and nothing else:
no request parameter can name another user.
"""

from __future__ import annotations

from dataclasses import dataclass

import init_data_py
from init_data_py import errors as init_errors

SCHEME = "tma"
MAX_AGE = 24 * 3600  # seconds; Telegram's own examples assume a day


class Unauthorized(Exception):
    """No initData, or initData that is forged, garbled, expired or without a user."""


@dataclass(frozen=True)
class WebUser:
    telegram_id: int
    name: str
    language: str | None
    start_param: str | None  # what the button that opened the app asked for (a library), unchecked


def from_header(header: str | None) -> str:
    """The initData of an ``Authorization: tma <initData>`` header."""
    if not header:
        raise Unauthorized("no initData")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        raise Unauthorized("not a Mini App authorization")
    return value.strip()


def authenticate(raw: str, bot_token: str, *, max_age: int = MAX_AGE) -> WebUser:
    """The user of valid ``initData``; :class:`Unauthorized` for anything else."""
    if not raw or len(raw) > 8192:
        raise Unauthorized("no initData")
    try:
        data = init_data_py.validate_by_hash(raw, bot_token, expires_in=max_age)
    except init_errors.InvalidInitDataError as error:
        raise Unauthorized(type(error).__name__) from None
    except (ValueError, TypeError) as error:  # garbage the parser could not read at all
        raise Unauthorized("unreadable initData") from error
    user = data.user
    if user is None or not isinstance(user.id, int) or user.id <= 0:
        raise Unauthorized("initData without a user")
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.username or str(user.id)
    return WebUser(user.id, name, user.language_code, data.start_param)


def sign_for(telegram_id: int, name: str, bot_token: str, *, start_param: str | None = None) -> str:
    """initData for ``telegram_id`` signed with ``bot_token``, as Telegram would send it.

    Only for the console (`make run` prints a local link for the console user) and tests: a real
    Mini App gets initData from Telegram.
    """
    user = init_data_py.User(id=telegram_id, first_name=name)
    payload = init_data_py.UnsignedInitData(user=user, start_param=start_param)
    return init_data_py.sign(payload, bot_token)
