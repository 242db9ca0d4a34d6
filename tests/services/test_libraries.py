"""Users and libraries: first contact, personal and group libraries, membership, summary."""

from __future__ import annotations

import pytest

from librium.errors import Forbidden, Invalid, NotFound
from librium.services import books, libraries
from librium.services.books import BookInput


def test_ensure_user_creates_once_and_follows_name_changes(session):
    user = libraries.ensure_user(session, 10_000_000_001, "Ada", "en")
    again = libraries.ensure_user(session, 10_000_000_001, "Ada Lovelace")
    assert again.id == user.id and again.display_name == "Ada Lovelace" and again.language == "en"
    assert again.timezone == "UTC"


def test_personal_library_is_created_once_with_its_owner(session):
    user = libraries.ensure_user(session, 10_000_000_002, "Ada")
    lib = libraries.personal_library(session, user)
    assert libraries.personal_library(session, user).id == lib.id
    assert lib.kind == "personal" and lib.name == "Ada's library"
    assert libraries.require_member(session, user.id, lib.id).role == "owner"


def test_group_library_adds_every_user_who_comes(session):
    ada = libraries.ensure_user(session, 10_000_000_003, "Ada")
    bob = libraries.ensure_user(session, 10_000_000_004, "Bob")
    lib = libraries.group_library(session, -100123, "Book club", ada)
    same = libraries.group_library(session, -100123, "Book club (renamed)", bob)
    assert same.id == lib.id and same.kind == "group" and same.name == "Book club (renamed)"
    assert libraries.require_member(session, ada.id, lib.id).role == "owner"
    assert libraries.require_member(session, bob.id, lib.id).role == "member"
    summary = libraries.library_summary(session, lib.id)
    assert (summary.name, summary.kind, summary.members, summary.books) == (
        "Book club (renamed)",
        "group",
        2,
        0,
    )
    assert [x.kind for x in libraries.user_libraries(session, bob.id)] == ["group"]


def test_library_for_chat(session):
    ada = libraries.ensure_user(session, 10_000_000_005, "Ada")
    own = libraries.library_for_chat(session, ada, ada.telegram_id)
    group = libraries.library_for_chat(session, ada, -200, chat_type="supergroup", title="Club")
    assert own.kind == "personal" and group.kind == "group" and own.id != group.id


def test_strangers_are_forbidden(session, library, other_library):
    with pytest.raises(Forbidden, match="not a member"):
        libraries.require_member(session, other_library.owner_id, library.id)


def test_set_timezone(session):
    user = libraries.ensure_user(session, 10_000_000_006, "Ada")
    assert libraries.set_timezone(session, user, " Europe/Berlin ").timezone == "Europe/Berlin"
    with pytest.raises(Invalid, match="not a time zone I know"):
        libraries.set_timezone(session, user, "Mars/Olympus")


def test_summary_counts_live_books_and_copies(session, library):
    books.add_book(session, library.id, BookInput(title="A", copies=3))
    books.add_book(session, library.id, BookInput(title="B"))
    gone = books.add_book(session, library.id, BookInput(title="C")).book
    books.delete_book(session, library.id, gone.id)
    summary = libraries.library_summary(session, library.id)
    assert (summary.members, summary.books, summary.copies) == (1, 2, 4)
    with pytest.raises(NotFound):
        libraries.library_summary(session, 987654321)


def test_chat_library_reads_what_exists_and_nothing_else(session):
    telegram_id, chat_id = 10_000_000_090, -100_990
    assert libraries.chat_library(session, telegram_id) is None  # unknown user
    ada = libraries.ensure_user(session, telegram_id, "Ada", "en")
    assert libraries.chat_library(session, telegram_id) is None  # no library yet
    own = libraries.personal_library(session, ada)
    found = libraries.chat_library(session, telegram_id)
    assert found == libraries.ChatLibrary(ada.id, "Ada", "en", "UTC", own.id, own.name, "personal")

    assert libraries.chat_library(session, telegram_id, chat_id) is None  # no group library yet
    bob = libraries.ensure_user(session, 10_000_000_091, "Bob")
    club = libraries.group_library(session, chat_id, "Book club", bob)
    assert libraries.chat_library(session, telegram_id, chat_id) is None  # Ada is not a member yet
    assert libraries.chat_library(session, bob.telegram_id, chat_id).library_id == club.id
    libraries.group_library(session, chat_id, "Book club", ada)
    found = libraries.chat_library(session, telegram_id, chat_id)
    assert (found.user_id, found.library_id, found.library_name, found.library_kind) == (
        ada.id,
        club.id,
        "Book club",
        "group",
    )
