"""The list commands and their buttons: /find, /authors /series /genres /shelves /unread /reading
/loans; the pagers (``pg:<kind>:<page>[:<arg>]``) and an entry opened in the same message
(``au|se|gn|lo:<id>[:<page>]``). The screens themselves are built in bot/screens/ (browse, search);
every callback resolves the library of whoever tapped, so another library's id is "not found".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)

from bot.chat import callbacks
from bot.chat.taps import EXPIRED
from bot.screens import browse, search

COMMANDS = {
    "authors": "au",
    "series": "se",
    "genres": "gn",
    "shelves": "lo",
    "unread": "un",
    "reading": "rd",
    "loans": "ln",
}


async def find(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    parts = text.split(None, 1)
    await search.show_results(update, context, parts[1] if len(parts) > 1 else "")


def _command(kind: str):
    async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await browse.respond(update, context, browse.LISTS[kind], None, 1)

    return command


async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``pg:<kind>:<page>[:<token>]``: another page of a list, edited in place."""
    data = callbacks.decode(update.callback_query.data)
    kind = data.arg(0) if data else None
    if kind in ("s", "q"):
        await search.page_callback(update, context, kind, data.int_arg(1), data.arg(2))
    elif kind in browse.LISTS:
        await browse.respond(update, context, browse.LISTS[kind], None, data.int_arg(1) or 1)
    else:
        await update.callback_query.answer(EXPIRED)


async def on_detail(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``au|se|gn|lo:<id>[:<page>]``: one author, series, genre or shelf, edited in place."""
    data = callbacks.decode(update.callback_query.data)
    item = data.int_arg(0) if data else None
    if data is None or item is None or data.action not in browse.DETAILS:
        await update.callback_query.answer(EXPIRED)
        return
    await browse.respond(update, context, browse.DETAILS[data.action], item, data.int_arg(1) or 1)


async def on_noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()


class UnclaimedCallback(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Answers callback queries that no other handler takes (garbage, forged, or from an old version).

    It sits in its own late group and checks the other handlers itself, so it answers exactly the
    callbacks nobody else would, whatever order the feature modules were registered in.
    """

    GROUP = 100

    def __init__(self, application: Application):
        super().__init__(self._answer)
        self._application = application

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update) or update.callback_query is None:
            return False
        for group, handlers in self._application.handlers.items():
            if group == self.GROUP:
                continue
            for handler in handlers:
                if isinstance(handler, TypeHandler):
                    continue
                if handler.check_update(update) not in (None, False):
                    return False
        return True

    @staticmethod
    async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer(EXPIRED)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("find", find))
    for name, kind in COMMANDS.items():
        application.add_handler(CommandHandler(name, _command(kind)))
    application.add_handler(CallbackQueryHandler(on_page, pattern=callbacks.pattern("pg")))
    for action in browse.DETAILS:
        application.add_handler(CallbackQueryHandler(on_detail, pattern=callbacks.pattern(action)))
    application.add_handler(CallbackQueryHandler(on_noop, pattern=callbacks.pattern("noop")))
    application.add_handler(UnclaimedCallback(application), group=UnclaimedCallback.GROUP)
