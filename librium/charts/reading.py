"""Charts of reading: per month, pages per year, pace, the yearly goal and the year in review."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from librium.charts import style
from librium.charts.style import EmptyStats
from librium.i18n import _, formats, ngettext
from librium.services.goals import GoalProgress
from librium.services.stats import MonthCounts, Pace, YearPages, YearReview


def stars(half_stars: int | None) -> str:
    if not half_stars:
        return ""
    return "★" * (half_stars // 2) + ("½" if half_stars % 2 else "")


def _month_bars(ax: Axes, months: MonthCounts) -> None:
    style.value_grid(ax)
    positions = list(range(12))
    best = max(months.counts)
    colors = [style.SECOND if c == best and c > 0 else style.ACCENT for c in months.counts]
    bars = ax.bar(positions, months.counts, color=colors, width=0.72)
    ax.bar_label(
        bars,
        [str(c) if c else "" for c in months.counts],
        padding=6,
        color=style.TEXT,
        fontsize=style.VALUE_SIZE,
    )
    ax.set_xticks(positions, style.months(), color=style.MUTED)
    ax.set_yticks([])
    ax.grid(False)
    ax.set_ylim(0, best * 1.2 or 1)


@style.png
def books_per_month(months: MonthCounts) -> Figure:
    if months.total == 0:
        raise EmptyStats(_("No books finished in {year} yet.").format(year=months.year))
    best = max(range(12), key=lambda i: months.counts[i])
    books = ngettext("{n} book", "{n} books", months.total).format(n=formats.number(months.total))
    subtitle = _("{books} · best month: {month} ({n})").format(
        books=books, month=formats.month_name(best + 1), n=months.counts[best]
    )
    fig = style.figure(760)
    style.titles(fig, _("Books read in {year}").format(year=months.year), subtitle)
    _month_bars(style.axes(fig, (0.05, 0.08, 0.9, 0.7)), months)
    return fig


@style.png
def pages_per_year(years: list[YearPages], max_years: int = 12) -> Figure:
    shown = [y for y in years if y.pages > 0][-max_years:]
    if not shown:
        raise EmptyStats(_("Finish a book that has a page count to see how many pages you read."))
    last = shown[-1]
    fig = style.figure(760)
    pages = ngettext("{n} page", "{n} pages", last.pages).format(n=formats.number(last.pages))
    books = ngettext("{n} book", "{n} books", last.books).format(n=formats.number(last.books))
    style.titles(
        fig,
        _("Pages read per year"),
        _("{pages} in {year} · {books}").format(pages=pages, year=last.year, books=books),
    )
    ax = style.axes(fig, (0.05, 0.1, 0.9, 0.68))
    labels = style.year_labels([y.year for y in shown])
    values = [y.pages for y in shown]
    bars = ax.bar(labels, values, color=style.ACCENT, width=0.7)
    ax.bar_label(
        bars, [style.compact(v) for v in values], padding=6, color=style.TEXT, fontsize=style.VALUE_SIZE
    )
    ax.set_yticks([])
    ax.set_ylim(0, max(values) * 1.18)
    return fig


@style.png
def reading_pace(pace: Pace, max_years: int = 12) -> Figure:
    """Average days per book each year, with the overall median as a line."""
    if pace.readings < 2 or pace.median_days is None:
        raise EmptyStats(_("Record when you start and finish a few books to see your reading pace."))
    years = pace.per_year[-max_years:]
    fig = style.figure(760)
    median = style.compact(pace.median_days)
    books = ngettext("{n} book", "{n} books", pace.readings).format(n=formats.number(pace.readings))
    style.titles(
        fig,
        _("Reading pace"),
        _("Days per book · median {median} (dashed) · {books}").format(median=median, books=books),
    )
    ax = style.axes(fig, (0.05, 0.1, 0.9, 0.68))
    labels = style.year_labels([y.year for y in years])
    values = [y.average_days for y in years]
    bars = ax.bar(labels, values, color=style.ACCENT, width=0.7)
    ax.bar_label(
        bars,
        [style.compact(v) for v in values],
        padding=6,
        color=style.TEXT,
        fontsize=style.VALUE_SIZE,
        bbox={"facecolor": style.BACKGROUND, "edgecolor": "none", "pad": 1},
    )
    ax.axhline(pace.median_days, color=style.SECOND, linewidth=3, linestyle="--", zorder=0.5)
    ax.set_yticks([])
    ax.set_ylim(0, max([*values, pace.median_days]) * 1.2)
    return fig


@style.png
def goal_progress(progress: GoalProgress | None) -> Figure:
    """A progress bar: read (teal) against the target, with today's expected pace marked (orange)."""
    if progress is None:
        raise EmptyStats(_("You have not set a reading goal for this year yet."))
    fig = style.figure(560)
    style.titles(fig, _("Reading goal {year}").format(year=progress.year))
    fig.text(
        0.04,
        0.74,
        _("{read} of {target}").format(read=progress.read, target=progress.target),
        color=style.TEXT,
        fontsize=style.BIG_NUMBER_SIZE,
        fontweight="bold",
        va="top",
    )
    detail = progress.status()
    if not progress.done:
        detail += " · " + _("{n} to go").format(n=progress.remaining)
    fig.text(
        0.04, 0.47, detail, color=style.SECOND if progress.ahead < 0 else style.ACCENT, fontsize=26, va="top"
    )
    ax = style.axes(fig, (0.04, 0.1, 0.92, 0.2))
    ax.barh([0], [progress.target], color=style.GRID, height=0.8)
    ax.barh([0], [min(progress.read, progress.target)], color=style.ACCENT, height=0.8)
    if 0 < progress.expected < progress.target:
        ax.axvline(progress.expected, color=style.SECOND, linewidth=5)
    ax.set_xlim(0, progress.target)
    ax.set_axis_off()
    return fig


