"""Named chart views: query the statistics and render them in one call, with a caption.

The bot's /stats buttons map to these names. The queries run here, on the caller's session; the
drawing (matplotlib, a few hundred milliseconds) runs in the worker process
(:mod:`librium.offload`), so this module loads no matplotlib. :func:`render` blocks until the
PNG is back: call it in a worker thread with a fresh session, never on the event loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from librium import offload
from librium.errors import Invalid
from librium.i18n import _, formats, ngettext
from librium.services import goals, stats


def draw(renderer: str, *args, **kwargs) -> bytes:
    """PNG bytes from ``librium.charts.<renderer>``, drawn in the worker process."""
    return offload.call(f"librium.charts:{renderer}", *args, **kwargs)


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str


@dataclass(frozen=True)
class Request:
    """What a view may need besides the library: the year shown, the reader, and today's date."""

    library_id: int
    year: int
    user_id: int | None = None
    library_ids: tuple[int, ...] = ()  # for the goal: every library the user reads in
    today: dt.date | None = None


def _month(s: Session, r: Request) -> Chart:
    data = stats.read_per_month(s, r.library_id, r.year, user_id=r.user_id)
    return Chart(
        draw("books_per_month", data), _("Books read in {year}: {n}").format(year=r.year, n=data.total)
    )


def _pages(s: Session, r: Request) -> Chart:
    data = stats.pages_per_year(s, r.library_id, user_id=r.user_id)
    total = sum(y.pages for y in data)
    return Chart(draw("pages_per_year", data), _("Pages read: {n} in all").format(n=formats.number(total)))


def _breakdown(query: Callable[[Session, int], stats.Breakdown], render: str = "breakdown"):
    def view(s: Session, r: Request) -> Chart:
        data = query(s, r.library_id)
        top = ", ".join(f"{b.label} {b.count}" for b in sorted(data.buckets, key=lambda b: -b.count)[:3])
        return Chart(draw(render, data), f"{_(data.title)}: {top}")

    return view


def _money(s: Session, r: Request) -> Chart:
    data = stats.money(s, r.library_id)
    totals = ", ".join(formats.money(m.amount, m.currency) for m in data.totals)
    return Chart(draw("money_per_year", data), _("Money spent: {amount}").format(amount=totals))


def _authors(read: bool):
    def view(s: Session, r: Request) -> Chart:
        data = stats.top_authors(s, r.library_id, read=read)
        title = _("Most-read authors") if read else _("Top authors")
        return Chart(draw("top_authors", data, read=read), f"{title}: {', '.join(a.name for a in data[:3])}")

    return view


def _pace(s: Session, r: Request) -> Chart:
    data = stats.pace(s, r.library_id, user_id=r.user_id)
    png = draw("reading_pace", data)
    caption = _("Reading pace: median {days} days per book over {n} books").format(
        days=formats.number(data.median_days), n=data.readings
    )
    return Chart(png, caption)


def _goal(s: Session, r: Request) -> Chart:
    if r.user_id is None:
        raise Invalid(_("A reading goal belongs to a person: say whose."))
    today = r.today or dt.date.today()
    progress = goals.goal_progress(s, r.user_id, list(r.library_ids or (r.library_id,)), r.year, today)
    png = draw("goal_progress", progress)
    assert progress is not None
    return Chart(png, _("Reading goal {year}: {summary}").format(year=r.year, summary=progress.summary()))


def _year(s: Session, r: Request) -> Chart:
    data = stats.year_review(s, r.library_id, r.year, user_id=r.user_id)
    books = ngettext("{n} book", "{n} books", data.books).format(n=formats.number(data.books))
    pages = ngettext("{n} page", "{n} pages", data.pages).format(n=formats.number(data.pages))
    caption = _("{year} in books: {books}, {pages}").format(year=r.year, books=books, pages=pages)
    return Chart(draw("year_in_review", data), caption)


VIEWS: dict[str, Callable[[Session, Request], Chart]] = {
    "month": _month,
    "pages": _pages,
    "genre": _breakdown(stats.by_genre),
    "format": _breakdown(stats.by_format),
    "language": _breakdown(stats.by_language),
    "decade": _breakdown(stats.by_decade, "decades"),
    "money": _money,
    "authors": _authors(read=False),
    "authors_read": _authors(read=True),
    "pace": _pace,
    "goal": _goal,
    "year": _year,
}


def render(session: Session, view: str, request: Request) -> Chart:
    """Query and render one view. Raises EmptyStats (friendly message) or Invalid (unknown view)."""
    try:
        make = VIEWS[view]
    except KeyError:
        raise Invalid(
            _("There is no “{view}” chart (try one of: {views}).").format(view=view, views=", ".join(VIEWS))
        ) from None
    return make(session, request)
