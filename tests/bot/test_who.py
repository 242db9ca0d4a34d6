"""Who is speaking and which library: names and titles follow Telegram, and a known user costs no write.

Every update resolves its sender and chat (bot/runtime/access.py). The common case, a known user in a known
chat, is one read; anything new or changed (a first message, a new name, a renamed group, a new member)
goes through the service that creates or updates the rows.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from bot.console.fake_updates import Chat
from librium.database.sqlalchemy import db
from tests.bot.adding_helpers import no_unhandled_errors  # noqa: F401 - autouse fixture
from tests.bot.harness import ADA, BOB, GROUP, last_text


def user_row(session_factory, telegram_id: int) -> db.User:
    with session_factory() as session:
        return session.scalar(select(db.User).where(db.User.telegram_id == telegram_id))


def group_library(session_factory) -> db.Library:
    with session_factory() as session:
        return session.scalar(select(db.Library).where(db.Library.telegram_chat_id == GROUP.id))


def members(session_factory, library_id: int) -> set[int]:
    with session_factory() as session:
        return set(
            session.scalars(
                select(db.User.telegram_id)
                .join(db.LibraryMember, db.LibraryMember.user_id == db.User.id)
                .where(db.LibraryMember.library_id == library_id)
            )
        )


async def test_a_known_user_in_a_known_chat_writes_nothing(make_bot, session_factory):
    bot = await make_bot()
    await bot.send("/start")
    before = user_row(session_factory, ADA.id)
    for text in ("/help", "Dune", "/stats"):
        await bot.send(text)
    after = user_row(session_factory, ADA.id)
    assert (after.updated_at, after.display_name, after.language) == (
        before.updated_at,
        before.display_name,
        before.language,
    )


async def test_a_new_name_and_language_on_telegram_are_stored(make_bot, session_factory):
    bot = await make_bot()
    await bot.send("/start")
    renamed = dataclasses.replace(ADA, first_name="Augusta", language_code="de")
    await bot.send("Dune", person=renamed)  # a search: resolves the sender
    user = user_row(session_factory, ADA.id)
    assert (user.display_name, user.language) == ("Augusta", "de")
    with session_factory() as session:  # still one user, still one personal library
        assert session.scalar(select(db.User.id).where(db.User.telegram_id == ADA.id)) == user.id
        owned = session.scalars(
            select(db.Library.id).where(db.Library.owner_id == user.id, db.Library.kind == "personal")
        ).all()
    assert len(owned) == 1


async def test_a_renamed_group_renames_its_library(make_bot, session_factory):
    bot = await make_bot()
    await bot.send("/library", chat=GROUP)
    assert group_library(session_factory).name == GROUP.title
    renamed = Chat(id=GROUP.id, type=GROUP.type, title="Night readers")
    calls = await bot.send("/library", chat=renamed)
    assert group_library(session_factory).name == "Night readers"
    assert "Night readers" in last_text(calls)


async def test_a_second_member_of_a_known_group_joins_its_library(make_bot, session_factory):
    bot = await make_bot()
    await bot.send("/library", chat=GROUP)
    library = group_library(session_factory)
    assert members(session_factory, library.id) == {ADA.id}
    await bot.send("/library", person=BOB, chat=GROUP)
    assert members(session_factory, library.id) == {ADA.id, BOB.id}
    assert group_library(session_factory).id == library.id


async def test_a_first_message_that_only_reads_still_creates_the_user_and_library(make_bot, session_factory):
    """Searches and cards read in a read-only transaction; a stranger's first one switches to writing."""
    bot = await make_bot()
    calls = await bot.send("Dune")
    assert "Nothing matches" in last_text(calls)
    ada = user_row(session_factory, ADA.id)
    assert ada is not None and ada.display_name == "Ada"
    with session_factory() as session:
        library = session.scalar(select(db.Library).where(db.Library.owner_id == ada.id))
    assert library is not None and members(session_factory, library.id) == {ADA.id}

    message = {"message_id": 1, "date": 0, "chat": {"id": BOB.id, "type": "private"}}
    calls = await bot.process(bot.updates.callback(BOB, message, "b:1"))  # Bob's very first update: a tap
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params.get("show_alert") in (True, "true")
    assert user_row(session_factory, BOB.id) is not None


@pytest.mark.parametrize(
    "command",
    ["/authors", "/series", "/genres", "/shelves", "/unread", "/loans", "/stats", "/year", "/problems"],
)
async def test_any_read_only_command_can_be_a_strangers_first(make_bot, session_factory, command):
    """Every read-only screen first tries a read-only transaction; a stranger's first one writes them in."""
    bot = await make_bot()
    stranger = dataclasses.replace(ADA, id=4_000_001, first_name="Zoe")
    calls = await bot.send(command, person=stranger)
    assert [c for c in calls if c.method in ("sendMessage", "sendPhoto")], calls
    assert user_row(session_factory, stranger.id).display_name == "Zoe"
