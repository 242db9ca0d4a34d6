"""Users and libraries: who is who, which library a chat works on, and who may touch it.

A Telegram user has one personal library (private chat); a group chat has one shared library whose
members are the users who used the bot there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import Forbidden, NotFound
from librium.i18n import _
from librium.text import clean

__all__ = [
    "ChatLibrary",
    "LibrarySummary",
    "chat_library",
    "ensure_user",
    "group_library",
    "library_for_chat",
    "library_summary",
    "personal_library",
    "require_member",
    "set_timezone",
    "user_libraries",
]


@dataclass(frozen=True)
class LibrarySummary:
    id: int
    name: str
    kind: str  # "personal" or "group"
    members: int
    books: int  # live books (not deleted), counted once each whatever their copies
    copies: int  # live books counting their copies


@dataclass(frozen=True)
class ChatLibrary:
    """A user as stored and the library a chat works on, when both exist and the user is a member."""

    user_id: int
    display_name: str
    language: str | None
    timezone: str
    library_id: int
    library_name: str
    library_kind: str
    chosen_language: str | None = None  # chosen with /language (wins over Telegram's ``language``)


def _chat_library_query(group: bool):
    user, library, member = db.User, db.Library, db.LibraryMember
    which = (
        library.telegram_chat_id == bindparam("chat_id")
        if group
        else and_(library.kind == "personal", library.owner_id == user.id)
    )
    return (
        select(
            user.id,
            user.display_name,
            user.language,
            user.timezone,
            library.id,
            library.name,
            library.kind,
            user.chosen_language,
        )
        .join(library, which)
        .join(member, and_(member.library_id == library.id, member.user_id == user.id))
        .where(user.telegram_id == bindparam("telegram_id"))
    )


# Built once: every update starts with this query, and building it costs more than running it.
_CHAT_LIBRARY = {group: _chat_library_query(group) for group in (False, True)}


def chat_library(session: Session, telegram_id: int, group_chat_id: int | None = None) -> ChatLibrary | None:
    """One read for the common case of :func:`ensure_user` + :func:`library_for_chat`: nothing to create.

    ``group_chat_id``: the group's chat id, or None for the user's personal library. None when the
    user, the library or the membership does not exist yet (the caller then creates them).
    """
    params = {"telegram_id": telegram_id, "chat_id": group_chat_id}
    row = session.execute(_CHAT_LIBRARY[group_chat_id is not None], params).first()
    return ChatLibrary(*row) if row else None


def ensure_user(
    session: Session, telegram_id: int, display_name: str, language: str | None = None
) -> db.User:
    """The user with this Telegram id, created on first sight; name and language follow Telegram's."""
    user = session.scalar(select(db.User).where(db.User.telegram_id == telegram_id))
    if user is None:
        user = db.User(telegram_id=telegram_id, display_name=display_name or "", language=language)
        try:
            with session.begin_nested():
                session.add(user)
        except IntegrityError:  # created by a concurrent update of the same user
            user = session.scalar(select(db.User).where(db.User.telegram_id == telegram_id))
            if user is None:
                raise
    if display_name and clean(display_name) != user.display_name:
        user.display_name = display_name
    if language and language != user.language:
        user.language = language[:16]
    session.flush()
    return user


def _add_member(session: Session, library: db.Library, user: db.User, role: str) -> None:
    exists = session.get(db.LibraryMember, (library.id, user.id))
    if exists is None:
        try:
            with session.begin_nested():
                session.add(db.LibraryMember(library_id=library.id, user_id=user.id, role=role))
        except IntegrityError:  # the same user's first two messages arrived at the same moment
            if session.get(db.LibraryMember, (library.id, user.id)) is None:
                raise


def personal_library(session: Session, user: db.User) -> db.Library:
    """The user's own library, created (with the user as owner) the first time."""
    library = session.scalar(
        select(db.Library)
        .where(db.Library.kind == "personal", db.Library.owner_id == user.id)
        .order_by(db.Library.id)
        .limit(1)
    )
    if library is None:
        # Named once, in the language of the user's first message (they can rename it).
        name = _("{name}'s library").format(name=user.display_name) if user.display_name else _("My library")
        library = db.Library(name=name[:200], kind="personal", owner_id=user.id)
        try:
            with session.begin_nested():
                session.add(library)
        except IntegrityError:  # the user's first two messages arrived at the same moment
            library = session.scalar(
                select(db.Library).where(db.Library.kind == "personal", db.Library.owner_id == user.id)
            )
            if library is None:
                raise
    _add_member(session, library, user, "owner")
    return library


def group_library(session: Session, chat_id: int, title: str | None, user: db.User) -> db.Library:
    """The shared library of a group chat, created the first time; ``user`` becomes a member.

    The first user becomes its owner. The library's name follows the chat's title.
    """
    library = session.scalar(select(db.Library).where(db.Library.telegram_chat_id == chat_id))
    name = (clean(title) or _("Group library"))[:200]
    if library is None:
        library = db.Library(name=name, kind="group", telegram_chat_id=chat_id, owner_id=user.id)
        try:
            with session.begin_nested():
                session.add(library)
        except IntegrityError:  # another member's first message created it at the same moment
            library = session.scalar(select(db.Library).where(db.Library.telegram_chat_id == chat_id))
            if library is None:
                raise
    elif clean(title) and library.name != name:
        library.name = name
    role = "owner" if library.owner_id == user.id else "member"
    _add_member(session, library, user, role)
    return library


def library_for_chat(
    session: Session, user: db.User, chat_id: int, *, chat_type: str = "private", title: str | None = None
) -> db.Library:
    """The library a chat works on: the user's own in a private chat, the group's in a group."""
    if chat_type == "private" or chat_id == user.telegram_id:
        return personal_library(session, user)
    return group_library(session, chat_id, title, user)


def require_member(session: Session, user_id: int, library_id: int) -> db.LibraryMember:
    """The membership of ``user_id`` in ``library_id``; Forbidden when there is none."""
    member = session.get(db.LibraryMember, (library_id, user_id))
    if member is None:
        raise Forbidden(_("You are not a member of that library."))
    return member


def user_libraries(session: Session, user_id: int) -> list[db.Library]:
    """Every library the user belongs to, personal first."""
    return list(
        session.scalars(
            select(db.Library)
            .join(db.LibraryMember, db.LibraryMember.library_id == db.Library.id)
            .where(db.LibraryMember.user_id == user_id)
            .order_by(db.Library.kind.desc(), db.Library.id)
        )
    )


def set_timezone(session: Session, user: db.User, tz: str) -> db.User:
    """Set the user's time zone (an IANA name such as Europe/Berlin); Invalid for an unknown one."""
    user.timezone = tz
    session.flush()
    return user


def library_summary(session: Session, library_id: int) -> LibrarySummary:
    """What "/library" shows: name, kind, number of members and of (live) books."""
    library = session.get(db.Library, library_id)
    if library is None:
        raise NotFound(_("That library does not exist."))
    members = session.scalar(select(func.count()).where(db.LibraryMember.library_id == library_id)) or 0
    books, copies = session.execute(
        select(func.count(db.Book.id), func.coalesce(func.sum(db.Book.copies), 0)).where(
            db.Book.library_id == library_id, db.Book.deleted_at.is_(None)
        )
    ).one()
    return LibrarySummary(library.id, library.name, library.kind, members, books, int(copies))
