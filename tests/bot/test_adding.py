"""Adding books by chatting: "Title by Author", "Author - Title", ISBNs, confirms, duplicates."""

from __future__ import annotations

import pytest

from bot.console.fake_updates import Chat
from bot.runtime.metadata import CLIENT as METADATA_CLIENT
from tests.bot.adding_helpers import (
    DUNE_ISBN10,
    DUNE_ISBN13,
    answers,
    is_card,
    last_card,
    library_books,
    metadata_client,
    metadata_server,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, BOB, GROUP, last_text


@pytest.fixture
def meta():
    with metadata_server() as server:
        yield server


@pytest.fixture
async def isbn_bot(bot, meta):
    client = metadata_client(meta)
    bot.application.bot_data[METADATA_CLIENT] = client
    yield bot
    await client.aclose()


async def test_title_by_author_adds_and_shows_the_card(bot, session_factory):
    calls = await bot.send("Dune by Frank Herbert")
    card = last_card(calls)
    assert "✓ Added <b>Dune</b>" in card.text
    assert "by Frank Herbert" in card.text
    assert {"✓ Read", "📖 Reading", "★ Rate", "✎ Edit", "🗄 Shelf", "🤝 Lend", "🗑 Delete"} <= set(
        card.button_texts()
    )
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.status) == ("Dune", ["Frank Herbert"], "to-read")


@pytest.mark.parametrize(
    "text",
    ["Frank Herbert - Dune", "Dune — Frank Herbert", "Dune – Frank Herbert", "Dune by Frank Herbert"],
)
async def test_both_orders_give_the_same_book(bot, session_factory, text):
    calls = await bot.send(text)
    assert "✓ Added <b>Dune</b>" in last_card(calls).text
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names) == ("Dune", ["Frank Herbert"])


@pytest.mark.parametrize(
    "text",
    [
        "Good Omens by Terry Pratchett and Neil Gaiman",
        "Good Omens by Terry Pratchett & Neil Gaiman",
        "Good Omens by Pratchett, Terry; Gaiman, Neil",
    ],
)
async def test_several_authors_in_order(bot, session_factory, text):
    assert "✓ Added <b>Good Omens</b>" in last_card(await bot.send(text)).text
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names) == ("Good Omens", ["Terry Pratchett", "Neil Gaiman"])


async def test_single_names_joined_by_and_stay_a_title(bot, session_factory):
    assert (
        "✓ Added <b>Romeo and Juliet</b>" in last_card(await bot.send("Romeo and Juliet - Shakespeare")).text
    )
    [book] = library_books(session_factory, ADA)
    assert book.author_names == ["Shakespeare"]


async def test_a_goodreads_style_series_in_the_title_is_taken_out(bot, session_factory):
    card = last_card(await bot.send("Dune Messiah (Dune Chronicles, #2) by Frank Herbert"))
    assert "✓ Added <b>Dune Messiah</b>" in card.text and "Dune Chronicles #2" in card.text
    await bot.send("Dune (Dune Chronicles #1) by Frank Herbert")
    books = {b.title: b for b in library_books(session_factory, ADA)}
    assert set(books) == {"Dune", "Dune Messiah"}
    assert [(s.name, int(s.index)) for s in books["Dune"].series] == [("Dune Chronicles", 1)]
    series = last_text(await bot.send("what's unread in dune chronicles?"))
    assert series.index("<b>Dune</b>") < series.index("<b>Dune Messiah</b>")


async def test_ambiguous_order_asks_with_both_readings(bot, session_factory):
    calls = await bot.send("Good Omens - Terry Pratchett")
    prompt = calls[-1]
    assert "Which one is the title?" in prompt.text
    assert library_books(session_factory, ADA) == [], "nothing is saved before the tap"
    labels = prompt.button_texts()
    assert "“Terry Pratchett” by Good Omens" in labels and "“Good Omens” by Terry Pratchett" in labels

    tapped = await bot.tap(prompt, "“Good Omens” by Terry Pratchett")
    assert answers(tapped) == [""]
    edited = [c for c in tapped if c.method == "editMessageText"]
    assert edited and is_card(edited[-1]) and "Good Omens" in edited[-1].text
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names) == ("Good Omens", ["Terry Pratchett"])

    again = await bot.tap(prompt, "“Terry Pratchett” by Good Omens")
    assert "expired" in answers(again)[0]
    assert len(library_books(session_factory, ADA)) == 1


