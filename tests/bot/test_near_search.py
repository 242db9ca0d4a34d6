"""Search that forgives a phone keyboard, through the real Application on both engines: typos, other
scripts and word forms in the chat, /find, inline mode and questions; near-miss adds ask first."""

from __future__ import annotations

import pytest

from bot.chat import callbacks
from tests.bot.adding_helpers import answers, is_card, library_books
from tests.bot.harness import ADA, last_text
from tests.bot.querying_data import Library


@pytest.fixture
def ada(session_factory) -> Library:
    lib = Library(session_factory, ADA)
    lib.hobbit = lib.add("The Hobbit", "J. R. R. Tolkien", year=1937)
    lib.habit = lib.add("The Power of Habit", "Charles Duhigg", year=2012)
    lib.war = lib.add("Война и мир", "Лев Толстой", year=1869)
    lib.dune = lib.add("Дюна", "Фрэнк Герберт", year=1965)
    lib.cien = lib.add("Cien años de soledad", "Gabriel García Márquez", year=1967)
    return lib


def _book_buttons(call) -> list[str]:
    return [b["callback_data"] for row in call.buttons for b in row if b["callback_data"].startswith("b:")]


async def test_a_typo_in_the_chat_shows_results_for_the_correction(bot, ada):
    calls = await bot.send("hobit")
    text = last_text(calls)
    assert "No exact match for “hobit”. Showing results for “Hobbit”" in text
    assert "<b>The Hobbit</b>" in text
    assert "Title by Author" not in text  # never offers to add a book that is there
    assert callbacks.encode("b", ada.hobbit) in _book_buttons(calls[-1])


async def test_find_with_typos_accents_and_other_scripts(bot, ada):
    assert "The Hobbit" in last_text(await bot.send("/find tolkein"))
    assert "Cien años de soledad" in last_text(await bot.send("/find garcia marqez"))
    assert "Война и мир" in last_text(await bot.send("/find tolstoy"))
    assert "Дюна" in last_text(await bot.send("/find dyuna"))
    assert "Дюна" in last_text(await bot.send("/find dune"))
    assert "The Hobbit" in last_text(await bot.send("/find hobbits"))
    assert "The Hobbit" in last_text(await bot.send("/find hobi"))  # still typing, with a typo


async def test_exact_queries_are_answered_as_before(bot, ada):
    text = last_text(await bot.send("/find hobbit"))
    assert text.startswith("🔎 hobbit") and "No exact match" not in text and "Near matches" not in text
    assert "The Hobbit" in text and "Power of Habit" not in text


async def test_inline_mode_forgives_typos(bot, ada):
    calls = await bot.inline("hobit")
    [answer] = [c for c in calls if c.method == "answerInlineQuery"]
    assert answer.params["results"][0]["title"] == "The Hobbit"
    calls = await bot.inline("hobi")  # typed so far, with a typo
    [answer] = [c for c in calls if c.method == "answerInlineQuery"]
    assert answer.params["results"][0]["title"] == "The Hobbit"
    calls = await bot.inline("tolstoy")
    [answer] = [c for c in calls if c.method == "answerInlineQuery"]
    assert [r["title"] for r in answer.params["results"]] == ["Война и мир"]


async def test_a_question_offers_the_near_match(bot, ada):
    calls = await bot.send("do I own hobit?")
    text = last_text(calls)
    assert "Did you mean <b>The Hobbit</b>?" in text
    assert callbacks.encode("b", ada.hobbit) in _book_buttons(calls[-1])
    assert "Did you mean <b>The Hobbit</b>?" in last_text(await bot.send("have I read hobit by tolkien?"))
    assert "Did you mean" not in last_text(await bot.send("do I own the hobbit?"))


async def test_a_near_miss_add_asks_first(bot, ada, session_factory):
    before = len(library_books(session_factory, ADA))
    prompt = (await bot.send("The Hobit by J.R.R. Tolkien"))[-1]
    assert "Did you mean <b>The Hobbit</b> by J. R. R. Tolkien" in prompt.text
    assert "already in your library?" in prompt.text
    assert len(library_books(session_factory, ADA)) == before

    calls = await bot.tap(prompt, "It's a different book")
    assert answers(calls) == [""]
    assert is_card([c for c in calls if c.method == "editMessageText"][-1])
    assert len(library_books(session_factory, ADA)) == before + 1


async def test_an_author_typo_on_the_same_title_asks_too(bot, ada, session_factory):
    prompt = (await bot.send("The Power of Habit by Charles Duhig"))[-1]
    assert "Did you mean <b>The Power of Habit</b>" in prompt.text
    calls = await bot.tap(prompt, "Cancel")
    assert "nothing was saved" in last_text(calls)


async def test_a_different_book_is_added_at_once(bot, ada, session_factory):
    before = len(library_books(session_factory, ADA))
    calls = await bot.send("The Rabbit by Someone Else")
    assert is_card([c for c in calls if c.method == "sendMessage"][-1])
    assert len(library_books(session_factory, ADA)) == before + 1
