"""How the library's copy of a book reads in an answer: owned or wished for, read, lent, where it stands.

Shared by the barcode answer ("do I own this?" for a photo) and typed questions (bot/handlers/asking.py).
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton

from bot.cards import short_date
from bot.keyboards import button
from bot.render import bold, esc, truncate
from librium.services.ownership import Holding

_STATUS_WORDS = {
    "read": "read",
    "reading": "reading now",
    "to-read": "not read yet",
    "abandoned": "abandoned",
}


def card_buttons(holdings: list[Holding]) -> list[list[InlineKeyboardButton]]:
    """One row per book: a button that opens its card."""
    return [[button(f"📖 {truncate(h.title, 40)}", "b", h.book_id)] for h in holdings]


def title_by(title: str, authors: list[str] | tuple[str, ...]) -> str:
    """ "<b>Dune</b> by Frank Herbert" (HTML, both cut to a readable length)."""
    text = bold(truncate(title, 80))
    if authors:
        text += " by " + esc(truncate(", ".join(authors), 60))
    return text


def holding_facts(holding: Holding, today: dt.date) -> str:
    """ "read, lent to Alice since 3 Nov, shelf: Living room"."""
    facts = [_STATUS_WORDS.get(holding.status, holding.status)]
    if holding.times_read > 1:
        facts[0] += f" ({holding.times_read} times)"
    if holding.copies > 1:
        facts.append(f"{holding.copies} copies")
    if holding.loan:
        loan = f"lent to {esc(holding.loan.borrower)} since {short_date(holding.loan.lent_on, today)}"
        if holding.loan.due_on:
            loan += f", due {short_date(holding.loan.due_on, today)}"
        facts.append(loan)
    if holding.shelf:
        facts.append(f"shelf: {esc(holding.shelf)}")
    return ", ".join(facts)


def ownership_line(holding: Holding, today: dt.date) -> str:
    head = "✅ Already in your library:" if holding.owned else "⭐ On your wishlist (not owned yet):"
    return f"{head} {title_by(holding.title, holding.authors)} — {holding_facts(holding, today)}"


def lent_line(holding: Holding, today: dt.date) -> str:
    """ "🤝 <b>Dune</b> by Frank Herbert is with <b>Alice</b> since 3 Nov, due 1 Dec." """
    book, loan = title_by(holding.title, holding.authors), holding.loan
    if loan is None:
        shelf = f" (shelf: {esc(holding.shelf)})" if holding.shelf else ""
        return f"📚 {book} is not lent out{shelf}."
    text = f"🤝 {book} is with {bold(loan.borrower)} since {short_date(loan.lent_on, today)}"
    if loan.due_on:
        late = " — overdue" if loan.due_on < today else ""
        text += f", due {short_date(loan.due_on, today)}{late}"
    return text + "."


def read_line(holding: Holding, today: dt.date) -> str:
    """ "✓ Yes, you read <b>Dune</b> by Frank Herbert (finished 3 Nov)." and the other states."""
    book = title_by(holding.title, holding.authors)
    finished = [r.finished_on for r in holding.readings if r.finished_on and not r.abandoned]
    last = f"finished {short_date(max(finished), today)}" if finished else ""
    if holding.status == "read":
        times = f", {holding.times_read} times" if holding.times_read > 1 else ""
        return f"✓ Yes, you read {book}" + (f" ({last}{times})." if last else ".")
    if holding.status == "reading":
        return f"📖 You are reading {book} now."
    if holding.status == "abandoned":
        return f"You gave up on {book}."
    if last:  # read before, on the pile again
        return f"✓ Yes, you read {book} ({last}); it is on your to-read pile again."
    return f"Not yet: {book} is on your {'to-read list' if holding.owned else 'wishlist'}."
