"""A few hundred random updates through the real Application: each gets a reply and none raises.

Random unicode, very long text, empty-ish text, Markdown/HTML specials, random commands (known and
unknown, with random arguments), random and forged callback data (garbage, oversized, other
libraries' ids, valid shapes with random numbers) and random inline queries. For every update the bot
must answer (a message or an edit for a message, an answer for a callback or an inline query), must not
apologise (that is the error handler firing) and must not log at ERROR.
"""

from __future__ import annotations

import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console.fake_api import BOT_USER
from bot.console.fake_updates import Chat
from bot.runtime.errors import APOLOGY
from tests.bot.harness import ADA, BOB, GROUP
from tests.bot.querying_data import Library

COMMANDS = [
    "start", "help", "library", "find", "authors", "series", "genres", "shelves", "unread", "reading",
    "loans", "stats", "add", "cancel", "FIND", "find@librium_bot", "nosuchcommand", "x",
]  # fmt: skip
SPECIALS = "<>&*_`[]()~#+-=|{}.!\\\"'/:@ \n"
ACTIONS = [
    "b",
    "st",
    "rt",
    "ed",
    "sh",
    "ln",
    "del",
    "undo",
    "ow",
    "add",
    "af",
    "pg",
    "au",
    "se",
    "gn",
    "lo",
    "noop",
]

# Telegram sends UTF-8: lone surrogates never arrive.
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
long_text = st.builds(
    lambda chunk, times: (chunk * (5000 // len(chunk) + times))[:6000],
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
    st.integers(1, 50),
)
emptyish = st.sampled_from(["", " ", "\n", "\t \n", "\u200b", "\u00a0", "\ufeff", "…", "."])
specials = st.text(st.sampled_from(list(SPECIALS)), min_size=1, max_size=60) | st.sampled_from(
    ["<b>", "</i>", "<a href='x'>", "&amp;", "&#0;", "*bold*", "_it_", "[l](http://x)", "`c`", "```", "<>"]
)
commands = st.builds(
    lambda name, args: f"/{name}" + (f" {args}" if args else ""),
    st.sampled_from(COMMANDS),
    st.one_of(
        st.just(""), unicode_text, specials, st.sampled_from(["dune", "author:her year:abc", "is:read"])
    ),
)
texts = st.one_of(
    unicode_text, long_text, emptyish, specials, commands, st.sampled_from(["dune", "Dune by X"])
)

number = st.one_of(st.integers(-5, 10**6), st.just(2**63), st.just(10**30)).map(str)
arg = st.one_of(
    number, st.from_regex(r"[A-Za-z0-9_.\-]{0,12}", fullmatch=True), st.sampled_from(["q", "e", "ret"])
)
shaped = st.builds(
    lambda action, args: ":".join([action, *args]), st.sampled_from(ACTIONS), st.lists(arg, max_size=4)
)
callback_data = st.one_of(
    shaped,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.builds(lambda n: "pg:q:1:" + "x" * n, st.integers(40, 200)),
    st.sampled_from(["", ":", "::::", "pg", "noop", "b:", "b:1", "au:1", "se:1:1", "gn:0", "lo:1:-1"]),
)

# Replies to a card (Ada's real books, or ids nobody has): "it" means the card's book.
reply_texts = st.one_of(
    texts,
    st.sampled_from(
        [
            "lend it to Bob", "finished it", "who has it?", "have I read it?", "year 1965", "pages: 0",
            "series x 1", "delete it", "rate it 4", "rate it 5.5", "it is back", "on page 5 of it",
            "what's unread in this series?", "set the year of it to 99999", "title", "notes -", "bought it",
        ]
    ),
)  # fmt: skip
replies = st.tuples(reply_texts, st.one_of(st.integers(1, 40), st.just(2**31 - 1), st.just(2**40)))

events = st.one_of(
    st.tuples(st.just("message"), texts, st.sampled_from(["ada", "bob"])),
    st.tuples(st.just("reply"), replies, st.sampled_from(["ada", "bob"])),
    st.tuples(st.just("group"), commands, st.just("ada")),
    st.tuples(st.just("callback"), callback_data, st.sampled_from(["ada", "bob"])),
    st.tuples(
        st.just("inline"), st.one_of(unicode_text, specials, st.just("")), st.sampled_from(["ada", "bob"])
    ),
)

PEOPLE = {"ada": ADA, "bob": BOB}


class ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors():
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def seeded(session_factory) -> Library:
    ada = Library(session_factory, ADA)
    for n in range(12):
        ada.add(
            f"Dune part {n}",
            "Frank Herbert",
            series="Dune",
            series_index=n + 1,
            genres=["SF"],
            location="Hall",
        )
    Library(session_factory, BOB).add("Bob's own book", "Bob Writer")
    return ada


def _message_for_callbacks(person) -> dict:
    return {
        "message_id": 1,
        "date": 0,
        "chat": {"id": person.id, "type": "private"},
        "from": BOT_USER,
        "text": "x",
    }


async def _tap_a_real_button(bot, index: int, person):
    """Tap a button of the newest message the bot sent or edited (a search list if there is none)."""
    with_buttons = [
        c
        for c in bot.api.calls
        if isinstance(c.result, dict) and any("callback_data" in b for row in c.buttons for b in row)
    ]
    if not with_buttons:
        await bot.send("/find dune")
        return await _tap_a_real_button(bot, index, person)
    call = with_buttons[-1]
    data = [b["callback_data"] for row in call.buttons for b in row if "callback_data" in b]
    return await bot.callback(call, data[index % len(data)], person)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1500")),  # per engine: thousands in all
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(event=events)
async def test_every_update_gets_an_answer_and_nothing_raises(bot, seeded, errors, event):
    kind, payload, who = event
    person = PEOPLE[who]
    errors.records.clear()
    if kind == "message":
        calls = await bot.send(payload, person=person)
    elif kind == "group":
        calls = await bot.send(payload, person=person, chat=GROUP)
    elif kind == "reply":
        text, book_id = payload
        card = _message_for_callbacks(person)
        card["reply_markup"] = {
            "inline_keyboard": [[{"text": "✓ Read", "callback_data": f"st:{book_id}:read"}]]
        }
        update = bot.updates.message(person, Chat(id=person.id), text, reply_to_message=card)
        calls = await bot.process(update)
    elif kind == "callback":
        calls = await bot.process(bot.updates.callback(person, _message_for_callbacks(person), payload))
    elif kind == "tap":
        calls = await _tap_a_real_button(bot, payload, person)
    else:
        calls = await bot.process(bot.updates.inline_query(person, payload))
    methods = [c.method for c in calls]
    if kind in ("message", "group", "reply"):
        assert {"sendMessage", "editMessageText", "sendPhoto"} & set(methods), (str(payload)[:80], methods)
    elif kind in ("callback", "tap"):
        assert methods.count("answerCallbackQuery") == 1, (payload, methods)
    else:
        assert methods.count("answerInlineQuery") == 1, (payload[:80], methods)
    said = " ".join(str(c.params.get("text", "")) for c in calls)
    assert APOLOGY not in said, (kind, str(payload)[:80])
    assert not errors.records, [r.getMessage() for r in errors.records]
    for call in calls:
        assert len(call.text) <= 4096
