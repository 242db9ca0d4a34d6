"""Numbers and charts: /stats, /year, /goal, /problems.

/stats sends one photo: the chart of a view, captioned with a short summary of the library. Its buttons
(``sv:<view>:<year>``) switch views by EDITING that photo (editMessageMedia), so the chat does not fill
up with charts; the month and goal views get a ◀ year ▶ row. /year sends a year in review (``yr:<year>``
moves between years the same way). /problems lists books missing a cover, ISBN, author, publisher,
language or genre, with buttons that open each book's card (``b:<id>``) and a page per kind
(``pb:<kind>:<page>``; ``pb:o`` is the overview, ``pb`` alone posts it as a new message).

Every database read runs through :func:`bot.runtime.dbcall.run`, in a worker thread and one transaction;
the drawing goes from that thread to the chart worker process (:mod:`librium.offload`), so the
bot's own process never loads matplotlib and numpy, and no chart blocks the event loop. Callback data is never trusted: the view
and year are checked against fixed lists, and the library is always the one of the user who tapped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.chat import callbacks
from bot.runtime import dbcall
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.views import lists
from bot.views.keyboards import button
from bot.views.render import bold, esc, stars, truncate
from librium import validation
from librium.charts.empty import MIN_BOOKS, EmptyStats
from librium.errors import Invalid
from librium.i18n import N_, _, formats, ngettext
from librium.services import goals, libraries, stats

if TYPE_CHECKING:  # imported where a chart is asked for (the statistics queries load on first use)
    from librium.charts import views

EXPIRED_BUTTON = N_("That button has expired.")
CAPTION_LIMIT = 1024
EMPTY_LIBRARY = N_("Add a few books and mark some read — then /stats draws your year.")

# (view name in librium.charts.views, button label), in keyboard order.
VIEW_BUTTONS: list[tuple[str, str]] = [
    ("month", N_("Month")),
    ("genre", N_("Genres")),
    ("format", N_("Formats")),
    ("language", N_("Languages")),
    ("decade", N_("Decades")),
    ("pages", N_("Pages/yr")),
    ("money", N_("Money")),
    ("authors", N_("Authors")),
    ("pace", N_("Pace")),
    ("goal", N_("Goal")),
]
VIEW_NAMES = {name for name, _ in VIEW_BUTTONS}
YEARLY = {"month", "goal"}  # views that show one year, with a ◀ year ▶ row
CURRENT = "● "

PROBLEM_ICONS = {
    "cover": "🖼",
    "isbn": "🔢",
    "author": "✍",
    "publisher": "🏢",
    "language": "🌐",
    "genre": "🏷",
    "import": "⚠️",
}
PROBLEM_PAGE = lists.PAGE_SIZE
PROBLEM_CAP = 200  # a kind's pages reach this far (the service lists the first N books by title)
PROBLEM_PREVIEW = 2  # book buttons per kind on the overview


# --------------------------------------------------------------------------- small helpers


def local_today(who: Who) -> dt.date:
    """Today in the user's time zone (UTC if the stored zone is unknown)."""
    try:
        zone = ZoneInfo(who.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return dt.datetime.now(zone).date()


def valid_year(value: int | None) -> bool:
    return value is not None and validation.MIN_YEAR <= value <= validation.max_year()


def _money_text(items: list[stats.YearMoney] | list[stats.Money]) -> str:
    return " + ".join(formats.money(item.amount, item.currency) for item in items)


def _library_ids(session: Session, who: Who) -> list[int]:
    ids = [library.id for library in libraries.user_libraries(session, who.user_id)]
    return ids or [who.library_id]


def _fit(caption: str) -> str:
    """Keep a caption under Telegram's limit by dropping whole lines (each line's HTML is balanced)."""
    if len(caption) <= CAPTION_LIMIT:
        return caption
    cut = caption[: CAPTION_LIMIT - 2].rsplit("\n", 1)[0]
    return cut + "\n…"


def _back_to(year: int, first_year: int | None) -> bool:
    """Whether a ◀ button leads somewhere: only to years from the first one with a finished reading."""
    return first_year is not None and valid_year(year - 1) and year - 1 >= first_year


# --------------------------------------------------------------------------- the summary


@dataclass(frozen=True)
class Summary:
    """The figures of the /stats text, straight from the services."""

    totals: stats.Totals
    year: int
    books_read: int  # finished readings this year
    pages_read: int
    spent: list[stats.YearMoney]  # this year's money, one entry per currency
    goal: goals.GoalProgress | None
    first_year: int | None  # the first year with a finished reading

    @property
    def empty(self) -> bool:
        return self.totals.books + self.totals.wishlist == 0

    @property
    def tiny(self) -> bool:
        return self.totals.books + self.totals.wishlist < MIN_BOOKS

    def text(self) -> str:
        t = self.totals
        n = formats.number
        head = _("📊 <b>{books}</b> · {read} read · {unread} unread · {reading} reading").format(
            books=lists.plural(t.books, "book"), read=n(t.read), unread=n(t.unread), reading=n(t.reading)
        )
        if t.wishlist:
            head += " · " + _("{n} wished").format(n=n(t.wishlist))
        lines = [head]
        pages = lists.plural(self.pages_read, "page")
        year = _("<b>{year}</b>: {books} read, {pages}").format(
            year=self.year, books=lists.plural(self.books_read, "book"), pages=pages
        )
        if self.spent:
            year += " · " + _("spent {amount}").format(amount=esc(_money_text(self.spent)))
        lines.append(year)
        if self.goal is not None:
            lines.append(_("🎯 Goal: {summary}").format(summary=esc(self.goal.summary())))
        return "\n".join(lines)


def summary(session: Session, who: Who, today: dt.date) -> Summary:
    year = today.year
    per_year = stats.pages_per_year(session, who.library_id, user_id=who.user_id)
    pages = next((y for y in per_year if y.year == year), None)
    spent = [m for m in stats.money(session, who.library_id).per_year if m.year == year]
    progress = goals.goal_progress(session, who.user_id, _library_ids(session, who), year, today)
    return Summary(
        totals=stats.totals(session, who.library_id),
        year=year,
        books_read=pages.books if pages else 0,
        pages_read=pages.pages if pages else 0,
        spent=spent,
        goal=progress,
        first_year=per_year[0].year if per_year else None,
    )


# --------------------------------------------------------------------------- /stats and its views


@dataclass(frozen=True)
class StatsScreen:
    """A rendered /stats message, or (``png`` None) the sentence to say instead."""

    caption: str
    view: str | None = None
    year: int = 0
    this_year: int = 0
    first_year: int | None = None
    png: bytes | None = None
    message: str | None = None  # why there is no chart (EmptyStats), for a callback answer
    has_books: bool = True


def _request(session: Session, who: Who, year: int, today: dt.date) -> views.Request:
    from librium.charts import views

    return views.Request(
        library_id=who.library_id,
        year=year,
        user_id=who.user_id,
        library_ids=tuple(_library_ids(session, who)),
        today=today,
    )


def _screen(summary_: Summary, chart: views.Chart, view: str, year: int) -> StatsScreen:
    caption = _fit(f"{summary_.text()}\n\n{esc(chart.caption)}")
    return StatsScreen(caption, view, year, summary_.year, summary_.first_year, chart.png)


def stats_screen(session: Session, actor: Actor) -> StatsScreen:
    """The /stats screen: the summary and the first view with enough data (this year's months first)."""
    who = resolve(session, actor)
    today = local_today(who)
    year = today.year
    found = summary(session, who, today)
    if found.empty:
        return StatsScreen(_(EMPTY_LIBRARY), this_year=today.year, message=_(EMPTY_LIBRARY), has_books=False)
    request = _request(session, who, year, today)
    from librium.charts import views

    if not found.tiny:
        for name in (view for view, _label in VIEW_BUTTONS):
            try:
                chart = views.render(session, name, request)
            except EmptyStats:
                continue
            return _screen(found, chart, name, year)
    empty = _(EMPTY_LIBRARY)
    return StatsScreen(f"{found.text()}\n\n{esc(empty)}", this_year=today.year, message=empty)


def summary_of(session: Session, actor: Actor) -> Summary:
    who = resolve(session, actor)
    return summary(session, who, local_today(who))


def chart_of(session: Session, actor: Actor, view: str, year: int) -> views.Chart | str:
    """One view's chart, or the EmptyStats sentence saying why there is none."""
    from librium.charts import views

    who = resolve(session, actor)
    try:
        return views.render(session, view, _request(session, who, year, local_today(who)))
    except EmptyStats as empty:
        return str(empty)


def stats_keyboard(view: str, year: int, this_year: int, first_year: int | None) -> InlineKeyboardMarkup:
    """View buttons three to a row (the current one marked), a ◀ year ▶ row for yearly views, Problems."""
    buttons = [
        button(f"{CURRENT}{_(label)}" if name == view else _(label), "sv", name, year)
        for name, label in VIEW_BUTTONS
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if view in YEARLY:
        years = [button(f"◀ {year - 1}", "sv", view, year - 1)] if _back_to(year, first_year) else []
        years.append(button(str(year), "noop"))
        if year < this_year:
            years.append(button(f"{year + 1} ▶", "sv", view, year + 1))
        rows.insert(0, years)
    rows[-1].append(button(_("🔧 Problems"), "pb"))
    return InlineKeyboardMarkup(rows)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    screen = await dbcall.read(context, stats_screen, actor_of(update))
    message = update.effective_message
    if screen.png is None or screen.view is None:
        keyboard = InlineKeyboardMarkup([[button(_("🔧 Problems"), "pb")]]) if screen.has_books else None
        await message.reply_text(screen.caption, reply_markup=keyboard)
        return
    await message.reply_photo(
        screen.png,
        caption=screen.caption,
        parse_mode=ParseMode.HTML,
        reply_markup=stats_keyboard(screen.view, screen.year, screen.this_year, screen.first_year),
    )


async def _edit_photo(update: Update, screen: StatsScreen, keyboard: InlineKeyboardMarkup) -> None:
    query = update.callback_query
    media = InputMediaPhoto(screen.png, caption=screen.caption, parse_mode=ParseMode.HTML)
    try:
        await query.edit_message_media(media=media, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def on_view(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``sv:<view>:<year>``: redraw the tapped /stats photo with another view or year."""
    query = update.callback_query
    data = callbacks.decode(query.data)
    view = data.arg(0) if data else None
    year = data.int_arg(1) if data else None
    message = query.message
    if (
        view not in VIEW_NAMES
        or len(data.args) != 2
        or not valid_year(year)
        or not (message and message.photo)
    ):
        await query.answer(_(EXPIRED_BUTTON))
        return
    actor = actor_of(update)
    # Two read-only transactions side by side: the summary's queries and the chart's query + render
    # (at 100,000 books each takes about half a second; one after the other they would add up).
    found, chart = await asyncio.gather(
        dbcall.read(context, summary_of, actor), dbcall.read(context, chart_of, actor, view, year)
    )
    if isinstance(chart, str):
        await query.answer(chart)  # too little data: say why and keep the chart shown
        return
    screen = _screen(found, chart, view, year)
    await query.answer()
    await _edit_photo(update, screen, stats_keyboard(view, screen.year, screen.this_year, screen.first_year))


# --------------------------------------------------------------------------- /year


@dataclass(frozen=True)
class YearScreen:
    caption: str
    year: int
    this_year: int
    first_year: int | None = None
    review: stats.YearReview | None = None
    png: bytes | None = None


def _names(items: list[str], limit: int) -> str:
    shown = ", ".join(esc(truncate(item, 40)) for item in items[:limit])
    return shown + (_(" and {n} more").format(n=len(items) - limit) if len(items) > limit else "")


def review_text(review: stats.YearReview) -> str:
    """The caption of a year in review (HTML, under a photo caption's limit)."""
    lines = [_("📅 <b>{year} in books</b>").format(year=review.year)]
    head = f"{lists.plural(review.books, 'book')} · {lists.plural(review.pages, 'page')}"
    if review.average_rating is not None:
        average = formats.number(round(review.average_rating / 2, 1))
        head += " · " + _("average {stars} ★").format(stars=average)
    lines.append(head)
    if review.favourites:
        favourites = ", ".join(bold(truncate(b.title, 50)) for b in review.favourites)
        text = ngettext(
            "❤ Favourite ({stars}): {books}", "❤ Favourites ({stars}): {books}", len(review.favourites)
        )
        lines.append(text.format(stars=stars(review.favourites[0].rating), books=favourites))
    if review.longest is not None:
        lines.append(
            _("📏 Longest: {title} ({pages})").format(
                title=bold(truncate(review.longest.title, 60)),
                pages=lists.plural(review.longest.pages, "page"),
            )
        )
    if review.new_authors:
        lines.append(
            _("✍ New authors ({n}): {names}").format(
                n=len(review.new_authors), names=_names([a.name for a in review.new_authors], 8)
            )
        )
    return _fit("\n".join(lines))


def year_screen(session: Session, actor: Actor, year: int | None) -> YearScreen:
    who = resolve(session, actor)
    today = local_today(who)
    year = year or today.year
    years = stats.read_per_year(session, who.library_id, user_id=who.user_id)
    first_year = years[0].year if years else None
    review = stats.year_review(session, who.library_id, year, user_id=who.user_id)
    from librium.charts import views

    try:
        png = views.draw("year_in_review", review)
    except EmptyStats as empty:
        return YearScreen(esc(str(empty)), year, today.year, first_year, review)
    return YearScreen(review_text(review), year, today.year, first_year, review, png)


def year_keyboard(year: int, this_year: int, first_year: int | None) -> InlineKeyboardMarkup | None:
    row = [button(f"◀ {year - 1}", "yr", year - 1)] if _back_to(year, first_year) else []
    if year < this_year:
        row.append(button(f"{year + 1} ▶", "yr", year + 1))
    return InlineKeyboardMarkup([row]) if row else None


def parse_year(args: list[str]) -> int | None:
    """The year of ``/year [YYYY]``; None for this year. Raises Invalid with a usage hint."""
    if not args:
        return None
    if len(args) > 1 or not args[0].isdigit() or len(args[0]) != 4:
        raise Invalid(_("“{text}” is not a year. Try /year 2025.").format(text=truncate(" ".join(args), 30)))
    number = int(args[0])
    if not valid_year(number):
        raise Invalid(
            _("Pick a year between {first} and {last}.").format(
                first=validation.MIN_YEAR, last=validation.max_year()
            )
        )
    return number


async def year_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    try:
        year = parse_year(context.args or [])
    except Invalid as error:
        await message.reply_text(esc(str(error)))
        return
    screen = await dbcall.read(context, year_screen, actor_of(update), year)
    keyboard = year_keyboard(screen.year, screen.this_year, screen.first_year)
    if screen.png is None:
        await message.reply_text(screen.caption, reply_markup=keyboard)
        return
    await message.reply_photo(
        screen.png, caption=screen.caption, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def on_year(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``yr:<year>``: another year on the tapped review; a year with no reading answers and keeps it."""
    query = update.callback_query
    data = callbacks.decode(query.data)
    year = data.int_arg(0) if data and len(data.args) == 1 else None
    if not valid_year(year) or query.message is None:
        await query.answer(_(EXPIRED_BUTTON))
        return
    screen = await dbcall.read(context, year_screen, actor_of(update), year)
    keyboard = year_keyboard(screen.year, screen.this_year, screen.first_year)
    if screen.png is None:
        await query.answer(truncate(screen.caption, 190))
        return
    await query.answer()
    if query.message.photo:
        await _edit_photo(update, StatsScreen(screen.caption, png=screen.png), keyboard)
    else:  # the review was a sentence ("no books finished"): send the chart as a new photo
        await query.message.reply_photo(
            screen.png, caption=screen.caption, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )


# --------------------------------------------------------------------------- /goal


def goal_text(progress: goals.GoalProgress) -> str:
    line = _("🎯 <b>Reading goal {year}</b>: {summary}.").format(
        year=progress.year, summary=esc(progress.summary())
    )
    if not progress.done:
        line += "\n" + _("{books} to go.").format(books=lists.plural(progress.remaining, "book"))
    return line


def goal_action(session: Session, actor: Actor, argument: str | None) -> str:
    """``/goal`` (show), ``/goal N`` (set), ``/goal off`` (clear), for this year in the user's zone."""
    who = resolve(session, actor)
    today = local_today(who)
    year = today.year
    if argument is not None and argument.lower() in ("off", "clear", "none"):
        if goals.clear_goal(session, who.user_id, year):
            return _("Goal for {year} cleared. /goal 30 sets a new one.").format(year=year)
        return _("You had no goal for {year}. /goal 30 sets one.").format(year=year)
    if argument is not None:
        goals.set_goal(session, who.user_id, year, argument)
    progress = goals.goal_progress(session, who.user_id, _library_ids(session, who), year, today)
    if progress is None:
        return _("No reading goal for {year} yet. Set one with /goal 30 (books this year).").format(year=year)
    prefix = _("✓ Goal set.") + " " if argument is not None else ""
    return prefix + goal_text(progress)


async def goal_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    message = update.effective_message
    if len(args) > 1:
        await message.reply_text(_("Say one number: /goal 30 (or /goal off to clear it)."))
        return
    try:
        answer = await dbcall.run(context, goal_action, actor_of(update), args[0] if args else None)
    except Invalid as error:
        await message.reply_text(
            _("{error} For example: /goal 30, or /goal off.").format(error=esc(str(error)))
        )
        return
    await message.reply_text(answer)


# --------------------------------------------------------------------------- /problems


def _problem_button(kind: str, book: stats.BookRef, width: int = 24) -> InlineKeyboardButton:
    return button(f"{PROBLEM_ICONS[kind]} {truncate(book.title, width)}", "b", book.id)


def problems_overview(session: Session, actor: Actor) -> lists.Screen:
    who = resolve(session, actor)
    report = stats.problems(session, who.library_id, limit=PROBLEM_PREVIEW + 1)
    if report.total_books == 0:
        return lists.Screen(_("No books yet, so nothing to fix. Send a title or an ISBN to add one."))
    if report.clean:
        return lists.Screen(
            _(
                "✓ All {books} have a cover, ISBN, author, publisher, language and genre. Nothing to fix."
            ).format(books=lists.plural(report.total_books, "book"))
        )
    lines = [_("🔧 <b>Problems</b> in {books}").format(books=lists.plural(report.total_books, "book"))]
    rows: list[list[InlineKeyboardButton]] = []
    for problem in report.problems:
        if not problem.count:
            continue
        # Three books fit a row; from four on, two and a button to the kind's full list.
        shown = problem.books if problem.count <= PROBLEM_PREVIEW + 1 else problem.books[:PROBLEM_PREVIEW]
        titles = ", ".join(esc(truncate(b.title, 30)) for b in shown)
        more = "…" if problem.count > len(shown) else ""
        lines.append(
            f"{PROBLEM_ICONS[problem.kind]} {bold(_(problem.label))}: {formats.number(problem.count)} — {titles}{more}"
        )
        row = [_problem_button(problem.kind, b, 24 if len(shown) < 3 else 16) for b in shown]
        if problem.count > len(shown):
            row.append(button(_("All {n} ›").format(n=formats.number(problem.count)), "pb", problem.kind, 1))
        rows.append(row)
    lines.append("\n" + _("Tap a book to open its card and fix it."))
    return lists.Screen("\n".join(lines), rows)


def problems_kind(session: Session, actor: Actor, kind: str, page: int) -> lists.Screen:
    """One kind of problem, a page of books; reaches the first PROBLEM_CAP books by title."""
    who = resolve(session, actor)
    pages_cap = lists.page_count(PROBLEM_CAP, PROBLEM_PAGE)
    page = lists.clamp(page, pages_cap)
    report = stats.problems(session, who.library_id, limit=page * PROBLEM_PAGE)
    problem = next(p for p in report.problems if p.kind == kind)
    back = [button(_("◀ Problems"), "pb", "o")]
    header = f"{PROBLEM_ICONS[kind]} <b>{esc(_(problem.label))}</b>"
    if not problem.count:
        return lists.Screen(f"{header}\n\n" + _("None left — all fixed."), [back])
    reachable = min(problem.count, PROBLEM_CAP)
    pages = lists.page_count(reachable, PROBLEM_PAGE)
    page = min(page, pages)
    if len(problem.books) < (page - 1) * PROBLEM_PAGE + 1:  # fewer now than when the button was made
        page = lists.page_count(len(problem.books), PROBLEM_PAGE)
    shown = lists.window(problem.books, page, PROBLEM_PAGE)
    first = (page - 1) * PROBLEM_PAGE + 1
    lines = [f"{n}. {bold(truncate(b.title, 70))}" for n, b in enumerate(shown, start=first)]
    status = lists.status_line(page, pages, problem.count)
    if problem.count > PROBLEM_CAP:
        status += " " + _("(the first {n} by title are listed)").format(n=PROBLEM_CAP)
    text = lists.compose(header, "\n".join(lines), status)
    rows = [[button(f"{n}. {truncate(b.title, 40)}", "b", b.id)] for n, b in enumerate(shown, start=first)]
    rows.append(lists.pager(page, pages, lambda p: callbacks.encode("pb", kind, p)))
    rows.append(back)
    return lists.Screen(text, rows)


async def problems_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    screen = await dbcall.read(context, problems_overview, actor_of(update))
    await update.effective_message.reply_text(screen.text, reply_markup=screen.markup)


async def on_problems(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``pb`` (post the overview), ``pb:o`` (back to it, in place), ``pb:<kind>:<page>`` (a kind)."""
    query = update.callback_query
    data = callbacks.decode(query.data)
    if data is None or query.message is None:
        await query.answer(_(EXPIRED_BUTTON))
        return
    target = data.arg(0)
    if target is None:
        screen = await dbcall.read(context, problems_overview, actor_of(update))
        await query.answer()
        await query.message.reply_text(screen.text, reply_markup=screen.markup)
        return
    if target == "o" and len(data.args) == 1:
        screen = await dbcall.read(context, problems_overview, actor_of(update))
    elif target in PROBLEM_ICONS and len(data.args) == 2 and data.int_arg(1):
        screen = await dbcall.read(context, problems_kind, actor_of(update), target, data.int_arg(1))
    else:
        await query.answer(_(EXPIRED_BUTTON))
        return
    await query.answer()
    await lists.show(update, screen)


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:
    application.add_handler(CommandHandler("stats", stats_command))
    application.add_handler(CommandHandler("year", year_command))
    application.add_handler(CommandHandler("goal", goal_command))
    application.add_handler(CommandHandler("problems", problems_command))
    application.add_handler(CallbackQueryHandler(on_view, pattern=callbacks.pattern("sv")))
    application.add_handler(CallbackQueryHandler(on_year, pattern=callbacks.pattern("yr")))
    application.add_handler(CallbackQueryHandler(on_problems, pattern=callbacks.pattern("pb")))
