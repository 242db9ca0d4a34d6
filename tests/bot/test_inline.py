"""Inline mode through the real Application: matching books, recent books, offset paging, privacy."""

from __future__ import annotations

import json

import pytest

from tests.bot.harness import ADA, BOB
from tests.bot.querying_data import Library


@pytest.fixture
def ada(session_factory) -> Library:
    return Library(session_factory, ADA)


def _answer(calls) -> dict:
    answers = [c for c in calls if c.method == "answerInlineQuery"]
    assert len(answers) == 1, [c.method for c in calls]
    params = dict(answers[0].params)
    if isinstance(params.get("results"), str):
        params["results"] = json.loads(params["results"])
    return params


async def _inline(bot, query: str, person=ADA, offset: str = "") -> dict:
    return _answer(await bot.process(bot.updates.inline_query(person, query, offset)))


async def test_inline_lists_matching_books_to_share(bot, ada):
    dune = ada.add(
        "Dune", "Frank Herbert", year=1965, pages=412, isbn="9780441172719", series="Dune", series_index=1
    )
    ada.add("Neuromancer", "William Gibson", year=1984)
    answer = await _inline(bot, "dune")
    assert answer["is_personal"] is True
    assert 0 < int(answer["cache_time"]) <= 60
    assert not answer.get("next_offset")
    results = answer["results"]
    assert [r["id"] for r in results] == [str(dune)]
    result = results[0]
    assert result["type"] == "article"
    assert result["title"] == "Dune"
    assert result["description"] == "Frank Herbert · 1965"
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    text = content["message_text"]
    assert "<b>Dune</b>" in text and "by Frank Herbert" in text
    assert "Dune #1" in text and "1965" in text and "412 pages" in text and "9780441172719" in text


async def test_empty_query_shows_recently_added_first(bot, ada):
    ada.add("First added", "A Writer")
    ada.add("Second added", "A Writer")
    last = ada.add("Third added", "A Writer")
    results = (await _inline(bot, ""))["results"]
    assert [r["title"] for r in results] == ["Third added", "Second added", "First added"]
    assert results[0]["id"] == str(last)


async def test_offset_paging(bot, ada):
    for n in range(45):
        ada.add(f"Saga {n:02d}", "Anne Author")
    first = await _inline(bot, "saga")
    assert len(first["results"]) == 20 and first["next_offset"] == "2"
    second = await _inline(bot, "saga", offset=first["next_offset"])
    assert len(second["results"]) == 20 and second["next_offset"] == "3"
    third = await _inline(bot, "saga", offset=second["next_offset"])
    assert len(third["results"]) == 5 and not third.get("next_offset")
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(set(ids)) == 45
    past = await _inline(bot, "saga", offset="9")
    assert past["results"] == []
    garbage = await _inline(bot, "saga", offset="-1; DROP")
    assert [r["id"] for r in garbage["results"]] == [r["id"] for r in first["results"]]


async def test_another_users_library_is_never_visible(bot, ada):
    ada.add("Dune", "Frank Herbert")
    assert (await _inline(bot, "dune", person=BOB))["results"] == []
    assert (await _inline(bot, "", person=BOB))["results"] == []


async def test_new_user_gets_an_empty_list(bot):
    from bot.console.fake_updates import Person

    answer = await _inline(bot, "anything", person=Person(id=999, first_name="Newcomer"))
    assert answer["results"] == []


async def test_odd_inline_queries_are_answered(bot, ada):
    ada.add("Tom & Jerry <3", "Someone <Else>")
    for query in ("<Tag>", '"unclosed', "year:abc", "x" * 300, "🙂", "is:read"):
        answer = await _inline(bot, query)
        assert isinstance(answer["results"], list)
    text = (await _inline(bot, "jerry"))["results"][0]["input_message_content"]["message_text"]
    assert "Tom &amp; Jerry &lt;3" in text and "Someone &lt;Else&gt;" in text
