"""SIGKILL in the middle of a CSV import: nothing of the file is kept, and the next process finishes it.

The bot applies an import in ONE transaction (bot/handlers/data.py), so a process killed while the
progress message is still counting must leave the library exactly as it was. The tap that started it
is still in the update inbox (bot/runtime/inbox.py), so the next process runs the import again, completely,
each row once.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Connection, text

from bench.importing import generate
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker
from librium.services import libraries
from librium.services.importing import plan_import
from tests.fakes.botapi_server import Call, FakeBotApi
from tests.production.conftest import BotProcess
from tests.production.test_sigkill import assert_consistent

USER = 8201
# Rows an import writes (apart from books); all must be gone with the rolled-back transaction.
ITS_TABLES = (
    "authors",
    "book_authors",
    "series",
    "book_series",
    "tags",
    "book_tags",
    "publishers",
    "book_publishers",
    "readings",
    "book_search",
)
ROWS = 12_000  # several seconds of writing on either engine (bench/importing.py: ~3,000 rows/s)


def document_update(api: FakeBotApi, user_id: int, file_id: str, name: str, size: int) -> dict[str, Any]:
    """A private message carrying a document the fake server can serve (``add_file`` first)."""
    update = api.message_update(user_id, "")
    message = update["message"]
    del message["text"]
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": file_id,
        "file_name": name,
        "mime_type": "text/csv",
        "file_size": size,
    }
    return update


def dry_run(api: FakeBotApi, since: float) -> Call:
    """The dry-run reply (the one with Import buttons) sent after ``since``."""

    def offered(calls: list[Call]) -> Call | None:
        for c in calls:
            if c.method == "sendMessage" and c.at > since and c.chat_id == USER and c.buttons:
                return c
        return None

    return api.wait_for(offered, timeout=60)


def import_button(offer: Call) -> str:
    data = [b["callback_data"] for b in offer.buttons if b["callback_data"].endswith(":go")]
    assert len(data) == 1, offer.buttons
    return data[0]


def progress_edits(calls: list[Call], since: float) -> list[Call]:
    """Edits of the status message that report rows written ("⏳ Importing… 500 of 12,000")."""
    return [
        c
        for c in calls
        if c.method == "editMessageText" and c.at > since and " of " in c.text and "Importing…" in c.text
    ]


def wait_handled(bot: BotProcess, update_id: int, timeout: float = 30) -> None:
    """Wait for the bot's log line saying it finished ``update_id`` (user_data written by then).

    No Bot API call marks that moment, so this reads the log (every 50 ms, bounded by ``timeout``).
    """
    deadline = time.monotonic() + timeout
    needle = f"update={update_id} "
    while needle not in bot.log():
        assert time.monotonic() < deadline, f"update {update_id} not handled in {timeout} s"
        time.sleep(0.05)


def send_and_tap(api: FakeBotApi, bot: BotProcess, file_id: str, size: int) -> tuple[Call, float]:
    """Send the CSV, wait for its dry run, tap Import; returns the dry run and the time of the tap.

    The tap waits until the bot is done with the document: a tap handled while the bot is still
    writing user_data reads the previous user_data (without the new token) and answers "expired".
    """
    since = time.monotonic()
    update_id = api.inject(document_update(api, USER, file_id, "goodreads_library_export.csv", size))
    offer = dry_run(api, since)
    wait_handled(bot, update_id)
    tapped_at = time.monotonic()
    api.tap(USER, import_button(offer), message_id=int(offer.params.get("message_id") or 100_000))
    return offer, tapped_at


def book_count(conn: Connection) -> int:
    return conn.scalar(text("SELECT count(*) FROM books"))


def planned_new(url: str, data: bytes) -> int:
    """What the importing service plans for ``data`` in the user's library (read only, rolled back)."""
    engine = make_engine(url)
    try:
        factory = make_sessionmaker(engine)
        with factory() as session:
            user = libraries.ensure_user(session, USER, "Ada")
            plan = plan_import(session, libraries.personal_library(session, user).id, data)
            session.rollback()
        return plan.new
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_sigkill_during_an_import_keeps_nothing_and_the_next_process_finishes_it(
    migrated_fresh_url, fake_api, start_bot
):
    data = generate(ROWS)
    file_id = fake_api.add_file(data)
    bot = start_bot(migrated_fresh_url)
    fake_api.send_text(USER, "/start")
    fake_api.wait_replies(USER, 1, timeout=30)

    offer, tapped_at = send_and_tap(fake_api, bot, file_id, len(data))
    assert f"{ROWS:,} new" in offer.text, offer.text
    # The import is under way: rows are written (inside its transaction) and the progress edit came.
    first = fake_api.wait_for(lambda calls: progress_edits(calls, tapped_at), timeout=60)[0]
    bot.kill()
    killed_at = time.monotonic()
    assert not any(c.text.startswith("✓ Imported") for c in fake_api.of("editMessageText")), (
        "the import finished before the kill: make the file bigger"
    )

    engine = make_engine(migrated_fresh_url)
    try:
        with engine.connect() as conn:
            assert_consistent(conn)
            assert book_count(conn) == 0, f"killed after {first.text!r}, yet books of the file were kept"
            for table in ITS_TABLES:
                assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == 0, table

        # The next process handles the killed one's unfinished tap from the update inbox
        # (bot/runtime/inbox.py): the import the user asked for runs again, from the start, and completes.
        expected = planned_new(migrated_fresh_url, data)
        assert expected == ROWS
        again = start_bot(migrated_fresh_url)
        done = fake_api.wait_for(
            lambda calls: [
                c
                for c in calls
                if c.method == "editMessageText" and c.at > killed_at and c.text.startswith(("✓", "✗"))
            ],
            timeout=120,
        )[0]
        assert done.text.startswith(f"✓ Imported {expected:,} books"), done.text
        with engine.connect() as conn:
            assert_consistent(conn)
            assert book_count(conn) == expected
            duplicated = conn.scalar(
                text("SELECT count(*) FROM (SELECT title FROM books GROUP BY title HAVING count(*) > 1) d")
            )
            assert duplicated == 0

        # Sending the file again finds nothing new: every row arrived once.
        since = time.monotonic()
        api_update = document_update(fake_api, USER, file_id, "goodreads_library_export.csv", len(data))
        fake_api.inject(api_update)
        offer = fake_api.wait_for(
            lambda calls: [
                c for c in calls if c.method == "sendMessage" and c.at > since and " new" in c.text
            ],
            timeout=60,
        )[0]
        assert f"0 new — all {expected:,} are already in your library" in offer.text, offer.text
        assert again.terminate() == 0, again.log()
        assert "Traceback" not in again.log()
    finally:
        engine.dispose()
