"""Compact result lists: numbered lines, one button per item, and a ◀ Prev · 2/5 · Next ▶ row.

Every list the bot shows (search results, authors, series, a shelf, loans...) is built here, so they
all look alike and page the same way: the pager buttons carry callback data that the handler turns
back into a page, and the handler EDITS the message it came from instead of sending a new one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.chat import callbacks
from bot.views.render import MAX_MESSAGE, bold, esc, truncate
from librium.i18n import _, formats, ngettext

PAGE_SIZE = 8
READ = "✓"
LENT = "🤝"
OVERDUE = "⚠"


# A count and its noun in the user's language, with that language's plural forms ("1 книга",
# "3 книги", "5 книг"); the keys are what callers ask for.
COUNTED = {
    "book": lambda n: ngettext("{n} book", "{n} books", n),
    "author": lambda n: ngettext("{n} author", "{n} authors", n),
    "series": lambda n: ngettext("{n} series", "{n} series", n),
    "genre": lambda n: ngettext("{n} genre", "{n} genres", n),
    "shelf": lambda n: ngettext("{n} shelf", "{n} shelves", n),
    "loan": lambda n: ngettext("{n} loan", "{n} loans", n),
    "day": lambda n: ngettext("{n} day", "{n} days", n),
    "page": lambda n: ngettext("{n} page", "{n} pages", n),
    "row": lambda n: ngettext("{n} row", "{n} rows", n),
    "new book": lambda n: ngettext("{n} new book", "{n} new books", n),
    "more book": lambda n: ngettext("{n} more book", "{n} more books", n),
    "reminder": lambda n: ngettext("{n} reminder", "{n} reminders", n),
    "value": lambda n: ngettext("{n} value", "{n} values", n),
}


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 book", "37 books" ("1.451 Bücher", "5 книг") for a noun of :data:`COUNTED`."""
    return COUNTED[noun](count).format(n=formats.number(count))


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, math.ceil(total / size))


def clamp(page: int | None, pages: int) -> int:
    """A page number from callback data, forced into 1..pages (garbage becomes 1)."""
    if page is None or page < 1:
        return 1
    return min(page, pages)


def window(items: Sequence, page: int, size: int = PAGE_SIZE) -> Sequence:
    return items[(page - 1) * size : page * size]


@dataclass(frozen=True)
class BookLine:
    """What a list shows of one book."""

    id: int
    title: str
    author: str | None
    year: int | None
    read: bool
    lent: bool

    @classmethod
    def from_row(cls, row) -> BookLine:
        """From a ``librium.services.search.BookRow`` (a search result)."""
        return cls(
            id=row.id,
            title=row.title,
            author=row.authors[0] if row.authors else None,
            year=row.release_year,
            read=row.status == "read",
            lent=row.lent,
        )

    @classmethod
    def from_view(cls, view) -> BookLine:
        """From a ``librium.services.books.BookView``."""
        return cls(
            id=view.id,
            title=view.title,
            author=view.authors[0].name if view.authors else None,
            year=view.year,
            read=view.status == "read",
            lent=view.current_loan is not None,
        )


def book_text(number: int | str, book: BookLine) -> str:
    """``3. <b>Dune</b> — Frank Herbert, 1965 ✓ 🤝`` (HTML, escaped)."""
    parts = [f"{number}. {bold(truncate(book.title, 70))}"]
    detail = ", ".join(
        x for x in (truncate(book.author, 40) if book.author else None, book.year and str(book.year)) if x
    )
    if detail:
        parts.append(f"— {esc(detail)}")
    marks = (READ if book.read else "") + (f" {LENT}" if book.lent else "")
    if marks.strip():
        parts.append(marks.strip())
    return " ".join(parts)


def book_button(number: int | str, book: BookLine) -> InlineKeyboardButton:
    mark = f" {READ}" if book.read else ""
    return InlineKeyboardButton(
        f"{number}. {truncate(book.title, 40)}{mark}", callback_data=callbacks.encode("b", book.id)
    )


def status_line(page: int, pages: int, total: int, noun: str = "book", nouns: str | None = None) -> str:
    """``Page 2 of 5 · 37 books`` (or just ``37 books`` when everything fits on one page)."""
    counted = plural(total, noun, nouns)
    if pages <= 1:
        return counted
    return _("Page {page} of {pages} · {counted}").format(page=page, pages=pages, counted=counted)


