"""Typed questions in groups with privacy mode: a selective ForceReply prompt, answered by replying to it.

With privacy mode the bot only sees commands, mentions and replies to its own messages, so every answer
here arrives as a message whose ``reply_to_message`` is the bot's prompt, as Telegram sends it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.console.fake_api import Call
from bot.console.fake_updates import Person
from tests.bot.adding_helpers import (
    is_card,
    last_card,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, BOB, GROUP, last_text


def _param(call: Call, name: str) -> dict[str, Any]:
    value = call.params.get(name) or {}
    return json.loads(value) if isinstance(value, str) else value


def force_replies(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and _param(c, "reply_markup").get("force_reply")]


def the_prompt(calls: list[Call]) -> Call:
    [prompt] = force_replies(calls)
    markup = _param(prompt, "reply_markup")
    assert markup["selective"] is True and markup["input_field_placeholder"]
    assert len(markup["input_field_placeholder"]) <= 64
    return prompt


def aims_at(prompt: Call, person: Person, message_id: int | None = None) -> bool:
    """The prompt replies to the person's message, or mentions them."""
    replied = _param(prompt, "reply_parameters").get("message_id")
    if message_id is not None and replied == message_id:
        return True
    return f"tg://user?id={person.id}" in prompt.text


async def say(bot, text: str, person: Person = ADA, reply_to: Call | None = None) -> list[Call]:
    """A message in the group; ``reply_to`` makes it a reply to that bot message (how privacy mode sees it)."""
    extra = {"reply_to_message": reply_to.result} if reply_to is not None else {}
    return await bot.process(bot.updates.message(person, GROUP, text, **extra))


def edited(calls: list[Call]) -> Call:
    return [c for c in calls if c.method == "editMessageText"][-1]


@pytest.mark.parametrize(
    ("path", "placeholder", "answer", "check"),
    [
        (["✎ Edit", "✎ Year"], "1965", "1965", lambda b: b.year == 1965),
        (["✎ Edit", "✎ Title"], "The new title", "Dune Messiah", lambda b: b.title == "Dune Messiah"),
        (["🗄 Shelf", "New shelf…"], "Living room", "Attic", lambda b: b.location.name == "Attic"),
        (["🤝 Lend"], "Alice in 3 weeks", "Alice", lambda b: b.current_loan.borrower == "Alice"),
    ],
)
async def test_card_questions_force_a_reply_and_take_it(
    bot, session_factory, path, placeholder, answer, check
):
    message = await say(bot, "Dune by Frank Herbert")
    screen = last_card(message)
    for label in path[:-1]:
        screen = edited(await bot.tap(screen, label))
    calls = await bot.tap(screen, path[-1])
    assert "or /cancel" in edited(calls).text, "the card still shows the question"
    prompt = the_prompt(calls)
    assert aims_at(prompt, ADA), "after a tap there is no message to reply to: the prompt mentions Ada"
    assert _param(prompt, "reply_markup")["input_field_placeholder"] == placeholder

    calls = await say(bot, answer, reply_to=prompt)
    assert "✓" in last_card(calls).text
    [book] = library_books(session_factory, ADA, GROUP)
    assert check(book)


async def test_a_bad_answer_forces_a_reply_again(bot, session_factory):
    card = last_card(await say(bot, "Dune by Frank Herbert"))
    fields = edited(await bot.tap(card, "✎ Edit"))
    prompt = the_prompt(await bot.tap(fields, "✎ Year"))
    bad = bot.updates.message(ADA, GROUP, "next spring", reply_to_message=prompt.result)
    again = the_prompt(await bot.process(bad))
    assert "Send it again, or /cancel" in again.text
    assert aims_at(again, ADA, bad["message"]["message_id"]), "the re-ask replies to the bad answer"
    await say(bot, "1965", reply_to=again)  # replying to the second prompt answers too
    [book] = library_books(session_factory, ADA, GROUP)
    assert book.year == 1965


async def test_only_the_asker_answers(bot, session_factory):
    card = last_card(await say(bot, "Dune by Frank Herbert"))
    fields = edited(await bot.tap(card, "✎ Edit"))
    prompt = the_prompt(await bot.tap(fields, "✎ Year"))
    await say(bot, "1965", person=BOB, reply_to=prompt)  # Bob has no question pending: a search
    [book] = library_books(session_factory, ADA, GROUP)
    assert book.year is None
    await say(bot, "1966", reply_to=prompt)
    [book] = library_books(session_factory, ADA, GROUP)
    assert book.year == 1966


async def test_a_reply_to_another_bot_message_is_not_the_answer(bot, session_factory):
    dune = last_card(await say(bot, "Dune by Frank Herbert"))
    emma = last_card(await say(bot, "Emma by Jane Austen"))
    fields = edited(await bot.tap(dune, "✎ Edit"))
    await bot.tap(fields, "✎ Year")
    await say(bot, "1965", reply_to=emma)
    assert {b.title: b.year for b in library_books(session_factory, ADA, GROUP)} == {
        "Dune": None,
        "Emma": None,
    }


