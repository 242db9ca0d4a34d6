"""Answering a button tap, and running an action in the library of whoever tapped or wrote.

Every tap: decode the callback data (garbage → "That button has expired."), then ONE transaction that
resolves the tapper's library and calls the action with it, so a forged book id of another library
gets NotFound → "That book isn't in this library."
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions.book import in_library
from bot.chat import callbacks
from bot.runtime import dbcall
from bot.runtime.access import actor_of
from librium.errors import LibriumError, NotFound
from librium.i18n import N_, _

EXPIRED = N_("That button has expired.")
NOT_HERE = N_("That book isn't in this library.")
CallbackFn = Callable[[Update, ContextTypes.DEFAULT_TYPE, callbacks.Callback, "Tap"], Awaitable[None]]


class Tap:
    """The tapped callback query, answered exactly once (a spinning button is never left behind)."""

    def __init__(self, update: Update):
        self.query = update.callback_query
        self.answered = False

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        if self.answered or self.query is None:
            return
        self.answered = True
        await self.query.answer(text, show_alert=alert)


def tapped(fn: CallbackFn) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """Wrap a callback handler: decode, answer domain errors with their message, always answer."""

    @functools.wraps(fn)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tap = Tap(update)
        data = callbacks.decode(update.callback_query.data if update.callback_query else None)
        if data is None:
            await tap.answer(_(EXPIRED))
            return
        try:
            await fn(update, context, data, tap)
        except NotFound:
            await tap.answer(_(NOT_HERE), alert=True)
        except LibriumError as error:
            await tap.answer(error.message, alert=True)
        else:
            await tap.answer()

    return handler


def book_id_of(data: callbacks.Callback) -> int:
    book_id = data.int_arg(0)
    if book_id is None:
        raise NotFound(_(NOT_HERE))
    return book_id


async def run_in_library(context: ContextTypes.DEFAULT_TYPE, update: Update, fn, *args, **kwargs):
    """``fn(session, who, *args)`` for the sender of ``update``, in one read-write transaction."""
    return await dbcall.run(context, in_library, actor_of(update), fn, *args, **kwargs)


async def read_in_library(context: ContextTypes.DEFAULT_TYPE, update: Update, fn, *args, **kwargs):
    """``run_in_library`` for work that only reads (a read-only transaction; see dbcall.read)."""
    return await dbcall.read(context, in_library, actor_of(update), fn, *args, **kwargs)
