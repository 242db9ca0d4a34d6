"""Charts: valid, phone-sized PNGs whose bars carry the statistics service's numbers."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from librium import charts
from librium.charts import views
from librium.errors import Invalid
from librium.services import goals, stats
from tests.stats.conftest import Factory, build_sample

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 300_000


def assert_phone_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) < MAX_BYTES
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every pixel: a truncated or corrupt file fails here
    assert image.format == "PNG"
    assert image.width >= 800 and 400 <= image.height <= 2000
    # Not a blank card: a chart has the background plus bars and text in several colours.
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 10
    return image


def bar_heights(fig) -> list[float]:
    return [patch.get_height() for patch in fig.axes[0].patches]


def bar_widths(fig) -> list[float]:
    return [patch.get_width() for patch in fig.axes[0].patches]


def texts(fig) -> str:
    return " | ".join(t.get_text() for t in fig.texts)


@pytest.fixture
def sample(factory, library) -> Factory:
    build_sample(factory, library)
    goals.set_goal(factory.session, library.owner_id, 2024, 12)
    return factory


@pytest.mark.parametrize("view", list(views.VIEWS))
def test_every_view_renders_a_phone_sized_png(sample, session, library, view):
    request = views.Request(library.id, 2024, user_id=library.owner_id, today=dt.date(2024, 7, 1))
    chart = views.render(session, view, request)
    assert_phone_png(chart.png)
    assert chart.caption


def test_month_bars_are_the_service_figures(sample, session, library):
    months = stats.read_per_month(session, library.id, 2024)
    expected = [0] * 12
    for spec in sample.live(library.id, owned_only=False):
        for _start, end, abandoned, _user in spec.readings:
            if end and not abandoned and end.year == 2024:
                expected[end.month - 1] += 1
    fig = charts.books_per_month.figure(months)
    assert bar_heights(fig) == months.counts == expected
    assert "Books read in 2024" in texts(fig)
    assert f"{sum(expected)} books" in texts(fig)


def test_breakdown_keeps_top_n_and_sums_the_rest(sample, session, library):
    genres = stats.by_genre(session, library.id)
    fig = charts.breakdown.figure(genres, top_n=2)
    counts = Counter(g for s in sample.live(library.id) for g in s.genres)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    expected = [c for _g, c in ranked[:2]] + [sum(c for _g, c in ranked[2:])]
    assert bar_widths(fig) == expected
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[:2] == [g for g, _c in ranked[:2]] and labels[2].startswith("Other")
    assert f"{len(sample.live(library.id))} books" in texts(fig)


def test_decades_in_time_order(sample, session, library):
    decades = stats.by_decade(session, library.id)
    fig = charts.decades.figure(decades)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    expected = sorted(Counter(s.year // 10 * 10 for s in sample.live(library.id) if s.year).items())
    assert labels == [f"{d}s" for d, _ in expected]
    assert bar_widths(fig) == [c for _d, c in expected]


def test_many_decades_merge_the_oldest(factory, session, library):
    for year in range(1900, 2020, 10):
        factory.book(library, f"Book {year}", year=year)
    fig = charts.decades.figure(stats.by_decade(session, library.id), top_n=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Before 1980s", "1980s", "1990s", "2000s", "2010s"]
    assert bar_widths(fig) == [8, 1, 1, 1, 1]


def test_money_chart_shows_the_main_currency(sample, session, library):
    money = stats.money(session, library.id)
    fig = charts.money_per_year.figure(money)
    eur = Counter()
    for s in sample.live(library.id):
        if s.price is not None and s.currency == "EUR":
            eur[s.created_at.year] += float(s.price)
    assert bar_heights(fig) == pytest.approx([eur[y] for y in sorted(eur)])
    assert "(EUR)" in texts(fig) and "USD" in texts(fig)


def test_goal_chart(sample, session, library):
    progress = goals.goal_progress(session, library.owner_id, [library.id], 2024, dt.date(2024, 7, 1))
    fig = charts.goal_progress.figure(progress)
    assert f"{progress.read} of 12" in texts(fig)
    assert [p.get_width() for p in fig.axes[0].patches] == [12, min(progress.read, 12)]


def test_year_in_review_chart(sample, session, library):
    review = stats.year_review(session, library.id, 2024)
    fig = charts.year_in_review.figure(review)
    text = texts(fig)
    assert "2024 in books" in text and str(review.books) in text
    assert review.longest.title in text
    assert bar_heights(fig) == review.per_month.counts


def test_empty_library_gets_friendly_text(session, library):
    request = views.Request(library.id, 2024, user_id=library.owner_id, today=dt.date(2024, 7, 1))
    for view in views.VIEWS:
        with pytest.raises(charts.EmptyStats) as caught:
            views.render(session, view, request)
        assert len(caught.value.message) > 10, view


def test_tiny_library_gets_friendly_text(factory, session, library):
    factory.book(library, "One", genres=["Fantasy"], format="Paperback", year=2001)
    factory.book(library, "Two", genres=["Fantasy"], format="Paperback", year=2002)
    for query in (stats.by_genre, stats.by_format, stats.by_language):
        with pytest.raises(charts.EmptyStats, match="few more books"):
            charts.breakdown(query(session, library.id))
    factory.book(library, "Three", year=2003)
    with pytest.raises(charts.EmptyStats, match="language"):
        charts.breakdown(stats.by_language(session, library.id))
    assert_phone_png(charts.breakdown(stats.by_genre(session, library.id)))
    one_reading = stats.Pace(1, 3.0, 3.0, 3, 3, [stats.YearPace(2024, 1, 3.0)])
    with pytest.raises(charts.EmptyStats):
        charts.reading_pace(one_reading)


def test_unknown_view(session, library):
    with pytest.raises(Invalid, match="no “pie” chart"):
        views.render(session, "pie", views.Request(library.id, 2024))


def test_rendering_is_thread_safe(sample, session, library):
    """Figures never touch pyplot's global state, so parallel renders equal sequential ones."""
    data = [
        (charts.books_per_month, stats.read_per_month(session, library.id, 2024)),
        (charts.breakdown, stats.by_genre(session, library.id)),
        (charts.top_authors, stats.top_authors(session, library.id)),
        (charts.pages_per_year, stats.pages_per_year(session, library.id)),
    ] * 3
    sequential = [render(arg) for render, arg in data]
    with ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(lambda pair: pair[0](pair[1]), data))
    assert parallel == sequential
