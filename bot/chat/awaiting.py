"""The card question waiting for one line of text (edit a field, name a new shelf, lend to whom).

The request is kept in ``user_data[AWAITING]``; the card's handler (bot/handlers/book_actions.py)
consumes the user's next message in that chat. In groups the question also went out as ForceReply
prompts (bot/chat/questions.py), deleted here when the question is dropped.
"""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.chat import questions

AWAITING = "awaiting_input"


def awaiting(context: ContextTypes.DEFAULT_TYPE) -> dict | None:
    return context.user_data.get(AWAITING) if context.user_data is not None else None


async def drop(context: ContextTypes.DEFAULT_TYPE, book_id: int | None = None) -> bool:
    """Forget the pending question (of ``book_id`` only, if given) and delete its group prompts."""
    waiting = awaiting(context)
    if waiting and (book_id is None or waiting.get("book") == book_id):
        context.user_data.pop(AWAITING, None)
        await delete_prompts(context, waiting)
        return True
    return False


async def delete_prompts(context: ContextTypes.DEFAULT_TYPE, waiting: dict) -> None:
    """Delete the ForceReply prompts a question sent in a group (the card itself stays)."""
    prompts = [i for i in waiting.get("asked") or [] if i != waiting.get("message")]
    await questions.delete(context.bot, waiting.get("chat"), prompts)


async def cancel_awaiting(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Forget any pending edit/shelf/lend question; True when there was one."""
    return await drop(context)
