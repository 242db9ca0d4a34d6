"""The bot's Bot API client (bot/runtime/aiohttp_request.py) over real HTTP to the fake Bot API server:
JSON calls, multipart uploads, downloads, long polling, and failures mapped as python-telegram-bot's own."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.runtime.aiohttp_request import AiohttpRequest
from tests.fakes.botapi_server import FakeBotApi


@pytest.fixture
async def bot(fake_api: FakeBotApi):
    client = Bot(
        fake_api.token,
        base_url=fake_api.base_url,
        base_file_url=fake_api.file_url,
        request=AiohttpRequest(read_timeout=2.0),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    async with client:
        yield client


async def test_calls_uploads_and_downloads(bot: Bot, fake_api: FakeBotApi):
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Ünïcode ✓", callback_data="b:1")]])
    sent = await bot.send_message(7, "<b>Dune</b> & more", reply_markup=buttons)
    assert sent.text == "<b>Dune</b> & more"
    call = fake_api.of("sendMessage")[-1]
    assert call.buttons == [{"text": "Ünïcode ✓", "callback_data": "b:1"}]

    content = bytes(range(256)) * 40
    await bot.send_document(7, content, filename="library.csv", caption="your export")
    upload = fake_api.of("sendDocument")[-1]
    assert upload.text == "your export"
    assert content in upload.files.values()

    file_id = fake_api.add_file(b"title,author\nDune,Frank Herbert\n")
    telegram_file = await bot.get_file(file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"title,author\nDune,Frank Herbert\n"


async def test_long_polling_waits_for_an_update(bot: Bot, fake_api: FakeBotApi):
    fake_api.send_text(7, "hello")
    updates = await bot.get_updates(timeout=1)
    assert [u.message.text for u in updates] == ["hello"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()


async def test_failures_are_python_telegram_bots_errors(bot: Bot, fake_api: FakeBotApi):
    fake_api.fault("sendMessage", "hang", delay=4)
    with pytest.raises(TimedOut):
        await bot.send_message(7, "held past the read timeout")
    fake_api.fault("sendMessage", "drop")
    with pytest.raises(NetworkError):
        await bot.send_message(7, "connection dropped")
    fake_api.fault("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "too fast")
    # None of those reached Telegram; the pool carries on.
    await bot.send_message(7, "after the failures")
    assert [c.text for c in fake_api.of("sendMessage")] == ["after the failures"]


def test_the_environments_proxy_is_used_per_host(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example.org:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    proxy, auth = request._proxy("https://api.telegram.org/bot123:abc/sendMessage")
    assert (str(proxy), auth.login, auth.password) == ("http://proxy.example.org:3128", "user", "secret")
    assert request._proxy("http://127.0.0.1:8081/bot123:abc/getMe") == (None, None)
