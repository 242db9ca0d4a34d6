"""Things done with a book, told in words: "finished Dune", "I'm reading Mort", "lent Dune to Alice
until Friday", "Dune is back", "rate Dune 4.5", "put Dune on the Hall shelf", "on page 120 of Mort",
"bought Dune" (off the wishlist), "gave up on Dune", "delete Dune" (with Undo),
"set the year of Dune to 1965" (or "year 1965" in reply to its card)
(bot/chat/parse.py reads them; the text router asks here before an add).

Only a book already in the library is acted on; "it" or "this book" is the book of the card the text
replies to. When the words name none, the text goes on to be an
add or a search ("Finished Business by Jane Doe" is a new book), and so does a text that is itself the
exact title of a book ("Reading Lolita in Tehran"). When they name several books, the answer lists
them with a button to each card and nothing changes. Every change is one transaction, done by the same
functions as the card's buttons, and answered with the book's card.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.actions.book import (
    abandon,
    apply_edit,
    apply_lend,
    apply_shelf,
    delete_book,
    local_today,
    mark_owned,
    rate_book,
    return_loan,
    set_reading_status,
)
from bot.actions.subjects import SHOWN, holdings_for
from bot.chat import parse
from bot.runtime import dbcall
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.views import cards, lists
from bot.views.holdings import card_buttons, title_by
from bot.views.keyboards import button, markup
from bot.views.render import bold, esc
from librium.errors import LibriumError
from librium.i18n import N_, _, formats
from librium.services import books, ownership, reading
from librium.services.books import BookView
from librium.services.ownership import Holding
from librium.text import fold

DONE = {
    parse.ABANDONED: N_("Marked as abandoned. On to the next one!"),
    parse.FINISHED: N_("✓ Marked as read."),
    parse.STARTED: N_("📖 Marked as reading. Enjoy the book!"),
    parse.RETURNED: N_("✓ Returned. Welcome back!"),
}
SET_DONE = {
    "title": N_("✓ Title changed."),
    "authors": N_("✓ Authors changed."),
    "series": N_("✓ Series changed."),
    "year": N_("✓ Year changed."),
    "pages": N_("✓ Pages changed."),
    "notes": N_("✓ Notes changed."),
}


WHICH_BOOK = N_("Which book? Send that as a reply to the book's card, or name it: “finished Dune”.")


@dataclass(frozen=True)
class Outcome:
    book: BookView | None = None  # the book acted on
    note: str = ""
    deleted: bool = False  # the book was deleted: answered with Undo, not its card
    choices: list[Holding] = field(default_factory=list)  # several books matched: nothing done
    which: bool = False  # "finished it" with no card replied to: nothing done

    @property
    def handled(self) -> bool:
        return self.book is not None or bool(self.choices) or self.which


def _names_a_title(session: Session, library_id: int, text: str) -> bool:
    """Whether ``text``, or its title when read as "Title by Author", is exactly a book's title."""
    titles = [text, *(r.title for r in parse.read_title_author(text))]
    for title in titles:
        if any(fold(h.title) == fold(title) for h in ownership.check(session, library_id, title).matches):
            return True
    return False


def _act(session: Session, actor: Actor, action: parse.Action, text: str, replied: int | None) -> Outcome:
    """``replied``: the book of the card this text replies to, for "it" (checked like callback data)."""
    who = resolve(session, actor)
    for index, subject in enumerate(action.subjects):
        if not subject:
            return _perform(session, who, action, index, replied) if replied else Outcome(which=True)
        matches = holdings_for(session, who.library_id, subject).matches
        if not matches:
            continue
        if _names_a_title(session, who.library_id, text):
            return Outcome()  # the whole text is a title: a search or an add, not an action
        if len(matches) > 1:
            return Outcome(choices=matches)
        return _perform(session, who, action, index, matches[0].book_id)
    return Outcome()


