"""The grid's own queries (bot/webapp/grid.py) list the same books in the same order as the /find search,
for every sort, chip and page, on a generated library with the awkward cases in it: books without an
author, a first author at position 1 (a merged author's gap), authors sharing a sort name, deleted books,
missing years and ratings, wishlist books, open loans, and another library beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, insert, select, update

from bench.generate import generate
from bot.webapp import api
from bot.webapp import grid as grid_pages
from librium.database.sqlalchemy import db
from librium.services import query as q
from librium.services import search

CHIPS = [[], ["unread"], ["reading"], ["lent"], ["wishlist"], ["unread", "wishlist"]]


@pytest.fixture
def generated(session, library):
    made = generate(session.connection(), library.id, 260, seed=7)
    other = db.Library(name="Other", kind="personal")
    session.add(other)
    session.flush()
    generate(session.connection(), other.id, 40, seed=8)
    links = db.BookAuthor.__table__
    books = db.Book.__table__
    live = select(books.c.id).where(books.c.library_id == library.id, books.c.deleted_at.is_(None))
    with_two = session.execute(
        select(links.c.book_id).where(links.c.position == 1, links.c.book_id.in_(live)).limit(2)
    ).scalars()
    gap, *_ = list(with_two)
    # A merged author left the book's first position empty: its first author is at position 1.
    session.execute(delete(links).where(links.c.book_id == gap, links.c.position == 0))
    # Two authors filed under one sort name: their books mix by title.
    first_two = session.execute(
        select(db.Author.id).where(db.Author.library_id == library.id).order_by(db.Author.id).limit(2)
    ).scalars()
    session.execute(update(db.Author).where(db.Author.id.in_(list(first_two))).values(sort_name="Aaa, Same"))
    # A few more open loans and wishlist books, so the chips have pages.
    ids = list(session.scalars(live.order_by(books.c.id).limit(110)))
    # Enough books without an author to fill pages of their own after the last author.
    session.execute(delete(links).where(links.c.book_id.in_(ids[60:110])))
    lent = set(session.scalars(select(db.Loan.book_id).where(db.Loan.returned_on.is_(None))))
    session.execute(
        insert(db.Loan),
        [
            {"book_id": i, "borrower": "Bob", "lent_on": dt.date(2026, 1, 1)}
            for i in ids[:40:2]
            if i not in lent
        ],
    )
    session.execute(update(books).where(books.c.id.in_(ids[1:60:3])).values(owned=False))
    session.flush()
    return made


def _all_search_ids(session, library_id: int, query: str, sort: str) -> list[int]:
    ids, page = [], 1
    while True:
        found = search.search(session, library_id, query, page=page, page_size=100, sort=sort)
        ids += found.ids
        if page >= found.pages:
            return ids
        page += 1


@pytest.mark.parametrize("walk_above", [0, grid_pages.WALK_ABOVE])
@pytest.mark.parametrize("sort", sorted(api.SORTS))
def test_every_page_matches_the_find_search(session, library, generated, monkeypatch, sort, walk_above):
    monkeypatch.setattr(grid_pages, "WALK_ABOVE", walk_above)
    facets = [("shelf", "Attic"), ("genre", "Fantasy")]
    cases = [(chips, None, None) for chips in CHIPS]
    cases += [([], name, None) if kind == "shelf" else (["unread"], None, name) for kind, name in facets]
    probe = q.parse("sort:" + api.SORTS[sort])
    for chips, shelf, genre in cases:
        query = api.grid_query("", chips, shelf, genre)
        expected = _all_search_ids(session, library.id, query, api.SORTS[sort])
        got, page, pages = [], 1, 1
        while page <= pages:
            found = grid_pages.filtered_page(
                session, library.id, q.parse(query), probe.sort, probe.sort_desc, page, 30
            )
            assert found.total == len(expected), (query, sort)
            got += [row.id for row in found.rows]
            pages, page = found.pages, page + 1
        assert got == expected, (query, sort)
        assert chips != [] or shelf or len(expected) > 200, "the unfiltered grid lists the library"
        # The same walk going on after each page's last book (keyset), as the page does while scrolling.
        found = grid_pages.filtered_page(
            session, library.id, q.parse(query), probe.sort, probe.sort_desc, 1, 30
        )
        by_cursor = [row.id for row in found.rows]
        while found.more:
            found = grid_pages.filtered_page(
                session, library.id, q.parse(query), probe.sort, probe.sort_desc, 1, 30, after=by_cursor[-1]
            )
            assert (found.page, found.total) == (None, None) and found.rows, (query, sort)
            by_cursor += [row.id for row in found.rows]
        assert by_cursor == expected, (query, sort)


def test_a_page_carries_what_a_card_shows(session, library, generated):
    books = db.Book.__table__
    found = grid_pages.filtered_page(session, library.id, q.parse(""), "added", True, 1, 30)
    rows = {r.id: r for r in found.rows}
    stored = session.execute(select(books).where(books.c.id.in_(list(rows)))).all()
    lent = set(session.scalars(select(db.Loan.book_id).where(db.Loan.returned_on.is_(None))))
    for book in stored:
        row = rows[book.id]
        assert (row.title, row.release_year, row.status, row.rating) == (
            book.title,
            book.release_year,
            book.status,
            book.rating,
        )
        assert row.owned == book.owned and row.lent == (book.id in lent)
        assert row.cover == bool(book.cover_file_id or book.cover_url)
        names = session.scalars(
            select(db.Author.display_name)
            .join(db.BookAuthor, db.BookAuthor.author_id == db.Author.id)
            .where(db.BookAuthor.book_id == book.id)
            .order_by(db.BookAuthor.position)
        ).all()
        assert row.authors == names
    assert any(r.cover for r in found.rows) and any(not r.cover for r in found.rows)


def test_a_page_past_the_end_shows_the_last_and_an_empty_filter_shows_none(session, library, generated):
    last = grid_pages.filtered_page(session, library.id, q.parse(""), "title", False, 999, 30)
    assert last.page == last.pages and 0 < len(last.rows) <= 30
    none = grid_pages.filtered_page(session, library.id, q.parse("year:3000"), "author", False, 1, 30)
    assert (none.total, none.rows, none.pages) == (0, [], 1)


def test_a_page_after_a_book_of_another_library_or_a_deleted_one(session, library, generated):
    books = db.Book.__table__
    first = grid_pages.filtered_page(session, library.id, q.parse(""), "title", False, 1, 30)
    second = grid_pages.filtered_page(
        session, library.id, q.parse(""), "title", False, 1, 30, after=first.rows[-1].id
    )
    session.execute(
        update(books)
        .where(books.c.id == first.rows[-1].id)
        .values(deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    )
    again = grid_pages.filtered_page(
        session, library.id, q.parse(""), "title", False, 1, 30, after=first.rows[-1].id
    )
    assert [r.id for r in again.rows] == [r.id for r in second.rows], (
        "a page goes on after a book deleted since"
    )
    theirs = session.scalar(select(books.c.id).where(books.c.library_id != library.id).limit(1))
    other = grid_pages.filtered_page(session, library.id, q.parse(""), "title", False, 1, 30, after=theirs)
    assert (other.rows, other.more) == ([], False), "another library's book is nowhere in this one"
