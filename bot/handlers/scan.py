"""Barcode photos: decode, say at once what is already owned, look up the rest, add all or some.

A photo (or an image sent as a file) is downloaded and decoded in the worker process, waited for in a
thread (:func:`librium.services.barcode_reads.read_elsewhere`: numpy, Pillow and zxing-cpp never load
in the bot). Every ISBN is first checked against the library
("do I own this?" is answered before any network lookup, for the user standing in a bookshop); the others
are looked up and listed in ONE message with Add all / per-book toggles / Add selected / Cancel.

The list waits in ``user_data[SCANS][token]`` (small, picklable: ISBNs, what the lookup said, the ticks);
callback ``sc:<token>:<all|sel|no|t<i>>``. After adding, the same entry keeps the added book ids so the
summary's Refresh button (``sr:<token>``) can fetch the details of books added while offline. A token of
another user or chat, or one that is gone, answers "expired"; the add itself re-checks ownership by ISBN
inside its transaction, so a double tap never adds a book twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.actions.adding import apply_metadata, placeholder_title
from bot.actions.book import local_today
from bot.chat import callbacks, pending
from bot.chat.taps import tapped
from bot.runtime import dbcall
from bot.runtime import metadata as bot_metadata
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.runtime.dbcall import SETTINGS
from bot.views import cards
from bot.views.holdings import ownership_line, title_by
from bot.views.keyboards import button, markup
from bot.views.render import MAX_MESSAGE, bold, esc, truncate
from librium import isbn as isbn_mod
from librium.errors import LibriumError
from librium.i18n import N_, _, ngettext
from librium.services import barcode_reads, books, ownership
from librium.services.books import BookInput, BookView
from librium.services.metadata import book_input_kwargs

if TYPE_CHECKING:
    from librium.services.barcode_reads import Reads

log = logging.getLogger(__name__)

SCANS = "scans"
MAX_SCANS = 10  # older scan lists expire first
MAX_ISBNS = 10  # a photo with more book barcodes than this is a shelf, not a scan
MAX_DOWNLOAD = 20 * 1024 * 1024  # what the Bot API lets a bot download
MAX_OPEN_BUTTONS = 6

NO_BARCODE = N_(
    "I couldn't read a barcode in that photo. Another try usually works:\n"
    "• closer: the barcode should fill most of the frame, and still be sharp (tap to focus)\n"
    "• flatter: the book lying flat, the phone straight above it\n"
    "• more light, and no glare: tilt the book a little away from lamps and windows\n"
    "Or type the ISBN: the 13 digits printed under the barcode (they start with 978 or 979), "
    "or the ISBN printed above it, e.g. 978-0-441-01498-9."
)
TYPE_ISBN = N_("If it is a book, type its ISBN (the digits printed above the barcode) and I'll add it.")
EXPIRED = N_("That button has expired — send the photo again.")
CANCELLED = N_("Cancelled — nothing was added.")
FETCH_FAILED = N_("details could not be fetched — tap Refresh")
DOWNLOAD_FAILED = N_("I couldn't download that image. Please send it again.")
TOO_LARGE = N_("That file is too large for me (20 MB at most). Send a photo of the barcode instead.")

# What a lookup said about an ISBN (kept in user_data as plain strings).
FOUND, NOT_FOUND, UNAVAILABLE, OFF = "found", "not_found", "unavailable", "off"


@dataclass(frozen=True)
class Owned:
    """The ownership answer for the ISBNs of one photo."""

    who: Who
    lines: list[str]  # one line per ISBN found in the library (owned or wishlist), HTML
    owned: set[str]  # ISBN-13s owned (never added again)
    wishlist: dict[str, int]  # ISBN-13 -> book id of the wishlist entry (adding = marking it owned)
    titles: dict[str, tuple[str, list[str]]]  # ISBN-13 -> (title, authors) of the library's book


def _ownership(session: Session, actor: Actor, isbns: list[str]) -> Owned:
    who = resolve(session, actor)
    today = local_today(who)
    lines: list[str] = []
    owned: set[str] = set()
    wishlist: dict[str, int] = {}
    titles: dict[str, tuple[str, list[str]]] = {}
    for isbn13 in isbns:
        answer = ownership.check(session, who.library_id, isbn13)
        if not answer.found:
            continue
        lines.extend(ownership_line(h, today) for h in answer.matches)
        first = answer.matches[0]
        titles[isbn13] = (first.title, list(first.authors))
        if answer.owned:
            owned.add(isbn13)
        else:
            wishlist[isbn13] = first.book_id
    return Owned(who, lines, owned, wishlist, titles)


# --------------------------------------------------------------------------- the scan list


def _scans(context: ContextTypes.DEFAULT_TYPE) -> dict[str, dict[str, Any]]:
    return context.user_data.setdefault(SCANS, {})


def remember_scan(context: ContextTypes.DEFAULT_TYPE, entry: dict[str, Any]) -> str:
    return pending.keep(_scans(context), entry, MAX_SCANS)


@pending.cancel_hook("scan list")
def _cancel_scans(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """/cancel: scan lists of this chat still waiting for a choice go (added books' summaries stay)."""
    scans = _scans(context)
    waiting = [t for t, e in scans.items() if e.get("chat") == update.effective_chat.id and "items" in e]
    for token in waiting:
        scans.pop(token, None)
    return _("the scanned books list") if waiting else None


def _item(isbn13: str, result, owned: Owned) -> dict[str, Any]:
    """One listed ISBN, as plain data."""
    item: dict[str, Any] = {"isbn": isbn13, "owned": isbn13 in owned.owned, "selected": False}
    item["wish"] = owned.wishlist.get(isbn13)
    if isbn13 in owned.titles:
        item["title"], item["authors"] = owned.titles[isbn13]
    if result is None:
        item["status"] = OFF
    elif result.found:
        meta = result.metadata
        item.update(status=FOUND, title=meta.title, authors=list(meta.authors), year=meta.year)
    else:
        item["status"] = NOT_FOUND if result.not_found else UNAVAILABLE
    return item


def _addable(items: list[dict[str, Any]]) -> list[int]:
    return [i for i, item in enumerate(items) if not item["owned"]]


def _item_line(n: int, item: dict[str, Any]) -> str:
    title = item.get("title")
    if title:
        line = f"{n}. {bold(truncate(title, 80))}"
        facts = [esc(truncate(", ".join(item.get("authors") or []), 60))] if item.get("authors") else []
        if item.get("year"):
            facts.append(str(item["year"]))
        if facts:
            line += " — " + ", ".join(facts)
        line += f" <i>(ISBN {isbn_mod.hyphenate(item['isbn'])})</i>"
    else:
        line = f"{n}. ISBN {isbn_mod.hyphenate(item['isbn'])}"
        if item["status"] == NOT_FOUND:
            line += " — " + _("no catalogue knows this ISBN yet")
        elif item["status"] == UNAVAILABLE:
            line += " — " + _("details could not be fetched now")
    if item["owned"]:
        line += " · " + _("<b>already owned</b>")
    elif item.get("wish"):
        line += " · " + _("on your wishlist")
    return line


def scan_text(entry: dict[str, Any]) -> str:
    items = entry["items"]
    addable = _addable(items)
    count = len(items)
    head = ngettext("📚 I found {n} book in the photo:", "📚 I found {n} books in the photo:", count).format(
        n=count
    )
    lines = [head, *(_item_line(n, item) for n, item in enumerate(items, 1))]
    if entry.get("seen"):
        lines.append(_("Also seen (not books): {what}.").format(what=esc("; ".join(entry["seen"]))))
    if not addable:
        lines.append(_("You own all of them already."))
    elif len(addable) > 1:
        lines.append(_("Add them all, or tick the ones you want and tap “Add selected”."))
    return _fit("\n".join(lines))


def scan_keyboard(token: str, entry: dict[str, Any]) -> InlineKeyboardMarkup | None:
    items = entry["items"]
    addable = _addable(items)
    if not addable:
        return None
    cancel = button(_("✗ Cancel"), "sc", token, "no")
    if len(addable) == 1:
        return markup([button(_("➕ Add"), "sc", token, "all"), cancel])
    rows = [[button(_("➕ Add all ({n})").format(n=len(addable)), "sc", token, "all")]]
    for i in addable:
        item = items[i]
        mark = "✓" if item["selected"] else "☐"
        label = truncate(item.get("title") or f"ISBN {isbn_mod.hyphenate(item['isbn'])}", 40)
        rows.append([button(f"{mark} {i + 1}. {label}", "sc", token, f"t{i}")])
    chosen = sum(1 for i in addable if items[i]["selected"])
    rows.append([button(_("➕ Add selected ({n})").format(n=chosen), "sc", token, "sel"), cancel])
    return markup(*rows)


def _fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


# --------------------------------------------------------------------------- receiving an image


def _image_of(message: Message):
    """The largest photo size, or an image document; None for anything else."""
    if message.photo:
        return message.photo[-1]
    document = message.document
    if document and (document.mime_type or "").startswith("image/"):
        return document
    return None


async def _typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    except TelegramError:
        pass


async def on_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    image = _image_of(message) if message else None
    if image is None:
        return
    in_group = actor_of(update).in_group
    if image.file_size and image.file_size > MAX_DOWNLOAD:
        if not in_group:
            await message.reply_text(_(TOO_LARGE))
        return
    try:
        data = bytes(await (await image.get_file()).download_as_bytearray())
    except (TelegramError, RuntimeError) as error:  # RuntimeError: Telegram gave no file path
        log.info("could not download an image: %s", error)
        if not in_group:
            await message.reply_text(_(DOWNLOAD_FAILED))
        return
    await _typing(update, context)
    result = await asyncio.to_thread(barcode_reads.read_elsewhere, data)
    isbns = list(result.isbns[:MAX_ISBNS])
    if not isbns:
        if in_group:
            return  # group members share photos with each other; only a book barcode is for us
        await message.reply_text(no_book_answer(result))
        return
    await answer_isbns(update, context, isbns, seen=list(result.others))


def no_book_answer(result: Reads) -> str:
    """What to say when an image holds no book barcode: unreadable file, nothing found, or other codes."""
    if result.others:
        seen = "; ".join(esc(description) for description in result.others)
        return _("That isn't a book barcode: I see {seen}.").format(seen=seen) + "\n" + _(TYPE_ISBN)
    if result.reason and "no barcode" not in result.reason:  # the file itself could not be read
        return _(
            "I couldn't open that image: {reason}. Send a photo of the barcode — or just type the ISBN."
        ).format(reason=esc(_(result.reason)))
    return _(NO_BARCODE)


async def answer_isbns(
    update: Update, context: ContextTypes.DEFAULT_TYPE, isbns: list[str], *, seen: list[str] | None = None
) -> None:
    """Ownership first (sent at once), then one list of the others with the add buttons."""
    message = update.effective_message
    owned = await dbcall.run(context, _ownership, actor_of(update), isbns)
    if owned.lines:
        await message.reply_text(_fit("\n".join(owned.lines)))
    others = [i for i in isbns if i not in owned.owned]
    if not others:
        return
    results = await bot_metadata.lookup_isbns(context, others)
    by_isbn = {r.isbn13: r for r in results} if results is not None else {}
    items = [_item(i, by_isbn.get(i) if results is not None else None, owned) for i in isbns]
    entry = {"chat": update.effective_chat.id, "items": items, "seen": seen or []}
    token = remember_scan(context, entry)
    await message.reply_text(scan_text(entry), reply_markup=scan_keyboard(token, entry))


# --------------------------------------------------------------------------- adding


@dataclass(frozen=True)
class Outcome:
    isbn13: str
    book: BookView | None  # None: skipped
    kind: str  # "added", "owned" (skipped: already there), "wishlist" (marked owned), "failed"
    detail: str = ""


def _inputs(isbn13: str, meta) -> dict[str, Any]:
    if meta is None:
        return {"title": placeholder_title(isbn13), "isbn": isbn13}
    inputs = {k: v for k, v in book_input_kwargs(meta).items() if v not in (None, "", [], ())}
    inputs["isbn"] = isbn13
    return inputs


def _add_scanned(session: Session, actor: Actor, wanted: list[tuple[str, dict[str, Any]]]) -> list[Outcome]:
    """Add each (isbn, inputs) in one transaction; each in a savepoint so one bad book skips alone.

    Ownership is checked again here: the list may be old, or the button tapped twice.
    """
    who = resolve(session, actor)
    outcomes = []
    for isbn13, inputs in wanted:
        try:
            with session.begin_nested():
                now = ownership.check(session, who.library_id, isbn13)
                if now.owned:
                    book = books.get_book(session, who.library_id, now.matches[0].book_id)
                    outcomes.append(Outcome(isbn13, book, "owned"))
                elif now.wishlist:
                    book = books.update_book(session, who.library_id, now.matches[0].book_id, owned=True)
                    outcomes.append(Outcome(isbn13, book, "wishlist"))
                else:
                    added = books.add_book(session, who.library_id, BookInput(**inputs), allow_duplicate=True)
                    outcomes.append(Outcome(isbn13, added.book, "added"))
        except LibriumError as error:
            outcomes.append(Outcome(isbn13, None, "failed", error.message))
    return outcomes


def lookups_on(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether ISBN lookups are switched on (METADATA_LOOKUPS): only then is a Refresh offered."""
    return bool(getattr(context.application.bot_data.get(SETTINGS), "metadata_lookups", False))


def _needs_details(book: BookView) -> bool:
    return bool(book.isbn13) and not book.metadata_source


def _book_line(book: BookView, lookups: bool) -> str:
    line = title_by(book.title, book.author_names)
    if book.year:
        line += f", {book.year}"
    if lookups and _needs_details(book):
        line += " — " + _(FETCH_FAILED)
    return line


def summary_text(views: list[BookView], entry: dict[str, Any], lookups: bool) -> str:
    kinds: dict[int, str] = {int(k): v for k, v in entry.get("kinds", {}).items()}
    added = [b for b in views if kinds.get(b.id) == "added"]
    marked = [b for b in views if kinds.get(b.id) == "wishlist"]
    lines = []
    if added:
        lines.append(ngettext("✓ Added {n} book:", "✓ Added {n} books:", len(added)).format(n=len(added)))
        lines.extend("• " + _book_line(b, lookups) for b in added)
    if marked:
        lines.append(_("✓ Moved from your wishlist to your library:"))
        lines.extend("• " + _book_line(b, lookups) for b in marked)
    lines.extend(entry.get("notes", []))
    return _fit("\n".join(lines) or _("Nothing was added."))


def summary_keyboard(token: str, views: list[BookView], lookups: bool) -> InlineKeyboardMarkup | None:
    rows = []
    if lookups and any(_needs_details(b) for b in views):
        rows.append([button(_("⟳ Refresh details"), "sr", token)])
    if len(views) > 1:
        rows.extend([button("📖 " + truncate(b.title, 30), "b", b.id)] for b in views[:MAX_OPEN_BUTTONS])
    return markup(*rows) if rows else None


async def _add(
    update: Update, context: ContextTypes.DEFAULT_TYPE, token: str, entry: dict, indexes: list[int]
):
    items = entry["items"]
    chosen = [items[i] for i in indexes]
    found = [it["isbn"] for it in chosen if it["status"] == FOUND]
    metas: dict[str, Any] = {}
    if found:  # served from the metadata cache the list was built from: no new request
        results = await bot_metadata.lookup_isbns(context, found) or []
        metas = {r.isbn13: r.metadata for r in results if r.found}
    wanted = [(it["isbn"], _inputs(it["isbn"], metas.get(it["isbn"]))) for it in chosen]
    outcomes = await dbcall.run(context, _add_scanned, actor_of(update), wanted)

    views = [o.book for o in outcomes if o.book is not None and o.kind in ("added", "wishlist")]
    notes = [
        _("Already owned, not added again: {book}").format(book=title_by(o.book.title, o.book.author_names))
        for o in outcomes
        if o.kind == "owned" and o.book
    ]
    notes += [
        _("Could not add ISBN {isbn}: {why}").format(isbn=isbn_mod.hyphenate(o.isbn13), why=esc(o.detail))
        for o in outcomes
        if o.kind == "failed"
    ]
    done = {"chat": entry["chat"], "added": [b.id for b in views], "notes": notes}
    done["kinds"] = {str(o.book.id): o.kind for o in outcomes if o.book is not None}
    _scans(context)[token] = {**done, "at": time.time()}
    lookups = lookups_on(context)
    await cards.edit_in_place(
        update, summary_text(views, done, lookups), summary_keyboard(token, views, lookups)
    )
    if len(views) == 1:
        book = views[0]
        note = cards.added_note(book.title)
        if lookups and _needs_details(book):
            note += "\n" + _("Details could not be fetched — tap Refresh.")
        await cards.send_card(update, context, book, note=note)


# --------------------------------------------------------------------------- the buttons


def _entry_for(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str | None) -> dict | None:
    entry = _scans(context).get(token or "")
    if not entry or entry.get("chat") != update.effective_chat.id:
        return None
    return entry


@tapped
async def on_scan_button(update, context, data, tap) -> None:
    token, op = data.arg(0), data.arg(1) or ""
    entry = _entry_for(update, context, token)
    if entry is None or "items" not in entry:
        await tap.answer(_(EXPIRED), alert=True)
        return
    items = entry["items"]
    addable = _addable(items)
    if op == "no":
        _scans(context).pop(token, None)
        await tap.answer(_("Cancelled."))
        await cards.edit_in_place(update, _(CANCELLED))
        return
    if op.startswith("t"):
        index = int(op[1:]) if op[1:].isdigit() else -1
        if index not in addable:
            await tap.answer(_(EXPIRED))
            return
        items[index]["selected"] = not items[index]["selected"]
        await tap.answer()
        await cards.edit_in_place(update, scan_text(entry), scan_keyboard(token, entry))
        return
    if op == "all":
        indexes = addable
    elif op == "sel":
        indexes = [i for i in addable if items[i]["selected"]]
        if not indexes:
            await tap.answer(_("Tick the books to add first (☐ → ✓)."), alert=True)
            return
    else:
        await tap.answer(_(EXPIRED))
        return
    # Consumed before the first await: a second tap of the same list finds it gone.
    _scans(context).pop(token, None)
    await tap.answer(_("Adding…"))
    await _add(update, context, token, entry, indexes)


def _refresh_books(session: Session, actor: Actor, ids: list[int]) -> tuple[Who, list[BookView]]:
    who = resolve(session, actor)
    return who, books.get_books(session, who.library_id, ids)


@tapped
async def on_refresh(update, context, data, tap) -> None:
    token = data.arg(0)
    entry = _entry_for(update, context, token)
    if entry is None or "added" not in entry:
        await tap.answer(_(EXPIRED) + " " + _("(A book's own card has ⟳ Refresh too.)"), alert=True)
        return
    who, views = await dbcall.run(context, _refresh_books, actor_of(update), list(entry["added"]))
    missing = [b for b in views if _needs_details(b)]
    if not missing:
        await tap.answer(_("Details are already there."))
    else:
        filled = unreachable = unknown = 0
        for book in missing:
            result = await bot_metadata.lookup_isbn(context, book.isbn13, refresh=True)
            if result is None:
                await tap.answer(_("Lookups are switched off on this bot."), alert=True)
                return
            if result.found:
                await dbcall.run(context, apply_metadata, who, book.id, result.metadata)
                filled += 1
            elif result.not_found:
                unknown += 1
            else:
                unreachable += 1
        parts = []
        if filled:
            parts.append(
                ngettext("Details fetched for {n} book.", "Details fetched for {n} books.", filled).format(
                    n=filled
                )
            )
        if unknown:
            parts.append(_("No catalogue knows {n} of them.").format(n=unknown))
        if unreachable:
            parts.append(_("The catalogues are still unreachable — try again later."))
        await tap.answer(" ".join(parts), alert=not filled)
        if not filled:
            return
        views = (await dbcall.run(context, _refresh_books, actor_of(update), list(entry["added"])))[1]
    lookups = lookups_on(context)
    await cards.edit_in_place(
        update, summary_text(views, entry, lookups), summary_keyboard(token, views, lookups)
    )
    if missing and len(views) == 1 and not _needs_details(views[0]):
        await cards.send_card(update, context, views[0], note=_("⟳ Details fetched."))


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_scan_button, pattern=callbacks.pattern("sc")))
    application.add_handler(CallbackQueryHandler(on_refresh, pattern=callbacks.pattern("sr")))
    application.add_handler(MessageHandler(filters.PHOTO | filters.Document.IMAGE, on_image))


__all__ = [
    "NO_BARCODE",
    "SCANS",
    "answer_isbns",
    "no_book_answer",
    "on_image",
    "register",
]