def pager(page: int, pages: int, data_for: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """The ◀ Prev · 2/5 · Next ▶ row; empty when there is one page."""
    if pages <= 1:
        return []
    row = []
    if page > 1:
        row.append(InlineKeyboardButton(_("◀ Prev"), callback_data=data_for(page - 1)))
    row.append(InlineKeyboardButton(f"{page}/{pages}", callback_data=callbacks.encode("noop")))
    if page < pages:
        row.append(InlineKeyboardButton(_("Next ▶"), callback_data=data_for(page + 1)))
    return row


@dataclass
class Screen:
    """A message to send or edit: HTML text and its buttons."""

    text: str
    rows: list[list[InlineKeyboardButton]] = field(default_factory=list)

    @property
    def markup(self) -> InlineKeyboardMarkup | None:
        rows = [row for row in self.rows if row]
        return InlineKeyboardMarkup(rows) if rows else None


def compose(*blocks: str | None) -> str:
    """Join non-empty blocks with blank lines, cut to Telegram's limit at a line boundary."""
    text = "\n\n".join(b for b in blocks if b)
    if len(text) <= MAX_MESSAGE:
        return text
    cut = text[: MAX_MESSAGE - 2].rsplit("\n", 1)[0]
    return cut + "\n…"


def book_screen(
    header: str,
    books: Sequence[BookLine],
    *,
    page: int,
    total: int,
    data_for: Callable[[int], str],
    size: int = PAGE_SIZE,
    notes: Sequence[str] = (),
    extra_rows: Sequence[list[InlineKeyboardButton]] = (),
    labels: Sequence[str] | None = None,
    headings: Mapping[int, str] | None = None,
) -> Screen:
    """One page of books (``books`` is already that page): numbered lines, a button each, the pager.

    ``labels`` replace the running numbers (a series card numbers by series index); ``headings`` put
    a line (HTML) before the book at that position of the page (an author's books grouped by series).
    """
    headings = headings or {}
    pages = page_count(total, size)
    first = (page - 1) * size + 1
    numbers = list(labels) if labels is not None else [first + i for i in range(len(books))]
    lines = []
    for i, book in enumerate(books):
        if i in headings:
            lines.append(headings[i])
        lines.append(book_text(numbers[i], book))
    text = compose(header, "\n".join(notes) or None, "\n".join(lines), status_line(page, pages, total))
    rows = [[book_button(numbers[i], b)] for i, b in enumerate(books)]
    rows.append(pager(page, pages, data_for))
    rows.extend(extra_rows)
    return Screen(text, rows)


@dataclass(frozen=True)
class Entry:
    """One line of a list of named things (an author, a series, a genre, a shelf)."""

    label: str  # button text (plain)
    line: str  # message line (HTML, escaped)
    data: str  # callback data of its button


def entry_screen(
    header: str,
    entries: Sequence[Entry],
    *,
    page: int,
    total: int,
    data_for: Callable[[int], str],
    noun: str,
    nouns: str | None = None,
    size: int = PAGE_SIZE,
) -> Screen:
    """One page of named things (``entries`` is already that page), a button each, and the pager."""
    pages = page_count(total, size)
    lines = "\n".join(e.line for e in entries)
    text = compose(header, lines, status_line(page, pages, total, noun, nouns))
    rows = [[InlineKeyboardButton(truncate(e.label, 60), callback_data=e.data)] for e in entries]
    rows.append(pager(page, pages, data_for))
    return Screen(text, rows)


async def show(update: Update, screen: Screen) -> None:
    """Edit the message a button was tapped on, or reply to the message that asked."""
    query = update.callback_query
    if query is not None:
        try:
            await query.edit_message_text(screen.text, reply_markup=screen.markup)
            return
        except BadRequest as error:
            if "not modified" in str(error).lower() or update.effective_chat is None:
                return  # the same page tapped twice; nothing to change
            # Too old to edit (or deleted): show the page as a new message instead.
        await update.get_bot().send_message(update.effective_chat.id, screen.text, reply_markup=screen.markup)
        return
    await update.effective_message.reply_text(screen.text, reply_markup=screen.markup)