async def test_ambiguous_cancel_saves_nothing(bot, session_factory):
    prompt = (await bot.send("Stardust - Gaiman"))[-1]
    calls = await bot.tap(prompt, "Cancel")
    assert "Cancelled — nothing was saved" in last_text(calls)
    assert library_books(session_factory, ADA) == []


async def test_duplicate_copy_different_cancel(bot, session_factory):
    await bot.send("Dune by Frank Herbert")

    prompt = (await bot.send("dune by frank herbert"))[-1]
    assert "You may have this one already" in prompt.text and "<b>Dune</b> by Frank Herbert" in prompt.text
    assert {"➕ Add another copy", "It's a different book", "✗ Cancel", "📖 Show it"} <= set(
        prompt.button_texts()
    )
    assert len(library_books(session_factory, ADA)) == 1

    calls = await bot.tap(prompt, "Add another copy")
    assert "Added another copy of <b>Dune</b> (now 2)" in last_text(calls)
    [book] = library_books(session_factory, ADA)
    assert book.copies == 2

    stale = await bot.tap(prompt, "It's a different book")
    assert answers(stale) == ["That button has expired — send the book again."]
    assert len(library_books(session_factory, ADA)) == 1

    prompt = (await bot.send("Dune by Frank Herbert"))[-1]
    calls = await bot.tap(prompt, "It's a different book")
    assert "✓ Added <b>Dune</b>" in last_text(calls)
    assert [b.copies for b in library_books(session_factory, ADA)] == [2, 1]

    prompt = (await bot.send("Frank Herbert - Dune"))[-1]
    shown = await bot.tap(prompt, "Show it")
    assert "Dune" in last_card(shown).text
    calls = await bot.tap(prompt, "Cancel")
    assert "Cancelled — nothing was saved" in last_text(calls)
    assert [b.copies for b in library_books(session_factory, ADA)] == [2, 1]


async def test_isbn10_and_hyphenated_isbn13_are_one_edition(isbn_bot, meta, session_factory):
    meta.add_book(DUNE_ISBN13, "Dune", ["Frank Herbert"], publish_date="1965", number_of_pages=412)
    card = last_card(await isbn_bot.send(DUNE_ISBN10))
    assert "✓ Added <b>Dune</b>" in card.text and "Frank Herbert" in card.text
    assert "ISBN 978-0-441-17271-9" in card.text and "1965" in card.text and "412 pages" in card.text

    prompt = (await isbn_bot.send("978-0-441-17271-9"))[-1]
    assert "You may have this one already" in prompt.text
    assert "It's a different book" not in prompt.button_texts(), "one ISBN is one edition"
    calls = await isbn_bot.tap(prompt, "Add another copy")
    assert "(now 2)" in last_text(calls)
    [book] = library_books(session_factory, ADA)
    assert (book.isbn13, book.copies, book.title, book.year) == (DUNE_ISBN13, 2, "Dune", 1965)


async def test_isbn_offline_stores_the_isbn_and_refresh_fills_it_in(isbn_bot, meta, session_factory):
    meta.down = True
    card = last_card(await isbn_bot.send("ISBN 0-441-17271-7"))
    assert "Details could not be fetched — tap Refresh later" in card.text
    assert "⟳ Refresh details" in card.button_texts()
    [book] = library_books(session_factory, ADA)
    assert (book.isbn13, book.title, book.metadata_source) == (DUNE_ISBN13, "ISBN 978-0-441-17271-9", None)

    still_down = await isbn_bot.tap(card, "Refresh")
    assert "could not be fetched" in answers(still_down)[0]

    meta.down = False
    meta.add_book(DUNE_ISBN13, "Dune", ["Frank Herbert"], publish_date="1965")
    calls = await isbn_bot.tap(card, "Refresh")
    assert answers(calls) == ["Details updated."]
    edited = [c for c in calls if c.method == "editMessageText"][-1]
    assert "<b>Dune</b>" in edited.text and "Frank Herbert" in edited.text
    assert "⟳ Refresh details" not in edited.button_texts()
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.year, book.metadata_source) == (
        "Dune",
        ["Frank Herbert"],
        1965,
        "openlibrary",
    )


