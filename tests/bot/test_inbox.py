"""At-least-once polling (bot/runtime/inbox.py): fetched updates are kept until handled and replayed after a crash.

The real killed-process case is tests/production/test_polling_durability.py; here the same code runs
in-process, through the Application's own polling request (getUpdates answered by FakeBotApi).
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import event, func, select

from bot.console.fake_api import FakeBotApi
from bot.console.fake_updates import Chat, UpdateFactory
from bot.runtime.inbox import INBOX, Inbox, InboxRequest
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker
from tests.bot.adding_helpers import library_books
from tests.bot.harness import ADA


def inbox_ids(session_factory) -> list[int]:
    with session_factory() as session:
        return list(session.scalars(select(db.UpdateInbox.update_id).order_by(db.UpdateInbox.update_id)))


async def test_a_fetched_update_stays_in_the_inbox_until_it_is_handled(make_bot, session_factory):
    bot = await make_bot()
    update = bot.updates.message(ADA, Chat(id=ADA.id), "Dune by Frank Herbert")
    bot.api.deliver.append(update)
    [fetched] = await bot.application.bot.get_updates()  # the Application's polling request
    assert inbox_ids(session_factory) == [update["update_id"]], "kept before anyone handled it"

    await bot.application.process_update(fetched)
    await bot.application.bot_data[INBOX].flush()
    assert inbox_ids(session_factory) == []
    assert [b.title for b in library_books(session_factory, ADA)] == ["Dune"]


async def test_a_new_process_handles_what_a_killed_one_left_and_skips_the_resent_copy(
    make_bot, session_factory
):
    update = UpdateFactory().message(ADA, Chat(id=ADA.id), "Emma by Jane Austen")  # a killed process's
    with session_factory.begin() as session:
        session.add(db.UpdateInbox(update_id=update["update_id"], data=json.dumps(update)))

    bot = await make_bot()  # post_init replays the inbox into the running Application
    for _ in range(200):
        if any("Added" in c.text for c in bot.api.calls):
            break
        await asyncio.sleep(0.05)
    assert any("✓ Added <b>Emma</b>" in c.text for c in bot.api.calls)

    # Telegram had not seen the confirmation: it sends the same update again. It is not handled twice.
    bot.api.deliver.append(update)
    [again] = await bot.application.bot.get_updates()
    before = len(bot.api.calls)
    await bot.application.process_update(again)
    assert bot.api.calls[before:] == []
    # The replayed copy leaves the inbox once its handling is over (its reply may come a little earlier).
    for _ in range(200):
        await bot.application.bot_data[INBOX].flush()
        if not inbox_ids(session_factory):
            break
        await asyncio.sleep(0.05)
    assert inbox_ids(session_factory) == []
    assert [b.title for b in library_books(session_factory, ADA)] == ["Emma"]


async def test_without_a_database_fetched_updates_still_go_through(tmp_path):
    """A database that cannot take the batch: the updates are handed on unkept, so the handlers can
    answer "try again in a moment" (tests/production/test_database_outage.py) instead of silence."""
    broken = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite'}"))
    api = FakeBotApi()
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    api.deliver.append(update)
    request = InboxRequest(api, Inbox(broken))
    assert await request.post("https://api.telegram.org/bot1:x/getUpdates") == [update]


async def test_updates_that_never_came_by_polling_never_touch_the_inbox(make_bot, session_factory):
    bot = await make_bot()
    for _ in range(40):
        await bot.send("/help")
    await bot.application.bot_data[INBOX].flush()
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(db.UpdateInbox)) == 0


async def test_an_update_that_keeps_killing_the_process_is_given_up(session_factory):
    """Replayed at every start-up until handled, but not forever: a crash loop ends."""
    from bot.runtime.inbox import MAX_REPLAYS

    update = UpdateFactory().message(ADA, Chat(id=ADA.id), "whatever kills the process")
    with session_factory.begin() as session:
        session.add(db.UpdateInbox(update_id=update["update_id"], data=json.dumps(update)))
    inbox = Inbox(session_factory)
    for _ in range(MAX_REPLAYS):
        assert await inbox.pending() == [update]  # a process starts, replays it, and dies again
    assert await inbox.pending() == []
    assert inbox_ids(session_factory) == []


class BotStateReads:
    """Counts the statements that read user/chat data (table bot_state) while it is attached."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.seen)

    def seen(self, _conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "bot_state" in statement:
            self.count += 1


async def fetch_and_handle(bot, updates: list[dict]) -> list:
    """Deliver ``updates`` in one getUpdates answer (one batch, as polling fetches them), handle each."""
    bot.api.deliver.extend(updates)
    fetched = await bot.application.bot.get_updates()
    assert [u.update_id for u in fetched] == [u["update_id"] for u in updates]
    calls = []
    for update in fetched:
        before = len(bot.api.calls)
        await bot.application.process_update(update)
        calls += bot.api.calls[before:]
    return calls


async def test_a_fetched_batch_reads_its_users_data_with_the_batch(make_bot, engine):
    bot = await make_bot()
    await bot.send("Dune by Frank Herbert")
    chat = Chat(id=ADA.id)
    searches = [bot.updates.message(ADA, chat, text) for text in ("dune", "herbert", "frank")]
    with BotStateReads(engine) as reads:
        calls = await fetch_and_handle(bot, searches)
    assert reads.count == 1, "one read for the whole batch, none per update"
    assert len([c for c in calls if c.method == "sendMessage"]) == 3


async def test_updates_fetched_together_see_what_the_earlier_ones_changed(make_bot, engine):
    """/add then the title, sent before the bot answered: one batch. The flow /add started (in the
    user's data, written after the batch was read) must not be undone by the older copy read ahead."""
    bot = await make_bot()
    chat = Chat(id=ADA.id)
    steps = [bot.updates.message(ADA, chat, text) for text in ("/add", "Dune", "Frank Herbert")]
    with BotStateReads(engine) as reads:
        calls = await fetch_and_handle(bot, steps)
    texts = [c.text for c in calls if c.method == "sendMessage"]
    assert "What's the title?" in texts[0]
    assert "Who wrote <b>Dune</b>?" in texts[1]
    assert "part of a series" in texts[2]
    assert reads.count == 3, "the batch's read, then a fresh read for each update after a write"
