"""/add: the guided flow with Skip, Back, Cancel, /cancel, re-asking, duplicates and the timeout."""

from __future__ import annotations

from bot.console.fake_updates import Chat
from tests.bot.adding_helpers import (
    answers,
    is_card,
    last_card,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, BOB, last_text


def edited(calls):
    return [c for c in calls if c.method == "editMessageText"][-1]


async def test_end_to_end(bot, session_factory):
    calls = await bot.send("/add")
    title_q = calls[-1]
    assert "What's the title?" in title_q.text
    assert title_q.button_texts() == ["✗ Cancel"], "the title cannot be skipped and has nothing to go back to"

    authors_q = (await bot.send("Dune"))[-1]
    assert "Who wrote <b>Dune</b>?" in authors_q.text
    assert authors_q.button_texts() == ["Skip ›", "« Back", "✗ Cancel"]
    series_q = (await bot.send("Frank Herbert"))[-1]
    assert "part of a series" in series_q.text
    format_q = (await bot.send("Dune 1"))[-1]
    assert {"Paperback", "Hardcover", "Ebook", "Audiobook", "Skip ›", "« Back", "✗ Cancel"} == set(
        format_q.button_texts()
    )
    calls = await bot.tap(format_q, "Paperback")
    confirm = edited(calls)
    assert "Add this book?" in confirm.text
    for part in ("<b>Dune</b>", "by Frank Herbert", "Dune #1", "Paperback"):
        assert part in confirm.text
    assert library_books(session_factory, ADA) == [], "nothing is written before Save"

    calls = await bot.tap(confirm, "Save")
    assert answers(calls) == ["Saved."], "answered once, also when the flow ends"
    card = edited(calls)
    assert is_card(card) and "✓ Added <b>Dune</b>" in card.text
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.format.name) == ("Dune", ["Frank Herbert"], "Paperback")
    assert [(s.name, float(s.index)) for s in book.series] == [("Dune", 1.0)]

    # The flow is over: plain text is plain text again, and its old buttons have expired.
    assert "✓ Added <b>Emma</b>" in last_card(await bot.send("Emma by Jane Austen")).text
    stale = await bot.tap(confirm, "Save")
    assert answers(stale) == ["That button has expired."]
    assert len(library_books(session_factory, ADA)) == 2


async def test_skip_and_back(bot, session_factory):
    await bot.send("/add")
    authors_q = (await bot.send("Emma"))[-1]
    series_q = edited(await bot.tap(authors_q, "Skip"))
    assert "part of a series" in series_q.text
    authors_again = edited(await bot.tap(series_q, "Back"))
    assert "Who wrote <b>Emma</b>?" in authors_again.text
    series_q = (await bot.send("Jane Austen"))[-1]
    format_q = edited(await bot.tap(series_q, "Skip"))
    confirm = edited(await bot.tap(format_q, "Skip"))
    assert "by Jane Austen" in confirm.text and "Paperback" not in confirm.text
    format_q = edited(await bot.tap(confirm, "Back"))
    assert "Which format?" in format_q.text
    confirm = edited(await bot.tap(format_q, "Hardcover"))
    assert "Hardcover" in confirm.text
    await bot.tap(confirm, "Save")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.series, book.format.name) == (
        "Emma",
        ["Jane Austen"],
        [],
        "Hardcover",
    )


async def test_buttons_of_an_earlier_step_have_expired(bot, session_factory):
    await bot.send("/add")
    authors_q = (await bot.send("Emma"))[-1]
    await bot.send("Jane Austen")
    # The fake API left the message without buttons; a client still showing the old ones can tap them.
    message = {k: v for k, v in authors_q.result.items() if k != "reply_markup"}
    calls = await bot.process(bot.updates.callback(ADA, message, "af:authors:skip"))
    assert answers(calls) == ["That button has expired."]
    removed = [c for c in bot.api.calls if c.method == "editMessageReplyMarkup"]
    assert removed, "the question answered by typing loses its buttons"


async def test_cancel_button_saves_nothing(bot, session_factory):
    await bot.send("/add")
    series_q = (await bot.send("Dune"))[-1]
    calls = await bot.tap(series_q, "Cancel")
    assert answers(calls) == ["Cancelled."]
    assert "Cancelled — nothing was saved" in edited(calls).text
    assert library_books(session_factory, ADA) == []
    calls = await bot.send("Frank Herbert")
    assert "Who wrote" not in last_text(calls)
    assert library_books(session_factory, ADA) == []


async def test_slash_cancel_leaves_the_flow(bot, session_factory):
    await bot.send("/add")
    await bot.send("Dune")
    await bot.send("Frank Herbert")
    assert "Cancelled — nothing was saved" in last_text(await bot.send("/cancel"))
    assert library_books(session_factory, ADA) == []
    calls = await bot.send("Dune 1")
    assert "Which format?" not in last_text(calls)
    assert "Nothing to cancel" in last_text(await bot.send("/cancel"))


