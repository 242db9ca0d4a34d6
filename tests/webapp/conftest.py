"""The Mini App served for real: the bot's Application (HTTP to Telegram replaced by FakeBotApi) and its
tornado routes on a free 127.0.0.1 port, in a thread of their own, on the real test database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import init_data_py
import pytest

from bot.actions import adding, book
from bot.console.fake_api import FakeBotApi
from bot.runtime.access import Actor, Who, resolve
from bot.webapp import local
from librium import i18n
from librium.config import Settings
from librium.database.sqlalchemy.session import session_scope

TOKEN = "123456:TEST-TOKEN-abcdef"
ADA, BOB = 101, 202
GROUP = -1001


def sign(
    telegram_id: int,
    name: str = "Ada",
    *,
    token: str = TOKEN,
    start_param: str | None = None,
    language: str | None = None,
    **kw,
) -> str:
    """initData as Telegram would send it for ``telegram_id`` (signed with ``token``; ``language``:
    the language_code Telegram reports for the user)."""
    user = init_data_py.User(id=telegram_id, first_name=name, language_code=language)
    return init_data_py.sign(init_data_py.UnsignedInitData(user=user, start_param=start_param), token, **kw)


@dataclass
class Shelf:
    url: str
    application: Any
    api: FakeBotApi
    session_factory: Any

    def client(self, telegram_id: int | None = ADA, name: str = "Ada", **sign_kw) -> httpx.Client:
        headers = {"Authorization": "tma " + sign(telegram_id, name, **sign_kw)} if telegram_id else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=20)

    def who(
        self,
        telegram_id: int,
        name: str,
        chat_id: int | None = None,
        title: str | None = None,
        language: str = "en",
    ) -> Who:
        """Resolve (and create) a user and the library of a chat, as the chat would (in ``language``)."""
        chat_id = chat_id or telegram_id
        kind = "supergroup" if chat_id < 0 else "private"
        with session_scope(self.session_factory) as session, i18n.speaking(language):
            return resolve(session, Actor(telegram_id, name, language, chat_id, kind, title))

    def add(self, who: Who, title: str, **fields) -> int:
        with session_scope(self.session_factory) as session:
            return adding.add(session, who, {"title": title, **fields}, allow_duplicate=True).book.id

    def do(self, who: Who, fn, *args):
        with session_scope(self.session_factory) as session:
            return fn(session, who, *args)

    def card(self, who: Who, book_id: int):
        return self.do(who, book.get_card, book_id)


@pytest.fixture
def shelf_settings(engine) -> Settings:
    return Settings(
        database_url=str(engine.url),
        bot_token=TOKEN,
        metadata_lookups=False,
        webapp_url="https://shelf.example",
    )


@pytest.fixture
def make_shelf(session_factory, shelf_settings):
    running: list[local.LocalShelf] = []

    def make(**overrides) -> Shelf:
        served = local.start(dataclasses.replace(shelf_settings, **overrides), session_factory)
        running.append(served)
        return Shelf(served.url, served.application, served.api, session_factory)

    yield make
    for served in running:
        served.stop()


@pytest.fixture
def shelf(make_shelf) -> Iterator[Shelf]:
    return make_shelf()
