"""Statistics against hand-built libraries; every expectation is computed here from the inserted data."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import event, text

from librium.services import stats
from tests.stats.conftest import Factory, build_sample


@pytest.fixture
def sample(factory, library) -> Factory:
    build_sample(factory, library)
    return factory


def finished(f: Factory, library_id: int):
    """(spec, started, finished) of every finished, non-abandoned reading of a live book."""
    return [
        (s, r[0], r[1])
        for s in f.live(library_id, owned_only=False)
        for r in s.readings
        if r[1] is not None and not r[2]
    ]


def test_totals_count_each_book_once(sample, session, library):
    owned = sample.live(library.id)
    got = stats.totals(session, library.id)
    assert got.books == len(owned) == 7
    assert got.read == sum(s.status == "read" for s in owned)
    assert got.unread == sum(s.status == "to-read" for s in owned)
    assert got.reading == sum(s.status == "reading" for s in owned)
    assert got.abandoned == sum(s.status == "abandoned" for s in owned)
    assert got.wishlist == sum(not s.owned for s in sample.live(library.id, owned_only=False))
    assert got.pages_owned == sum(s.pages or 0 for s in owned)
    assert got.books_with_pages == sum(s.pages is not None for s in owned)


def test_empty_library(session, library):
    assert stats.totals(session, library.id) == stats.Totals(0, 0, 0, 0, 0, 0, 0, 0)
    assert stats.by_genre(session, library.id).buckets == []
    assert stats.read_per_year(session, library.id) == []
    assert stats.read_per_month(session, library.id, 2024).counts == [0] * 12
    assert stats.pace(session, library.id).readings == 0
    assert stats.money(session, library.id).totals == []
    review = stats.year_review(session, library.id, 2024)
    assert (review.books, review.pages, review.favourites, review.longest, review.new_authors) == (
        0,
        0,
        [],
        None,
        [],
    )
    assert stats.problems(session, library.id).total_books == 0


@pytest.mark.parametrize(
    ("func", "attr"),
    [(stats.by_genre, "genres"), (stats.by_language, "languages")],
)
def test_many_to_many_breakdowns(sample, session, library, func, attr):
    owned = sample.live(library.id)
    expected = Counter(name for s in owned for name in getattr(s, attr))
    got = func(session, library.id)
    assert {b.label: b.count for b in got.buckets} == dict(expected)
    assert [b.count for b in got.buckets] == sorted((b.count for b in got.buckets), reverse=True)
    assert got.unknown == sum(not getattr(s, attr) for s in owned)
    assert got.total == len(owned)  # a two-genre book is one book


def test_by_format(sample, session, library):
    owned = sample.live(library.id)
    got = stats.by_format(session, library.id)
    assert {b.label: b.count for b in got.buckets} == dict(Counter(s.format for s in owned if s.format))
    assert got.unknown == sum(s.format is None for s in owned)
    assert got.total == len(owned)


def test_by_release_year_and_decade(sample, session, library):
    owned = sample.live(library.id)
    years = stats.by_release_year(session, library.id)
    assert [(b.id, b.count) for b in years.buckets] == sorted(
        Counter(s.year for s in owned if s.year).items()
    )
    decades = stats.by_decade(session, library.id)
    expected = sorted(Counter(s.year // 10 * 10 for s in owned if s.year).items())
    assert [(b.id, b.count) for b in decades.buckets] == expected
    assert [b.label for b in decades.buckets] == [f"{d}s" for d, _ in expected]
    assert decades.unknown == years.unknown == sum(s.year is None for s in owned)


def test_read_per_year_counts_rereads_not_abandoned(sample, session, library):
    done = finished(sample, library.id)
    expected = sorted(Counter(end.year for _s, _b, end in done).items())
    assert [(y.year, y.count) for y in stats.read_per_year(session, library.id)] == expected
    # The Left Hand of Darkness was read twice: in 2023 and again in 2024.
    assert (2023, 1) in expected


def test_read_per_month(sample, session, library):
    done = finished(sample, library.id)
    counts = [0] * 12
    for _s, _b, end in done:
        if end.year == 2024:
            counts[end.month - 1] += 1
    got = stats.read_per_month(session, library.id, 2024)
    assert got.counts == counts
    assert got.total == sum(counts) > 0


def test_pages_per_year(sample, session, library):
    done = finished(sample, library.id)
    pages: dict[int, list] = defaultdict(lambda: [0, 0, 0])
    for s, _b, end in done:
        pages[end.year][0] += s.pages or 0
        pages[end.year][1] += 1
        pages[end.year][2] += s.pages is None
    got = stats.pages_per_year(session, library.id)
    assert [(p.year, p.pages, p.books, p.books_without_pages) for p in got] == [
        (y, *v) for y, v in sorted(pages.items())
    ]


def test_money_per_year_and_currency(sample, session, library):
    owned = [s for s in sample.live(library.id) if s.price is not None]
    per_year: dict[tuple, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    total: dict[str | None, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for s in owned:
        per_year[(s.created_at.year, s.currency)][0] += s.price
        per_year[(s.created_at.year, s.currency)][1] += 1
        total[s.currency][0] += s.price
        total[s.currency][1] += 1
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL TIME ZONE 'Pacific/Auckland'"))  # already 2025 there
    got = stats.money(session, library.id)
    assert {(m.year, m.currency): [m.amount, m.books] for m in got.per_year} == dict(per_year)
    assert {m.currency: [m.amount, m.books] for m in got.totals} == dict(total)
    assert all(isinstance(m.amount, Decimal) for m in got.totals)
    assert got.main_currency == "EUR"  # three EUR books against two USD and one without currency
    # Good Omens was added at 23:30 UTC on 31 December: it belongs to 2024 whatever the server's zone.
    assert (2024, "EUR") in per_year and (2025, "EUR") not in per_year


def test_top_authors(sample, session, library):
    owned = sample.live(library.id)
    expected = Counter(a for s in owned for a in s.authors)
    got = stats.top_authors(session, library.id)
    assert {a.name: a.count for a in got} == dict(expected)
    assert got[0].name == "Ursula K. Le Guin"
    read = Counter(
        a for s in sample.live(library.id, owned_only=False) if s.status == "read" for a in s.authors
    )
    assert {a.name: a.count for a in stats.top_authors(session, library.id, read=True)} == dict(read)
    assert len(stats.top_authors(session, library.id, limit=2)) == 2


def test_pace(sample, session, library):
    done = [(s, b, e) for s, b, e in finished(sample, library.id) if b is not None]
    days = [(e - b).days + 1 for _s, b, e in done]
    got = stats.pace(session, library.id)
    assert got.readings == len(days)
    assert got.average_days == pytest.approx(sum(days) / len(days), abs=0.01)
    assert got.median_days == statistics.median(days)
    assert (got.fastest_days, got.slowest_days) == (min(days), max(days))
    per_year: dict[int, list[int]] = defaultdict(list)
    for (_s, _b, e), d in zip(done, days, strict=True):
        per_year[e.year].append(d)
    assert [(p.year, p.readings) for p in got.per_year] == [(y, len(v)) for y, v in sorted(per_year.items())]
    for p in got.per_year:
        assert p.average_days == pytest.approx(statistics.mean(per_year[p.year]), abs=0.01)


def test_pace_median_with_odd_count(factory, session, library):
    for i, length in enumerate([3, 10, 1]):
        factory.book(library, f"B{i}", readings=[(stats.dt.date(2024, 1, 1), stats.dt.date(2024, 1, length))])
    got = stats.pace(session, library.id)
    assert got.median_days == 3
    assert got.average_days == pytest.approx((3 + 10 + 1) / 3, abs=0.01)


def test_reader_filter(factory, session, library):
    ada, bob = factory.user("Ada"), factory.user("Bob")
    d = stats.dt.date
    factory.book(library, "Ada's", readings=[(None, d(2024, 3, 1), False, ada.id)])
    factory.book(library, "Bob's", readings=[(None, d(2024, 3, 2), False, bob.id)])
    factory.book(library, "Imported", readings=[(None, d(2024, 4, 1), False, None)])
    assert stats.read_per_month(session, library.id, 2024).counts[2:4] == [2, 1]
    assert stats.read_per_month(session, library.id, 2024, user_id=ada.id).counts[2:4] == [1, 1]


def test_year_review(sample, session, library):
    done = finished(sample, library.id)
    year = [(s, e) for s, _b, e in done if e.year == 2024]
    got = stats.year_review(session, library.id, 2024)
    assert got.books == len(year)
    assert got.pages == sum(s.pages or 0 for s, _e in year)
    top = max(s.rating for s, _e in year if s.rating)
    assert sorted(b.id for b in got.favourites) == sorted({s.id for s, _e in year if s.rating == top})
    longest = max((s for s, _e in year if s.pages), key=lambda s: s.pages)
    assert (got.longest.id, got.longest.pages) == (longest.id, longest.pages)
    first_read: dict[str, object] = {}
    for s, _b, e in sorted(done, key=lambda t: t[2]):
        for a in s.authors:
            first_read.setdefault(a, e)
    assert sorted(a.name for a in got.new_authors) == sorted(
        a for a, e in first_read.items() if e.year == 2024
    )
    # Le Guin was first read in 2023, so she is not new in 2024; the deleted book's author never counts.
    assert "Ursula K. Le Guin" not in {a.name for a in got.new_authors}
    assert "Deleted Author" not in {a.name for a in got.new_authors}
    ratings = [s.rating for s, _e in year if s.rating]
    assert got.average_rating == pytest.approx(sum(ratings) / len(ratings), abs=0.01)
    assert got.per_month == stats.read_per_month(session, library.id, 2024)


def test_problems_report(sample, session, library):
    live = sample.live(library.id, owned_only=False)
    expected = {
        "cover": [s for s in live if not s.cover],
        "isbn": [s for s in live if not s.isbn],
        "author": [s for s in live if not s.authors],
        "publisher": [s for s in live if not s.publishers],
        "language": [s for s in live if not s.languages],
        "genre": [s for s in live if not s.genres],
        "import": [],  # no book of the sample came from an import with values it couldn't keep
    }
    report = stats.problems(session, library.id, limit=3)
    assert report.total_books == len(live)
    assert [p.kind for p in report.problems] == list(expected)
    for problem in report.problems:
        books = expected[problem.kind]
        assert problem.count == len(books), problem.kind
        assert len(problem.books) == min(3, len(books))
        assert {b.id for b in problem.books} <= {s.id for s in books}
    full = stats.problems(session, library.id, limit=100)
    for problem in full.problems:
        assert sorted(b.id for b in problem.books) == sorted(s.id for s in expected[problem.kind])
    assert not full.clean


def test_deleted_and_other_libraries_never_count(sample, session, library):
    """Everything the other library and the deleted book hold would change these numbers."""
    deleted = next(s for s in sample.specs if s.deleted)
    # 304 + 183 + 471 + 730 + 120 + 272: the owned live books only (no deleted 999, no other library's 500).
    assert stats.totals(session, library.id).pages_owned == 2080
    genres = {b.label: b.count for b in stats.by_genre(session, library.id).buckets}
    assert genres["Science Fiction"] == 1  # the deleted book and the wishlist Dune are not counted
    assert "Deleted Author" not in {a.name for a in stats.top_authors(session, library.id, limit=50)}
    eur = next(m for m in stats.money(session, library.id).totals if m.currency == "EUR")
    assert eur.amount == Decimal("22.48")  # 9.99 + 7.50 + 4.99; not the deleted 99 or the other library's 50
    feb = stats.read_per_month(session, library.id, 2024).counts[1]
    assert feb == 1  # only the reread of The Left Hand of Darkness, not the other library's reading
    ids = {b.id for p in stats.problems(session, library.id, limit=100).problems for b in p.books}
    assert deleted.id not in ids
    assert not ids & {s.id for s in sample.specs if s.library_id != library.id}


def test_no_n_plus_one(factory, session, library):
    """The number of statements does not grow with the number of books."""

    def statements(n_books: int) -> int:
        lib = factory.library(f"L{n_books}")
        for i in range(n_books):
            factory.book(
                lib, f"T{i}", authors=[f"A{i}"], genres=["G", f"G{i}"], languages=["L"], pages=100 + i,
                price="1", currency="EUR", status="read", rating=8, year=1990 + i,
                readings=[(stats.dt.date(2024, 1, 1), stats.dt.date(2024, 1 + i % 12, 2))],
            )  # fmt: skip
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        bind = session.connection()
        event.listen(bind, "before_cursor_execute", listener)
        try:
            stats.totals(session, lib.id)
            stats.by_genre(session, lib.id)
            stats.by_format(session, lib.id)
            stats.by_decade(session, lib.id)
            stats.money(session, lib.id)
            stats.top_authors(session, lib.id)
            stats.pace(session, lib.id)
            stats.year_review(session, lib.id, 2024)
            stats.problems(session, lib.id)
        finally:
            event.remove(bind, "before_cursor_execute", listener)
        return len(seen)

    assert statements(2) == statements(12)
