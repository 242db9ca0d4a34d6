"""Import, export, backup and restore through the real Application (FakeBotApi), on both engines.

Documents are uploaded through the FakeBotApi (getFile + download); the dry-run numbers are compared
with ``plan_import`` run on the same library in the test; what lands in the database is read back
through the services.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from bot.console.fake_api import Call
from bot.handlers import data as data_handlers
from bot.handlers.data import DATA_FILES
from bot.runtime.access import resolve
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services.importing import import_file, plan_import
from tests.bot.adding_helpers import (
    actor,
    all_books_snapshot,
    answers,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, ADA_CHAT, BOB, GROUP
from tests.importing import synthetic
from tests.importing.conftest import MIT_EXPORT, failing_insert, goodreads_csv, goodreads_file

CSV_MIME = "text/csv"
THREE = synthetic.three_books()


def gr_file(name: str) -> bytes:
    """A Goodreads export that travels with the tests (tests/fixtures, or built by tests.importing.synthetic)."""
    return THREE if name == "three" else goodreads_file(name)


def sent(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in ("sendMessage", "sendDocument")]


def texts(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method in ("sendMessage", "editMessageText")]


def dry_run(calls: list[Call], action: str = "im") -> Call:
    """The message with the Import (or Restore) buttons."""
    found = [
        c
        for c in calls
        if c.method == "sendMessage"
        and any(b.get("callback_data", "").startswith(action + ":") for row in c.buttons for b in row)
    ]
    assert len(found) == 1, f"expected one dry-run message, got {[(c.method, c.text[:80]) for c in calls]}"
    return found[0]


def edits_of(calls: list[Call], message: Call) -> list[Call]:
    message_id = message.result["message_id"]
    return [c for c in calls if c.method == "editMessageText" and int(c.params["message_id"]) == message_id]


def plan_for(session_factory, person, data: bytes, chat=None):
    with session_scope(session_factory) as session:
        who = resolve(session, actor(person, chat))
        return plan_import(session, who.library_id, data)


def book_keys(session_factory, person, chat=None) -> list[tuple]:
    views = library_books(session_factory, person, chat)
    return sorted((b.title, tuple(a.name for a in b.authors), b.isbn13) for b in views)


def pending(bot, person=ADA) -> dict:
    return bot.application.user_data.get(person.id, {}).get(DATA_FILES, {})


def headline(plan) -> str:
    return f"{plan.format_name}: {plan.rows:,} rows — {plan.new:,} new book{'s' if plan.new != 1 else ''}"


# --------------------------------------------------------------------------- real Goodreads exports


async def test_a_real_export_imports_every_book_and_says_what_it_merged_and_could_not_keep(
    bot, session_factory
):
    data = gr_file(MIT_EXPORT)
    plan = plan_for(session_factory, ADA, data)
    assert (plan.new, plan.merged, plan.dropped_values) == (324, 2, 2)

    calls = await bot.upload(data, MIT_EXPORT, CSV_MIME)
    message = dry_run(calls)
    lines = message.text.split("\n")
    assert lines[0] == f"📥 {headline(plan)}."
    assert (
        lines[1] == "➕ 2 rows the same book as an earlier row: merged into it (one book, its copies added)"
    )
    assert "line 4 “The Subtle Knife”: same book as line 3" in message.text
    assert (
        "⚠️ 2 values I couldn't keep, in 1 book: the books come in without them; each value stays in its "
        "book's import note and in /problems." in message.text
    )
    assert "line 126 “Diamonds in the Sky”: ISBN13 “Contributor” (not an ISBN)" in message.text
    assert lines[-1] == "Import the 324 new books?"
    assert message.button_texts() == ["📥 Import 324", "✗ Cancel"]
    assert library_books(session_factory, ADA) == []  # the dry run wrote nothing
    [entry] = pending(bot).values()
    assert "file_id" in entry and not any(isinstance(v, bytes) for v in entry.values())

    calls = await bot.tap(message, "Import")
    assert texts(calls)[-1] == (
        "✓ Imported 324 books from the Goodreads export. 2 rows became more copies of a book above."
    )
    assert len(library_books(session_factory, ADA)) == 324
    assert pending(bot) == {}
    with session_scope(session_factory) as session:  # readings belong to the importing user
        who = resolve(session, actor(ADA))
        owners = set(session.scalars(select(db.Reading.user_id)))
        assert owners <= {who.user_id}

    # the same file again: nothing new
    calls = await bot.upload(data, MIT_EXPORT, CSV_MIME)
    reply = sent(calls)[-1]
    assert reply.buttons == []
    assert reply.text == "📥 Goodreads export: 326 rows — 0 new — all 326 are already in your library."
    assert len(library_books(session_factory, ADA)) == 324


async def test_rows_without_a_title_are_refused_by_line_and_the_others_come_in(bot, session_factory):
    message = dry_run(await bot.upload(synthetic.long_values(), "long.csv", CSV_MIME))
    assert "Goodreads export: 10 rows — 9 new books." in message.text
    assert "✗ 1 row refused (no title): line 10" in message.text
    assert "⚠️ 5 values I couldn't keep, in 5 books" in message.text
    calls = await bot.tap(message, "Import")
    assert texts(calls)[-1] == "✓ Imported 9 books from the Goodreads export. 1 row without a title left out."
    titles = sorted(b.title for b in library_books(session_factory, ADA))
    assert "Normativa técnica" in titles and len(titles) == 9
    # /problems lists the books whose values stayed in the import note
    reply = sent(await bot.send("/problems"))[-1]
    assert "Values the import couldn't keep</b>: 5" in reply.text


async def test_the_import_goes_into_the_group_library_in_a_group(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME, chat=GROUP))
    await bot.tap(message, "Import")
    assert len(library_books(session_factory, ADA, GROUP)) == 3
    assert library_books(session_factory, ADA) == []


# --------------------------------------------------------------------------- progress, cancel, failure


async def test_progress_edits_the_one_message(bot, session_factory):
    rows = [{"Title": f"Book {i}", "Author": f"Author {i % 9}", "Bookshelves": "sf"} for i in range(1200)]
    data = goodreads_csv(rows)
    message = dry_run(await bot.upload(data, "big.csv", CSV_MIME))
    assert "1,200 rows — 1,200 new books." in message.text
    calls = await bot.tap(message, "Import")
    edits = edits_of(calls, message)
    assert [c for c in calls if c.method in ("sendMessage", "sendDocument")] == []  # one message only
    progress = [c.text for c in edits if "Importing…" in c.text]
    # the first batch is reported at once; later ones only after 2 seconds
    assert progress[0] == "⏳ Importing… 500 of 1,200"
    assert edits[0].text == "⏳ Importing 1,200 books…"
    assert edits[-1].text == "✓ Imported 1,200 books from the Goodreads export."
    assert len(library_books(session_factory, ADA)) == 1200


async def test_progress_is_throttled():
    """Progress called from a worker thread: the first report edits, the next ones within 2 s do not."""
    import asyncio

    from telegram import Bot

    from bot.console.fake_api import FakeBotApi

    api = FakeBotApi()
    bot = Bot("123:abc", request=api)
    progress = data_handlers.Progress(bot, 101, 55, "Importing")
    await asyncio.to_thread(lambda: [progress(n, 10_000) for n in (500, 1000, 1500, 10_000)])
    await progress.settle()
    assert progress.reported == [(500, 10_000)]
    edits = api.of("editMessageText")
    assert [(c.params["message_id"], c.text) for c in edits] == [(55, "⏳ Importing… 500 of 10,000")]


async def test_cancel_writes_nothing_and_the_buttons_expire(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME))
    calls = await bot.tap(message, "Cancel")
    assert texts(calls)[-1] == "Cancelled — nothing was imported."
    calls = await bot.tap(message, "Import")  # the old button
    assert answers(calls) == [data_handlers.EXPIRED]
    assert library_books(session_factory, ADA) == []
    assert pending(bot) == {}


async def test_a_database_failure_mid_import_leaves_the_library_as_it_was(
    bot, session_factory, engine, caplog
):
    import_into(session_factory, ADA, goodreads_csv([{"Title": "Already here", "Author": "Ann Author"}]))
    before = all_books_snapshot(session_factory)
    rows = [{"Title": f"Book {i}", "Author": f"Author {i % 9}", "Bookshelves": "sf"} for i in range(1200)]
    rows[1100]["Title"] = "Explode"  # in the third batch: two batches are written before it fails
    message = dry_run(await bot.upload(goodreads_csv(rows), "big.csv", CSV_MIME))
    with failing_insert(engine, "Explode"):
        calls = await bot.tap(message, "Import")
    edits = [c.text for c in edits_of(calls, message)]
    assert "⏳ Importing… 500 of 1,200" in edits
    assert edits[-1] == (
        "✗ The import failed on my side. Nothing was changed: your library is as it was. You can try again."
    )
    assert all_books_snapshot(session_factory) == before
    assert any(r.name == "bot.handlers.data" and r.levelname == "ERROR" for r in caplog.records)
    # the failure kept the file: the same button now imports it
    retry = edits_of(calls, message)[-1]
    calls = await bot.tap(retry, "Import 1,200")
    assert texts(calls)[-1] == "✓ Imported 1,200 books from the Goodreads export."
    assert len(library_books(session_factory, ADA)) == 1201


async def test_a_file_gone_before_confirming_changes_nothing(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME))
    bot.api.files.clear()  # Telegram no longer serves the file
    calls = await bot.tap(message, "Import")
    assert texts(calls)[-1] == data_handlers.DOWNLOAD_AGAIN_FAILED
    assert library_books(session_factory, ADA) == []


async def test_a_double_tap_imports_once(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME))
    await bot.tap(message, "Import")
    calls = await bot.tap(message, "Import")
    assert answers(calls) == [data_handlers.EXPIRED]
    assert len(library_books(session_factory, ADA)) == 3


# --------------------------------------------------------------------------- bad files


def utf16_without_bom() -> bytes:
    return goodreads_csv([{"Title": "Dune", "Author": "Frank Herbert"}]).decode().encode("utf-16-le")


async def test_a_utf16_file_without_a_bom_is_read(bot, session_factory):
    message = dry_run(await bot.upload(utf16_without_bom(), "books.csv", CSV_MIME))
    assert "Goodreads export: 1 row — 1 new book." in message.text
    await bot.tap(message, "Import")
    assert [b.title for b in library_books(session_factory, ADA)] == ["Dune"]


@pytest.mark.parametrize(
    ("content", "file_name", "mime", "expected"),
    [
        (b"\x00\x01\x02\x03binary\xff\xfe\x00" * 20, "books.csv", CSV_MIME, "not a CSV file"),
        (b"%PDF-1.7\n%binary", "books.csv", CSV_MIME, "looks like a PDF"),
        (b"", "books.csv", CSV_MIME, "The file is empty."),
        (b"  \n\n", "books.txt", "text/plain", "The file is empty."),
        (goodreads_csv([]), "books.csv", CSV_MIME, "column names but no books"),
        (b"name,price\nDune,10\n", "books.csv", CSV_MIME, "I don't recognise this file"),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "books.csv", CSV_MIME, "I don't recognise this file"),
        (b'{"hello": 1}', "backup.json", "application/json", "not a Librium backup"),
        (b"not json at all", "backup.json", "application/json", "not a Librium backup (it is not JSON)"),
    ],
)
async def test_bad_files_get_a_clear_answer_and_change_nothing(
    bot, session_factory, content, file_name, mime, expected
):
    calls = await bot.upload(content, file_name, mime)
    [reply] = sent(calls)
    assert expected in reply.text
    assert "Nothing was" in reply.text
    assert reply.buttons == []
    assert library_books(session_factory, ADA) == []
    assert pending(bot) == {}


async def test_a_utf16_file_with_a_bom_is_read(bot, session_factory):
    data = "\ufeff".encode("utf-16-le") + goodreads_csv(
        [{"Title": "Dune", "Author": "Frank Herbert"}, {"Title": "Emma", "Author": "Jane Austen"}]
    ).decode().encode("utf-16-le")
    message = dry_run(await bot.upload(data, "books.csv", CSV_MIME))
    assert "2 rows — 2 new" in message.text
    await bot.tap(message, "Import")
    assert sorted(b.title for b in library_books(session_factory, ADA)) == ["Dune", "Emma"]


async def test_too_many_rows_is_refused(bot, session_factory):
    rows = "".join(f"Book {i},Ann Author\n" for i in range(50_001))
    data = ("Title,Author,Exclusive Shelf\n" + rows).encode()
    [reply] = sent(await bot.upload(data, "huge.csv", CSV_MIME))
    assert "more than 50,000 books" in reply.text and "Nothing was imported" in reply.text
    assert library_books(session_factory, ADA) == []


async def test_an_oversized_file_is_refused_before_downloading(bot, session_factory):
    file_id = bot.api.add_file(b"Title,Author\n")
    update = bot.updates.document(ADA, ADA_CHAT, file_id, 25 * 1024 * 1024, "huge.csv", CSV_MIME)
    calls = await bot.process(update)
    assert [c.text for c in sent(calls)] == [data_handlers.TOO_BIG]
    assert not [c for c in calls if c.method == "getFile"]


async def test_a_document_that_cannot_be_downloaded_is_answered(bot):
    update = bot.updates.document(ADA, ADA_CHAT, "gone-file-id", 100, "books.csv", CSV_MIME)
    calls = await bot.process(update)
    assert [c.text for c in sent(calls)] == [data_handlers.DOWNLOAD_FAILED]


@pytest.mark.parametrize(
    ("file_name", "mime", "expected"),
    [
        ("books.pdf", "application/pdf", "I can't read a PDF."),
        ("books.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "save it as CSV"),
        ("archive.bin", "application/octet-stream", "I can't read a .bin file."),
    ],
)
async def test_other_documents_get_a_clear_answer_without_download(bot, file_name, mime, expected):
    calls = await bot.upload(b"%PDF-1.4 whatever", file_name, mime)
    [reply] = sent(calls)
    assert expected in reply.text and "CSV export" in reply.text
    assert not [c for c in calls if c.method == "getFile"]


async def test_other_documents_in_a_group_are_ignored(bot):
    calls = await bot.upload(b"%PDF-1.4", "minutes.pdf", "application/pdf", chat=GROUP)
    assert sent(calls) == []


async def test_an_image_document_still_goes_to_the_scanner(bot):
    calls = await bot.upload(b"not really a png", "cover.png", "image/png")
    [reply] = sent(calls)
    assert "CSV" not in reply.text  # the barcode scanner answered, not the importer


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("forged", ["im:AAAAAAAA:go", "im:AAAAAAAA:skip", "rs:zzzz:go", "im", "im:x:drop"])
async def test_forged_tokens_expire(bot, session_factory, forged):
    message = sent(await bot.send("/help"))[0]
    calls = await bot.callback(message, forged)
    assert answers(calls) == [data_handlers.EXPIRED]
    assert library_books(session_factory, ADA) == []


async def test_another_user_cannot_confirm_your_import(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME, chat=GROUP))
    calls = await bot.tap(message, "Import", person=BOB)
    assert answers(calls) == [data_handlers.EXPIRED]
    assert library_books(session_factory, ADA, GROUP) == []
    # Ada's token is still hers
    await bot.tap(message, "Import")
    assert len(library_books(session_factory, ADA, GROUP)) == 3


async def test_a_token_from_another_chat_expires(bot, session_factory):
    data = gr_file("three")
    message = dry_run(await bot.upload(data, "export.csv", CSV_MIME))
    [token] = pending(bot)
    group_message = sent(await bot.send("/help", chat=GROUP))[0]
    calls = await bot.callback(group_message, f"im:{token}:go")
    assert answers(calls) == [data_handlers.EXPIRED]
    assert library_books(session_factory, ADA, GROUP) == []
    assert message  # the original button still works in its own chat
    await bot.tap(message, "Import")
    assert len(library_books(session_factory, ADA)) == 3


# --------------------------------------------------------------------------- export, backup, restore


def import_into(session_factory, person, data: bytes, chat=None) -> int:
    with session_scope(session_factory) as session:
        who = resolve(session, actor(person, chat))
        return import_file(session, who.library_id, data, user_id=who.user_id).added


async def test_export_of_an_empty_library_is_a_friendly_line(bot):
    calls = await bot.send("/export")
    assert [c.text for c in sent(calls)] == [data_handlers.EMPTY_LIBRARY]
    calls = await bot.send("/backup")
    assert [c.text for c in sent(calls)] == [data_handlers.EMPTY_LIBRARY]


async def test_export_sends_a_goodreads_csv_and_a_json_dump(bot, session_factory):
    added = import_into(session_factory, ADA, synthetic.layout_2026())
    expected = book_keys(session_factory, ADA)
    assert len(expected) == added > 0

    calls = await bot.send("/export")
    documents = [c for c in calls if c.method == "sendDocument"]
    assert len(documents) == 2
    csv_doc, json_doc = documents
    assert "StoryGraph" in csv_doc.text and "Goodreads" in csv_doc.text
    rows = list(csv.DictReader(io.StringIO(csv_doc.files["document"].decode("utf-8"))))
    assert len(rows) == added
    assert sorted(r["Librium Title"] for r in rows) == sorted(t for t, _a, _i in expected)
    # the Goodreads "Title" column carries the series back in parentheses, as Goodreads writes it
    assert all(r["Title"].startswith(r["Librium Title"]) for r in rows)
    assert sorted(r["Author"] for r in rows) == sorted(a[0] if a else "" for _t, a, _i in expected)
    isbns = {r["ISBN13"].strip('="') for r in rows} - {""}
    assert isbns == {i for _t, _a, i in expected if i}

    dump = json.loads(json_doc.files["document"])
    assert dump["format"] == "librium-dump"
    assert sorted(b["title"] for b in dump["books"]) == sorted(t for t, _a, _i in expected)


async def test_export_then_restore_into_another_users_empty_library(bot, session_factory):
    import_into(session_factory, ADA, gr_file(MIT_EXPORT))
    ada_books = book_keys(session_factory, ADA)
    json_doc = [c for c in await bot.send("/export") if c.method == "sendDocument"][1]
    dump = json_doc.files["document"]

    calls = await bot.upload(dump, "librium-2026-11-26.json", "application/json", person=BOB)
    message = dry_run(calls, "rs")
    assert f"Backup of {len(ada_books)} books: {len(ada_books)} would be added" in message.text
    assert library_books(session_factory, BOB) == []
    calls = await bot.tap(message, "Restore", person=BOB)
    assert texts(calls)[-1].startswith(f"✓ Restored: {len(ada_books)} added, 0 changed")
    assert book_keys(session_factory, BOB) == ada_books
    assert book_keys(session_factory, ADA) == ada_books

    # the backup sent back to the library it came from: nothing to restore
    calls = await bot.upload(dump, "librium-2026-11-26.json", "application/json")
    reply = sent(calls)[-1]
    assert "nothing to restore" in reply.text and reply.buttons == []


async def test_backup_sends_the_dump_and_a_json_named_txt_is_still_a_backup(bot, session_factory):
    import_into(session_factory, ADA, gr_file("three"))
    [document] = [c for c in await bot.send("/backup") if c.method == "sendDocument"]
    assert "Backup of 3 books" in document.text
    dump = document.files["document"]
    assert len(json.loads(dump)["books"]) == 3

    message = dry_run(await bot.upload(dump, "backup.txt", "text/plain", person=BOB), "rs")
    calls = await bot.tap(message, "Cancel", person=BOB)
    assert texts(calls)[-1] == "Cancelled — nothing was restored."
    assert library_books(session_factory, BOB) == []


async def test_restore_progress_and_a_changed_book(bot, session_factory):
    rows = [{"Title": f"Book {i}", "Author": "Ann Author"} for i in range(1100)]
    import_into(session_factory, ADA, goodreads_csv(rows))
    [document] = [c for c in await bot.send("/backup") if c.method == "sendDocument"]
    message = dry_run(
        await bot.upload(document.files["document"], "b.json", "application/json", person=BOB), "rs"
    )
    calls = await bot.tap(message, "Restore", person=BOB)
    edits = edits_of(calls, message)
    assert "⏳ Restoring… 500 of 1,100" in [c.text for c in edits]
    assert edits[-1].text.startswith("✓ Restored: 1,100 added")
    assert len(library_books(session_factory, BOB)) == 1100


async def test_weekly_backup_switch(bot, session_factory):
    calls = await bot.send("/backup weekly on")
    assert sent(calls)[-1].text.startswith("💾 Weekly backup on: every Sunday")
    with session_scope(session_factory) as session:
        user = session.scalar(select(db.User).where(db.User.telegram_id == ADA.id))
        assert user.weekly_backup is True
        kinds = session.execute(
            select(db.Reminder.kind, db.Reminder.chat_id).where(db.Reminder.user_id == user.id)
        ).all()
        assert ("backup", ADA.id) in [tuple(k) for k in kinds]
    calls = await bot.send("/backup weekly off")
    assert sent(calls)[-1].text.startswith("Weekly backup off.")
    with session_scope(session_factory) as session:
        user = session.scalar(select(db.User).where(db.User.telegram_id == ADA.id))
        assert user.weekly_backup is False
    calls = await bot.send("/backup sometimes")
    assert "/backup weekly on" in sent(calls)[-1].text


async def test_weekly_backup_from_a_group_goes_to_the_private_chat(bot, session_factory):
    calls = await bot.send("/backup weekly on", chat=GROUP)
    assert "in our private chat" in sent(calls)[-1].text
    with session_scope(session_factory) as session:
        chats = set(session.scalars(select(db.Reminder.chat_id).where(db.Reminder.kind == "backup")))
    assert chats == {ADA.id}
