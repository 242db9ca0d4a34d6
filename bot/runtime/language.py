"""The one place that picks the language of an update (/language itself is bot/handlers/language.py).

A private chat (and an inline query) speaks the user's language: the one chosen with /language, else
the one Telegram reports. A group speaks the language set for it with /language, else its creator's
language as it is now (the creator may change it, in Telegram or with /language in private, and the
group follows). The choices are kept in the database (reminders are sent without an update) and in
the user's or chat's bot data, which the persistence reads in one query with the update: picking
costs no extra read in a private chat, in a group with a language of its own, or when a group's
creator speaks in it. Another member's message in a group that follows its creator needs the
creator's language: it is read from the database (one indexed row, about 0.7 ms of CPU on SQLite)
at most every FOLLOW_SECONDS per creator and process, and in between it is the one this process
last saw the creator speak in (so a change the creator makes through this process is followed at
once, one made through another bot process within FOLLOW_SECONDS).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import Application, ContextTypes

from librium import i18n
from librium.i18n import N_, _

LANGUAGE = "language"  # user_data / chat_data: the code chosen with /language
GROUP_CREATOR = "creator"  # chat_data: the Telegram id of the creator of a group without its own language
GROUP_CHATS = (ChatType.GROUP, ChatType.SUPERGROUP)
AUTO = "auto"  # /language auto: follow Telegram's language again (a group: its creator's)
FOLLOW_SECONDS = 30.0
CREATORS = "group_creators_languages"  # bot_data (not persisted): this process's CreatorLanguages


@dataclass
class CreatorLanguages:
    """The languages of group creators as this process last knew them: Telegram id → (when, code)."""

    known: dict[int, tuple[float, str | None]] = field(default_factory=dict)
    limit: int = 50_000  # creators remembered at most (then forgotten all at once: they are read again)

    def fresh(self, creator: int) -> bool:
        """Whether this process knows ``creator``'s language from the last FOLLOW_SECONDS."""
        entry = self.known.get(creator)
        return entry is not None and time.monotonic() - entry[0] <= FOLLOW_SECONDS

    def language(self, creator: int) -> str | None:
        return self.known[creator][1]

    def saw(self, creator: int, code: str | None) -> None:
        if len(self.known) >= self.limit:
            self.known.clear()
        self.known[creator] = (time.monotonic(), code)

    def heard(self, telegram_id: int, code: str | None) -> None:
        """``telegram_id`` spoke now in ``code``: refresh it if it is a creator this process knows."""
        if telegram_id in self.known and code:
            self.known[telegram_id] = (time.monotonic(), code)


def creator_languages(context: ContextTypes.DEFAULT_TYPE) -> CreatorLanguages:
    return context.bot_data.setdefault(CREATORS, CreatorLanguages())


def in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in GROUP_CHATS


async def choose_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the language for the rest of this update (a TypeHandler that runs before all others)."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    telegram_code = user.language_code if user else None
    chosen = context.user_data.get(LANGUAGE) if context.user_data is not None else None
    if user is not None:
        creator_languages(context).heard(user.id, chosen or telegram_code)
    code = await _group_language(update, context) if in_group(update) else chosen
    i18n.set_current(code or telegram_code)


async def _group_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The group's own language, else its creator's as it is now; None for a new group (its creator
    is the one speaking)."""
    data = context.chat_data if context.chat_data is not None else {}
    data.pop("creator_language", None)  # a copy an earlier version kept for good
    if data.get(LANGUAGE):
        return data[LANGUAGE]
    creator = data.get(GROUP_CREATOR)
    if creator is not None and creator_languages(context).fresh(creator):
        return creator_languages(context).language(creator)
    from bot.runtime import dbcall
    from librium.services import languages

    choice = await dbcall.read(context, languages.group_choice, update.effective_chat.id)
    if choice is None:
        return None
    if choice.own:
        data[LANGUAGE] = choice.own
    elif choice.creator_telegram_id is not None:
        data[GROUP_CREATOR] = choice.creator_telegram_id
        creator_languages(context).saw(choice.creator_telegram_id, choice.creator)
    return choice.spoken


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
