"""/start, /help, /library, and the fallback for anything no other handler took."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot import dbcall
from bot.access import actor_of, resolve
from bot.render import bold, esc

HELP = (
    "<b>Librium</b> keeps your book catalogue.\n\n"
    "<b>Add</b>: send “Dune by Frank Herbert”, an ISBN, or a photo of the barcode. /add asks step by step. "
    "“wishlist Dune by Frank Herbert” for a book you want.\n"
    "<b>Find</b>: send any words, or /find with filters: <code>author:tolkien year:1950..1960 is:unread</code>\n"
    "<b>Ask</b>: “do I own Dune?”, “who has Dune?”, “have I read Mort?”, “what's unread in Discworld?”, "
    "“what am I reading?”, “how many books do I have?”\n"
    "<b>Tell</b>: “finished Dune”, “I'm reading Mort”, “lent Dune to Alice until Friday”, “Dune is back”, "
    "“rate Dune 4.5”, “put Dune on the Hall shelf”, “on page 120 of Mort”, “delete Dune”; or reply to a card: “lend it to Bob”\n"
    "<b>Browse</b>: /authors /series /genres /shelves /unread /reading /loans\n"
    "<b>Numbers</b>: /stats, /year 2025, /goal 30\n"
    "<b>Reminders</b>: “remind me to return Dune on friday”, /remind tomorrow 9:00 call Alice, /reminders, "
    "/nudge 21:30, /timezone\n"
    "<b>Your data</b>: send a Goodreads CSV to import; /export, /backup\n"
    "/library shows which library this chat uses; /cancel leaves any step."
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await dbcall.run(context, resolve, actor_of(update))
    name = update.effective_user.first_name if update.effective_user else "there"
    await update.effective_message.reply_text(
        f"Hello, {esc(name)}! This chat uses {bold(who.library_name)}.\n\n{HELP}"
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


async def library(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from librium.services import libraries

    def work(session, actor):
        who = resolve(session, actor)
        return libraries.library_summary(session, who.library_id)

    summary = await dbcall.run(context, work, actor_of(update))
    kind = "shared by this group" if summary.kind == "group" else "your private library"
    await update.effective_message.reply_text(
        f"This chat uses {bold(summary.name)} ({kind}): {summary.books} book{'s' if summary.books != 1 else ''}, "
        f"{summary.members} member{'s' if summary.members != 1 else ''}."
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = (update.effective_message.text or "").split()[0][:40]
    await update.effective_message.reply_text(f"I don't know {esc(command)}. /help lists what I can do.")


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        "I can't use that kind of message. Send a title, an ISBN, a barcode photo or a CSV file — /help for more."
    )


async def ignore_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not a new request: acting on it again would add or search twice."""


def register(application: Application) -> None:
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, ignore_edit))
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("library", library))


def register_fallback(application: Application) -> None:
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.ALL & ~filters.COMMAND, unsupported))
