"""The error handler: log the failure with the update (never the token), apologise in one line."""

from __future__ import annotations

import logging

from sqlalchemy import exc as sa_exc
from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationHandlerStop, ContextTypes

from librium.i18n import N_, _

log = logging.getLogger("bot.errors")

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
DATABASE_DOWN = N_("I can't reach my database just now. Please try again in a moment.")


def database_unavailable(error: BaseException | None) -> bool:
    """A lost or refused database connection (or a busy SQLite file), anywhere in the cause chain."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, (NetworkError, TimedOut, RetryAfter)):
        log.warning("Telegram unreachable or throttling: %s", error)
        return
    if isinstance(error, Forbidden):
        log.info("user blocked the bot or left the chat: %s", error)
        return
    summary = _summary(update)
    if database_unavailable(error):
        # Say so plainly, once, and stop: the other handlers for this update would fail the same way.
        log.warning("database unavailable while handling %s: %s", summary, type(error).__name__)
        if isinstance(update, Update):
            await _tell(update, DATABASE_DOWN)
            raise ApplicationHandlerStop
        return
    log.error("unhandled error while handling %s", summary, exc_info=error)
    if isinstance(update, Update):
        await _tell(update, APOLOGY)


async def _tell(update: Update, text: str) -> None:
    text = _(text)
    try:
        if update.callback_query:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(text)
    except Exception:
        log.warning("could not send the apology", exc_info=True)


def _summary(update: object) -> str:
    """Which update failed, without message text (personal data stays out of logs)."""
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    kind = "message"
    if update.callback_query:
        kind = f"callback {update.callback_query.data!r}"
    elif update.inline_query:
        kind = "inline query"
    user = update.effective_user.id if update.effective_user else None
    chat = update.effective_chat.id if update.effective_chat else None
    return f"update {update.update_id} ({kind}) from user {user} in chat {chat}"
