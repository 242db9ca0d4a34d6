"""Browsing through the real Application: every command, drilling in and back by editing, empty states,
loans with overdue marks, and another library's ids that must stay "not found"."""

from __future__ import annotations

import datetime as dt

import pytest

from librium.database.sqlalchemy import db
from tests.bot.harness import ADA, BOB, last_text
from tests.bot.querying_data import Library

NOT_FOUND = "Not found — it may have been deleted."
EXPIRED = "That button has expired."


@pytest.fixture
def ada(session_factory) -> Library:
    return Library(session_factory, ADA)


@pytest.fixture
def shelf(ada) -> Library:
    """Ada's library: a series with a gap, an author with series and loose books, genres, shelves."""
    ada.add(
        "Dune",
        "Frank Herbert",
        year=1965,
        series="Dune",
        series_index=1,
        status="read",
        genres=["Science Fiction"],
        location="Living room",
    )
    ada.add(
        "Dune Messiah",
        "Frank Herbert",
        year=1969,
        series="Dune",
        series_index=2,
        genres=["Science Fiction"],
        status="reading",
    )
    ada.add(
        "God Emperor of Dune",
        "Frank Herbert",
        year=1981,
        series="Dune",
        series_index=4,
        genres=["Science Fiction"],
        location="Living room",
    )
    ada.add("The Dosadi Experiment", "Frank Herbert", year=1977, genres=["Science Fiction"])
    ada.add(
        "A Wizard of Earthsea",
        "Ursula K. Le Guin",
        year=1968,
        genres=["Fantasy"],
        status="read",
        location="Bedroom",
    )
    ada.add("The Dark Tower", "Stephen King", year=2004, genres=["Dark Fantasy"])
    return ada


def _answers(calls) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def _edit(calls):
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 1, [c.method for c in calls]
    assert not [c for c in calls if c.method == "sendMessage"]
    return edits[0]


async def test_authors_list_and_an_authors_books_grouped_by_series(bot, shelf):
    listing = (await bot.send("/authors"))[-1]
    text = listing.text
    assert "<b>Frank Herbert</b> · 4 books · 1 read, 3 unread" in text
    assert "<b>Ursula K. Le Guin</b> · 1 book · 1 read, 0 unread" in text
    assert text.index("Herbert") < text.index("King") < text.index("Le Guin"), "by sort name"
    assert "3 authors" in text

    herbert = _edit(await bot.tap(listing, "Frank Herbert"))
    assert int(herbert.params["message_id"]) == listing.result["message_id"]
    text = herbert.text
    assert "📚 <i>Dune</i>" in text and "<i>Other books</i>" in text
    assert text.index("<b>Dune</b>") < text.index("Dune Messiah") < text.index("God Emperor")
    assert text.index("God Emperor") < text.index("Other books") < text.index("Dosadi")
    assert "<b>Dune</b> — 1965 ✓" in text, "the author is in the header, not on every line"
    assert any(t.startswith("1. Dune") for t in herbert.button_texts())

    back = _edit(await bot.tap(herbert, "◀ Authors"))
    assert "Frank Herbert" in back.text and "Le Guin" in back.text


async def test_series_card_in_order_with_read_marks_and_gaps(bot, shelf):
    listing = (await bot.send("/series"))[-1]
    assert "<b>Dune</b> · 1/3 read" in listing.text
    card = _edit(await bot.tap(listing, "Dune"))
    text = card.text
    assert "1 of 3 books read" in text
    assert "Missing: 3" in text
    assert "#1. <b>Dune</b> — Frank Herbert, 1965 ✓" in text
    assert "#2. <b>Dune Messiah</b>" in text and "#4. <b>God Emperor of Dune</b>" in text
    assert text.index("#1.") < text.index("#2.") < text.index("#4.")
    assert "◀ Series" in card.button_texts()
    assert "#1. Dune ✓" in card.button_texts()


async def test_genres_are_exact_not_prefix_matches(bot, shelf):
    listing = (await bot.send("/genres"))[-1]
    assert "<b>Science Fiction</b> · 4 books" in listing.text
    assert "<b>Fantasy</b> · 1 book" in listing.text and "<b>Dark Fantasy</b> · 1 book" in listing.text
    data = next(b["callback_data"] for row in listing.buttons for b in row if b["text"] == "Fantasy (1)")
    fantasy = _edit(await bot.callback(listing, data))
    assert "Earthsea" in fantasy.text and "Dark Tower" not in fantasy.text
    back = _edit(await bot.tap(fantasy, "◀ Genres"))
    assert "Science Fiction" in back.text


async def test_shelves_list_their_books(bot, shelf):
    listing = (await bot.send("/shelves"))[-1]
    assert "<b>Living room</b> · 2 books" in listing.text and "<b>Bedroom</b> · 1 book" in listing.text
    room = _edit(await bot.tap(listing, "Living room"))
    assert "<b>Dune</b>" in room.text and "God Emperor" in room.text and "Earthsea" not in room.text