async def test_isbn_nobody_knows_is_kept_with_its_number(isbn_bot, session_factory):
    card = last_card(await isbn_bot.send("9780306406157"))
    assert "No catalogue knows this ISBN" in card.text
    [book] = library_books(session_factory, ADA)
    assert book.isbn13 == "9780306406157"


async def test_isbn_without_lookups_is_stored_alone(bot, session_factory):
    assert bot.application.bot_data.get(METADATA_CLIENT) is None, "tests never look up by default"
    card = last_card(await bot.send("0-441-17271-7"))
    assert "not looked up here" in card.text and "<b>ISBN 978-0-441-17271-9</b>" in card.text
    calls = await bot.tap(card, "Refresh")
    assert "not looked up" in answers(calls)[0]
    [book] = library_books(session_factory, ADA)
    assert (book.isbn13, book.title) == (DUNE_ISBN13, "ISBN 978-0-441-17271-9")


async def test_isbn_with_a_wrong_check_digit_is_refused(isbn_bot, meta, session_factory):
    text = last_text(await isbn_bot.send("978-0-441-17271-8"))
    assert "check digit is wrong" in text
    assert library_books(session_factory, ADA) == []
    assert meta.requests == [], "no lookup for a number that cannot be an ISBN"


async def test_other_text_is_not_added(bot, session_factory):
    calls = await bot.send("something to read on the train")
    assert calls and not any(is_card(c) for c in calls)
    assert library_books(session_factory, ADA) == []


async def test_html_special_titles_are_escaped(bot, session_factory):
    card = last_card(await bot.send("<script> & Co by Eve Smith"))
    assert "&lt;script&gt; &amp; Co" in card.text
    assert "<script>" not in card.text
    [book] = library_books(session_factory, ADA)
    assert book.title == "<script> & Co"


async def test_too_long_title_gets_the_rule_not_a_crash(bot, session_factory):
    text = last_text(await bot.send("x" * 1100 + " by Frank Herbert"))
    assert "too long" in text
    assert library_books(session_factory, ADA) == []


async def test_group_library_is_shared(bot, session_factory):
    card = last_card(await bot.send("Dune by Frank Herbert", person=ADA, chat=GROUP))
    assert library_books(session_factory, ADA) == [], "the group's book is not in Ada's own library"
    calls = await bot.tap(card, "✓ Read", person=BOB)
    assert answers(calls) == ["Marked as read."]
    [book] = library_books(session_factory, BOB, GROUP)
    assert book.status == "read"
    # Bob's private chat is Bob's own library: the group's book is not there.
    assert library_books(session_factory, BOB, Chat(id=BOB.id)) == []


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("Dune by Frank Herbert", [("Dune", "Frank Herbert")]),
        ("Stand by Me by Stephen King", [("Stand by Me", "Stephen King")]),
        ("Frank Herbert - Dune", [("Dune", "Frank Herbert")]),
        ("The Hobbit — J.R.R. Tolkien", [("The Hobbit", "J.R.R. Tolkien")]),
        (
            "Ursula K. Le Guin - The Left Hand of Darkness",
            [("The Left Hand of Darkness", "Ursula K. Le Guin")],
        ),
        ("frank herbert - dune", [("dune", "Frank Herbert")]),
        (
            "Good Omens - Terry Pratchett",
            [("Terry Pratchett", "Good Omens"), ("Good Omens", "Terry Pratchett")],
        ),
        ("stand by the door and wait", []),
        # Capitals count per side: lower-case names are still names.
        ("terry pratchett - Mort", [("Mort", "Terry Pratchett")]),
        ("Mort - terry pratchett", [("Mort", "Terry Pratchett")]),
        ("Mort by terry pratchett", [("Mort", "Terry Pratchett")]),
        ("mort by j.r.r. tolkien", [("mort", "J.R.R. Tolkien")]),
        ("William Gibson - burning chrome", [("burning chrome", "William Gibson")]),
        ("burning chrome - William Gibson", [("burning chrome", "William Gibson")]),
        ("the dispossessed - Ursula K. Le Guin", [("the dispossessed", "Ursula K. Le Guin")]),
        ("Poems by heart", []),
        ("Petals of Blood by Ngũgĩ wa Thiong'o", [("Petals of Blood", "Ngũgĩ wa Thiong'o")]),
        (
            "terry pratchett - good omens",
            [("good omens", "Terry Pratchett"), ("terry pratchett", "Good Omens")],
        ),
        ("dune", []),
        ("a - b - c", []),
        ("Dune 1965", []),
    ],
)
def test_reading_title_and_author(text, readings):
    from bot.chat.parse import read_title_author

    assert [(r.title, r.author) for r in read_title_author(text)] == readings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dune 1", ("Dune", "1")),
        ("Discworld #2.5", ("Discworld", "2.5")),
        ("Foundation, 3", ("Foundation", "3")),
        ("Earthsea", ("Earthsea", None)),
        ("1984", ("1984", None)),
    ],
)
def test_reading_series(text, expected):
    from bot.chat.parse import read_series

    name, index = read_series(text)
    assert (name, None if index is None else f"{index.normalize():f}") == expected


