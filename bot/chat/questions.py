"""Questions answered by typing, in a way that works in groups too.

Telegram's default for bots is privacy mode: in a group the bot only sees commands, mentions and replies
to its own messages. A question that waits for plain text therefore gets, in groups, a prompt sent with
``ForceReply(selective=True)`` that replies to the asking user's message (or, after a button tap, mentions
them): their client opens a reply to the prompt, and the reply reaches the bot. Private chats see every
message, so nothing extra is sent there.
"""

from __future__ import annotations

import logging

from telegram import Bot, ForceReply, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.runtime.access import actor_of
from bot.views.render import truncate

log = logging.getLogger(__name__)

PLACEHOLDER_MAX = 64  # the Bot API's limit for input_field_placeholder


def in_group(update: Update) -> bool:
    return update.effective_chat is not None and actor_of(update).in_group


def force_reply(placeholder: str) -> ForceReply:
    return ForceReply(selective=True, input_field_placeholder=truncate(placeholder, PLACEHOLDER_MAX))


def markup_for(update: Update, placeholder: str) -> ForceReply | None:
    """ForceReply for a reply to the user's own message in a group; None in private chats."""
    return force_reply(placeholder) if in_group(update) else None


async def prompt(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, placeholder: str
) -> Message | None:
    """In a group, send ``text`` (HTML) as a ForceReply prompt aimed at the asking user; None elsewhere.

    Replies to the user's message when the update is one; after a button tap there is none, so the
    prompt mentions the user instead (a selective ForceReply targets mentioned users).
    """
    if not in_group(update):
        return None
    markup = force_reply(placeholder)
    user = update.effective_user
    try:
        if update.message is not None:
            return await update.message.reply_text(text, reply_markup=markup, do_quote=True)
        mention = user.mention_html() + ", " if user else ""
        return await context.bot.send_message(update.effective_chat.id, mention + text, reply_markup=markup)
    except TelegramError:
        return None  # the question itself was asked; a lost prompt must not lose it


async def delete(bot: Bot, chat_id: int | None, message_ids: list[int]) -> None:
    """Delete prompts that served their purpose, so a group is not left with stale questions.

    Best effort: a prompt already deleted, or too old to delete, stays (the question is settled anyway).
    """
    if chat_id is None or not message_ids:
        return
    try:
        await bot.delete_messages(chat_id, message_ids)
    except TelegramError as error:
        log.info("could not delete %d prompt(s): %s", len(message_ids), error)


def answers(update: Update, asked: list[int] | tuple[int, ...]) -> bool:
    """Whether this message may be the answer to a question shown in the messages ``asked``.

    A reply to another message of the bot is about that message, not an answer; anything else from the
    user (a reply to the question, or a plain message where the bot sees every message) is.
    """
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is None or not asked:
        return True
    if replied.from_user is not None and not replied.from_user.is_bot:
        return True  # replying to a person: still a plain message to the bot
    return replied.message_id in asked


__all__ = ["answers", "delete", "force_reply", "in_group", "markup_for", "prompt"]
