"""Forged and garbage callback data: always answered once, never a traceback, never a change."""

from __future__ import annotations

import pytest

from tests.bot.adding_helpers import (
    all_books_snapshot,
    answers,
    last_card,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, BOB, GROUP, last_text

NOT_HERE = "That book isn't in this library."
EXPIRED = "That button has expired."


def bot_output(calls):
    """Everything the bot did except answering the callback query."""
    return [c.method for c in calls if c.method != "answerCallbackQuery"]


async def assert_refused(bot, card, data, person, session_factory, expected: set[str]):
    before = all_books_snapshot(session_factory)
    calls = await bot.callback(card, data, person=person)
    said = answers(calls)
    assert len(said) == 1, (data, [c.method for c in calls])
    assert said[0] in expected, (data, said)
    assert bot_output(calls) == [], (data, bot_output(calls))
    assert all_books_snapshot(session_factory) == before, data


@pytest.fixture
async def adas_book(bot, session_factory):
    """Ada's book on her shelf, lent, plus a deleted one; returns (card, book, deleted book, shelf id)."""
    card = last_card(await bot.send("Dune by Frank Herbert"))
    menu = [c for c in await bot.tap(card, "🗄 Shelf") if c.method == "editMessageText"][-1]
    await bot.tap(menu, "New shelf…")
    await bot.send("Study")
    gone = last_card(await bot.send("Emma by Jane Austen"))
    await bot.tap(gone, "🗑 Delete")
    book = next(b for b in library_books(session_factory, ADA) if b.title == "Dune")
    deleted = next(b for b in library_books(session_factory, ADA, deleted=True) if b.title == "Emma")
    return card, book, deleted, book.location.id


async def test_bob_cannot_touch_adas_book(bot, session_factory, adas_book):
    card, book, deleted, shelf_id = adas_book
    await bot.send("Emma by Jane Austen", person=BOB)  # Bob has a library of his own
    i = book.id
    forged = [
        f"st:{i}:read", f"st:{i}:reading", f"st:{i}:to-read", f"rt:{i}", f"rt:{i}:7", f"rt:{i}:0",
        f"ed:{i}", f"ed:{i}:title", f"ed:{i}:x", f"sh:{i}", f"sh:{i}:new", f"sh:{i}:{shelf_id}",
        f"sh:{i}:none", f"sh:{i}:x", f"ln:{i}", f"ln:{i}:ret", f"ln:{i}:x", f"del:{i}", f"rf:{i}",
        f"b:{i}", f"b:{i}:e", f"undo:{deleted.id}", f"ow:{i}",
    ]  # fmt: skip
    for data in forged:
        await assert_refused(bot, card, data, BOB, session_factory, {NOT_HERE})
    # ...in the group too: the group's library is not Ada's private one.
    await bot.send("/start", person=BOB, chat=GROUP)
    for data in (f"st:{i}:read", f"del:{i}", f"undo:{deleted.id}"):
        await assert_refused(bot, card, data, BOB, session_factory, {NOT_HERE})
    # A refused "edit title" left Bob with no question pending: his next words change nothing.
    before = all_books_snapshot(session_factory)
    await bot.send("Hacked", person=BOB)
    assert all_books_snapshot(session_factory) == before
    assert next(b for b in library_books(session_factory, ADA) if b.id == i).title == "Dune"


async def test_bob_cannot_use_adas_shelf_for_his_book(bot, session_factory, adas_book):
    _card, _book, _deleted, shelf_id = adas_book
    bobs = last_card(await bot.send("Emma by Jane Austen", person=BOB))
    [bob_book] = library_books(session_factory, BOB)
    before = all_books_snapshot(session_factory)
    calls = await bot.callback(bobs, f"sh:{bob_book.id}:{shelf_id}", person=BOB)
    assert answers(calls) == ["That shelf is not in this library any more."]
    assert all_books_snapshot(session_factory) == before


async def test_bob_cannot_confirm_adas_pending_add(bot, session_factory):
    prompt = (await bot.send("Good Omens - Terry Pratchett"))[-1]
    data = prompt.buttons[0][0]["callback_data"]
    before = all_books_snapshot(session_factory)
    calls = await bot.callback(prompt, data, person=BOB)
    assert answers(calls) == ["That button has expired — send the book again."]
    assert all_books_snapshot(session_factory) == before
    # Ada's own pending add is not consumed by the refused tap.
    await bot.tap(prompt, "“Good Omens” by Terry Pratchett")
    assert [b.title for b in library_books(session_factory, ADA)] == ["Good Omens"]


async def test_pending_question_belongs_to_its_chat(bot, session_factory, adas_book):
    card, book, _deleted, _shelf = adas_book
    fields = [c for c in await bot.tap(card, "✎ Edit") if c.method == "editMessageText"][-1]
    await bot.tap(fields, "✎ Title")
    await bot.send("Not a title by Anyone", person=ADA, chat=GROUP)
    assert next(b for b in library_books(session_factory, ADA) if b.id == book.id).title == "Dune"
    await bot.send("Dune Messiah")
    assert next(b for b in library_books(session_factory, ADA) if b.id == book.id).title == "Dune Messiah"


@pytest.mark.parametrize(
    "data",
    [
        "st:999999999:read", "del:0", "undo:999999", f"rt:{2**62}:4", "ln:424242:ret", "sh:31337",
        "b:99999999", "ed:777:title", "rf:5555", "del:2147483647", "del:2147483648",
    ],
)  # fmt: skip
async def test_nonexistent_ids(bot, session_factory, adas_book, data):
    card = adas_book[0]
    await assert_refused(bot, card, data, ADA, session_factory, {NOT_HERE})


@pytest.mark.parametrize(
    "data",
    [
        "", "x", ":", ":::", "st", "st:", "st:abc:read", "st:1.5:read", "st:-3:read", "st:١:read",
        "del:99999999999999999999999", "rt:1:abc", "rt:1:11", "rt:1:-1", "rt:1:99999999999",
        "sh:1:xyz", "ln:1:foo", "ed:1:password", "b:", "add:nope:yes", "add::", "add",
        "af:title:cancel", "af:format:7", "zz:1", "st:1:read\n", "st:1:<b>", "del:1;drop table books",
        "st:" + "1" * 100, "rt:" + "9" * 61, "é" * 40, "\x00\x01", "b:x:e:e:e:e",
    ],
)  # fmt: skip
async def test_garbage_is_answered_and_changes_nothing(bot, session_factory, adas_book, data):
    card = adas_book[0]
    book_id = adas_book[1].id
    data = data.replace(":1:", f":{book_id}:") if data.startswith(("rt:1", "sh:1", "ln:1", "ed:1")) else data
    expected = {EXPIRED, NOT_HERE, "That button has expired — send the book again."}
    await assert_refused(bot, card, data, ADA, session_factory, expected)


async def test_wrong_arguments_on_a_real_book_are_expired(bot, session_factory, adas_book):
    card, book, _deleted, _shelf = adas_book
    for data in (f"st:{book.id}:burnt", f"rt:{book.id}:12", f"sh:{book.id}:abc", f"ln:{book.id}:now"):
        await assert_refused(bot, card, data, ADA, session_factory, {EXPIRED})
    # and the real buttons still work afterwards
    calls = await bot.tap(card, "✓ Read")
    assert answers(calls) == ["Marked as read."]


async def test_replies_to_text_never_crash_on_specials(bot, session_factory):
    for text in ("<b>", "&amp; by &lt;", "— by —", "- - -", "by", " by Frank", "Dune by", "\u202e by x"):
        calls = await bot.send(text)
        assert last_text(calls), text
