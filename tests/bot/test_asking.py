"""Questions typed in plain words: "do I own Dune?", "who has my copy of Dune?", "have I read Mort?",
"what's unread in Discworld?". Real Application, real database; answers come from the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.chat import callbacks, parse
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import reading
from tests.bot.harness import ADA, BOB, last_sent, last_text
from tests.bot.querying_data import Library


@pytest.fixture
def ada(session_factory) -> Library:
    return Library(session_factory, ADA)


def _book_count(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(db.Book))


def _card_buttons(call) -> list[int]:
    return [
        callbacks.decode(b["callback_data"]).int_arg(0)
        for row in call.buttons
        for b in row
        if callbacks.decode(b["callback_data"]).action == "b"
    ]


@pytest.mark.parametrize(
    ("text", "kind", "subject", "sure"),
    [
        ("do I own Dune?", parse.OWN, "Dune", True),
        ("Do we have “The Hobbit”", parse.OWN, "The Hobbit", True),
        ("is Dune in my library?", parse.OWN, "Dune", True),
        ("who has my copy of Dune?", parse.LENT, "Dune", True),
        ("where is dune", parse.LENT, "dune", False),
        ("have I read Dune by Frank Herbert?", parse.READ, "Dune by Frank Herbert", True),
        ("did I finish Mort", parse.READ, "Mort", True),
        ("what's unread in Discworld?", parse.UNREAD, "Discworld", True),
        ("unread in the Dune series", parse.UNREAD, "Dune", True),
        ("which books are unread by Frank Herbert", parse.UNREAD, "Frank Herbert", True),
        ("what is still unread in this series?", parse.UNREAD, "", True),
    ],
)
def test_questions_are_read(text, kind, subject, sure):
    assert parse.read_question(text) == parse.Question(kind, subject, sure)


@pytest.mark.parametrize(
    "text",
    ["Dune by Frank Herbert", "Do Androids Dream of Electric Sheep by Philip K. Dick", "who has", "dune"],
)
def test_other_texts_are_not_questions(text):
    assert parse.read_question(text) is None


async def test_do_i_own_answers_yes_with_the_facts_and_a_card_button(bot, ada):
    dune = ada.add("Dune", "Frank Herbert", location="Living room")
    calls = await bot.send("do I own dune?")
    text = last_text(calls)
    assert "Already in your library" in text and "<b>Dune</b> by Frank Herbert" in text
    assert "shelf: Living room" in text and "not read yet" in text
    assert _card_buttons(calls[-1]) == [dune]
    card = last_text(await bot.tap(calls[-1], "📖 Dune"))
    assert "Frank Herbert" in card and "Sorry" not in card


async def test_do_i_own_answers_no_and_adds_nothing(bot, ada, session_factory):
    ada.add("Dune", "Frank Herbert")
    before = _book_count(session_factory)
    text = last_text(await bot.send("Do I own The Hobbit?"))
    assert text == "No, “The Hobbit” is not in your library. Send “The Hobbit by Author” to add it."
    assert _book_count(session_factory) == before
    assert last_text(await bot.send("do I own Emma by Jane Austen?")) == (
        "No, “Emma by Jane Austen” is not in your library. Send “Emma by Jane Austen” to add it."
    )


async def test_do_i_own_an_isbn(bot, ada):
    ada.add("Dune", "Frank Herbert", isbn="9780441172719")
    assert "Already in your library" in last_text(await bot.send("do I have 0-441-17271-7?"))
    text = last_text(await bot.send("do I own 9780306406157?"))
    assert "978-0-306-40615-7" in text and "not in your library" in text
    text = last_text(await bot.send("do I own 9780306406158?"))
    assert "check digit" in text.lower() or "isbn" in text.lower()


async def test_a_wishlist_book_is_not_owned(bot, ada):
    ada.add("Neuromancer", "William Gibson", owned=False)
    assert "On your wishlist (not owned yet)" in last_text(await bot.send("do I own neuromancer?"))


async def test_who_has_names_the_borrower_and_due_date(bot, ada):
    today = dt.date.today()
    dune = ada.add("Dune", "Frank Herbert")
    ada.lend(dune, "Alice <A>", today - dt.timedelta(days=10), today - dt.timedelta(days=1))
    ada.add("Mort", "Terry Pratchett", location="Hall")
    text = last_text(await bot.send("who has my copy of Dune?"))
    assert "is with <b>Alice &lt;A&gt;</b>" in text and "overdue" in text
    assert last_text(await bot.send("where is mort?")) == (
        "📚 <b>Mort</b> by Terry Pratchett is not lent out (shelf: Hall)."
    )


async def test_who_has_without_a_question_mark_is_still_asked_unless_it_is_a_book(bot, ada, session_factory):
    ada.add("Dune", "Frank Herbert")
    assert "not lent out" in last_text(await bot.send("who has dune"))
    before = _book_count(session_factory)
    text = last_text(await bot.send("Who Has Seen the Wind by W. O. Mitchell"))
    assert "Added" in text and "Who Has Seen the Wind" in text
    assert _book_count(session_factory) == before + 1


async def test_have_i_read_gives_status_and_last_finish(bot, ada, session_factory):
    dune = ada.add("Dune", "Frank Herbert")
    with session_scope(session_factory) as session:
        reading.finish_reading(session, ada.id, dune, finished_on=dt.date(2024, 3, 5))
    ada.add("Mort", "Terry Pratchett", status="reading")
    ada.add("Emma", "Jane Austen")
    assert last_text(await bot.send("have I read Dune?")) == (
        "✓ Yes, you read <b>Dune</b> by Frank Herbert (finished 5 Mar 2024)."
    )
    assert "You are reading <b>Mort</b>" in last_text(await bot.send("did I finish Mort"))
    assert "Not yet: <b>Emma</b> by Jane Austen is on your to-read list." in last_text(
        await bot.send("have I read emma?")
    )


async def test_title_by_author_narrows_to_that_author(bot, ada):
    ada.add("Emma", "Jane Austen")
    ada.add("Emma", "Someone Else")
    text = last_text(await bot.send("have I read Emma by Jane Austen?"))
    assert "Jane Austen" in text and "Someone Else" not in text


async def test_unread_in_a_series_lists_unread_books_in_series_order(bot, ada):
    for index, title, status in [
        (3, "Equal Rites", "to-read"),
        (1, "The Colour of Magic", "read"),
        (2, "The Light Fantastic", "reading"),
        (4, "Mort", "to-read"),
    ]:
        ada.add(title, "Terry Pratchett", series="Discworld", series_index=index, status=status)
    calls = await bot.send("what's unread in discworld?")
    text = last_text(calls)
    assert text.splitlines()[0] == "📚 <b>Discworld</b> · 3 of 4 books unread, in order:"
    assert text.splitlines()[1:] == [
        "#2 <b>The Light Fantastic</b> — reading now",
        "#3 <b>Equal Rites</b>",
        "#4 <b>Mort</b>",
    ]
    assert "📚 Whole series" in calls[-1].button_texts()
    series = last_text(await bot.tap(calls[-1], "📚 Whole series"))
    assert "Discworld" in series and "The Colour of Magic" in series


async def test_a_series_all_read_says_so(bot, ada):
    ada.add("Dune", "Frank Herbert", series="Dune Chronicles", series_index=1, status="read")
    assert "all 1 book read ✓" in last_text(await bot.send("unread in the dune chronicles"))


async def test_unread_by_an_author_is_a_filtered_search_and_not_an_add(bot, ada, session_factory):
    ada.add("Dune", "Frank Herbert", status="read")
    ada.add("Children of Dune", "Frank Herbert")
    ada.add("Mort", "Terry Pratchett")
    before = _book_count(session_factory)
    text = last_text(await bot.send("what's unread by Frank Herbert"))
    assert "Children of Dune" in text and "Mort" not in text and "<b>Dune</b>" not in text
    assert _book_count(session_factory) == before
    assert last_text(await bot.send("unread by Homer")) == "Nothing unread matches “Homer”."


async def test_vague_questions_ask_which(bot, ada):
    assert "Which series or author?" in last_text(await bot.send("what's unread in this series?"))
    assert "Which book?" in last_text(await bot.send("who has it?"))


async def test_questions_only_see_the_askers_library(bot, ada):
    dune = ada.add("Dune", "Frank Herbert", series="Dune Chronicles", series_index=1)
    ada.lend(dune, "Alice", dt.date.today())
    assert "not in your library" in last_text(await bot.send("do I own Dune?", person=BOB))
    assert "not in your library" in last_text(await bot.send("who has Dune?", person=BOB))
    assert last_text(await bot.send("unread in dune chronicles", person=BOB)).startswith("Nothing unread")


async def test_html_in_questions_is_escaped(bot, ada):
    text = last_text(await bot.send("do I own <b>x</b> & y?"))
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what am I reading?", parse.READING_NOW),
        ("what are we reading now", parse.READING_NOW),
        ("what's lent out?", parse.LENT_NOW),
        ("who has my books?", parse.LENT_NOW),
        ("what should I read next?", parse.UNREAD_ALL),
        ("what's on my TBR pile?", parse.UNREAD_ALL),
        ("how many books do I have?", parse.HOW_MANY),
    ],
)
def test_questions_about_the_whole_library_are_read(text, kind):
    assert parse.read_question(text) == parse.Question(kind, "", True)


async def test_what_am_i_reading_and_whats_lent_answer_with_the_lists(bot, ada):
    ada.add("Mort", "Terry Pratchett", status="reading")
    dune = ada.add("Dune", "Frank Herbert")
    ada.lend(dune, "Alice", dt.date.today())
    assert last_text(await bot.send("what am I reading?")) == last_text(await bot.send("/reading"))
    assert "Mort" in last_text(await bot.send("what am I reading?"))
    lent = last_text(await bot.send("what's lent out?"))
    assert lent == last_text(await bot.send("/loans")) and "Alice" in lent
    assert last_text(await bot.send("what should I read next?")) == last_text(await bot.send("/unread"))


async def test_how_many_books_counts_them(bot, ada):
    assert "Your library is empty" in last_text(await bot.send("how many books do I have?"))
    ada.add("Mort", "Terry Pratchett", status="reading")
    ada.add("Dune", "Frank Herbert", status="read")
    ada.add("Emma", "Jane Austen")
    ada.add("Neuromancer", "William Gibson", owned=False)
    assert last_text(await bot.send("how many books?")) == (
        "📚 You have 3 books: 1 read, 1 not read yet, 1 reading now.\n"
        "⭐ 1 more book on your wishlist.\n/stats draws the charts."
    )


async def test_questions_about_it_use_the_card_replied_to(bot, ada):
    dune = ada.add("Dune", "Frank Herbert", series="Dune Chronicles", series_index=1, status="read")
    ada.add("Dune Messiah", "Frank Herbert", series="Dune Chronicles", series_index=2)
    ada.lend(dune, "Alice", dt.date.today())
    card = last_sent(await bot.callback((await bot.send("hello"))[-1], f"b:{dune}"))
    assert "is with <b>Alice</b>" in last_text(await bot.reply(card, "who has it?"))
    assert "Yes, you read <b>Dune</b>" in last_text(await bot.reply(card, "have I read it?"))
    unread = last_text(await bot.reply(card, "what's unread in this series?"))
    assert unread.startswith("📚 <b>Dune Chronicles</b> · 1 of 2 books unread") and "Dune Messiah" in unread


async def test_a_question_about_another_librarys_card_answers_nothing_of_it(bot, ada):
    dune = ada.add("Dune", "Frank Herbert")
    card = last_sent(await bot.callback((await bot.send("hello"))[-1], f"b:{dune}"))
    text = last_text(await bot.reply(card, "who has it?", person=BOB))
    assert text == "That book is not in your library."
    assert "Dune" not in last_text(await bot.reply(card, "what's unread in this series?", person=BOB))
