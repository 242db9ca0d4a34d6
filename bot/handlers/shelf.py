"""/app: the 📚 Shelf button that opens the Mini App on this chat's library (bot/webapp/)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.runtime import dbcall
from bot.runtime.access import actor_of, resolve
from bot.runtime.dbcall import SETTINGS
from bot.views.shelf import shelf_markup
from librium.i18n import _


async def app_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = context.application.bot_data[SETTINGS]
    actor = actor_of(update)
    who = await dbcall.read(context, resolve, actor)
    markup = shelf_markup(
        settings, in_group=actor.in_group, library_id=who.library_id, bot_username=context.bot.username
    )
    if markup is None:
        await update.effective_message.reply_text(
            _("The shelf app is not switched on for this bot (its WEBAPP_URL is not set).")
        )
        return
    await update.effective_message.reply_text(
        _("📚 Your shelf: the covers, search, a book's page and the live barcode scanner."),
        reply_markup=markup,
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler("app", app_command))
