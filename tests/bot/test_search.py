"""Search through the real Application: /find, result lists, paging by editing, stale tokens, scoping."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat import callbacks
from bot.screens import search as search_handlers
from tests.bot.harness import ADA, BOB, last_text
from tests.bot.querying_data import Library


@pytest.fixture
def ada(session_factory) -> Library:
    return Library(session_factory, ADA)


def _answers(calls) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


async def test_find_lists_books_with_author_year_and_marks(bot, ada):
    dune = ada.add("Dune", "Frank Herbert", year=1965, status="read")
    messiah = ada.add("Dune Messiah", "Frank Herbert", year=1969)
    ada.add("Neuromancer", "William Gibson", year=1984)
    ada.lend(messiah, "Bob", dt.date(2025, 1, 5))

    calls = await bot.send("/find dune")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 1
    text = sent[0].text
    assert "<b>Dune</b> — Frank Herbert, 1965 ✓" in text
    assert "<b>Dune Messiah</b> — Frank Herbert, 1969 🤝" in text
    assert "Neuromancer" not in text
    assert "2 books" in text
    data = [b["callback_data"] for row in sent[0].buttons for b in row]
    assert callbacks.encode("b", dune) in data and callbacks.encode("b", messiah) in data


async def test_accents_prefixes_and_filters(bot, ada):
    ada.add("Cien años de soledad", "Gabriel García Márquez", year=1967)
    ada.add("El amor en los tiempos del cólera", "Gabriel García Márquez", year=1985)
    ada.add("The Hobbit", "J. R. R. Tolkien", year=1937)

    assert "Cien años de soledad" in last_text(await bot.send("/find anos soledad"))
    text = last_text(await bot.send("/find marquez"))
    assert "Cien años" in text and "cólera" in text and "Hobbit" not in text
    assert "The Hobbit" in last_text(await bot.send("/find hobb"))
    text = last_text(await bot.send("/find author:garcia year:1980..1990"))
    assert "cólera" in text and "Cien años" not in text


async def test_query_warnings_are_one_short_line(bot, ada):
    ada.add("Dune", "Frank Herbert", year=1965)
    text = last_text(await bot.send("/find dune year:abc"))
    assert "didn't understand 'year:abc'" in text
    assert "Dune" in text


async def test_nothing_matches_suggests_adding(bot, ada):
    ada.add("Dune", "Frank Herbert")
    text = last_text(await bot.send("/find xyzzy"))
    assert "Nothing matches “xyzzy”" in text
    assert "Title by Author" in text


async def test_find_without_words_explains(bot):
    text = last_text(await bot.send("/find"))
    assert "/find" in text and "author:" in text


async def test_html_in_titles_and_queries_is_escaped(bot, ada):
    ada.add("<b>Bold</b> & Brave", "A <i>Person</i>")
    text = last_text(await bot.send("/find bold"))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Brave" in text
    assert "A &lt;i&gt;Person&lt;/i&gt;" in text
    text = last_text(await bot.send("/find <zz> & <yy>"))
    assert "&lt;zz&gt; &amp; &lt;yy&gt;" in text


async def test_paging_edits_the_same_message(bot, ada):
    for n in range(1, 21):
        ada.add(f"Saga volume {n:02d}", "Anne Author", year=2000 + n)

    first = (await bot.send("/find saga"))[-1]
    assert first.method == "sendMessage"
    assert "Page 1 of 3 · 20 books" in first.text
    assert "Saga volume 01" in first.text and "Saga volume 08" in first.text
    assert "Saga volume 09" not in first.text
    assert "1/3" in first.button_texts() and "Next ▶" in first.button_texts()
    assert "◀ Prev" not in first.button_texts()
    message_id = first.result["message_id"]

    calls = await bot.tap(first, "Next ▶")
    assert _answers(calls) == [""], "the tap is answered once, silently"
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 1 and not [c for c in calls if c.method == "sendMessage"]
    second = edits[0]
    assert int(second.params["message_id"]) == message_id
    assert "Page 2 of 3 · 20 books" in second.text
    assert "9. <b>Saga volume 09</b>" in second.text and "16. <b>Saga volume 16</b>" in second.text
    assert "Saga volume 08" not in second.text and "Saga volume 17" not in second.text
    assert {"◀ Prev", "2/3", "Next ▶"} <= set(second.button_texts())

    third = (await bot.tap(second, "Next ▶"))[-1]
    assert "Page 3 of 3" in third.text and "Saga volume 20" in third.text
    assert "Next ▶" not in third.button_texts()
    back = (await bot.tap(third, "◀ Prev"))[-1]
    assert back.method == "editMessageText" and int(back.params["message_id"]) == message_id
    assert "Page 2 of 3" in back.text

    counter = await bot.tap(back, "2/3")
    assert [c.method for c in counter] == ["answerCallbackQuery"]


async def test_page_beyond_the_end_shows_the_last_page(bot, ada):
    for n in range(10):
        ada.add(f"Saga {n}", "Anne Author")
    first = (await bot.send("/find saga"))[-1]
    next_data = next(b["callback_data"] for row in first.buttons for b in row if b["text"] == "Next ▶")
    pager = callbacks.decode(next_data)
    calls = await bot.callback(first, callbacks.encode("pg", pager.arg(0), 99, pager.arg(2)))
    assert "Page 2 of 2" in last_text(calls)


async def test_stale_unknown_or_garbled_pager_data_expires(bot, ada):
    ada.add("Dune", "Frank Herbert")
    first = (await bot.send("/find dune"))[-1]
    not_utf8 = base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode()
    blank = base64.urlsafe_b64encode(b"   ").decode()
    for data in (
        "pg:q:2:nosuchtoken",
        "pg:q:2",
        "pg:q:x:y",
        "pg:s:2",
        "pg:s:2:a",
        f"pg:s:2:{not_utf8}",
        f"pg:s:2:{blank}",
    ):
        calls = await bot.callback(first, data)
        assert _answers(calls) == ["This list has expired — search again."], data
        assert not [c for c in calls if c.method in ("editMessageText", "sendMessage")]


LONG = "old saga is:unread sort:title year:1990..2030"  # too long for a pager to carry


async def test_old_long_searches_expire_after_many_new_ones(bot, ada):
    for n in range(10):
        ada.add(f"Old saga {n}", "Anne Author", year=2000)
    first = (await bot.send(f"/find {LONG}"))[-1]
    assert _pager(first).arg(0) == "q"
    for n in range(35):  # 35 other long lists with a pager each
        await bot.send(f"/find saga year:{1900 + n}..2100 sort:title is:unread")
    calls = await bot.tap(first, "Next ▶")
    assert _answers(calls) == ["This list has expired — search again."]


async def test_a_short_querys_pager_carries_it_and_never_expires(bot, ada):
    """Nothing is saved for it: the pager works after many other searches and with the chat's data gone."""
    for n in range(10):
        ada.add(f"Old saga {n}", "Anne Author", year=2000)
    first = (await bot.send("/find Old sága"))[-1]
    pager = _pager(first)
    assert pager.arg(0) == "s" and search_handlers.unpack(pager.arg(2)) == "Old sága"
    for n in range(35):
        await bot.send(f"/find saga year:{1900 + n}..2100 sort:title is:unread")
    bot.application.chat_data[ADA.id].clear()
    second = (await bot.tap(first, "Next ▶"))[-1]
    assert second.method == "editMessageText" and "Page 2 of 2" in second.text
    assert "Old saga 9" in second.text
    assert _pager(second, "◀ Prev").arg(2) == pager.arg(2)


