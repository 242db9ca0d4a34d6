"""Who is speaking and which library this chat uses; the allow-list.

A private chat uses the user's own library; a group chat uses the group's shared library (every member
who talks to the bot there becomes a member of it). Services re-check membership on every book id, so
forged callback data can never reach another library.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.runtime.dbcall import SETTINGS
from librium.database.sqlalchemy.session import READ_ONLY, WriteNeeded
from librium.i18n import _
from librium.services import libraries
from librium.text import clean


@dataclass(frozen=True)
class Actor:
    """The sender and the chat of an update, as plain data (safe to pass to a worker thread)."""

    telegram_id: int
    name: str
    language: str | None
    chat_id: int
    chat_type: str
    chat_title: str | None

    @property
    def in_group(self) -> bool:
        return self.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)


@dataclass(frozen=True)
class Who:
    """The resolved user and library for an update."""

    user_id: int
    library_id: int
    library_name: str
    library_kind: str
    timezone: str
    chat_id: int
    language: str | None = None  # the user's own: chosen with /language, else Telegram's (as stored)


def actor_of(update: Update) -> Actor:
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        raise ValueError("update without a sender")
    return Actor(
        telegram_id=user.id,
        name=user.full_name or user.username or str(user.id),
        language=user.language_code,
        chat_id=chat.id if chat else user.id,
        chat_type=chat.type if chat else ChatType.PRIVATE,
        chat_title=chat.title if chat else None,
    )


def _up_to_date(known: libraries.ChatLibrary, actor: Actor) -> bool:
    """Whether the stored user and library already say what Telegram says (no write needed)."""
    if actor.name and clean(actor.name) != known.display_name:
        return False
    if actor.language and actor.language[:16] != known.language:
        return False
    title = clean(actor.chat_title)
    return not (actor.in_group and title and title[:200] != known.library_name)


def resolve(session: Session, actor: Actor) -> Who:
    """Find or create the user and the library this chat uses (inside the caller's transaction)."""
    known = libraries.chat_library(session, actor.telegram_id, actor.chat_id if actor.in_group else None)
    if known is not None and _up_to_date(known, actor):
        return Who(
            known.user_id,
            known.library_id,
            known.library_name,
            known.library_kind,
            known.timezone,
            actor.chat_id,
            known.chosen_language or known.language,
        )
    if session.info.get(READ_ONLY):
        raise WriteNeeded
    user = libraries.ensure_user(session, actor.telegram_id, actor.name, actor.language)
    if actor.in_group:
        library = libraries.group_library(
            session, actor.chat_id, actor.chat_title or _("Group library"), user
        )
    else:
        library = libraries.personal_library(session, user)
    return Who(
        user.id,
        library.id,
        library.name,
        library.kind,
        user.timezone,
        actor.chat_id,
        user.chosen_language or user.language,
    )


REFUSED = "refused_users"


async def enforce_allow_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from users outside ALLOWED_USER_IDS, with one polite refusal per user."""
    allowed = context.application.bot_data[SETTINGS].allowed_user_ids
    user = update.effective_user
    if not allowed or (user and user.id in allowed):
        return
    refused: set[int] = context.application.bot_data.setdefault(REFUSED, set())
    if user and user.id not in refused:
        refused.add(user.id)
        if update.callback_query:
            await update.callback_query.answer(_("Sorry, this bot is private."), show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(
                _("Sorry, this is a private Librium bot. You can run your own: see the project's README.")
            )
    elif update.callback_query:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
