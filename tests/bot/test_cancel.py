"""/cancel leaves every kind of pending state, answers once, and says what it cancelled."""

from __future__ import annotations

from bot.chat import pending
from bot.console.fake_api import Call
from bot.handlers.data import DATA_FILES
from bot.handlers.scan import SCANS
from tests.bot.adding_helpers import (
    all_books_snapshot,
    answers,
    is_card,
    last_card,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, GROUP, last_text
from tests.bot.test_data import CSV_MIME, dry_run, gr_file
from tests.bot.test_scan import BOOK_PHOTO, photo, scan_list


def replies(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage"]


async def cancel(bot, chat=None) -> str:
    """Send /cancel; exactly one message answers it. Returns its text."""
    [answer] = replies(await bot.send("/cancel", chat=chat))
    return answer.text


async def test_every_kind_of_pending_state_has_a_hook():
    assert {"add flow", "card question", "add confirmation", "scan list", "import or restore"} <= set(
        pending.hooks()
    )


async def test_nothing_to_cancel(bot):
    assert await cancel(bot) == "Nothing to cancel."


async def test_the_add_flow_answers_cancel_once(bot, session_factory):
    await bot.send("/add")
    await bot.send("Dune")
    text = await cancel(bot)  # the flow's fallback and the global /cancel: one answer, not two
    assert text.startswith("Cancelled — nothing was saved.") and "the /add steps" in text
    assert "Which format?" not in last_text(await bot.send("Dune 1")), "the flow is over"
    assert await cancel(bot) == "Nothing to cancel."
    assert library_books(session_factory, ADA) == []


async def test_a_card_question_is_cancelled_and_the_card_restored(bot, session_factory):
    card = last_card(await bot.send("Dune by Frank Herbert"))
    fields = [c for c in await bot.tap(card, "✎ Edit") if c.method == "editMessageText"][-1]
    await bot.tap(fields, "✎ Year")
    calls = await bot.send("/cancel")
    [answer] = replies(calls)
    assert "the edit of the year" in answer.text and "nothing was saved" in answer.text
    [restored] = [c for c in calls if c.method == "editMessageText"]
    assert is_card(restored) and "Send the new" not in restored.text
    await bot.send("1965")
    assert library_books(session_factory, ADA)[0].year is None


async def test_a_title_by_author_confirmation_becomes_inert(bot, session_factory):
    prompt = (await bot.send("Good Omens - Terry Pratchett"))[-1]
    assert "Which one is the title?" in prompt.text
    text = await cancel(bot)
    assert "confirmation" in text
    late = await bot.tap(prompt, "“Good Omens” by Terry Pratchett")
    assert "expired" in answers(late)[0]
    assert library_books(session_factory, ADA) == []


async def test_a_scan_list_becomes_inert(bot, session_factory):
    listing = scan_list(await bot.photo(photo(BOOK_PHOTO)))
    assert "the scanned books list" in await cancel(bot)
    late = await bot.tap(listing, "Add")
    assert "expired" in answers(late)[0]
    assert library_books(session_factory, ADA) == []
    assert bot.application.user_data[ADA.id][SCANS] == {}


async def test_an_import_becomes_inert(bot, session_factory):
    before = all_books_snapshot(session_factory)
    message = dry_run(await bot.upload(gr_file("three"), "export.csv", CSV_MIME))
    assert "the import" in await cancel(bot)
    late = await bot.tap(message, "Import")
    assert "expired" in answers(late)[0]
    assert all_books_snapshot(session_factory) == before
    assert bot.application.user_data[ADA.id][DATA_FILES] == {}


async def test_one_cancel_leaves_the_flow_and_a_confirmation_together(bot, session_factory):
    prompt = (await bot.send("Good Omens - Terry Pratchett"))[-1]
    await bot.send("/add")
    text = await cancel(bot)
    assert "the /add steps" in text and "confirmation" in text
    assert "expired" in answers(await bot.tap(prompt, "“Good Omens” by Terry Pratchett"))[0]
    assert library_books(session_factory, ADA) == []


async def test_cancel_in_another_chat_leaves_this_chats_flow_alone(bot, session_factory):
    await bot.send("/add")
    await bot.send("Dune")
    assert await cancel(bot, chat=GROUP) == "Nothing to cancel."
    assert "part of a series" in last_text(await bot.send("Frank Herbert")), "the private flow goes on"
