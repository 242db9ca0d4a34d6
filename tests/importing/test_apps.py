"""App detection (the format registry) and the cell readers the app mappers share. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from librium.errors import Invalid
from librium.services.importing import records_from_bytes
from librium.services.importing.apps import REGISTRY, common
from librium.services.importing.formats import normalise_header
from librium.services.importing.records import BookRecord
from tests.importing.apps_helpers import fixture


def detected(header: str) -> str | None:
    found = REGISTRY.detect(normalise_header(h) for h in header.split(","))
    return found[0].key if found else None


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Book Id,Title,Author,Author l-f,My Rating,Exclusive Shelf", "goodreads"),
        ("Book Id,Title,Author,Exclusive Shelf,Librium UUID", "librium"),
        ("_id,author_details,title,isbn", "librium-original"),
        ("Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read", "storygraph"),
        (" TITLE ,AUTHORS,ISBN/UID,READ STATUS,Star Rating", "storygraph"),
        ("Name,Colour", None),
    ],
)
def test_detection_by_header(header, key):
    assert detected(header) == key


def test_header_names_lose_padding_case_bom_and_quotes():
    assert normalise_header("\ufeff  Author  l-f ") == "author l-f"
    assert normalise_header("'AUTHOR (first, last)'") == "author (first, last)"
    assert normalise_header("\"'TITLE'\"") == "title"


def test_a_storygraph_file_without_its_header_line_is_recognised_by_its_rows():
    data = fixture("storygraph.csv")
    headless = data.split(b"\r\n", 1)[1]
    fmt, _encoding, warnings, records = records_from_bytes(headless)
    assert fmt == "storygraph"
    assert "no line of column names" in warnings[0]
    assert [r.line for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].title == "The Left Hand of Darkness" and records[0].isbn13 == "9780441478125"


def test_an_unknown_file_is_refused_naming_the_apps_i_read():
    with pytest.raises(Invalid) as error:
        records_from_bytes(b"Name,Colour\nAda,blue\n")
    assert "StoryGraph" in error.value.message and "LibraryThing" in error.value.message


@pytest.mark.parametrize(
    ("raw", "scale", "rating", "noticed"),
    [
        ("4", 5, 8, False),
        ("4.0", 5, 8, False),
        ("3,5", 5, 7, False),
        ("3.75", 5, 8, True),
        ("3.25", 5, 7, True),
        ("0.25", 5, 1, True),
        ("0", 5, None, False),
        ("", 5, None, False),
        ("8", 10, 8, False),
        ("7", 5, None, True),
        ("great", 5, None, True),
    ],
)
def test_stars(raw, scale, rating, noticed):
    record = BookRecord(line=1)
    common.stars(record, raw, scale=scale)
    assert record.rating == rating
    assert bool(record.dropped) == noticed


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("2023/05/23-2023/06/07", (dt.date(2023, 5, 23), dt.date(2023, 6, 7))),
        ("2023/06/07", (None, dt.date(2023, 6, 7))),
        ("2023-06-07", (None, dt.date(2023, 6, 7))),
        ("2023-05-23 - 2023-06-07", (dt.date(2023, 5, 23), dt.date(2023, 6, 7))),
        ("2024/02/10-", (dt.date(2024, 2, 10), None)),
        ("", (None, None)),
    ],
)
def test_reading_dates(text, dates):
    record = BookRecord(line=1)
    assert common.reading_dates(record, text, "Dates Read") == dates
    assert record.dropped == []


def test_a_reading_that_ends_before_it_starts_keeps_its_end():
    record = BookRecord(line=1)
    assert common.reading_dates(record, "2025/04/14-2025/04/04", "Dates Read") == (None, dt.date(2025, 4, 4))
    assert "start is after the end" in record.dropped[0].reason


def test_people_with_roles():
    record = BookRecord(line=1)
    credits = common.credit(
        record,
        [
            common.split_role(p)
            for p in ["Jane Roe (Translator)", "John Doe", "Ann Poe (Author)", "Sam Lee (Narrator)"]
        ],
    )
    assert [a.display for a in record.authors] == ["John Doe", "Ann Poe"]
    assert credits == ["Translator: Jane Roe", "Narrator: Sam Lee"]


def test_html_reviews_become_text():
    assert (
        common.html_text("<div>Cold.<br>Very <b>cold</b> &amp; beautiful.</div>")
        == "Cold.\nVery cold & beautiful."
    )
    assert common.html_text("<p>One</p><p>Two</p>") == "One\n\nTwo"
    assert common.html_text("3 < 4 & so on") == "3 < 4 & so on"
    assert common.html_text("  ") is None


def test_formats_in_our_words():
    for raw, expected in [
        ("digital", "Ebook"),
        ("audio", "Audiobook"),
        ("Mass Market Paperback", "Paperback"),
        ("Unknown Binding", None),
        ("Comic", "Comic"),
    ]:
        record = BookRecord(line=1)
        common.book_format(record, raw)
        assert record.format == expected


def test_storygraph_owned_column_never_used_means_owned_unless_to_read():
    header = "Title,Authors,ISBN/UID,Read Status,Owned?\n"
    _fmt, _enc, _warn, records = records_from_bytes(
        (header + "A,Ann Lee,,read,No\nB,Ann Lee,,to-read,No\n").encode()
    )
    assert [(r.owned, r.copies) for r in records] == [(True, 1), (False, 0)]
    _fmt, _enc, _warn, records = records_from_bytes(
        (header + "A,Ann Lee,,read,No\nB,Ann Lee,,to-read,No\nC,Ann Lee,,read,Yes\n").encode()
    )
    assert [(r.owned, r.copies) for r in records] == [(False, 0), (False, 0), (True, 1)]


def test_lendings_become_loans_one_open_per_book_and_none_for_a_wishlist_book(session, library):
    from sqlalchemy import select

    from librium.database.sqlalchemy import db
    from librium.services.importing import import_file

    data = (
        'Title,Author,"Author (Last, First)",ISBN,Loaned To,Date Loaned,Wish List,Status,Date Added\n'
        'Dune,Frank Herbert,"Herbert, Frank",9780441172719,Alice,2024/01/02,0,Read,2020/01/01\n'
        'Dune,Frank Herbert,"Herbert, Frank",9780441172719,Bob,2024/02/03,0,Read,2020/01/01\n'
        'Mort,Terry Pratchett,"Pratchett, Terry",,Carol,2024/03/04,1,Unread,2020/01/01\n'
        f'Emma,Jane Austen,"Austen, Jane",,{"x" * 150},2024/03/04,0,Unread,2020/01/01\n'
    ).encode()
    import_file(session, library.id, data, user_id=library.owner_id)
    loans = session.execute(
        select(db.Book.title, db.Loan.borrower, db.Loan.lent_on, db.Loan.returned_on)
        .join(db.Loan, db.Loan.book_id == db.Book.id)
        .where(db.Book.library_id == library.id)
    ).all()
    # the same book twice is one book: its first lending is open, the second cannot be open too;
    # Mort is wished for, not owned; a borrower's name over 100 characters is a value not kept
    assert [(t, b, d.isoformat(), r) for t, b, d, r in loans] == [("Dune", "Alice", "2024-01-02", None)]
    emma = session.scalars(select(db.Book).where(db.Book.title == "Emma")).one()
    assert "Loaned To" in (emma.import_note or "")
    dune = session.scalars(select(db.Book).where(db.Book.title == "Dune")).one()
    assert (dune.copies, "“Bob”" in (dune.import_note or "")) == (2, True)
