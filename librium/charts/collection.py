"""Charts of what a library holds: breakdowns (genre, format, language, decade), money, authors."""

from __future__ import annotations

from decimal import Decimal

from matplotlib.figure import Figure

from librium.charts import style
from librium.charts.empty import MIN_BOOKS, EmptyStats
from librium.i18n import N_, _, formats, ngettext
from librium.services.stats import AuthorCount, Breakdown, Bucket, MoneyStats


def _hbars(title: str, subtitle: str, labels: list[str], values: list[int], colors: list[str]) -> Figure:
    """Horizontal bars, the first label on top, each bar labelled with its value."""
    rows = len(labels)
    fig = style.figure(max(560, 250 + 72 * rows))
    style.titles(fig, title, subtitle)
    top = 1 - 190 / (fig.get_figheight() * style.DPI)
    ax = style.axes(fig, (0.38, 0.05, 0.54, top - 0.05))
    positions = list(range(rows))
    bars = ax.barh(positions, values, color=colors, height=0.68)
    ax.set_yticks(
        positions,
        [style.shorten(label, 19) for label in labels],
        color=style.TEXT,
        fontsize=style.LABEL_SIZE,
        fontfamily=style.FONT,
    )
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.bar_label(
        bars, [style.compact(v) for v in values], padding=8, color=style.TEXT, fontsize=style.VALUE_SIZE
    )
    ax.set_xlim(0, max(values) * 1.15 if values else 1)
    return fig


def _top(buckets: list[Bucket], top_n: int) -> tuple[list[str], list[int], list[str]]:
    """The ``top_n`` largest buckets and, if more remain, one "Other" bar summing them."""
    ranked = sorted(buckets, key=lambda b: (-b.count, b.label.casefold()))
    shown, rest = ranked[:top_n], ranked[top_n:]
    labels = [b.label for b in shown]
    values = [b.count for b in shown]
    colors = [style.ACCENT] * len(shown)
    if rest:
        labels.append(_("Other ({n})").format(n=len(rest)))
        values.append(sum(b.count for b in rest))
        colors.append(style.MUTED)
    return labels, values, colors


# A breakdown's title -> (books without it, none has it), in words of the current language.
_MISSING = {
    "Collection by genre": (N_("{n} without a genre"), N_("None of your books has a genre yet.")),
    "Collection by language": (N_("{n} without a language"), N_("None of your books has a language yet.")),
    "Collection by format": (N_("{n} without a format"), N_("None of your books has a format yet.")),
    "Collection by year of publication": (
        N_("{n} without a year"),
        N_("None of your books has a year of publication yet."),
    ),
    "Collection by decade": (
        N_("{n} without a year"),
        N_("None of your books has a year of publication yet."),
    ),
}


def _subtitle(breakdown: Breakdown) -> str:
    parts = [ngettext("{n} book", "{n} books", breakdown.total).format(n=formats.number(breakdown.total))]
    if breakdown.unknown:
        parts.append(_(_MISSING[breakdown.title][0]).format(n=formats.number(breakdown.unknown)))
    return " · ".join(parts)


def _check(breakdown: Breakdown) -> None:
    if breakdown.total < MIN_BOOKS:
        raise EmptyStats(
            _("Add a few more books (at least {n}) to see your collection as a chart.").format(n=MIN_BOOKS)
        )
    if not breakdown.buckets:
        raise EmptyStats(_(_MISSING[breakdown.title][1]))


@style.png
def breakdown(data: Breakdown, top_n: int = 10) -> Figure:
    """Collection by genre, format or language: the largest ``top_n`` bars plus "Other"."""
    _check(data)
    labels, values, colors = _top(data.buckets, top_n)
    return _hbars(_(data.title), _subtitle(data), labels, values, colors)


@style.png
def decades(data: Breakdown, top_n: int = 10) -> Figure:
    """Collection by decade, in time order; when there are many, the oldest merge into "Before …"."""
    _check(data)
    buckets = sorted(data.buckets, key=lambda b: b.id or 0)
    labels = [b.label for b in buckets]
    values = [b.count for b in buckets]
    colors = [style.ACCENT] * len(buckets)
    if len(buckets) > top_n:
        cut = len(buckets) - (top_n - 1)
        labels = [_("Before {label}").format(label=buckets[cut].label), *labels[cut:]]
        values = [sum(values[:cut]), *values[cut:]]
        colors = [style.MUTED, *colors[cut:]]
    return _hbars(_(data.title), _subtitle(data), labels, values, colors)


@style.png
def top_authors(authors: list[AuthorCount], *, read: bool = False) -> Figure:
    if not authors:
        if read:
            raise EmptyStats(_("Mark a few books as read to see your most-read authors."))
        raise EmptyStats(_("Add books with their authors to see your top authors."))
    title = _("Most-read authors") if read else _("Top authors")
    subtitle = _("Books read") if read else _("Books in your collection")
    return _hbars(
        title, subtitle, [a.name for a in authors], [a.count for a in authors], [style.ACCENT] * len(authors)
    )


def _amount(amount: Decimal, currency: str | None) -> str:
    return formats.money(amount, currency)


@style.png
def money_per_year(data: MoneyStats, max_years: int = 12) -> Figure:
    """Spending per year in the main currency; every currency's total is in the subtitle."""
    currency = data.main_currency
    years = [y for y in data.per_year if y.currency == currency][-max_years:]
    if not years:
        raise EmptyStats(_("Add prices to your books to see what you spent on them."))
    totals = " · ".join(_amount(m.amount, m.currency) for m in data.totals[:3])
    fig = style.figure(760)
    style.titles(
        fig,
        _("Money spent per year ({currency})").format(currency=currency)
        if currency
        else _("Money spent per year"),
        _("Total {amount}").format(amount=totals),
    )
    ax = style.axes(fig, (0.08, 0.1, 0.88, 0.68))
    style.value_grid(ax)
    labels = style.year_labels([y.year for y in years])
    values = [float(y.amount) for y in years]
    bars = ax.bar(labels, values, color=style.ACCENT, width=0.7)
    ax.bar_label(
        bars,
        [style.compact(round(v)) for v in values],
        padding=6,
        color=style.TEXT,
        fontsize=style.VALUE_SIZE,
    )
    ax.set_yticks([])
    ax.grid(False)
    ax.set_ylim(0, max(values) * 1.18 or 1)
    return fig