def _perform(session: Session, who: Who, action: parse.Action, index: int, book_id: int) -> Outcome:
    rest = action.rest[index] if action.rest else ""
    if action.kind == parse.LENT_OUT:
        book = apply_lend(session, who, book_id, rest)
        loan = book.current_loan
        who_has = esc(loan.borrower if loan else "")
        if loan and loan.due_on:
            due = cards.short_date(loan.due_on, local_today(who))
            return Outcome(book, _("🤝 Lent to {who}, due {due}.").format(who=who_has, due=due))
        return Outcome(book, _("🤝 Lent to {who}.").format(who=who_has))
    if action.kind == parse.RETURNED:
        return Outcome(return_loan(session, who, book_id), _(DONE[action.kind]))
    if action.kind == parse.RATED:
        book = rate_book(session, who, book_id, round(float(rest) * 2))
        if book.rating:
            return Outcome(book, _("★ Rated {stars}.").format(stars=cards.rating_text(book.rating)))
        return Outcome(book, _("Rating cleared."))
    if action.kind == parse.PROGRESS:
        return _progress(session, who, book_id, rest)
    if action.kind == parse.SET:
        book = apply_edit(session, who, book_id, action.field, rest)
        return Outcome(book, _(SET_DONE[action.field]))
    if action.kind == parse.DELETED:
        return Outcome(delete_book(session, who, book_id), deleted=True)
    if action.kind == parse.ABANDONED:
        return Outcome(abandon(session, who, book_id), _(DONE[action.kind]))
    if action.kind == parse.BOUGHT:
        book = books.get_book(session, who.library_id, book_id)
        if book.owned:
            return Outcome(book, _("✓ Already in your library."))
        return Outcome(mark_owned(session, who, book_id), _(cards.GOT_IT))
    if action.kind == parse.SHELVED:
        book = apply_shelf(session, who, book_id, rest)
        if book.location:
            return Outcome(book, _("🗄 Now on the shelf {shelf}.").format(shelf=bold(book.location.name)))
        return Outcome(book, "")
    status = "read" if action.kind == parse.FINISHED else "reading"
    return Outcome(set_reading_status(session, who, book_id, status), _(DONE[action.kind]))


def _progress(session: Session, who: Who, book_id: int, pages: str) -> Outcome:
    """ "120": at page 120; "+50": 50 more pages. Starts a reading when none is open."""
    absolute = not pages.startswith("+")
    view = reading.add_progress(
        session, who.library_id, book_id, int(pages.lstrip("+")), absolute=absolute, today=local_today(who)
    )
    if view.page_count:
        note = _("📖 Page {page} of {pages} ({percent}).").format(
            page=formats.number(view.pages_read),
            pages=formats.number(view.page_count),
            percent=formats.percent(view.percent / 100),
        )
    else:
        note = _("📖 Page {page}.").format(page=formats.number(view.pages_read))
    return Outcome(books.get_book(session, who.library_id, book_id), note)


def which_one(choices: list[Holding]) -> lists.Screen:
    shown = choices[:SHOWN]
    lines = [_("Which one? Open its card and use its buttons:")]
    lines += [f"• {title_by(h.title, h.authors)}" for h in shown]
    rows = card_buttons(shown)
    return lists.Screen("\n".join(lines), rows)


async def act(update: Update, context: ContextTypes.DEFAULT_TYPE, action: parse.Action) -> bool:
    """Do what ``action`` says to the book it names; False when it names no book of the library."""
    try:
        message = update.effective_message
        replied = cards.book_of(message.reply_to_message)
        if action.reply_only and replied is None:
            return False  # "year 1965" without a card to reply to: a search
        outcome = await dbcall.run(context, _act, actor_of(update), action, message.text, replied)
    except LibriumError as error:  # already lent, not lent out, a wishlist book, a bad due date
        await update.effective_message.reply_text(esc(error.message))
        return True
    if outcome.which:
        await update.effective_message.reply_text(_(WHICH_BOOK))
    elif outcome.choices:
        await lists.show(update, which_one(outcome.choices))
    elif outcome.deleted:
        undo = markup([button(_("↶ Undo"), "undo", outcome.book.id)])
        await update.effective_message.reply_text(cards.deleted_text(outcome.book), reply_markup=undo)
    elif outcome.book is not None:
        await cards.send_card(update, context, outcome.book, note=outcome.note)
    return outcome.handled