async def test_the_add_flow_in_a_group(bot, session_factory):
    start = bot.updates.message(ADA, GROUP, "/add")
    calls = await bot.process(start)
    assert "What's the title?" in last_text([c for c in calls if not force_replies([c])])
    prompt = the_prompt(calls)
    assert aims_at(prompt, ADA, start["message"]["message_id"]), "the prompt replies to /add"
    assert _param(prompt, "reply_markup")["input_field_placeholder"] == "Title"

    answer = bot.updates.message(ADA, GROUP, "Dune", reply_to_message=prompt.result)
    calls = await bot.process(answer)
    assert any("Who wrote <b>Dune</b>?" in c.text for c in calls)
    prompt = the_prompt(calls)
    assert aims_at(prompt, ADA, answer["message"]["message_id"])

    calls = await say(bot, "Frank Herbert", reply_to=prompt)
    series_q = [c for c in calls if "part of a series" in c.text][-1]
    calls = await bot.tap(series_q, "Skip")  # a button: the question is edited, the prompt mentions Ada
    assert "Which format?" in edited(calls).text
    prompt = the_prompt(calls)
    assert aims_at(prompt, ADA)

    calls = await say(bot, "Mass-market paperback", reply_to=prompt)
    confirm = [c for c in calls if "Add this book?" in c.text][-1]
    assert force_replies(calls) == [], "the last step has only buttons: nothing to type"
    calls = await bot.tap(confirm, "Save")
    assert is_card(edited(calls))
    [book] = library_books(session_factory, ADA, GROUP)
    assert (book.title, book.author_names, book.format.name) == (
        "Dune",
        ["Frank Herbert"],
        "Mass-market paperback",
    )
    assert library_books(session_factory, ADA) == [], "the group's library, not Ada's own"


async def test_private_chats_get_no_force_reply(bot, session_factory):
    card = last_card(await bot.send("Dune by Frank Herbert"))
    fields = edited(await bot.tap(card, "✎ Edit"))
    calls = await bot.tap(fields, "✎ Year")
    calls += await bot.send("next spring")
    calls += await bot.send("/add")
    calls += await bot.send("Emma")
    assert force_replies(calls) == []
    assert all(
        "reply_markup" not in c.params or "force_reply" not in str(c.params["reply_markup"]) for c in calls
    )


def deleted_ids(calls: list[Call]) -> list[int]:
    """Message ids the bot deleted (deleteMessages / deleteMessage) in these calls."""
    ids: list[int] = []
    for call in calls:
        if call.method == "deleteMessages":
            value = call.params["message_ids"]
            ids.extend(int(i) for i in (json.loads(value) if isinstance(value, str) else value))
        elif call.method == "deleteMessage":
            ids.append(int(call.params["message_id"]))
    return ids


def message_id(call: Call) -> int:
    return int(call.result["message_id"])


async def test_a_settled_card_question_takes_its_prompts_away(bot, session_factory):
    """Answered (after one bad try), cancelled by /cancel, or by the card's ✗ button: no prompt stays."""
    card = last_card(await say(bot, "Dune by Frank Herbert"))
    fields = edited(await bot.tap(card, "✎ Edit"))
    prompt = the_prompt(await bot.tap(fields, "✎ Year"))
    again = the_prompt(await say(bot, "next spring", reply_to=prompt))
    calls = await say(bot, "1965", reply_to=again)
    assert sorted(deleted_ids(calls)) == sorted([message_id(prompt), message_id(again)])
    assert message_id(card) not in deleted_ids(calls), "the card itself stays"

    fields = edited(await bot.tap(card, "✎ Edit"))
    prompt = the_prompt(await bot.tap(fields, "✎ Title"))
    assert deleted_ids(await say(bot, "/cancel")) == [message_id(prompt)]

    calls = await bot.tap(card, "🤝 Lend")
    prompt, asking = the_prompt(calls), edited(calls)
    assert deleted_ids(await bot.tap(asking, "✗ Cancel")) == [message_id(prompt)]
    [book] = library_books(session_factory, ADA, GROUP)
    assert book.year == 1965 and book.current_loan is None


async def test_each_add_step_takes_the_previous_prompt_away(bot, session_factory):
    calls = await bot.process(bot.updates.message(ADA, GROUP, "/add"))
    title_prompt = the_prompt(calls)
    calls = await say(bot, "Dune", reply_to=title_prompt)
    assert deleted_ids(calls) == [message_id(title_prompt)]
    author_prompt = the_prompt(calls)
    calls = await say(bot, "Frank Herbert", reply_to=author_prompt)
    assert deleted_ids(calls) == [message_id(author_prompt)]
    series_prompt = the_prompt(calls)
    series_q = [c for c in calls if "part of a series" in c.text][-1]
    calls = await bot.tap(series_q, "Skip")
    assert deleted_ids(calls) == [message_id(series_prompt)]
    format_prompt = the_prompt(calls)
    calls = await say(bot, "Paperback", reply_to=format_prompt)
    assert deleted_ids(calls) == [message_id(format_prompt)]
    confirm = [c for c in calls if "Add this book?" in c.text][-1]
    calls = await bot.tap(confirm, "Save")
    assert deleted_ids(calls) == [] and is_card(edited(calls))
    assert [b.title for b in library_books(session_factory, ADA, GROUP)] == ["Dune"]
