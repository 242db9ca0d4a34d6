"""TELEGRAM_RATE_LIMIT: the messages a second the bot allows itself, applied where the Application is built."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.orm import sessionmaker

from bot.console.fake_api import FakeBotApi
from bot.runtime.app import build_application
from librium import config

GROUP_CHAT = -1001


def application(rate: str, api: FakeBotApi):
    """The deployed Application (rate limiter on), its settings read from the environment."""
    settings = config.load({"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-abcdef", "TELEGRAM_RATE_LIMIT": rate})
    return build_application(settings, sessionmaker(), request=api, persist=False, reminder_interval=None)


async def send_at_once(app, chats: list[int]) -> float:
    """Send one message to each chat, all at once; the seconds until the last one went."""
    started = time.monotonic()
    await asyncio.gather(*(app.bot.send_message(chat, f"message {n}") for n, chat in enumerate(chats)))
    return time.monotonic() - started


async def test_the_limit_spaces_messages():
    api = FakeBotApi()
    async with application("3", api) as app:
        # A burst of 3 goes at once, then one every third of a second: 6 more take about 2 s.
        elapsed = await send_at_once(app, [101] * 9)
    assert len(api.of("sendMessage")) == 9
    assert elapsed >= 1.5


async def test_zero_switches_the_limiter_off_but_keeps_the_retries():
    api = FakeBotApi()
    async with application("0", api) as app:
        # 300 messages, half to one group: at the default 30/s they would take 9 s, and Telegram's 20 a
        # minute per group would hold the group's for minutes.
        elapsed = await send_at_once(app, [101, GROUP_CHAT] * 150)
        assert len(api.of("sendMessage")) == 300
        assert elapsed < 9
        api.fail_next("sendMessage", 502, "Bad Gateway")
        await app.bot.send_message(101, "after a failure")
    assert api.of("sendMessage")[-1].params["text"] == "after a failure"


async def test_the_default_is_thirty_a_second():
    api = FakeBotApi()
    async with application("", api) as app:
        # A burst of 30 goes at once; 15 more need half a second.
        elapsed = await send_at_once(app, [101] * 45)
    assert elapsed >= 0.4
