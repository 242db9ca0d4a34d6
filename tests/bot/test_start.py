"""The basics through the real Application: /start, /help, /library, unknown input, allow-list, errors."""

from __future__ import annotations

import logging

from bot.console.fake_updates import Chat
from tests.bot.harness import ADA, BOB, GROUP, last_text


async def test_start_greets_and_names_the_library(bot):
    calls = await bot.send("/start")
    text = last_text(calls)
    assert "Hello, Ada!" in text
    assert "Ada" in text and "library" in text
    assert "/help" in text or "/add" in text


async def test_set_my_commands_publishes_the_menu(bot):
    commands = bot.api.of("setMyCommands")
    assert commands, "post_init must publish the command menu"
    names = {c["command"] for c in commands[0].params["commands"]}
    assert {"find", "add", "help", "stats", "cancel"} <= names


async def test_help_is_one_screen(bot):
    text = last_text(await bot.send("/help"))
    assert len(text) < 4096
    for word in ("/add", "/find", "/stats", "/export"):
        assert word in text


async def test_library_private_and_group(bot):
    assert "your private library" in last_text(await bot.send("/library"))
    await bot.send("/start", person=BOB, chat=GROUP)
    text = last_text(await bot.send("/library", person=ADA, chat=GROUP))
    assert "shared by this group" in text
    assert "2 members" in text


async def test_unknown_command_gets_a_hint(bot):
    text = last_text(await bot.send("/frobnicate now"))
    assert "/frobnicate" in text and "/help" in text


async def test_unsupported_message_kind_gets_an_answer(bot):
    data = bot.updates.message(
        ADA,
        Chat(id=ADA.id),
        sticker={
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        },
    )
    calls = await bot.process(data)
    assert "can't use that kind of message" in last_text(calls)


async def test_html_in_names_is_escaped(bot):
    from bot.console.fake_updates import Person

    evil = Person(id=303, first_name="<b>Eve</b> & co")
    text = last_text(await bot.send("/start", person=evil))
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in text


async def test_allow_list_refuses_others_once(make_bot):
    bot = await make_bot(allowed_user_ids=frozenset({ADA.id}))
    assert "Hello" in last_text(await bot.send("/start", person=ADA))
    first = await bot.send("/start", person=BOB)
    assert "private" in last_text(first)
    again = await bot.send("Dune", person=BOB)
    assert again == [], "a refused user gets one refusal and nothing else"


async def test_errors_are_apologised_for_and_never_log_the_token(make_bot, settings):
    import io

    from telegram.ext import CommandHandler

    from bot.runtime import logs

    bot = await make_bot()

    async def boom(update, context):
        raise RuntimeError(f"kaboom with {context.bot.token}")

    bot.application.add_handler(CommandHandler("boom", boom), group=-2)
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.setup("INFO", settings.bot_token, stream=stream)
    try:
        calls = await bot.send("/boom")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert any("Sorry, something went wrong" in c.text for c in calls)
    logged = stream.getvalue()
    assert "kaboom with <token>" in logged
    assert settings.bot_token not in logged


async def test_an_edited_message_is_not_acted_on_again(bot):
    from bot.console.fake_updates import Chat

    data = bot.updates.message(ADA, Chat(id=ADA.id), "Dune by Frank Herbert")
    data["edited_message"] = data.pop("message")
    data["edited_message"]["edit_date"] = data["edited_message"]["date"]
    calls = await bot.process(data)
    assert [c for c in calls if c.method in ("sendMessage", "editMessageText")] == []
