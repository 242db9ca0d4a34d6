"""Your data in and out: import a CSV sent as a document, restore a JSON backup, /export, /backup.

A CSV document (an export of Goodreads, StoryGraph, LibraryThing, Libib, Calibre, BookBuddy, Book Catalogue,
the original Librium or our own /export, or any CSV with a title column; LibraryThing's JSON too) gets a dry run
first: ONE message with the numbers (new books, rows merged as copies, already in the library, values I
couldn't keep, rows refused for having no title) and Import / Cancel. Every row with a title becomes a
book. A JSON document is a backup: the message says what a
restore would change, with Restore / Cancel.

What waits for the button is small and picklable (``user_data[DATA_FILES][token]``: the Telegram
file_id, never the bytes, and the dry run's numbers), because the database persistence stores
user_data. On confirm the file is downloaded again, planned again and applied in ONE ``dbcall.run``,
so an import or restore is all-or-nothing: a failure (or a restart) leaves the library as it was.
Progress is shown by editing that same message from the worker thread (scheduled onto the event loop,
at most every ``PROGRESS_INTERVAL`` seconds). Tokens live in the tapping user's own user_data and are
tied to the chat, so another user's tap or a forged token answers "expired"; a token is consumed
before the first await, so a double tap never imports twice (and re-importing finds only duplicates).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from telegram import Bot, Document, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.actions.book import local_today
from bot.chat import callbacks, pending
from bot.chat.taps import tapped
from bot.runtime import dbcall
from bot.runtime.access import Actor, actor_of, resolve
from bot.runtime.errors import database_unavailable
from bot.views import cards, lists
from bot.views.keyboards import button, markup
from bot.views.render import MAX_MESSAGE, esc
from librium.database.sqlalchemy import db
from librium.errors import LibriumError
from librium.i18n import N_, _, formats, ngettext
from librium.services import backup, exporting, libraries, reminders
from librium.services.importing import apply_plan, jsontable, plan_import

log = logging.getLogger(__name__)

DATA_FILES = "data_files"  # user_data key: token -> a pending import or restore
MAX_PENDING = 5  # older pending files expire first
MAX_DOWNLOAD = 20 * 1024 * 1024  # what the Bot API lets a bot download
PROGRESS_INTERVAL = 2.0  # seconds between progress edits
SHOWN_PROBLEMS = 5
SHOWN_LINES = 10  # line numbers of refused rows shown

CSV, BACKUP = "csv", "backup"

TOO_BIG = N_(
    "That file is too big for me: Telegram lets bots download files up to 20 MB. "
    "Split it into smaller files and send them one by one."
)
DOWNLOAD_FAILED = N_("I couldn't download that file. Please send it again.")
DOWNLOAD_AGAIN_FAILED = N_("I couldn't download the file again — send it once more. Nothing was changed.")
EXPIRED = N_("That button has expired — send the file again.")
UNCHANGED = N_("Nothing was changed: your library is as it was.")
WHAT_I_READ = N_(
    "I can import a CSV export of your books from Goodreads (My Books → Import and export → Export library), "
    "StoryGraph, LibraryThing (its JSON too), Libib, Calibre (a CSV catalog), BookBuddy or Book "
    "Catalogue, any CSV with a title column, or a file from /export; or restore a .json backup from /backup."
)
EMPTY_LIBRARY = N_("Your library is empty — nothing to export yet. Send me a Goodreads CSV to fill it.")
BACKUP_USAGE = N_(
    "/backup sends your backup now; <code>/backup weekly on</code> or <code>off</code> switches the weekly one."
)

_KINDS_BY_EXTENSION = {
    "pdf": N_("a PDF"),
    "xlsx": N_("an Excel workbook"),
    "xls": N_("an Excel workbook"),
    "ods": N_("a spreadsheet"),
    "numbers": N_("a Numbers spreadsheet"),
    "zip": N_("a ZIP archive"),
    "doc": N_("a Word document"),
    "docx": N_("a Word document"),
    "epub": N_("an e-book"),
    "mobi": N_("an e-book"),
}
_SPREADSHEETS = {"xlsx", "xls", "ods", "numbers"}

# Documents we read: CSV/JSON/text by name or by type. Images go to the barcode scanner (scan.py).
DATA_DOCUMENT = (
    filters.Document.FileExtension("csv")
    | filters.Document.FileExtension("json")
    | filters.Document.FileExtension("txt")
    | filters.Document.FileExtension("tsv")
    | filters.Document.Category("text/")
    | filters.Document.MimeType("application/json")
    | filters.Document.MimeType("application/csv")
)
OTHER_DOCUMENT = filters.Document.ALL & ~filters.Document.IMAGE & ~DATA_DOCUMENT


# --------------------------------------------------------------------------- pending files


def _pending(context: ContextTypes.DEFAULT_TYPE) -> dict[str, dict[str, Any]]:
    return context.user_data.setdefault(DATA_FILES, {})


def remember(context: ContextTypes.DEFAULT_TYPE, entry: dict[str, Any]) -> str:
    """Keep a pending import/restore (plain data only) and return its token."""
    return pending.keep(_pending(context), entry, MAX_PENDING)


@pending.cancel_hook("import or restore")
def _cancel_files(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """/cancel: imports and restores of this chat still waiting for a tap go; nothing was written."""
    waiting = _pending(context)
    mine = [t for t, e in waiting.items() if e.get("chat") == update.effective_chat.id]
    kinds = {waiting.pop(t).get("kind") for t in mine}
    if not kinds:
        return None
    if kinds >= {CSV, BACKUP}:
        return _("the import and the restore")
    return _("the import") if CSV in kinds else _("the restore")


def _entry_for(
    update: Update, context: ContextTypes.DEFAULT_TYPE, token: str | None, kind: str
) -> dict | None:
    entry = _pending(context).get(token or "")
    if not entry or entry.get("kind") != kind or entry.get("chat") != update.effective_chat.id:
        return None
    return entry


# --------------------------------------------------------------------------- progress


class Progress:
    """``progress(done, total)`` for the services, called in the worker thread.

    Each call that is due (the first one, then at most every ``interval`` seconds) schedules an edit of
    the one status message onto the event loop; ``settle()`` waits for those edits so none lands after
    the final text.
    """

    def __init__(
        self, bot: Bot, chat_id: int, message_id: int, verb: str, *, interval: float = PROGRESS_INTERVAL
    ):
        self.bot = bot
        self.chat_id = chat_id
        self.message_id = message_id
        self.verb = verb
        self.interval = interval
        self.loop = asyncio.get_running_loop()
        self.last: float | None = None
        self.futures: list[Future] = []
        self.reported: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        if total == 0 or done >= total:
            return  # the final message follows at once
        now = time.monotonic()
        if self.last is not None and now - self.last < self.interval:
            return
        self.last = now
        self.reported.append((done, total))
        text = _("⏳ {verb}… {done} of {total}").format(
            verb=self.verb, done=formats.number(done), total=formats.number(total)
        )
        self.futures.append(asyncio.run_coroutine_threadsafe(self._edit(text), self.loop))

    async def _edit(self, text: str) -> None:
        try:
            await self.bot.edit_message_text(text, chat_id=self.chat_id, message_id=self.message_id)
        except TelegramError as error:  # a lost progress line must never fail the import
            log.info("progress edit failed: %s", error)

    async def settle(self) -> None:
        if self.futures:
            await asyncio.gather(*(asyncio.wrap_future(f) for f in self.futures), return_exceptions=True)


# --------------------------------------------------------------------------- text helpers


def _fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def import_headline(fmt: str, rows: int, new: int) -> str:
    """ "Goodreads export: 326 rows — 310 new books" (``fmt``: the format's name, translated here)."""
    return _("{format}: {rows} — {books}").format(
        format=_(fmt), rows=lists.plural(rows, "row"), books=lists.plural(new, "new book")
    )


# --------------------------------------------------------------------------- dry runs (worker thread)


@dataclass(frozen=True)
class ImportPreview:
    format_name: str
    rows: int
    new: int
    merged: int
    in_library: int
    refused: int  # rows without a title
    refused_lines: list[int]
    dropped_values: int
    dropped_rows: int
    dropped_lines: list[str]
    merged_lines: list[str]
    warnings: list[str]
    columns_read: tuple[tuple[str, str], ...] = ()
    columns_ignored: tuple[str, ...] = ()


def _preview_import(session: Session, actor: Actor, data: bytes) -> ImportPreview:
    who = resolve(session, actor)
    plan = plan_import(session, who.library_id, data, max_bytes=MAX_DOWNLOAD)
    return ImportPreview(
        format_name=plan.format_name,
        rows=plan.rows,
        new=plan.new,
        merged=plan.merged,
        in_library=plan.in_library,
        refused=len(plan.refused),
        refused_lines=plan.refused[:SHOWN_LINES],
        dropped_values=plan.dropped_values,
        dropped_rows=plan.dropped_rows,
        dropped_lines=[str(n) for n in plan.dropped_notes[:SHOWN_PROBLEMS]],
        merged_lines=[str(n) for n in plan.merged_notes[:3]],
        warnings=list(plan.warnings),
        columns_read=plan.mapping.read if plan.mapping else (),
        columns_ignored=plan.mapping.ignored if plan.mapping else (),
    )


def columns_text(read: tuple[tuple[str, str], ...], ignored: tuple[str, ...]) -> list[str]:
    """What the generic import understood: "Columns I read: Book Title → title, …" and the ignored ones."""
    if not read:
        return []
    columns = ", ".join(f"{esc(column)} → {esc(what)}" for column, what in read)
    lines = [_("Columns I read: {columns}.").format(columns=columns)]
    if ignored:
        lines.append(
            _("Columns I ignored: {columns}.").format(columns=", ".join(esc(column) for column in ignored))
        )
    return lines


def _refused_text(p: ImportPreview) -> str:
    shown = ", ".join(formats.number(n) for n in p.refused_lines)
    if p.refused > len(p.refused_lines):
        shown += "…"
    return ngettext(
        "✗ {n} row refused (no title): line {lines}",
        "✗ {n} rows refused (no title): lines {lines}",
        p.refused,
    ).format(n=formats.number(p.refused), lines=shown)


def preview_text(p: ImportPreview) -> str:
    n = formats.number
    if p.new == 0 and p.in_library == p.rows:
        headline = _("{format}: {rows} — 0 new — all {duplicates} are already in your library").format(
            format=_(p.format_name), rows=lists.plural(p.rows, "row"), duplicates=n(p.rows)
        )
        return "📥 " + esc(headline) + "."
    lines = ["📥 " + esc(import_headline(p.format_name, p.rows, p.new)) + "."]
    lines.extend(columns_text(p.columns_read, p.columns_ignored))
    if p.merged:
        lines.append(
            ngettext(
                "➕ {n} row the same book as an earlier row: merged into it (one book, its copies added)",
                "➕ {n} rows the same book as an earlier row: merged into it (one book, its copies added)",
                p.merged,
            ).format(n=n(p.merged))
        )
        lines.extend("   • " + esc(line) for line in p.merged_lines)
    if p.in_library:
        lines.append(_("↩️ {n} already in your library: left alone").format(n=n(p.in_library)))
    if p.dropped_values:
        lines.append(
            _(
                "⚠️ {values} I couldn't keep, in {books}: the books come in without them; each value stays "
                "in its book's import note and in /problems."
            ).format(
                values=lists.plural(p.dropped_values, "value"), books=lists.plural(p.dropped_rows, "book")
            )
        )
        lines.extend("   • " + esc(line) for line in p.dropped_lines)
        if p.dropped_rows > len(p.dropped_lines):
            lines.append("   " + _("… and {n} more.").format(n=n(p.dropped_rows - len(p.dropped_lines))))
    if p.refused:
        lines.append(_refused_text(p))
    lines.extend("ℹ️ " + esc(w) for w in p.warnings)
    if p.new == 0:
        lines.append(_("Nothing to import."))
    else:
        lines.append(
            ngettext("Import the {n} new book?", "Import the {n} new books?", p.new).format(n=n(p.new))
        )
    return _fit("\n".join(lines))


def import_keyboard(token: str, new: int) -> InlineKeyboardMarkup:
    return markup(
        [button(_("📥 Import {n}").format(n=formats.number(new)), "im", token, "go")],
        [button(_("✗ Cancel"), "im", token, "no")],
    )


@dataclass(frozen=True)
class RestorePreview:
    books: int
    added: int
    changed: int
    summary: str


def _preview_restore(session: Session, actor: Actor, data: bytes) -> RestorePreview:
    who = resolve(session, actor)
    plan = backup.plan_restore(session, who.library_id, backup.read_dump(data, max_bytes=MAX_DOWNLOAD))
    return RestorePreview(len(plan.dump["books"]), len(plan.added), len(plan.changed), plan.summary())


# --------------------------------------------------------------------------- applying (one transaction)


@dataclass(frozen=True)
class ImportDone:
    format_name: str
    added: int
    duplicates: int
    merged: int
    refused: int


def _apply_import(
    session: Session, actor: Actor, data: bytes, progress: Callable[[int, int], None]
) -> ImportDone:
    who = resolve(session, actor)
    plan = plan_import(session, who.library_id, data, max_bytes=MAX_DOWNLOAD)
    result = apply_plan(session, who.library_id, plan, progress=progress, user_id=who.user_id)
    return ImportDone(plan.format_name, result.added, result.duplicates, result.merged, result.refused)


def done_text(done: ImportDone) -> str:
    n = formats.number
    if done.added == 0:
        text = _("0 new — all {n} are already in your library. Nothing was added.").format(
            n=n(done.duplicates)
        )
    else:
        text = _("✓ Imported {books} from the {format}.").format(
            books=lists.plural(done.added, "book"), format=esc(_(done.format_name))
        )
        if done.merged:
            text += " " + ngettext(
                "{n} row became another copy of a book above.",
                "{n} rows became more copies of a book above.",
                done.merged,
            ).format(n=n(done.merged))
        if done.duplicates:
            text += " " + _("{n} already in your library were left alone.").format(n=n(done.duplicates))
    if done.refused:
        text += " " + ngettext(
            "{n} row without a title left out.", "{n} rows without a title left out.", done.refused
        ).format(n=n(done.refused))
    return text


@dataclass(frozen=True)
class RestoreDone:
    added: int
    changed: int
    unchanged: int
    conflicts: int
    notes: list[str]


def _apply_restore(
    session: Session, actor: Actor, data: bytes, progress: Callable[[int, int], None]
) -> RestoreDone:
    who = resolve(session, actor)
    plan = backup.plan_restore(session, who.library_id, backup.read_dump(data, max_bytes=MAX_DOWNLOAD))
    result = backup.apply_restore(session, who.library_id, plan, progress=progress)
    notes = [_("Not restored: {what}").format(what=c) for c in plan.conflicts[:SHOWN_PROBLEMS]]
    notes += list(plan.warnings)
    return RestoreDone(result.added, result.changed, result.unchanged, result.conflicts, notes)


# --------------------------------------------------------------------------- receiving a document


async def _download(bot: Bot, file_id: str) -> bytes:
    return bytes(await (await bot.get_file(file_id)).download_as_bytearray())


def _extension(document: Document) -> str:
    name = document.file_name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _is_json(document: Document, data: bytes) -> bool:
    """JSON by name or type, or text that starts like JSON. Anything else is a CSV."""
    if _extension(document) == "json" or document.mime_type == "application/json":
        return True
    return jsontable.looks_like_json(data)


async def _is_backup(document: Document, data: bytes) -> bool:
    """A JSON file is a backup to restore, unless an app's importer reads it (LibraryThing's JSON)."""
    return _is_json(document, data) and not await asyncio.to_thread(jsontable.recognised, data)


async def on_data_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    if document.file_size and document.file_size > MAX_DOWNLOAD:
        await message.reply_text(_(TOO_BIG))
        return
    try:
        data = await _download(context.bot, document.file_id)
    except (TelegramError, RuntimeError) as error:  # RuntimeError: Telegram gave no file path
        log.info("could not download a document: %s", error)
        await message.reply_text(_(DOWNLOAD_FAILED))
        return
    if len(data) > MAX_DOWNLOAD:
        await message.reply_text(_(TOO_BIG))
        return
    await _chat_action(update, context, ChatAction.TYPING)
    if await _is_backup(document, data):
        await _offer_restore(update, context, message, document, data)
    else:
        await _offer_import(update, context, message, document, data)


async def _offer_import(update, context, message: Message, document: Document, data: bytes) -> None:
    try:
        preview = await dbcall.run(context, _preview_import, actor_of(update), data)
    except LibriumError as error:
        await message.reply_text(_("✗ {error}\nNothing was imported.").format(error=esc(error.message)))
        return
    if preview.new == 0:
        await message.reply_text(preview_text(preview))
        return
    entry = {
        "kind": CSV,
        "chat": update.effective_chat.id,
        "file_id": document.file_id,
        "name": (document.file_name or "")[:60],
        "format": preview.format_name,
        "rows": preview.rows,
        "new": preview.new,
    }
    token = remember(context, entry)
    await message.reply_text(preview_text(preview), reply_markup=import_keyboard(token, preview.new))


async def _offer_restore(update, context, message: Message, document: Document, data: bytes) -> None:
    try:
        preview = await dbcall.run(context, _preview_restore, actor_of(update), data)
    except LibriumError as error:
        await message.reply_text(_("✗ {error}\nNothing was restored.").format(error=esc(error.message)))
        return
    text = "💾 " + esc(preview.summary)
    if preview.added == 0 and preview.changed == 0:
        await message.reply_text(
            text + "\n" + _("Your library already has everything in this backup: nothing to restore.")
        )
        return
    entry = {
        "kind": BACKUP,
        "chat": update.effective_chat.id,
        "file_id": document.file_id,
        "name": (document.file_name or "")[:60],
        "books": preview.books,
        "added": preview.added,
        "changed": preview.changed,
    }
    token = remember(context, entry)
    keyboard = markup([button(_("♻️ Restore"), "rs", token, "go"), button(_("✗ Cancel"), "rs", token, "no")])
    await message.reply_text(
        _fit(text + "\n" + _("Restore it? Books not in the backup are left alone.")), reply_markup=keyboard
    )


async def on_other_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document that is neither an image nor CSV/JSON/text: say what I can read (private chats only)."""
    message = update.effective_message
    if message is None or message.document is None or actor_of(update).in_group:
        return
    extension = _extension(message.document)
    if extension in _KINDS_BY_EXTENSION:
        what = _(_KINDS_BY_EXTENSION[extension])
    elif extension:
        what = _("a .{extension} file").format(extension=esc(extension))
    else:
        what = _("this kind of file")
    text = _("I can't read {what}. {what_i_read}").format(what=what, what_i_read=_(WHAT_I_READ))
    if extension in _SPREADSHEETS:
        text = _(
            "I can't read {what}: save it as CSV (File → Export/Save as → CSV) and send that. {what_i_read}"
        ).format(what=what, what_i_read=_(WHAT_I_READ))
    await message.reply_text(text)


# --------------------------------------------------------------------------- the buttons


def _failed(what: str, error: Exception) -> str:
    """The text for an import/restore that failed outside our rules; logged here, not by on_error."""
    if database_unavailable(error):
        log.warning("database unavailable during a %s: %s", what, type(error).__name__)
        if what == "import":
            return _(
                "✗ I lost my database during the import. Nothing was changed: your library is as it was. Try again in a moment."
            )
        return _(
            "✗ I lost my database during the restore. Nothing was changed: your library is as it was. Try again in a moment."
        )
    log.error("the %s failed", what, exc_info=error)
    if what == "import":
        return _(
            "✗ The import failed on my side. Nothing was changed: your library is as it was. You can try again."
        )
    return _(
        "✗ The restore failed on my side. Nothing was changed: your library is as it was. You can try again."
    )


async def _apply_file(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    entry: dict[str, Any],
    *,
    what: str,
    work: Callable[..., Any],
    args: tuple[Any, ...],
    refused_keyboard: Callable[[], InlineKeyboardMarkup | None],
    failed_keyboard: Callable[[], InlineKeyboardMarkup | None],
) -> Any | None:
    """Fetch the file of a confirmed import or restore again and apply it in one transaction, with
    progress in the tapped message. The result, or None when it did not happen (already answered)."""
    verb = {"import": _("Importing"), "restore": _("Restoring")}[what]
    message = update.callback_query.message
    try:
        data_bytes = await _download(context.bot, entry["file_id"])
    except (TelegramError, RuntimeError) as error:
        log.info("could not download the file of a %s again: %s", what, error)
        await cards.edit_in_place(update, _(DOWNLOAD_AGAIN_FAILED))
        return None
    progress = Progress(context.bot, message.chat_id, message.message_id, verb)
    try:
        done = await dbcall.run(context, work, actor_of(update), data_bytes, *args, progress)
    except LibriumError as error:
        await progress.settle()
        text = f"✗ {esc(error.message)}"
        if "Nothing was" not in error.message:
            text += " " + _(UNCHANGED)
        await cards.edit_in_place(update, _fit(text), refused_keyboard())
        return None
    except Exception as error:  # the database or a bug: the transaction was rolled back
        await progress.settle()
        await cards.edit_in_place(update, _failed(what, error), failed_keyboard())
        return None
    await progress.settle()
    return done


@tapped
async def on_import_button(update, context, data, tap) -> None:
    token, op = data.arg(0), data.arg(1) or ""
    entry = _entry_for(update, context, token, CSV)
    if entry is None or op not in ("go", "no"):
        await tap.answer(_(EXPIRED), alert=True)
        return
    # Consumed before the first await: a second tap finds it gone.
    _pending(context).pop(token, None)
    if op == "no":
        await tap.answer(_("Cancelled."))
        await cards.edit_in_place(update, _("Cancelled — nothing was imported."))
        return
    await tap.answer(_("Importing…"))
    await cards.edit_in_place(
        update, _("⏳ Importing {books}…").format(books=lists.plural(entry["new"], "book"))
    )

    def failed() -> InlineKeyboardMarkup:
        return import_keyboard(remember(context, entry), entry["new"])

    done = await _apply_file(
        update,
        context,
        entry,
        what="import",
        work=_apply_import,
        args=(),
        refused_keyboard=lambda: None,
        failed_keyboard=failed,
    )
    if done is not None:
        await cards.edit_in_place(update, done_text(done))


@tapped
async def on_restore_button(update, context, data, tap) -> None:
    token, op = data.arg(0), data.arg(1) or ""
    entry = _entry_for(update, context, token, BACKUP)
    if entry is None or op not in ("go", "no"):
        await tap.answer(_(EXPIRED), alert=True)
        return
    _pending(context).pop(token, None)
    if op == "no":
        await tap.answer(_("Cancelled."))
        await cards.edit_in_place(update, _("Cancelled — nothing was restored."))
        return
    await tap.answer(_("Restoring…"))
    await cards.edit_in_place(
        update, _("⏳ Restoring {books}…").format(books=lists.plural(entry["books"], "book"))
    )

    def failed() -> InlineKeyboardMarkup:
        token = remember(context, entry)
        return markup([button(_("♻️ Try again"), "rs", token, "go"), button(_("✗ Cancel"), "rs", token, "no")])

    done = await _apply_file(
        update,
        context,
        entry,
        what="restore",
        work=_apply_restore,
        args=(),
        refused_keyboard=lambda: None,
        failed_keyboard=failed,
    )
    if done is None:
        return
    lines = [
        _("✓ Restored: {added} added, {changed} changed, {unchanged} left as they were.").format(
            added=formats.number(done.added),
            changed=formats.number(done.changed),
            unchanged=formats.number(done.unchanged),
        )
    ]
    if done.conflicts:
        lines.append(
            _("{books} not restored (their ISBN is on another book).").format(
                books=lists.plural(done.conflicts, "book")
            )
        )
    lines.extend(esc(n) for n in done.notes)
    await cards.edit_in_place(update, _fit("\n".join(lines)))


# --------------------------------------------------------------------------- /export and /backup


@dataclass(frozen=True)
class Export:
    books: int
    day: str
    csv: bytes | None
    json: bytes | None


def _export(session: Session, actor: Actor, with_csv: bool) -> Export:
    who = resolve(session, actor)
    books = libraries.library_summary(session, who.library_id).books
    day = local_today(who).isoformat()
    if books == 0:
        return Export(0, day, None, None)
    csv_bytes = exporting.export_goodreads_csv(session, who.library_id) if with_csv else None
    return Export(books, day, csv_bytes, exporting.export_json(session, who.library_id))


async def _chat_action(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    try:
        await context.bot.send_chat_action(update.effective_chat.id, action)
    except TelegramError:
        pass


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _chat_action(update, context, ChatAction.UPLOAD_DOCUMENT)
    export = await dbcall.run(context, _export, actor_of(update), True)
    message = update.effective_message
    if export.books == 0:
        await message.reply_text(_(EMPTY_LIBRARY))
        return
    await message.reply_document(
        export.csv,
        filename=f"librium-{export.day}.csv",
        caption=_(
            "📤 {books} in Goodreads' CSV layout: StoryGraph, Goodreads and most book apps can import it."
        ).format(books=lists.plural(export.books, "book")),
    )
    await message.reply_document(
        export.json,
        filename=f"librium-{export.day}.json",
        caption=_(
            "💾 The full backup (every field, readings, loans, reminders). Send it back to me to restore."
        ),
    )


def _weekly(session: Session, actor: Actor, on: bool) -> tuple[str | None, str]:
    """Weekly backups go to the user's private chat (a group must not get someone's own library)."""
    who = resolve(session, actor)
    user = session.get(db.User, who.user_id)
    info = reminders.set_weekly_backup(session, user, actor.telegram_id, on)
    return (info.local_time if info else None), (info.timezone if info else who.timezone)


async def backup_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    args = [a.lower() for a in (context.args or [])]
    if args:
        if len(args) != 2 or args[0] != "weekly" or args[1] not in ("on", "off"):
            await message.reply_text(_(BACKUP_USAGE))
            return
        on = args[1] == "on"
        local_time, zone = await dbcall.run(context, _weekly, actor_of(update), on)
        if on:
            if actor_of(update).in_group:
                text = _(
                    "💾 Weekly backup on: every Sunday at {time} ({zone}) I'll send your library's backup in our "
                    "private chat. /timezone changes the zone; <code>/backup weekly off</code> stops it."
                )
            else:
                text = _(
                    "💾 Weekly backup on: every Sunday at {time} ({zone}) I'll send your library's backup here. "
                    "/timezone changes the zone; <code>/backup weekly off</code> stops it."
                )
            await message.reply_text(text.format(time=esc(local_time or "—"), zone=esc(zone)))
        else:
            await message.reply_text(_("Weekly backup off. /backup still sends one whenever you ask."))
        return
    await _chat_action(update, context, ChatAction.UPLOAD_DOCUMENT)
    export = await dbcall.run(context, _export, actor_of(update), False)
    if export.books == 0:
        await message.reply_text(_(EMPTY_LIBRARY))
        return
    await message.reply_document(
        export.json,
        filename=f"librium-backup-{export.day}.json",
        caption=_(
            "💾 Backup of {books}. Keep it somewhere safe; send it back to me to restore. "
            "<code>/backup weekly on</code> sends one every week."
        ).format(books=lists.plural(export.books, "book")),
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler("export", export_command))
    application.add_handler(CommandHandler("backup", backup_command))
    application.add_handler(CallbackQueryHandler(on_import_button, pattern=callbacks.pattern("im")))
    application.add_handler(CallbackQueryHandler(on_restore_button, pattern=callbacks.pattern("rs")))
    application.add_handler(MessageHandler(DATA_DOCUMENT, on_data_file))
    application.add_handler(MessageHandler(OTHER_DOCUMENT, on_other_file))


__all__ = [
    "DATA_FILES",
    "Progress",
    "import_headline",
    "on_data_file",
    "register",
]