@style.png
def year_in_review(review: YearReview) -> Figure:
    """A tall card: the year's numbers, books per month, the favourite and the longest book."""
    if review.books == 0:
        raise EmptyStats(_("No books finished in {year} — nothing to review yet.").format(year=review.year))
    fig = style.figure(1350)
    style.titles(fig, _("{year} in books").format(year=review.year))
    figures = [
        (formats.number(review.books), ngettext("book", "books", review.books)),
        (style.compact(review.pages), ngettext("page", "pages", review.pages)),
        (
            formats.number(len(review.new_authors)),
            ngettext("new author", "new authors", len(review.new_authors)),
        ),
    ]
    for i, (number, label) in enumerate(figures):
        x = 0.04 + i * 0.32
        fig.text(
            x,
            0.9,
            number,
            color=style.ACCENT,
            fontsize=style.BIG_NUMBER_SIZE - 10,
            fontweight="bold",
            va="top",
        )
        fig.text(x, 0.82, label, color=style.MUTED, fontsize=style.LABEL_SIZE, va="top")
    _month_bars(style.axes(fig, (0.05, 0.38, 0.9, 0.36)), review.per_month)
    lines: list[tuple[str, str]] = []
    if review.favourites:
        fav = review.favourites[0]
        more = f" (+{len(review.favourites) - 1})" if len(review.favourites) > 1 else ""
        lines.append((_("Favourite"), f"{style.shorten(fav.title, 34)}{more}  {stars(fav.rating)}"))
    if review.longest:
        pages = _("{n} p.").format(n=formats.number(review.longest.pages))
        lines.append((_("Longest"), f"{style.shorten(review.longest.title, 34)} · {pages}"))
    if review.new_authors:
        names = ", ".join(a.name for a in review.new_authors[:2])
        more = f" +{len(review.new_authors) - 2}" if len(review.new_authors) > 2 else ""
        lines.append((_("New"), style.shorten(names, 36) + more))
    for i, (label, text) in enumerate(lines):
        y = 0.29 - i * 0.085
        fig.text(0.04, y, label, color=style.MUTED, fontsize=style.LABEL_SIZE, va="top")
        fig.text(
            0.27, y, text, color=style.TEXT, fontsize=style.LABEL_SIZE + 2, va="top", fontfamily=style.FONT
        )
    return fig
