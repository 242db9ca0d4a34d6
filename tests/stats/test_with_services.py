"""Statistics over a library built through the book and reading services, as the bot builds it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from librium.charts import views
from librium.services import books, goals, reading, stats

D = dt.date


def test_stats_follow_the_services(session, library):
    user = library.owner_id
    added = {}
    for title, authors, genres, pages, price in [
        ("The Dispossessed", "Ursula K. Le Guin", ["Science Fiction", "Utopia"], 387, "12.50"),
        ("Cien años de soledad", "Gabriel García Márquez", ["Literary Fiction"], 471, "18.00"),
        ("Small Gods", "Terry Pratchett", ["Fantasy", "Humour"], 284, "8.99"),
        ("Lathe of Heaven", "Ursula K. Le Guin", ["science fiction"], 184, None),  # same genre, other case
    ]:
        result = books.add_book(
            session,
            library.id,
            books.BookInput(
                title=title, authors=authors, genres=genres, pages=pages, price=price, currency="EUR"
            ),
        )
        added[title] = result.book.id

    # Read The Dispossessed twice (a reread), Small Gods once, abandon Cien años.
    reading.start_reading(
        session, library.id, added["The Dispossessed"], user_id=user, started_on=D(2025, 1, 1)
    )
    reading.finish_reading(
        session, library.id, added["The Dispossessed"], user_id=user, finished_on=D(2025, 1, 10)
    )
    reading.start_reading(
        session, library.id, added["The Dispossessed"], user_id=user, started_on=D(2025, 3, 1)
    )
    reading.finish_reading(
        session, library.id, added["The Dispossessed"], user_id=user, finished_on=D(2025, 3, 4)
    )
    reading.start_reading(session, library.id, added["Small Gods"], user_id=user, started_on=D(2025, 3, 2))
    reading.finish_reading(session, library.id, added["Small Gods"], user_id=user, finished_on=D(2025, 3, 20))
    reading.start_reading(
        session, library.id, added["Cien años de soledad"], user_id=user, started_on=D(2025, 4, 1)
    )
    reading.abandon(session, library.id, added["Cien años de soledad"], today=D(2025, 4, 5))
    books.delete_book(session, library.id, added["Lathe of Heaven"])

    totals = stats.totals(session, library.id)
    assert (totals.books, totals.read, totals.abandoned, totals.unread) == (3, 2, 1, 0)
    assert totals.pages_owned == 387 + 471 + 284

    genres = {b.label: b.count for b in stats.by_genre(session, library.id).buckets}
    assert genres == {"Science Fiction": 1, "Utopia": 1, "Literary Fiction": 1, "Fantasy": 1, "Humour": 1}

    months = stats.read_per_month(session, library.id, 2025, user_id=user)
    assert months.counts[:4] == [1, 0, 2, 0]
    assert stats.pages_per_year(session, library.id) == [stats.YearPages(2025, 387 * 2 + 284, 3, 0)]

    pace = stats.pace(session, library.id)
    assert (pace.readings, pace.median_days, pace.fastest_days, pace.slowest_days) == (3, 10, 4, 19)

    euros = stats.money(session, library.id).totals
    assert euros == [stats.Money("EUR", Decimal("39.49"), 3)]

    review = stats.year_review(session, library.id, 2025)
    assert (review.books, review.pages) == (3, 387 * 2 + 284)
    assert [a.name for a in review.new_authors] == ["Ursula K. Le Guin", "Terry Pratchett"]

    goals.set_goal(session, user, 2025, 12)
    progress = goals.goal_progress(session, user, [library.id], 2025, D(2025, 3, 31))
    assert (progress.read, progress.expected, progress.ahead) == (3, 12 * 90 // 365, 3 - 12 * 90 // 365)

    request = views.Request(library.id, 2025, user_id=user, today=D(2025, 3, 31))
    for view in ("month", "genre", "pace", "goal", "year"):
        assert views.render(session, view, request).png.startswith(b"\x89PNG")
