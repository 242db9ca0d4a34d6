"""user_data lives in the database: a second bot process continues what the first one started."""

from __future__ import annotations

from telegram.ext import ApplicationHandlerStop, CommandHandler

from tests.bot.harness import ADA, BOB, last_text


def add_memory_commands(application) -> None:
    async def remember(update, context):
        context.user_data["note"] = " ".join(context.args)
        await update.effective_message.reply_text("noted")
        raise ApplicationHandlerStop

    async def recall(update, context):
        await update.effective_message.reply_text(f"note={context.user_data.get('note')}")
        raise ApplicationHandlerStop

    application.add_handler(CommandHandler("remember", remember), group=-3)
    application.add_handler(CommandHandler("recall", recall), group=-3)


async def test_user_data_moves_between_processes(make_bot):
    first, second = await make_bot(), await make_bot()
    for bot in (first, second):
        add_memory_commands(bot.application)

    assert last_text(await first.send("/remember the <b>blue</b> shelf")) == "noted"
    assert last_text(await second.send("/recall")) == "note=the <b>blue</b> shelf"
    # Another user's data is separate.
    assert last_text(await second.send("/recall", person=BOB)) == "note=None"
    # And a change made by the second process is seen by the first.
    await second.send("/remember moved", person=ADA)
    assert last_text(await first.send("/recall")) == "note=moved"


async def test_state_survives_a_restart(make_bot):
    bot = await make_bot()
    add_memory_commands(bot.application)
    await bot.send("/remember kept")
    await bot.application.stop()
    await bot.application.shutdown()

    restarted = await make_bot()
    add_memory_commands(restarted.application)
    assert last_text(await restarted.send("/recall")) == "note=kept"
