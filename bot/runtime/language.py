"""The one place that picks the language of an update (/language itself is bot/handlers/language.py).

A private chat (and an inline query) speaks the user's language: the one chosen with /language, else
the one Telegram reports. A group speaks the language set for it with /language, else its creator's.
The choice is kept in the database (reminders are sent without an update) and in the user's or
chat's bot data, which the persistence reads in one query with the update: picking costs no
extra read, except once for a group that has not been seen since a restart of its data.
"""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import Application, ContextTypes

from librium import i18n
from librium.i18n import N_, _

LANGUAGE = "language"  # user_data / chat_data: the code chosen with /language
GROUP_GUESS = "creator_language"  # chat_data: a group's creator's language, read once
GROUP_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP)
AUTO = "auto"  # /language auto: follow Telegram's language again (a group: its creator's)


def in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in GROUP_CHATS


async def choose_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the language for the rest of this update (a TypeHandler that runs before all others)."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    telegram_code = user.language_code if user else None
    code = None
    if in_group(update):
        data = context.chat_data if context.chat_data is not None else {}
        code = data.get(LANGUAGE) or data.get(GROUP_GUESS)
        if code is None:
            from bot.runtime import dbcall
            from librium.services import languages

            code = await dbcall.read(context, languages.group_language, update.effective_chat.id)
            if code is not None:
                data[GROUP_GUESS] = code
            # else: a new group, whose creator is speaking now
    elif context.user_data is not None:
        code = context.user_data.get(LANGUAGE)
    i18n.set_current(code or telegram_code)


# --------------------------------------------------------------------------- commands menu

COMMANDS = [
    ("find", N_("Search your library")),
    ("add", N_("Add a book step by step")),
    ("authors", N_("Browse authors")),
    ("series", N_("Browse series")),
    ("genres", N_("Browse genres")),
    ("shelves", N_("Browse shelves")),
    ("unread", N_("Books not read yet")),
    ("reading", N_("Books you are reading")),
    ("loans", N_("Lent books")),
    ("stats", N_("Statistics and charts")),
    ("year", N_("Your year in books")),
    ("goal", N_("A reading goal for this year")),
    ("problems", N_("Books missing details")),
    ("remind", N_("Remind me: /remind tomorrow 9:00 …")),
    ("reminders", N_("Your reminders")),
    ("nudge", N_("A daily reading nudge: /nudge 21:30")),
    ("timezone", N_("Set your time zone")),
    ("language", N_("Change the language I speak")),
    ("export", N_("Export your library (CSV + JSON)")),
    ("backup", N_("A backup you can send back to restore")),
    ("library", N_("Which library this chat uses")),
    ("help", N_("What I can do")),
    ("cancel", N_("Leave the current step")),
]
APP_COMMAND = ("app", N_("Your shelf: covers, search and the barcode scanner"))  # with WEBAPP_URL only


def commands(code: str, *, app: bool = False) -> list[BotCommand]:
    """The command menu in language ``code`` (``app``: with /app, when the Mini App is served)."""
    listed = [*COMMANDS[:1], APP_COMMAND, *COMMANDS[1:]] if app else COMMANDS
    with i18n.speaking(code):
        return [BotCommand(name, _(description)) for name, description in listed]


def telegram_code(code: str) -> str:
    """The two-letter code Telegram uses for a language's command menu (pt_BR → pt)."""
    return code.split("_", 1)[0].lower()


async def publish_commands(application: Application) -> None:
    """The command menu in English for everyone, and in each shipped language for its speakers."""
    from bot.runtime.dbcall import SETTINGS

    settings = application.bot_data.get(SETTINGS)
    app = bool(settings and settings.webapp_url)
    await application.bot.set_my_commands(commands(i18n.DEFAULT, app=app))
    for code in i18n.LANGUAGES:
        if code != i18n.DEFAULT:
            await application.bot.set_my_commands(commands(code, app=app), language_code=telegram_code(code))