@given(st.text(max_size=40))
def test_a_carried_query_comes_back_as_it_was_sent_or_not_at_all(query):
    packed = search_handlers.pack(query)
    if len(query.encode()) > 30:
        assert packed is None
        return
    assert packed is not None
    assert callbacks.decode(callbacks.encode("pg", "s", 2**31 - 1, packed)) is not None
    assert search_handlers.unpack(packed) == (" ".join(query.split()) or None)


def _pager(call, label: str = "Next ▶") -> callbacks.Callback | None:
    data = [b["callback_data"] for row in call.buttons for b in row if b["text"] == label]
    return callbacks.decode(data[0]) if data else None


async def test_only_long_queries_with_a_pager_are_remembered_and_each_once(bot, ada):
    """A one-page answer or a short query keeps nothing for later; the same long query again reuses
    its pager's token."""
    ada.add("Dune", "Frank Herbert")
    for n in range(12):
        ada.add(f"Saga {n}", "Anne Author")
    chat_data = bot.application.chat_data[ADA.id]

    assert "Dune" in last_text(await bot.send("/find dune"))
    assert "Nothing matches" in last_text(await bot.send("/find zzz"))
    assert "Page 1 of 2" in last_text(await bot.send("/find saga"))
    assert not chat_data.get("searches")

    long = "saga author:anne is:unread sort:title"
    first = (await bot.send(f"/find {long}"))[-1]
    again = (await bot.send(long))[-1]
    assert _pager(first).arg(0) == "q" and _pager(first) == _pager(again)
    assert list(chat_data["searches"].values()) == [long]
    assert "Page 2 of 2" in last_text(await bot.tap(again, "Next ▶"))