async def test_unexpected_input_reasks(bot, session_factory):
    await bot.send("/add")
    sticker = {
        "file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
        "is_animated": False, "is_video": False, "type": "regular",
    }  # fmt: skip
    calls = await bot.process(bot.updates.message(ADA, Chat(id=ADA.id), sticker=sticker))
    assert "What's the title?" in last_text(calls)
    await bot.send("Dune")
    await bot.send("Frank Herbert")
    await bot.send("Dune 1")
    format_q = (await bot.send("Mass-market paperback"))[-1]
    assert "Add this book?" in format_q.text and "Mass-market paperback" in format_q.text
    again = await bot.send("what now?")
    assert "Add this book?" in last_text(again)
    await bot.tap(again[-1], "Save")
    [book] = library_books(session_factory, ADA)
    assert book.format.name == "Mass-market paperback"


async def test_bad_answers_are_explained_and_reasked(bot, session_factory):
    await bot.send("/add")
    text = last_text(await bot.send("x" * 1100))
    assert "too long" in text
    assert "Who wrote" in last_text(await bot.send("Dune"))
    await bot.send("Frank Herbert")
    calls = await bot.send("S" * 1100 + " 2")
    [asked] = [c for c in calls if c.method == "sendMessage"]  # the reason and the question, one message
    assert "too long" in asked.text and "Is <b>Dune</b> part of a series?" in asked.text
    assert "Skip ›" in asked.button_texts()
    assert library_books(session_factory, ADA) == []


async def test_add_with_a_title_and_a_duplicate(bot, session_factory):
    await bot.send("Dune by Frank Herbert")
    authors_q = (await bot.send("/add Dune"))[-1]
    assert "Who wrote <b>Dune</b>?" in authors_q.text
    series_q = (await bot.send("Frank Herbert"))[-1]
    format_q = edited(await bot.tap(series_q, "Skip"))
    confirm = edited(await bot.tap(format_q, "Skip"))
    prompt = edited(await bot.tap(confirm, "Save"))
    assert "You may have this one already" in prompt.text
    await bot.tap(prompt, "Add another copy")
    [book] = library_books(session_factory, ADA)
    assert book.copies == 2


async def test_flows_are_per_user_and_chat(bot, session_factory):
    await bot.send("/add")
    await bot.send("Dune")
    calls = await bot.send("Emma by Jane Austen", person=BOB)
    assert "✓ Added <b>Emma</b>" in last_card(calls).text, "Bob is not inside Ada's flow"
    assert "part of a series" in last_text(await bot.send("Frank Herbert"))


async def test_one_user_adds_in_a_group_and_in_private_at_the_same_time(bot, session_factory):
    """Each chat has its own /add answers: one flow never overwrites the other."""
    group = Chat(id=-1001, type="supergroup", title="Book club")
    await bot.send("/add", chat=group)
    await bot.send("Dune", chat=group)
    await bot.send("/add")
    await bot.send("Emma")
    assert any("part of a series" in c.text for c in await bot.send("Frank Herbert", chat=group))
    assert "part of a series" in last_text(await bot.send("Jane Austen"))

    def series_question(chat_id: int):
        return [
            c
            for c in bot.api.calls
            if str(c.params.get("chat_id")) == str(chat_id) and "part of a series" in c.text
        ][-1]

    group_series, private_series = series_question(group.id), series_question(ADA.id)
    for question in (group_series, private_series):
        calls = await bot.tap(question, "Skip")
        calls = await bot.tap(edited(calls), "Skip")
        await bot.tap(edited(calls), "Save")
    assert [(b.title, b.author_names) for b in library_books(session_factory, ADA, group)] == [
        ("Dune", ["Frank Herbert"])
    ]
    assert [(b.title, b.author_names) for b in library_books(session_factory, ADA)] == [
        ("Emma", ["Jane Austen"])
    ]


async def test_timeout_leaves_the_flow(bot, session_factory):
    await bot.send("/add")
    await bot.send("Dune")
    jobs = [j for j in bot.application.job_queue.jobs() if "timeout" in (j.name or "").lower()]
    assert jobs, [j.name for j in bot.application.job_queue.jobs()]
    before = len(bot.api.calls)
    await jobs[0].run(bot.application)
    assert "timed out — nothing was saved" in last_text(bot.api.calls[before:])
    calls = await bot.send("Frank Herbert")
    assert "part of a series" not in last_text(calls)
    assert library_books(session_factory, ADA) == []


def test_answers_saved_the_old_way_carry_on():
    """Before flows were kept per chat, user_data held one under FLOW: it becomes that chat's flow."""
    from types import SimpleNamespace

    from bot.handlers import add_flow

    context = SimpleNamespace(user_data={add_flow.FLOW: {"chat": 101, "step": "authors", "title": "Dune"}})
    flows = add_flow._flows(context)
    assert flows == {101: {"chat": 101, "step": "authors", "title": "Dune"}}
    assert add_flow.FLOW not in context.user_data
