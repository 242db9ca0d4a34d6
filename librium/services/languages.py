"""Which language a user or a group chat is spoken to in.

A user's language is the one chosen with /language, else the one Telegram reports for them. A group's
is the one set for it with /language, else its creator's. Codes are stored as given (``es``,
``pt_BR``); :func:`librium.i18n.match` turns them into a shipped language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium import i18n
from librium.database.sqlalchemy import db
from librium.errors import Invalid


def _checked(code: str | None) -> str | None:
    if code is None:
        return None
    if code not in i18n.LANGUAGES:
        raise Invalid(i18n._("I don't speak that language yet."))
    return code


def set_user_language(session: Session, user_id: int, code: str | None) -> None:
    """Keep ``code`` as the user's language (None: follow Telegram's again)."""
    user = session.get(db.User, user_id)
    if user is not None:
        user.chosen_language = _checked(code)
        session.flush()


def set_library_language(session: Session, library_id: int, code: str | None) -> None:
    """Keep ``code`` as a group library's language (None: its creator's again)."""
    library = session.get(db.Library, library_id)
    if library is not None:
        library.language = _checked(code)
        session.flush()


def user_language(session: Session, telegram_id: int) -> str | None:
    """The language a user is spoken to in (as stored; None when the user is not known yet)."""
    row = session.execute(
        select(db.User.chosen_language, db.User.language).where(db.User.telegram_id == telegram_id)
    ).first()
    return (row[0] or row[1]) if row else None


@dataclass(frozen=True)
class GroupLanguage:
    """What decides a group's language: its own (set with /language), else its creator's now."""

    own: str | None
    creator_telegram_id: int | None
    creator: str | None  # the creator's language now: chosen with /language, else Telegram's

    @property
    def spoken(self) -> str | None:
        return self.own or self.creator


def group_choice(session: Session, chat_id: int) -> GroupLanguage | None:
    """A group chat's own language and its creator's current one; None for a group not seen yet."""
    owner = db.User
    row = session.execute(
        select(db.Library.language, owner.telegram_id, owner.chosen_language, owner.language)
        .outerjoin(owner, owner.id == db.Library.owner_id)
        .where(db.Library.telegram_chat_id == chat_id)
    ).first()
    if row is None:
        return None
    return GroupLanguage(row[0], row[1], row[2] or row[3])


def group_language(session: Session, chat_id: int) -> str | None:
    """A group chat's language: the one set for it, else its creator's; None for an unknown group."""
    choice = group_choice(session, chat_id)
    return choice.spoken if choice else None


def chat_language(session: Session, user_id: int, chat_id: int) -> str:
    """The shipped language for a message to ``chat_id`` on behalf of ``user_id`` (reminders)."""
    user = session.get(db.User, user_id)
    if user is not None and chat_id == user.telegram_id:
        return i18n.match(user.chosen_language or user.language)
    group = group_language(session, chat_id)
    if group is not None:
        return i18n.match(group)
    return i18n.match(user.chosen_language or user.language if user else None)