async def test_unread_and_reading(bot, shelf):
    unread = last_text(await bot.send("/unread"))
    assert "Dune Messiah" in unread and "Dosadi" in unread and "Dark Tower" in unread
    assert "<b>Dune</b> —" not in unread and "Earthsea" not in unread
    assert "4 books" in unread
    reading = last_text(await bot.send("/reading"))
    assert "Dune Messiah" in reading and "1 book" in reading and "Dosadi" not in reading


async def test_loans_with_overdue_marks(bot, ada):
    today = dt.datetime.now(dt.UTC).date()
    late = ada.add("Late Book", "An Author")
    fine = ada.add("Fine Book", "An Author")
    open_ended = ada.add("Open Book", "An Author")
    ada.add("Home Book", "An Author")
    ada.lend(late, "Bob <the borrower>", today - dt.timedelta(days=30), today - dt.timedelta(days=10))
    ada.lend(fine, "Carol", today - dt.timedelta(days=2), today + dt.timedelta(days=12))
    ada.lend(open_ended, "Dan", today - dt.timedelta(days=1))
    message = (await bot.send("/loans"))[-1]
    text = message.text
    assert "⚠ 1 overdue" in text
    late_line = next(line for line in text.splitlines() if "Late Book" in line)
    assert "Bob &lt;the borrower&gt;" in late_line
    assert f"since {(today - dt.timedelta(days=30)).day}" in late_line
    assert "⚠ 10 days overdue" in late_line
    fine_line = next(line for line in text.splitlines() if "Fine Book" in line)
    assert "Carol" in fine_line and "due" in fine_line and "⚠" not in fine_line
    assert "Dan" in text and "Home Book" not in text
    assert "3 loans" in text
    assert text.index("Late Book") < text.index("Fine Book") < text.index("Open Book"), "by due date"
    assert any(t.endswith("Late Book ⚠") for t in message.button_texts())
    assert message.buttons[0][0]["callback_data"] == f"b:{late}"


async def test_empty_states_say_how_to_fill_them(bot):
    expected = {
        "/authors": "Title by Author",
        "/series": "series",
        "/genres": "genre",
        "/shelves": "shelf",
        "/unread": "add",
        "/reading": "Reading",
        "/loans": "Lend",
    }
    for command, hint in expected.items():
        calls = await bot.send(command, person=BOB)
        assert len(calls) == 1 and calls[0].method == "sendMessage"
        assert hint in calls[0].text, command
        assert "Sorry" not in calls[0].text


async def test_lists_page_by_editing(bot, ada):
    for n in range(11):
        ada.add(f"Book {n:02d}", f"Writer Number{n:02d}", genres=[f"Genre {n:02d}"], series=f"Saga {n:02d}")
    for command, noun in (("/authors", "authors"), ("/series", "series"), ("/genres", "genres")):
        first = (await bot.send(command))[-1]
        assert f"Page 1 of 2 · 11 {noun}" in first.text, command
        second = _edit(await bot.tap(first, "Next ▶"))
        assert int(second.params["message_id"]) == first.result["message_id"]
        assert f"Page 2 of 2 · 11 {noun}" in second.text
        assert len([r for r in second.buttons if r[0]["callback_data"].split(":")[0] != "pg"]) == 3


async def test_forged_ids_from_another_library_are_not_found(bot, shelf):
    ids = {
        "au": shelf.entity_id(db.Author, "Frank Herbert"),
        "se": shelf.entity_id(db.Series, "Dune"),
        "gn": shelf.entity_id(db.Genre, "Science Fiction"),
        "lo": shelf.entity_id(db.Location, "Living room"),
    }
    bob_message = (await bot.send("/authors", person=BOB))[-1]
    for action, entity_id in ids.items():
        for data in (f"{action}:{entity_id}", f"{action}:{entity_id}:2"):
            calls = await bot.callback(bob_message, data, person=BOB)
            assert _answers(calls) == [NOT_FOUND], data
            assert not [c for c in calls if c.method in ("editMessageText", "sendMessage")], data
    # Bob's own lists never show Ada's things either.
    for command in ("/authors", "/series", "/genres", "/shelves", "/unread", "/reading", "/loans"):
        text = last_text(await bot.send(command, person=BOB))
        assert "<b>Frank Herbert</b>" not in text and "<b>Dune" not in text and "Living room" not in text
    # And Ada still sees hers.
    assert "Frank Herbert" in last_text(await bot.send("/authors"))


async def test_garbage_detail_callbacks_expire(bot, shelf):
    message = (await bot.send("/authors"))[-1]
    for data in ("au", "au:", "au:abc", "se:-1", "gn:x:2:3:4", "lo:99999999999999999999", "pg:zz:1", "pg"):
        calls = await bot.callback(message, data)
        assert len(_answers(calls)) == 1, data
        assert _answers(calls)[0] in (EXPIRED, NOT_FOUND), data
