"""The book card: its HTML text (always under a photo caption's 1024 characters) and its buttons.

``render_card`` and ``card_keyboard`` are pure; ``send_card`` posts a card (as a photo when the book has
a cover) and ``edit_in_place`` rewrites the message a button was tapped on, whether it is a text
message or a photo with a caption.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.chat import callbacks
from bot.runtime import dbcall
from bot.views.keyboards import button, markup
from bot.views.render import bold, esc, italic, stars, truncate
from librium import isbn as isbn_mod
from librium.i18n import N_, _, formats, ngettext
from librium.services.books import BookView

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024

STATUS_LABELS = {
    "to-read": N_("Not read yet"),
    "reading": N_("📖 Reading"),
    "read": N_("✓ Read"),
    "abandoned": N_("Abandoned"),
}

# Field limits (characters of the raw text) for the first rendering; halved until the card fits.
_LIMITS = {
    "title": 200,
    "subtitle": 150,
    "authors": 200,
    "series": 120,
    "shelf": 60,
    "notes": 160,
    "other": 60,
}


def series_number(index: Decimal | None) -> str:
    """1.000 → "1", 2.500 → "2.5" ("2,5" in German)."""
    if index is None:
        return ""
    return formats.number(index.normalize())


def short_date(day: dt.date, today: dt.date) -> str:
    """ "3 Nov", or "3 Nov 2024" when not this year (as the user's language writes it)."""
    return formats.date(day, today)


def rating_text(rating: float | None) -> str:
    """Stars for a rating in stars (4.5 → ★★★★½)."""
    return stars(round(rating * 2)) if rating else ""


def _lines(book: BookView, today: dt.date, scale: float) -> list[str]:
    def cut(text: str, field: str) -> str:
        return esc(truncate(text, max(8, int(_LIMITS[field] * scale))))

    lines = [f"<b>{cut(book.title, 'title')}</b>"]
    if book.subtitle:
        lines.append(f"<i>{cut(book.subtitle, 'subtitle')}</i>")
    if book.authors:
        lines.append(_("by {authors}").format(authors=cut(", ".join(book.author_names), "authors")))
    facts = []
    for series in book.series[:2]:
        number = series_number(series.index)
        facts.append(cut(series.name, "series") + (f" #{number}" if number else ""))
    if book.year:
        facts.append(str(book.year))
    if book.pages:
        facts.append(ngettext("{n} page", "{n} pages", book.pages).format(n=formats.number(book.pages)))
    if book.format:
        facts.append(cut(book.format.name, "other"))
    if facts:
        lines.append(" · ".join(facts))
    if book.location:
        lines.append("🗄 " + cut(book.location.name, "shelf"))
    if book.isbn13:
        lines.append(f"ISBN {isbn_mod.hyphenate(book.isbn13)}")
    state = [] if book.owned else [_("⭐ Wishlist")]
    state.append(_(STATUS_LABELS[book.status]) if book.status in STATUS_LABELS else esc(book.status))
    if book.rating:
        state.append(rating_text(book.rating))
    if book.copies and book.copies > 1:
        state.append(ngettext("{n} copy", "{n} copies", book.copies).format(n=formats.number(book.copies)))
    lines.append(" · ".join(state))
    loan = book.current_loan
    if loan:
        who, since = cut(loan.borrower, "other"), short_date(loan.lent_on, today)
        if loan.due_on and loan.due_on < today:
            text = _("🤝 Lent to {who} since {since}, due {due} (overdue)")
        elif loan.due_on:
            text = _("🤝 Lent to {who} since {since}, due {due}")
        else:
            text = _("🤝 Lent to {who} since {since}")
        due = short_date(loan.due_on, today) if loan.due_on else ""
        lines.append(text.format(who=who, since=since, due=due))
    if book.notes:
        lines.append("📝 " + cut(book.notes, "notes"))
    if book.import_note:
        kept = book.import_note.split("\n", 1)[-1].replace("\n", " ")
        lines.append(_("⚠️ Not kept from the import: {values}").format(values=cut(kept, "notes")))
    return lines


def render_card(book: BookView, *, today: dt.date | None = None, note: str | None = None) -> str:
    """The card's HTML (everything escaped), at most CAPTION_LIMIT characters.

    ``note`` is already-escaped HTML shown on top ("✓ Added." or a question).
    """
    today = today or dt.date.today()
    scale = 1.0
    while True:
        lines = _lines(book, today, scale)
        if note:
            lines = [note, "", *lines]
        text = "\n".join(lines)
        if len(text) <= CAPTION_LIMIT or scale < 0.05:
            return text[:CAPTION_LIMIT] if len(text) > CAPTION_LIMIT else text
        scale /= 2


def card_keyboard(book: BookView) -> InlineKeyboardMarkup:
    """✓ Read · 📖 Reading · ★ Rate / ✎ Edit · 🗄 Shelf · 🤝 Lend (↩ Returned; ✓ Got it) / 🗑 Delete."""
    if book.status == "read":
        read = button(_("↺ Not read"), "st", book.id, "to-read")
    else:
        read = button(_("✓ Read"), "st", book.id, "read")
    if book.status == "reading":
        reading = button(_("⏸ Not reading"), "st", book.id, "to-read")
    else:
        reading = button(_("📖 Reading"), "st", book.id, "reading")
    if not book.owned:  # a wishlist book cannot be lent; once bought it joins the library
        lend = button(_("✓ Got it"), "ow", book.id)
    elif book.current_loan:
        lend = button(_("↩ Returned"), "ln", book.id, "ret")
    else:
        lend = button(_("🤝 Lend"), "ln", book.id)
    rows = [
        [read, reading, button(_("★ Rate"), "rt", book.id)],
        [button(_("✎ Edit"), "ed", book.id), button(_("🗄 Shelf"), "sh", book.id), lend],
        [button(_("🗑 Delete"), "del", book.id)],
    ]
    if book.isbn13 and not book.metadata_source:
        rows[-1].append(button(_("⟳ Refresh details"), "rf", book.id))
    return markup(*rows)


def rating_keyboard(book: BookView) -> InlineKeyboardMarkup:
    """Whole stars on one row, half stars on the next (callback ``rt:<id>:<half_stars>``)."""
    whole = [button(f"{n}★", "rt", book.id, n * 2) for n in range(1, 6)]
    halves = [button(f"{n}½" if n else "½", "rt", book.id, n * 2 + 1) for n in range(0, 5)]
    last = [button(_("« Back"), "b", book.id, "e")]
    if book.rating:
        last.insert(0, button(_("Clear rating"), "rt", book.id, 0))
    return markup(whole, halves, last)


# --------------------------------------------------------------------------- sending and editing


def _is_photo(message: Message | None) -> bool:
    return bool(message and (message.photo or message.caption))


async def edit_in_place(
    update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message | bool | None:
    """Rewrite the message the tapped button is on: its caption if it is a photo, else its text.

    Without ``keyboard`` the buttons go. An edit that changes nothing ("message is not modified") is
    not an error.
    """
    query = update.callback_query
    if query is None:
        return None
    message = query.message
    try:
        if keyboard is None:
            if message is None:
                return None
            await edit_message(
                query.get_bot(), message.chat_id, message.message_id, text, photo=_is_photo(message)
            )
            return None
        if _is_photo(message):
            return await query.edit_message_caption(caption=text[:CAPTION_LIMIT], reply_markup=keyboard)
        return await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None
        raise


async def edit_message(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    *,
    photo: bool = False,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a message by id (its caption when ``photo``); without ``keyboard`` its buttons go."""
    if photo:
        await bot.edit_message_caption(
            chat_id, message_id, caption=text[:CAPTION_LIMIT], reply_markup=keyboard
        )
    else:
        await bot.edit_message_text(text, chat_id, message_id, reply_markup=keyboard)


async def remove_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)


async def send_card(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    book: BookView,
    *,
    note: str | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message:
    """Post the card in the update's chat: a photo with the card as caption when there is a cover.

    A cover URL Telegram fetched once is kept as its file_id, so the next card sends instantly.
    """
    text = render_card(book, note=note)
    keyboard = keyboard or card_keyboard(book)
    chat_id = update.effective_chat.id
    cover = book.cover_file_id or book.cover_url
    if cover:
        try:
            sent = await context.bot.send_photo(chat_id, cover, caption=text, reply_markup=keyboard)
        except TelegramError as error:  # a dead cover URL must not cost the user the card
            log.info("cover of book %s could not be sent: %s", book.id, error)
        else:
            if not book.cover_file_id and sent.photo:
                await _keep_file_id(context, book, sent.photo[-1].file_id)
            return sent
    return await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def _keep_file_id(context: ContextTypes.DEFAULT_TYPE, book: BookView, file_id: str) -> None:
    from librium.errors import LibriumError
    from librium.services import books

    try:
        await dbcall.run(context, books.update_book, book.library_id, book.id, cover_file_id=file_id)
    except LibriumError:
        log.info("could not keep the cover file id of book %s", book.id)


async def show_card(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    book: BookView,
    *,
    note: str | None = None,
    edit: bool = False,
) -> None:
    """Show a card: edit the tapped message in place (``edit``) or post a new one."""
    if edit and update.callback_query:
        await edit_in_place(update, render_card(book, note=note), card_keyboard(book))
    else:
        await send_card(update, context, book, note=note)


# Callback actions whose first argument is the book the message is about (bot/chat/callbacks.py).
_BOOK_ACTIONS = {"b", "st", "rt", "ed", "sh", "ln", "del", "undo", "rf", "ow"}


def book_of(message: Message | None) -> int | None:
    """The one book a message's buttons act on (a card), else None (no buttons, or a list of books).

    Used for "lend it to Alice" sent as a reply to a card. Only a request, like any callback data: the
    services check that the book is in the library of whoever sent the reply.
    """
    markup = message.reply_markup if message is not None else None
    ids = set()
    for row in markup.inline_keyboard if markup is not None else ():
        for pressed in row:
            data = callbacks.decode(pressed.callback_data if isinstance(pressed.callback_data, str) else None)
            book_id = data.int_arg(0) if data is not None and data.action in _BOOK_ACTIONS else None
            if book_id is not None:
                ids.add(book_id)
    return ids.pop() if len(ids) == 1 else None


GOT_IT = N_("✓ Moved from your wishlist to your library.")


def added_note(title: str, owned: bool = True) -> str:
    if not owned:
        return _("⭐ Added {title} to your wishlist.").format(title=bold(truncate(title, 80)))
    return _("✓ Added {title}.").format(title=bold(truncate(title, 80)))


def deleted_text(book: BookView) -> str:
    return _("🗑 Deleted {title}.").format(title=italic(truncate(book.title, 200)))
