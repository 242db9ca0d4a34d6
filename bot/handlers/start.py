"""/start, /help, /library, and the fallback for anything no other handler took."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.runtime import dbcall
from bot.runtime.access import actor_of, resolve
from bot.runtime.dbcall import SETTINGS
from bot.views.render import bold, esc
from bot.views.shelf import shelf_markup
from librium.i18n import N_, _, formats, ngettext

HELP = [
    N_("<b>Librium</b> keeps your book catalogue."),
    "",
    N_(
        "<b>Add</b>: send “Dune by Frank Herbert”, an ISBN, or a photo of the barcode. /add asks step by step. "
        "“wishlist Dune by Frank Herbert” for a book you want."
    ),
    N_(
        "<b>Find</b>: send any words, or /find with filters: <code>author:tolkien year:1950..1960 is:unread</code>"
    ),
    N_(
        "<b>Ask</b>: “do I own Dune?”, “who has Dune?”, “have I read Mort?”, “what's unread in Discworld?”, "
        "“books by Tolkien”, “what am I reading?”, “how many books do I have?”"
    ),
    N_(
        "<b>Tell</b>: “finished Dune”, “I'm reading Mort”, “lent Dune to Alice until Friday”, “Dune is back”, "
        "“rate Dune 4.5”, “put Dune on the Hall shelf”, “on page 120 of Mort”, “delete Dune”; "
        "or reply to a card: “lend it to Bob”"
    ),
    N_("<b>Browse</b>: /authors /series /genres /shelves /unread /reading /loans"),
    N_("<b>Numbers</b>: /stats, /year 2025, /goal 30"),
    N_(
        "<b>Reminders</b>: “remind me to return Dune on friday”, /remind tomorrow 9:00 call Alice, /reminders, "
        "/nudge 21:30, /timezone"
    ),
    N_(
        "<b>Your data</b>: send an export of Goodreads, StoryGraph, LibraryThing, Libib, Calibre, BookBuddy or any CSV with titles to import; /export, /backup"
    ),
    N_(
        "/library shows which library this chat uses; /language changes the language I speak; /cancel leaves any step."
    ),
]


def help_text() -> str:
    """/help in the current language, one translated paragraph per line."""
    return "\n".join(_(line) if line else "" for line in HELP)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await dbcall.run(context, resolve, actor_of(update))
    if update.effective_user:
        hello = _("Hello, {name}! This chat uses {library}.").format(
            name=esc(update.effective_user.first_name), library=bold(who.library_name)
        )
    else:
        hello = _("Hello! This chat uses {library}.").format(library=bold(who.library_name))
    await update.effective_message.reply_text(
        f"{hello}\n\n{help_text()}", reply_markup=_shelf(update, context, who.library_id)
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    markup = None
    if context.application.bot_data[SETTINGS].webapp_url:
        who = await dbcall.read(context, resolve, actor_of(update))
        markup = _shelf(update, context, who.library_id)
    await update.effective_message.reply_text(help_text(), reply_markup=markup)


def _shelf(update: Update, context: ContextTypes.DEFAULT_TYPE, library_id: int):
    """The 📚 Shelf button under /start and /help (None when the Mini App is off)."""
    settings = context.application.bot_data[SETTINGS]
    return shelf_markup(
        settings, in_group=actor_of(update).in_group, library_id=library_id, bot_username=context.bot.username
    )


async def library(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from librium.services import libraries

    def work(session, actor):
        who = resolve(session, actor)
        return libraries.library_summary(session, who.library_id)

    summary = await dbcall.run(context, work, actor_of(update))
    books = ngettext("{n} book", "{n} books", summary.books).format(n=formats.number(summary.books))
    members = ngettext("{n} member", "{n} members", summary.members).format(n=formats.number(summary.members))
    if summary.kind == "group":
        text = _("This chat uses {library} (shared by this group): {books}, {members}.")
    else:
        text = _("This chat uses {library} (your private library): {books}, {members}.")
    await update.effective_message.reply_text(
        text.format(library=bold(summary.name), books=books, members=members)
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = (update.effective_message.text or "").split()[0][:40]
    await update.effective_message.reply_text(
        _("I don't know {command}. /help lists what I can do.").format(command=esc(command))
    )


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        _(
            "I can't use that kind of message. Send a title, an ISBN, a barcode photo or a CSV file — /help for more."
        )
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