def test_reading_a_loan():
    import datetime as dt

    from bot.chat.parse import read_loan

    now = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
    assert read_loan("Alice 2026-12-24", "Europe/Berlin", now) == ("Alice", dt.date(2026, 12, 24))
    assert read_loan("Alice in 3 weeks", "UTC", now) == ("Alice", dt.date(2026, 12, 17))
    assert read_loan("Mary Jane Watson for 2 weeks", "UTC", now) == (
        "Mary Jane Watson",
        dt.date(2026, 12, 10),
    )
    assert read_loan("Alice Smith", "UTC", now) == ("Alice Smith", None)


async def test_a_known_author_settles_the_order_without_asking(bot, session_factory):
    await bot.send("Mort by Terry Pratchett")
    calls = await bot.send("Good Omens - Terry Pratchett")
    assert not any("Which one is the title?" in c.text for c in calls)
    assert "✓ Added <b>Good Omens</b>" in last_card(calls).text
    calls = await bot.send("TERRY PRATCHETT - SMALL GODS")  # any case and order: the folded name matches
    assert "✓ Added <b>SMALL GODS</b>" in last_card(calls).text
    assert {(b.title, tuple(b.author_names)) for b in library_books(session_factory, ADA)} == {
        ("Mort", ("Terry Pratchett",)),
        ("Good Omens", ("Terry Pratchett",)),
        ("SMALL GODS", ("Terry Pratchett",)),
    }


async def test_unknown_or_both_known_authors_still_ask(bot, session_factory):
    await bot.send("Mort by Terry Pratchett")
    prompt = (await bot.send("Good Omens - Neil Gaiman"))[-1]
    assert "Which one is the title?" in prompt.text, "neither side is a known author"
    assert len(library_books(session_factory, ADA)) == 1
    await bot.tap(prompt, "“Good Omens” by Neil Gaiman")
    prompt = (await bot.send("Neil Gaiman - Terry Pratchett"))[-1]
    assert "Which one is the title?" in prompt.text, "both sides are known authors"
    assert len(library_books(session_factory, ADA)) == 2


async def test_known_authors_are_per_library(bot, session_factory):
    await bot.send("Small Gods by Terry Pratchett", person=BOB)
    prompt = (await bot.send("Good Omens - Terry Pratchett"))[-1]
    assert "Which one is the title?" in prompt.text, "Bob's authors say nothing about Ada's library"
    assert library_books(session_factory, ADA) == []


async def test_a_known_author_reading_can_still_be_a_duplicate(bot, session_factory):
    await bot.send("Good Omens by Terry Pratchett")
    prompt = (await bot.send("Good Omens - Terry Pratchett"))[-1]
    assert "You may have this one already" in prompt.text
    calls = await bot.tap(prompt, "Add another copy")
    assert "now 2" in last_text(calls)
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.copies) == ("Good Omens", 2)
