"""Bot fixtures: the real Application on a real database, HTTP replaced by FakeBotApi."""

from __future__ import annotations

import dataclasses

import pytest

from bot.console.fake_api import FakeBotApi
from bot.runtime.app import build_application
from librium.config import Settings
from tests.bot.harness import BotHarness


@pytest.fixture
def settings(engine) -> Settings:
    # No lookups by default: tests never reach the internet. A test that wants them passes
    # metadata_lookups=True with openlibrary_url/googlebooks_url pointing at a server on 127.0.0.1.
    return Settings(
        database_url=str(engine.url), bot_token="123456:TEST-TOKEN-abcdef", metadata_lookups=False
    )


@pytest.fixture
async def make_bot(session_factory, settings):
    """Factory: ``await make_bot(allowed_user_ids=...)`` gives a started BotHarness."""
    started = []

    async def make(**overrides) -> BotHarness:
        api = FakeBotApi()
        app = build_application(
            dataclasses.replace(settings, **overrides), session_factory, request=api, rate_limit=False
        )
        await app.initialize()
        await app.post_init(app)
        await app.start()
        started.append(app)
        return BotHarness(app, api)

    yield make
    for app in started:
        if app.running:
            await app.stop()
            await app.shutdown()


@pytest.fixture
async def bot(make_bot) -> BotHarness:
    return await make_bot()
