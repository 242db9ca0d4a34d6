"""Every button of the book card, through the real Application, checked in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.runtime.metadata import CLIENT as METADATA_CLIENT
from bot.views.cards import CAPTION_LIMIT, render_card
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import books, reading
from tests.bot.adding_helpers import (
    DUNE_ISBN13,
    answers,
    is_card,
    last_card,
    library_books,
    metadata_client,
    metadata_server,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, last_text


async def add_dune(bot):
    return last_card(await bot.send("Dune by Frank Herbert"))


def edits(calls, method="editMessageText"):
    return [c for c in calls if c.method == method]


def only_book(session_factory):
    [book] = library_books(session_factory, ADA)
    return book


async def test_read_and_unread(bot, session_factory):
    card = await add_dune(bot)
    calls = await bot.tap(card, "✓ Read")
    assert answers(calls) == ["Marked as read."]
    [edited] = edits(calls)
    assert "✓ Read" in edited.text and "↺ Not read" in edited.button_texts()
    assert not [c for c in calls if c.method == "sendMessage"], "a tap edits the card in place"
    book = only_book(session_factory)
    assert (book.status, book.readings) == ("read", 1)

    calls = await bot.tap(edited, "↺ Not read")
    assert answers(calls) == ["Marked as not read."]
    assert only_book(session_factory).status == "to-read"


async def test_reading(bot, session_factory):
    card = await add_dune(bot)
    calls = await bot.tap(card, "📖 Reading")
    assert answers(calls) == ["Enjoy the book!"]
    assert "📖 Reading" in edits(calls)[-1].text
    book = only_book(session_factory)
    assert (book.status, book.readings) == ("reading", 1)
    with session_factory() as session:
        started = session.scalar(select(db.Reading.started_on).where(db.Reading.book_id == book.id))
    assert started == dt.datetime.now(dt.UTC).date()


async def test_rate_three_and_a_half(bot, session_factory):
    card = await add_dune(bot)
    picker = edits(await bot.tap(card, "★ Rate"))[-1]
    assert "How many stars?" in picker.text
    assert {"1★", "2★", "3★", "4★", "5★", "½", "1½", "2½", "3½", "4½", "« Back"} <= set(picker.button_texts())
    calls = await bot.tap(picker, "3½")
    assert answers(calls) == ["Rated ★★★½"]
    assert "★★★½" in edits(calls)[-1].text
    assert only_book(session_factory).rating == 3.5

    picker = edits(await bot.tap(edits(calls)[-1], "★ Rate"))[-1]
    await bot.tap(picker, "Clear rating")
    assert only_book(session_factory).rating is None


async def test_edit_title_and_other_fields(bot, session_factory):
    card = await add_dune(bot)
    fields = edits(await bot.tap(card, "✎ Edit"))[-1]
    assert {"✎ Title", "✎ Authors", "✎ Series", "✎ Year", "✎ Pages", "✎ Notes", "« Back"} == set(
        fields.button_texts()
    )
    prompt = edits(await bot.tap(fields, "✎ Title"))[-1]
    assert "Send the new title" in prompt.text

    calls = await bot.send("Dune Messiah")
    new_card = last_card(calls)
    assert "✓ Title changed." in new_card.text and "<b>Dune Messiah</b>" in new_card.text
    tidied = edits(calls)[-1]
    assert (
        is_card(tidied) and "<b>Dune Messiah</b>" in tidied.text and "Send the new title" not in tidied.text
    )
    assert only_book(session_factory).title == "Dune Messiah"

    for field, text, check in [
        ("✎ Series", "Dune #2", lambda b: [(s.name, float(s.index)) for s in b.series] == [("Dune", 2.0)]),
        ("✎ Year", "1969", lambda b: b.year == 1969),
        ("✎ Pages", "256", lambda b: b.pages == 256),
        ("✎ Notes", "Better than I remembered", lambda b: b.notes == "Better than I remembered"),
        (
            "✎ Authors",
            "Frank Herbert & Brian Herbert",
            lambda b: b.author_names == ["Frank Herbert", "Brian Herbert"],
        ),
    ]:
        fields = edits(await bot.tap(new_card, "✎ Edit"))[-1]
        await bot.tap(fields, field)
        new_card = last_card(await bot.send(text))
        assert check(only_book(session_factory)), field
    assert "Dune #2" in new_card.text and "1969" in new_card.text and "256 pages" in new_card.text

    # The next message is a plain message again: it searches instead of editing.
    calls = await bot.send("Children of Dune by Frank Herbert")
    assert "✓ Added <b>Children of Dune</b>" in last_card(calls).text


async def test_edit_rejects_a_bad_value_and_cancel_leaves(bot, session_factory):
    card = await add_dune(bot)
    fields = edits(await bot.tap(card, "✎ Edit"))[-1]
    await bot.tap(fields, "✎ Year")
    text = last_text(await bot.send("next spring"))
    assert "Send it again, or /cancel" in text
    assert only_book(session_factory).year is None
    assert "Cancelled — nothing was saved" in last_text(await bot.send("/cancel"))
    calls = await bot.send("1965")
    assert not any(is_card(c) for c in calls), "the question is gone after /cancel"
    assert only_book(session_factory).year is None
    assert "Nothing to cancel" in last_text(await bot.send("/cancel"))


async def test_edit_prompt_cancel_button(bot, session_factory):
    card = await add_dune(bot)
    fields = edits(await bot.tap(card, "✎ Edit"))[-1]
    prompt = edits(await bot.tap(fields, "✎ Notes"))[-1]
    back = edits(await bot.tap(prompt, "✗ Cancel"))[-1]
    assert is_card(back) and "Send the new" not in back.text
    await bot.send("these words are a search now")
    assert only_book(session_factory).notes is None


async def test_new_shelf_then_existing_shelf(bot, session_factory):
    card = await add_dune(bot)
    menu = edits(await bot.tap(card, "🗄 Shelf"))[-1]
    assert "No shelves yet" in menu.text
    await bot.tap(menu, "New shelf…")
    calls = await bot.send("Living room")
    assert "✓ Moved to <b>Living room</b>" in last_card(calls).text
    assert only_book(session_factory).location.name == "Living room"

    other = last_card(await bot.send("Emma by Jane Austen"))
    menu = edits(await bot.tap(other, "🗄 Shelf"))[-1]
    assert "Living room" in menu.button_texts()
    calls = await bot.tap(menu, "Living room")
    assert answers(calls) == ["On Living room."]
    assert "🗄 Living room" in edits(calls)[-1].text
    emma = next(b for b in library_books(session_factory, ADA) if b.title == "Emma")
    assert emma.location.name == "Living room"

    menu = edits(await bot.tap(edits(calls)[-1], "🗄 Shelf"))[-1]
    await bot.tap(menu, "Off the shelf")
    emma = next(b for b in library_books(session_factory, ADA) if b.title == "Emma")
    assert emma.location is None


async def test_lend_and_return(bot, session_factory):
    card = await add_dune(bot)
    prompt = edits(await bot.tap(card, "🤝 Lend"))[-1]
    assert "Lend to whom?" in prompt.text and "Alice in 3 weeks" in prompt.text
    calls = await bot.send("Alice in 3 weeks")
    new_card = last_card(calls)
    today = dt.datetime.now(dt.UTC).date()
    due = today + dt.timedelta(weeks=3)
    assert "✓ Lent to <b>Alice</b>." in new_card.text
    assert f"Lent to Alice since {today.day} {today:%b}, due {due.day} {due:%b}" in new_card.text
    assert "↩ Returned" in new_card.button_texts()
    loan = only_book(session_factory).current_loan
    assert (loan.borrower, loan.lent_on, loan.due_on) == ("Alice", today, due)

    calls = await bot.tap(new_card, "↩ Returned")
    assert answers(calls) == ["Welcome back!"]
    assert "🤝 Lend" in edits(calls)[-1].button_texts()
    assert only_book(session_factory).current_loan is None
    with session_factory() as session:
        assert session.scalar(select(db.Loan.returned_on)) == today


async def test_delete_and_undo(bot, session_factory):
    card = await add_dune(bot)
    calls = await bot.tap(card, "🗑 Delete")
    [deleted] = edits(calls)
    assert deleted.text == "🗑 Deleted <i>Dune</i>."
    assert deleted.button_texts() == ["↶ Undo"]
    assert library_books(session_factory, ADA) == []
    assert [b.deleted for b in library_books(session_factory, ADA, deleted=True)] == [True]

    calls = await bot.tap(deleted, "Undo")
    assert answers(calls) == ["Restored."]
    assert is_card(edits(calls)[-1]) and "Restored" in edits(calls)[-1].text
    assert only_book(session_factory).title == "Dune"

    again = await bot.tap(deleted, "Undo")
    assert answers(again) == ["That book isn't in this library."]


async def test_open_card_button(bot, session_factory):
    card = await add_dune(bot)
    book = only_book(session_factory)
    calls = await bot.callback(card, f"b:{book.id}")
    assert is_card(calls[0]) and calls[0].method == "sendMessage"


@pytest.fixture
async def cover_bot(bot):
    with metadata_server() as server:
        server.add_book(
            DUNE_ISBN13, "Dune", ["Frank Herbert"], cover={"large": "https://covers.example/dune.jpg"}
        )
        client = metadata_client(server)
        bot.application.bot_data[METADATA_CLIENT] = client
        yield bot
        await client.aclose()


async def test_cover_is_sent_as_a_photo_and_its_file_id_kept(cover_bot, session_factory):
    calls = await cover_bot.send(DUNE_ISBN13)
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.params["photo"] == "https://covers.example/dune.jpg"
    assert "<b>Dune</b>" in photo.text and is_card(photo)
    file_id = photo.result["photo"][-1]["file_id"]
    assert only_book(session_factory).cover_file_id == file_id

    calls = await cover_bot.tap(photo, "✓ Read")
    assert [c.method for c in calls if c.method.startswith("edit")] == ["editMessageCaption"]
    assert "✓ Read" in edits(calls, "editMessageCaption")[0].text

    book = only_book(session_factory)
    calls = await cover_bot.callback(photo, f"b:{book.id}")
    assert calls[0].method == "sendPhoto" and calls[0].params["photo"] == file_id


def test_card_fits_a_caption_even_when_everything_is_long(session, library):
    result = books.add_book(
        session,
        library.id,
        books.BookInput(
            title="&" * 500,
            subtitle="<" * 400,
            authors=[f"Author{'&' * 40} Number{i}" for i in range(8)],
            series="S" * 50,
            series_index="12.5",
            year=1999,
            pages=1234,
            format="Paperback",
            location="L" * 50,
            notes="&<>" * 300,
            isbn="9780441172719",
            rating=4.5,
        ),
    )
    text = render_card(result.book, note="✓ Added.")
    assert len(text) <= CAPTION_LIMIT
    assert "&amp;" in text and "&lt;" in text and "<b>" in text and "</b>" in text
    assert "ISBN 978-0-441-17271-9" in text and "★★★★½" in text
    short = render_card(books.get_book(session, library.id, result.book.id))
    assert short.count("&amp;") > 10


def test_card_dates_and_overdue(session, library):
    book = books.add_book(session, library.id, books.BookInput(title="Emma", authors="Jane Austen")).book
    from librium.services import loans

    loans.lend(session, library.id, book.id, "Alice", dt.date(2026, 11, 3), dt.date(2026, 11, 24))
    view = books.get_book(session, library.id, book.id)
    assert "Lent to Alice since 3 Nov, due 24 Nov" in render_card(view, today=dt.date(2026, 11, 10))
    assert "(overdue)" in render_card(view, today=dt.date(2026, 11, 25))
    assert "since 3 Nov 2026" in render_card(view, today=dt.date(2027, 1, 2))


def readings_of(session_factory, book_id: int) -> list[tuple]:
    with session_factory() as session:
        rows = session.execute(
            select(db.Reading.finished_on, db.Reading.abandoned, db.Reading.pages_read)
            .where(db.Reading.book_id == book_id)
            .order_by(db.Reading.id)
        ).all()
        return [tuple(r) for r in rows]


def currently_reading(session_factory, book) -> list[int]:
    with session_factory() as session:
        return [r.book_id for r in reading.current_readings(session, book.library_id)]


async def test_not_reading_without_progress_deletes_the_open_reading(bot, session_factory):
    card = await add_dune(bot)
    reading_card = edits(await bot.tap(card, "📖 Reading"))[-1]
    book = only_book(session_factory)
    assert currently_reading(session_factory, book) == [book.id]

    calls = await bot.tap(reading_card, "⏸ Not reading")
    assert answers(calls) == ["Marked as not read."]
    book = only_book(session_factory)
    assert (book.status, book.readings) == ("to-read", 0)
    assert readings_of(session_factory, book.id) == [], "a start without progress was a mistake: gone"
    assert currently_reading(session_factory, book) == []
    assert "Dune" not in last_text(await bot.send("/reading"))


async def test_not_reading_with_progress_keeps_the_reading_as_abandoned(bot, session_factory):
    card = await add_dune(bot)
    reading_card = edits(await bot.tap(card, "📖 Reading"))[-1]
    book = only_book(session_factory)
    with session_scope(session_factory) as session:
        reading.add_progress(session, book.library_id, book.id, 120)

    await bot.tap(reading_card, "⏸ Not reading")
    book = only_book(session_factory)
    assert book.status == "to-read"
    assert readings_of(session_factory, book.id) == [(None, True, 120)], "the pages read stay as history"
    assert currently_reading(session_factory, book) == []


async def test_not_read_after_read_keeps_the_finished_reading(bot, session_factory):
    card = await add_dune(bot)
    read_card = edits(await bot.tap(edits(await bot.tap(card, "📖 Reading"))[-1], "✓ Read"))[-1]
    await bot.tap(read_card, "↺ Not read")
    book = only_book(session_factory)
    [(finished_on, abandoned, _)] = readings_of(session_factory, book.id)
    assert (book.status, finished_on is not None, abandoned) == ("to-read", True, False)
    assert currently_reading(session_factory, book) == []


async def test_an_import_note_is_cleared_from_the_edit_menu(bot, session_factory):
    card = await add_dune(bot)
    book_id = only_book(session_factory).id
    with session_scope(session_factory) as session:  # what an import leaves on a book it took in
        [library_id] = session.scalars(select(db.Book.library_id).where(db.Book.id == book_id))
        note = "Values from the import I couldn't keep:\n• ISBN13 “978000000000” (not an ISBN)"
        books.update_book(session, library_id, book_id, import_note=note)
    fields = edits(await bot.tap(card, "✎ Edit"))[-1]
    assert "Not kept from the import" in fields.text and "978000000000" in fields.text
    assert "✓ Import note dealt with" in fields.button_texts()
    assert "Values the import couldn't keep</b>: 1" in last_text(await bot.send("/problems"))

    calls = await bot.tap(fields, "✓ Import note dealt with")
    assert answers(calls) == ["✓ Import note cleared."]
    assert "Not kept from the import" not in edits(calls)[-1].text
    with session_factory() as session:
        assert session.get(db.Book, book_id).import_note is None
    assert "Values the import couldn't keep" not in last_text(await bot.send("/problems"))
    fields = edits(await bot.tap(edits(calls)[-1], "✎ Edit"))[-1]
    assert "✓ Import note dealt with" not in fields.button_texts()
