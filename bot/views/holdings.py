"""How the library's copy of a book reads in an answer: owned or wished for, read, lent, where it stands.

Shared by the barcode answer ("do I own this?" for a photo) and typed questions (bot/handlers/asking.py).
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton

from bot.views.cards import short_date
from bot.views.keyboards import button
from bot.views.render import bold, esc, truncate
from librium.i18n import N_, _, ngettext
from librium.services.ownership import Holding

_STATUS_WORDS = {
    "read": N_("read"),
    "reading": N_("reading now"),
    "to-read": N_("not read yet"),
    "abandoned": N_("abandoned"),
}


def card_buttons(holdings: list[Holding]) -> list[list[InlineKeyboardButton]]:
    """One row per book: a button that opens its card."""
    return [[button(f"📖 {truncate(h.title, 40)}", "b", h.book_id)] for h in holdings]


def title_by(title: str, authors: list[str] | tuple[str, ...]) -> str:
    """ "<b>Dune</b> by Frank Herbert" (HTML, both cut to a readable length)."""
    text = bold(truncate(title, 80))
    if not authors:
        return text
    return _("{title} by {authors}").format(title=text, authors=esc(truncate(", ".join(authors), 60)))


def holding_facts(holding: Holding, today: dt.date) -> str:
    """ "read, lent to Alice since 3 Nov, shelf: Living room"."""
    status = _(_STATUS_WORDS[holding.status]) if holding.status in _STATUS_WORDS else holding.status
    if holding.times_read > 1:
        times = ngettext("{n} time", "{n} times", holding.times_read).format(n=holding.times_read)
        status = _("{status} ({times})").format(status=status, times=times)
    facts = [status]
    if holding.copies > 1:
        facts.append(ngettext("{n} copy", "{n} copies", holding.copies).format(n=holding.copies))
    if holding.loan:
        who, since = esc(holding.loan.borrower), short_date(holding.loan.lent_on, today)
        if holding.loan.due_on:
            due = short_date(holding.loan.due_on, today)
            facts.append(_("lent to {who} since {since}, due {due}").format(who=who, since=since, due=due))
        else:
            facts.append(_("lent to {who} since {since}").format(who=who, since=since))
    if holding.shelf:
        facts.append(_("shelf: {shelf}").format(shelf=esc(holding.shelf)))
    return ", ".join(facts)


def ownership_line(holding: Holding, today: dt.date) -> str:
    book, facts = title_by(holding.title, holding.authors), holding_facts(holding, today)
    if holding.owned:
        return _("✅ Already in your library: {book} — {facts}").format(book=book, facts=facts)
    return _("⭐ On your wishlist (not owned yet): {book} — {facts}").format(book=book, facts=facts)


def lent_line(holding: Holding, today: dt.date) -> str:
    """ "🤝 <b>Dune</b> by Frank Herbert is with <b>Alice</b> since 3 Nov, due 1 Dec." """
    book, loan = title_by(holding.title, holding.authors), holding.loan
    if loan is None:
        if holding.shelf:
            return _("📚 {book} is not lent out (shelf: {shelf}).").format(
                book=book, shelf=esc(holding.shelf)
            )
        return _("📚 {book} is not lent out.").format(book=book)
    who, since = bold(loan.borrower), short_date(loan.lent_on, today)
    if loan.due_on and loan.due_on < today:
        text = _("🤝 {book} is with {who} since {since}, due {due} — overdue.")
    elif loan.due_on:
        text = _("🤝 {book} is with {who} since {since}, due {due}.")
    else:
        text = _("🤝 {book} is with {who} since {since}.")
    due = short_date(loan.due_on, today) if loan.due_on else ""
    return text.format(book=book, who=who, since=since, due=due)


def read_line(holding: Holding, today: dt.date) -> str:
    """ "✓ Yes, you read <b>Dune</b> by Frank Herbert (finished 3 Nov)." and the other states."""
    book = title_by(holding.title, holding.authors)
    finished = [r.finished_on for r in holding.readings if r.finished_on and not r.abandoned]
    last = short_date(max(finished), today) if finished else ""
    if holding.status == "read":
        if last and holding.times_read > 1:
            times = ngettext("{n} time", "{n} times", holding.times_read).format(n=holding.times_read)
            return _("✓ Yes, you read {book} (finished {when}, {times}).").format(
                book=book, when=last, times=times
            )
        if last:
            return _("✓ Yes, you read {book} (finished {when}).").format(book=book, when=last)
        return _("✓ Yes, you read {book}.").format(book=book)
    if holding.status == "reading":
        return _("📖 You are reading {book} now.").format(book=book)
    if holding.status == "abandoned":
        return _("You gave up on {book}.").format(book=book)
    if last:  # read before, on the pile again
        return _("✓ Yes, you read {book} (finished {when}); it is on your to-read pile again.").format(
            book=book, when=last
        )
    if holding.owned:
        return _("Not yet: {book} is on your to-read list.").format(book=book)
    return _("Not yet: {book} is on your wishlist.").format(book=book)
