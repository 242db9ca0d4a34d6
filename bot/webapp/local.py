"""Run the Mini App on 127.0.0.1 in a thread of its own (the screenshots and the benchmark use it): the
bot's real Application with HTTP to Telegram replaced by the in-process stand-in, and the real routes."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy.orm import Session, sessionmaker
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from bot.console.fake_api import FakeBotApi
from bot.runtime.app import build_application
from bot.webapp.server import make_app
from librium.config import Settings
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker


@dataclass
class LocalShelf:
    url: str
    application: Any
    api: FakeBotApi
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


def start(settings: Settings, session_factory: sessionmaker[Session]) -> LocalShelf:
    box: dict[str, Any] = {}
    ready = threading.Event()

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def up() -> None:
            api = FakeBotApi()
            application = build_application(
                settings,
                session_factory,
                request=api,
                rate_limit=False,
                persist=False,
                reminder_interval=None,
            )
            await application.initialize()
            await application.start()
            sock, port = bind_unused_port()
            server = HTTPServer(make_app(application), xheaders=True)
            server.add_sockets([sock])
            box.update(application=application, api=api, server=server, port=port, loop=loop)

        async def down() -> None:
            box["server"].stop()
            await box["application"].stop()
            await box["application"].shutdown()

        loop.run_until_complete(up())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(down())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not ready.wait(60):
        raise RuntimeError("the Mini App did not start")
    return LocalShelf(f"http://127.0.0.1:{box['port']}", box["application"], box["api"], box["loop"], thread)


def start_on_sqlite(folder: Path, token: str, webapp_url: str) -> tuple[sessionmaker[Session], LocalShelf]:
    """A fresh SQLite file in ``folder`` (the real migrations), served: no metadata look-ups."""
    url = f"sqlite:///{folder}/shelf.sqlite"
    command.upgrade(alembic_config(url), "head")
    factory = make_sessionmaker(make_engine(url))
    settings = Settings(database_url=url, bot_token=token, metadata_lookups=False, webapp_url=webapp_url)
    return factory, start(settings, factory)
