"""Things done with a book, told in words: "finished Dune", "I'm reading Mort", "lent Dune to Alice until
Friday", "Dune is back". Real Application, real database; each change checked in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.chat import parse
from bot.console.fake_updates import Person
from bot.views.cards import short_date
from librium.database.sqlalchemy import db
from tests.bot.adding_helpers import all_books_snapshot
from tests.bot.harness import ADA, BOB, last_sent, last_text
from tests.bot.querying_data import Library


@pytest.fixture
def ada(session_factory) -> Library:
    return Library(session_factory, ADA)


def _book(session_factory, book_id: int) -> db.Book:
    with session_factory() as session:
        return session.get(db.Book, book_id)


def _count(session_factory, model) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def _open_loans(session_factory, book_id: int) -> list[tuple[str, dt.date | None]]:
    with session_factory() as session:
        return [
            (loan.borrower, loan.due_on)
            for loan in session.scalars(
                select(db.Loan).where(db.Loan.book_id == book_id, db.Loan.returned_on.is_(None))
            )
        ]


@pytest.mark.parametrize(
    ("text", "kind", "subjects", "rest"),
    [
        ("finished Dune", parse.FINISHED, ("Dune",), ()),
        ("I just finished reading Dune by Frank Herbert", parse.FINISHED, ("Dune by Frank Herbert",), ()),
        ("I've read Mort", parse.FINISHED, ("Mort",), ()),
        ("mark Dune as read", parse.FINISHED, ("Dune",), ()),
        ("I'm reading Mort", parse.STARTED, ("Mort",), ()),
        ("started Mort", parse.STARTED, ("Mort",), ()),
        ("lent Dune to Alice until Friday", parse.LENT_OUT, ("Dune",), ("Alice until Friday",)),
        (
            "lent A Guide to Birds to Al",
            parse.LENT_OUT,
            ("A Guide to Birds", "A Guide"),
            ("Al", "Birds to Al"),
        ),
        ("gave my copy of Dune to Bob", parse.LENT_OUT, ("Dune",), ("Bob",)),
        ("Alice returned Dune", parse.RETURNED, ("Dune",), ()),
        ("got Dune back", parse.RETURNED, ("Dune",), ()),
        ("Dune is back", parse.RETURNED, ("Dune",), ()),
        ("rate Dune 4", parse.RATED, ("Dune",), ("4",)),
        ("Dune 4,5 stars", parse.RATED, ("Dune",), ("4.5",)),
        ("Dune: 3/5", parse.RATED, ("Dune",), ("3",)),
        ("put Dune on the Hall shelf", parse.SHELVED, ("Dune",), ("Hall",)),
        (
            "move Death on the Nile to shelf Attic",
            parse.SHELVED,
            ("Death on the Nile", "Death"),
            ("Attic", "Nile to shelf Attic"),
        ),
    ],
)
def test_actions_are_read(text, kind, subjects, rest):
    assert parse.read_action(text) == parse.Action(kind, subjects, rest)


@pytest.mark.parametrize("text", ["Dune by Frank Herbert", "dune", "finished dune?", "lent to Bob"])
def test_other_texts_are_not_actions(text):
    assert parse.read_action(text) is None


async def test_finished_marks_the_book_read_and_shows_its_card(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    calls = await bot.send("I just finished Dune!")
    text = last_text(calls)
    assert text.startswith("✓ Marked as read.") and "Frank Herbert" in text
    assert _book(session_factory, dune).status == "read"
    with session_factory() as session:
        finished = session.scalars(select(db.Reading.finished_on).where(db.Reading.book_id == dune)).all()
    assert len(finished) == 1 and finished[0] is not None


async def test_reading_marks_the_book_reading(bot, ada, session_factory):
    mort = ada.add("Mort", "Terry Pratchett")
    assert "Enjoy the book" in last_text(await bot.send("I'm reading mort"))
    assert _book(session_factory, mort).status == "reading"


async def test_lend_and_return_in_words(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    reminders_before = _count(session_factory, db.Reminder)
    today = dt.datetime.now(dt.UTC).date()
    due = today + dt.timedelta(days=40)
    text = last_text(await bot.send(f"lent Dune to Alice until {due.isoformat()}"))
    assert text.startswith(f"🤝 Lent to Alice, due {short_date(due, today)}.")
    assert _open_loans(session_factory, dune) == [("Alice", due)]
    assert _count(session_factory, db.Reminder) > reminders_before  # due-day reminder, as with the button

    again = last_text(await bot.send("lent Dune to Bob"))
    assert "already lent to Alice" in again
    assert _open_loans(session_factory, dune) == [("Alice", due)]

    assert last_text(await bot.send("Dune is back")).startswith("✓ Returned. Welcome back!")
    assert _open_loans(session_factory, dune) == []
    assert "is not lent out" in last_text(await bot.send("Alice returned Dune"))


async def test_a_title_with_to_in_it_is_lent_whole(bot, ada, session_factory):
    guide = ada.add("A Guide to Birds", "Ann Author")
    ada.add("A Guide", "Someone Else")
    assert "Lent to Al" in last_text(await bot.send("lent A Guide to Birds to Al"))
    assert _open_loans(session_factory, guide) == [("Al", None)]


async def test_several_matches_change_nothing_and_ask_which(bot, ada, session_factory):
    first = ada.add("Emma", "Jane Austen")
    second = ada.add("Emma", "Someone Else")
    calls = await bot.send("finished emma")
    assert "Which one?" in last_text(calls)
    assert {b["callback_data"] for row in calls[-1].buttons for b in row} == {f"b:{first}", f"b:{second}"}
    assert {_book(session_factory, first).status, _book(session_factory, second).status} == {"to-read"}
    # "Title by Author" settles it.
    assert "Marked as read" in last_text(await bot.send("finished Emma by Jane Austen"))
    assert _book(session_factory, first).status == "read"
    assert _book(session_factory, second).status == "to-read"


async def test_a_book_not_in_the_library_is_an_add_or_a_search(bot, ada, session_factory):
    ada.add("Dune", "Frank Herbert")
    books = _count(session_factory, db.Book)
    assert "Added" in last_text(await bot.send("Finished Business by Jane Doe"))
    assert _count(session_factory, db.Book) == books + 1
    assert "Nothing matches" in last_text(await bot.send("reading list"))


async def test_a_text_that_is_a_title_is_not_an_action(bot, ada, session_factory):
    tehran = ada.add("Reading Lolita in Tehran", "Azar Nafisi")
    ada.add("Lolita in Tehran: a study", "Azar Nafisi")
    calls = await bot.send("Reading Lolita in Tehran")
    assert "Reading Lolita in Tehran" in last_text(calls) and "Enjoy" not in last_text(calls)
    assert _book(session_factory, tehran).status == "to-read"


async def test_a_wishlist_book_cannot_be_lent(bot, ada, session_factory):
    wished = ada.add("Neuromancer", "William Gibson", owned=False)
    assert "wishlist" in last_text(await bot.send("lent Neuromancer to Bob"))
    assert _open_loans(session_factory, wished) == []


async def test_others_cannot_act_on_adas_books(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    calls = await bot.send("finished Dune", person=BOB)
    assert "Marked as read" not in last_text(calls)
    await bot.send("lent Dune to Mallory", person=BOB)
    assert _book(session_factory, dune).status == "to-read"
    assert _open_loans(session_factory, dune) == []


async def test_rate_in_words(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    assert last_text(await bot.send("rate Dune 4.5")).startswith("★ Rated ★★★★½.")
    assert _book(session_factory, dune).rating == 9  # stored in half stars
    assert last_text(await bot.send("Dune 2 stars")).startswith("★ Rated ★★.")
    assert _book(session_factory, dune).rating == 4


async def test_shelve_in_words_creates_the_shelf_once(bot, ada, session_factory):
    nile = ada.add("Death on the Nile", "Agatha Christie")
    ada.add("Death", "Someone Else")
    assert last_text(await bot.send("move Death on the Nile to the Attic shelf")).startswith(
        "🗄 Now on the shelf <b>Attic</b>."
    )
    await bot.send("put death on the nile in attic")
    with session_factory() as session:
        shelves = session.scalars(select(db.Location.name)).all()
        assert shelves == ["Attic"]
        assert session.get(db.Location, session.get(db.Book, nile).location_id).name == "Attic"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("on page 120 of Mort", "120"),
        ("I'm at page 12 in Mort", "12"),
        ("Mort p. 120", "120"),
        ("I read 50 pages of Mort", "+50"),
        ("read 30 more pages of Mort", "+30"),
    ],
)
def test_progress_is_read(text, rest):
    assert parse.read_action(text) == parse.Action(parse.PROGRESS, ("Mort",), (rest,))


async def test_progress_in_words_starts_a_reading_and_counts_pages(bot, ada, session_factory):
    mort = ada.add("Mort", "Terry Pratchett", pages=300)
    assert last_text(await bot.send("on page 120 of Mort")).startswith("📖 Page 120 of 300 (40%).")
    assert _book(session_factory, mort).status == "reading"
    assert last_text(await bot.send("I read 30 pages of mort")).startswith("📖 Page 150 of 300 (50%).")
    assert "only 300 pages" in last_text(await bot.send("mort page 301"))
    with session_factory() as session:
        pages = session.scalars(select(db.Reading.pages_read).where(db.Reading.book_id == mort)).all()
    assert pages == [150]


async def test_it_is_the_book_of_the_card_replied_to(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    card = last_sent(await bot.tap((await bot.send("/find dune"))[-1], "1. Dune"))  # the book's card
    text = last_text(await bot.reply(card, "lend it to Alice"))
    assert text.startswith("🤝 Lent to Alice.")
    assert _open_loans(session_factory, dune) == [("Alice", None)]
    assert last_text(await bot.reply(card, "it is back")).startswith("✓ Returned.")
    assert last_text(await bot.reply(card, "finished it")).startswith("✓ Marked as read.")
    assert _book(session_factory, dune).status == "read"


async def test_it_without_a_card_asks_which_book(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    ada.add("Dune Messiah", "Frank Herbert")
    results = (await bot.send("dune"))[-1]  # a list of two books, not one book's card
    for calls in (await bot.send("finished it"), await bot.reply(results, "finished it")):
        assert last_text(calls).startswith("Which book?")
    assert _book(session_factory, dune).status == "to-read"


async def test_a_reply_to_a_forged_card_of_another_library_changes_nothing(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    forged = (await bot.send("hello there"))[-1]
    forged.result["reply_markup"] = {"inline_keyboard": [[{"text": "x", "callback_data": f"st:{dune}:read"}]]}
    before = all_books_snapshot(session_factory)
    for text in ("finished it", "delete it", "lend it to Mallory", "year 1999", "rate it 1", "it is back",
                 "on page 3 of it", "gave up on it", "title Mine", "set the pages of it to 7"):  # fmt: skip
        calls = await bot.reply(forged, text, person=BOB)
        assert last_text(calls).startswith("That book is not in this library"), (text, last_text(calls))
    assert all_books_snapshot(session_factory) == before
    assert _open_loans(session_factory, dune) == []


async def test_wishlist_in_words_then_bought(bot, ada, session_factory):
    calls = await bot.send("add Dune by Frank Herbert to my wishlist")
    text = last_text(calls)
    assert text.startswith("⭐ Added <b>Dune</b> to your wishlist.") and "⭐ Wishlist" in text
    assert "✓ Got it" in last_sent(calls).button_texts() and "🤝 Lend" not in last_sent(calls).button_texts()
    with session_factory() as session:
        dune = session.scalar(select(db.Book).where(db.Book.title == "Dune"))
        authors = session.scalars(
            select(db.Author.display_name).join(db.BookAuthor).where(db.BookAuthor.book_id == dune.id)
        ).all()
        assert (dune.owned, authors) == (False, ["Frank Herbert"])
    assert "wishlist" in last_text(await bot.send("lent Dune to Bob"))

    assert last_text(await bot.send("I just bought Dune")).startswith("✓ Moved from your wishlist")
    assert _book(session_factory, dune.id).owned is True
    assert last_text(await bot.send("bought dune")).startswith("✓ Already in your library.")


async def test_got_it_button_and_wish_forms(bot, ada, session_factory):
    card = last_sent(await bot.send("wishlist: Mort by Terry Pratchett"))
    mort = next(b for b in _all(session_factory) if b.title == "Mort")
    assert mort.owned is False
    calls = await bot.tap(card, "✓ Got it")
    assert "Moved from your wishlist" in last_text(calls)
    assert _book(session_factory, mort.id).owned is True
    assert "🤝 Lend" in calls[-1].button_texts()

    assert "to your wishlist" in last_text(await bot.send("put Small Gods on my wishlist"))
    added = {b.title: b.owned for b in _all(session_factory)}
    assert added["Small Gods"] is False


async def test_bought_a_book_not_in_the_library_adds_it(bot, ada, session_factory):
    assert "Added <b>Hogfather</b>" in last_text(await bot.send("I just bought Hogfather by Terry Pratchett"))
    assert {b.title: b.owned for b in _all(session_factory)} == {"Hogfather": True}


def _all(session_factory) -> list[db.Book]:
    with session_factory() as session:
        return list(session.scalars(select(db.Book)))


async def test_delete_in_words_offers_undo(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    calls = await bot.send("delete Dune")
    assert last_text(calls) == "🗑 Deleted <i>Dune</i>."
    assert _book(session_factory, dune).deleted_at is not None
    assert "Dune" not in last_text(await bot.send("dune"))
    restored = await bot.tap(calls[-1], "↶ Undo")
    assert "Restored" in last_text(restored)
    assert _book(session_factory, dune).deleted_at is None


async def test_gave_up_marks_abandoned(bot, ada, session_factory):
    mort = ada.add("Mort", "Terry Pratchett")
    assert last_text(await bot.send("gave up on mort")).startswith("Marked as abandoned.")
    assert _book(session_factory, mort).status == "abandoned"
    assert "You gave up on <b>Mort</b>" in last_text(await bot.send("have I read mort?"))


@pytest.mark.parametrize(
    ("code", "typed"), [("fr", "j'ai fini Dune"), ("it", "ho finito Dune"), ("es", "he leído Dune")]
)
async def test_finished_in_words_that_could_ask_is_done_not_asked(bot, ada, session_factory, code, typed):
    reader = Person(id=ADA.id, first_name="Ada", language_code=code)
    dune = ada.add("Dune", "Frank Herbert")
    answer = last_text(await bot.send(typed, reader))
    assert _book(session_factory, dune).status == "read", answer


@pytest.mark.parametrize(
    ("code", "title", "typed", "reply"),
    [
        ("es", "Dune", "cambia el año de Dune a 1965", "páginas: 612"),
        ("de", "Dune", "setze das Jahr von Dune auf 1965", "Seiten 612"),
        ("ru", "Дюна", "измени год Дюны на 1965", "страниц: 612"),
        ("pl", "Diuna", "zmień rok Diuny na 1965", "liczba stron: 612"),
    ],
)
async def test_set_a_field_in_the_readers_language(bot, ada, session_factory, code, title, typed, reply):
    reader = Person(id=ADA.id, first_name="Ada", language_code=code)
    book = ada.add(title, "Frank Herbert")
    answer = last_text(await bot.send(typed, reader))
    assert _book(session_factory, book).release_year == 1965, answer
    card = last_sent(await bot.callback((await bot.send("zzqx", reader))[-1], f"b:{book}", reader))
    answer = last_text(await bot.reply(card, reply, reader))
    assert _book(session_factory, book).page_count == 612, answer


async def test_set_a_field_in_words_or_in_reply_to_the_card(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    assert last_text(await bot.send("set the year of Dune to 1965")).startswith("✓ Year changed.")
    assert _book(session_factory, dune).release_year == 1965
    card = last_sent(await bot.callback((await bot.send("hello"))[-1], f"b:{dune}"))
    assert last_text(await bot.reply(card, "pages: 612")).startswith("✓ Pages changed.")
    await bot.reply(card, "series Dune Chronicles 1")
    assert _book(session_factory, dune).page_count == 612
    with session_factory() as session:
        assert session.scalars(select(db.Series.name)).all() == ["Dune Chronicles"]
    assert "Which" not in last_text(await bot.send("year 1965"))  # no card: just a search
    assert _book(session_factory, dune).release_year == 1965
    assert "year" in last_text(await bot.reply(card, "year soon")).lower()  # the edit's own error
