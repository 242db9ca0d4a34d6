"""The error handler: log the failure with the update (never the token), apologise in one line."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

log = logging.getLogger("bot.errors")

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, (NetworkError, TimedOut, RetryAfter)):
        log.warning("Telegram unreachable or throttling: %s", error)
        return
    if isinstance(error, Forbidden):
        log.info("user blocked the bot or left the chat: %s", error)
        return
    summary = _summary(update)
    log.error("unhandled error while handling %s", summary, exc_info=error)
    if isinstance(update, Update):
        try:
            if update.callback_query:
                await update.callback_query.answer(APOLOGY, show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(APOLOGY)
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
