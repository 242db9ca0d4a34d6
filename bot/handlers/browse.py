"""Browsing with buttons: /authors /series /genres /shelves /unread /reading /loans.

Lists page with ``pg:<kind>:<page>``; tapping an entry opens it in the same message (``au:<id>[:<page>]``,
``se:<id>[:<page>]``, ``gn:<id>[:<page>]``, ``lo:<id>[:<page>]``) with a button back to the list. Every
callback resolves the library of the user who tapped, inside the same transaction that reads the data,
and ids are looked up through library-scoped services: another library's id is "not found".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ContextTypes, TypeHandler

from bot import callbacks
from bot.handlers import search

EXPIRED_BUTTON = "That button has expired."


async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``pg:<kind>:<page>[:<token>]``: another page of a list, edited in place."""
    data = callbacks.decode(update.callback_query.data)
    kind = data.arg(0) if data else None
    if kind == "q":
        await search.page_callback(update, context, data.int_arg(1), data.arg(2))
        return
    await update.callback_query.answer(EXPIRED_BUTTON)


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
        await update.callback_query.answer(EXPIRED_BUTTON)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_page, pattern=callbacks.pattern("pg")))
    application.add_handler(CallbackQueryHandler(on_noop, pattern=callbacks.pattern("noop")))
    application.add_handler(UnclaimedCallback(application), group=UnclaimedCallback.GROUP)