async def test_tapping_a_result_opens_its_card(bot, ada):
    dune = ada.add("Dune", "Frank Herbert", year=1965)
    first = (await bot.send("/find dune"))[-1]
    assert first.buttons[0][0]["callback_data"] == f"b:{dune}"
    calls = await bot.tap(first, "1. Dune")
    assert len(_answers(calls)) == 1
    card = last_text(calls)
    assert "Dune" in card and "Frank Herbert" in card
    assert "Sorry" not in card


async def test_bob_never_sees_adas_books(bot, ada):
    for n in range(10):
        ada.add(f"Dune part {n}", "Frank Herbert")
    first = (await bot.send("/find dune"))[-1]
    assert "Page 1 of 2" in first.text
    assert "Nothing matches" in last_text(await bot.send("/find dune", person=BOB))
    # Bob replaying Ada's real pager data: the query runs on Bob's library, never Ada's.
    next_data = next(b["callback_data"] for row in first.buttons for b in row if b["text"] == "Next ▶")
    calls = await bot.callback(first, next_data, person=BOB)
    assert "Dune" not in " ".join(c.text for c in calls)
    assert any(c.method == "answerCallbackQuery" for c in calls)


async def test_plain_text_is_a_search(bot, ada):
    ada.add("Dune", "Frank Herbert", year=1965)
    calls = await bot.send("dune")
    text = last_text(calls)
    assert "<b>Dune</b> — Frank Herbert, 1965" in text
    assert any(b.startswith("1. Dune") for c in calls for b in c.button_texts())


async def test_group_search_uses_the_group_library_and_any_member_can_page(bot, ada):
    from tests.bot.harness import GROUP

    ada.add("Private Dune", "Frank Herbert")
    await bot.send("/start", person=BOB, chat=GROUP)
    for n in range(9):
        await bot.send(f"Group Dune {n} by Frank Herbert", person=ADA, chat=GROUP)
    first = (await bot.send("/find dune", person=ADA, chat=GROUP))[-1]
    assert "Group Dune" in first.text and "Private Dune" not in first.text
    assert "Page 1 of 2 · 9 books" in first.text
    second = (await bot.tap(first, "Next ▶", person=BOB))[-1]
    assert second.method == "editMessageText" and "Page 2 of 2" in second.text
    assert "Private Dune" not in last_text(await bot.send("/find dune", person=BOB, chat=GROUP))


async def test_a_message_too_old_to_edit_gets_the_page_as_a_new_message(bot, ada):
    for n in range(10):
        ada.add(f"Saga {n}", "Anne Author")
    first = (await bot.send("/find saga"))[-1]
    bot.api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    calls = await bot.tap(first, "Next ▶")
    assert len(_answers(calls)) == 1
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 1 and "Page 2 of 2" in sent[0].text
    assert "Sorry" not in " ".join(c.text for c in calls)

    bot.api.fail_next("editMessageText", 400, "Bad Request: message is not modified")
    calls = await bot.tap(first, "Next ▶")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
