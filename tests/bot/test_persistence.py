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


async def test_a_tap_during_the_update_that_made_its_button_sees_the_new_state(make_bot):
    """user_data written by an update still in progress is not overwritten by the stored copy."""
    import asyncio

    bot = await make_bot()
    add_memory_commands(bot.application)
    await bot.send("/remember old")  # something is stored for Ada
    token_set, release = asyncio.Event(), asyncio.Event()

    async def slow(update, context):
        context.user_data["note"] = "fresh token"
        await update.effective_message.reply_text("here is your button")
        token_set.set()
        await release.wait()  # the update is still being handled when the tap comes
        raise ApplicationHandlerStop

    bot.application.add_handler(CommandHandler("slow", slow), group=-3)
    first = asyncio.create_task(bot.send("/slow"))
    await token_set.wait()
    assert last_text(await bot.send("/recall")) == "note=fresh token"
    release.set()
    await first
    assert last_text(await bot.send("/recall")) == "note=fresh token"
