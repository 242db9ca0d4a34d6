"""Reading (status, readings and rereads, progress, rating, notes) and loans."""

from __future__ import annotations

import datetime as dt

import pytest

from librium import i18n
from librium.errors import Duplicate, Invalid, NotFound
from librium.services import books, loans, reading
from librium.services.books import BookInput

D = dt.date


@pytest.fixture
def book(session, library):
    return books.add_book(session, library.id, BookInput(title="Dune", pages=600)).book


def test_read_and_reread_are_separate_readings(session, library, book):
    lib = library.id
    first = reading.start_reading(session, lib, book.id, today=D(2024, 1, 1))
    assert first.open and first.started_on == D(2024, 1, 1)
    assert reading.start_reading(session, lib, book.id, today=D(2024, 1, 5)).id == first.id  # already open
    assert books.get_book(session, lib, book.id).status == "reading"
    done = reading.finish_reading(session, lib, book.id, today=D(2024, 1, 20))
    assert done.id == first.id and done.finished_on == D(2024, 1, 20) and done.percent == 100
    second = reading.start_reading(session, lib, book.id, today=D(2025, 3, 1))
    assert second.id != first.id
    reading.finish_reading(session, lib, book.id, finished_on=D(2025, 3, 9))
    card = books.get_book(session, lib, book.id)
    assert card.status == "read" and card.readings == 2
    history = reading.list_readings(session, lib, book.id)
    assert [(r.started_on, r.finished_on) for r in history] == [
        (D(2024, 1, 1), D(2024, 1, 20)),
        (D(2025, 3, 1), D(2025, 3, 9)),
    ]


def test_finish_without_start_records_a_past_reading(session, library, book):
    done = reading.finish_reading(session, library.id, book.id, finished_on=D(2019, 6, 1))
    assert (done.started_on, done.finished_on, done.open) == (None, D(2019, 6, 1), False)


def test_finish_before_start_is_refused(session, library, book):
    reading.start_reading(session, library.id, book.id, today=D(2024, 5, 10))
    with pytest.raises(Invalid, match="finish date cannot be before the start"):
        reading.finish_reading(session, library.id, book.id, finished_on=D(2024, 5, 1))


def test_abandon_and_status(session, library, book):
    reading.start_reading(session, library.id, book.id, today=D(2024, 1, 1))
    gave_up = reading.abandon(session, library.id, book.id)
    assert gave_up.abandoned and not gave_up.open
    assert books.get_book(session, library.id, book.id).status == "abandoned"
    assert reading.current_readings(session, library.id) == []
    assert reading.set_status(session, library.id, book.id, "unread").status == "to-read"
    with pytest.raises(Invalid, match="not a reading status"):
        reading.set_status(session, library.id, book.id, "someday")


def test_progress(session, library, book):
    lib = library.id
    r = reading.add_progress(session, lib, book.id, 50, today=D(2024, 2, 1))
    assert r.pages_read == 50 and r.started_on == D(2024, 2, 1) and r.percent == 8
    r = reading.add_progress(session, lib, book.id, 100)
    assert r.pages_read == 150 and r.percent == 25
    r = reading.add_progress(session, lib, book.id, 300, absolute=True)
    assert r.pages_read == 300 and r.percent == 50
    assert [c.book_title for c in reading.current_readings(session, lib)] == ["Dune"]
    with pytest.raises(Invalid, match="has only 600 pages"):
        reading.add_progress(session, lib, book.id, 400)
    with pytest.raises(Invalid, match="positive number of pages"):
        reading.add_progress(session, lib, book.id, -3)
    with pytest.raises(Invalid, match="not a number of pages"):
        reading.add_progress(session, lib, book.id, "lots")


@pytest.mark.parametrize(
    ("stars", "shown"), [(0.5, 0.5), (4, 4.0), ("3.5", 3.5), ("4,5", 4.5), (5, 5.0), (None, None)]
)
def test_rating_in_half_stars(session, library, book, stars, shown):
    assert reading.rate(session, library.id, book.id, stars).rating == shown


@pytest.mark.parametrize("stars", [0, 5.5, 3.3, "great", -1])
def test_bad_ratings_are_refused_readably(session, library, book, stars):
    with pytest.raises(Invalid, match="rating"):
        reading.rate(session, library.id, book.id, stars)


def test_notes_keep_line_breaks(session, library, book):
    assert (
        reading.set_notes(session, library.id, book.id, "  line one\nline two  ").notes
        == "line one\nline two"
    )
    assert reading.set_notes(session, library.id, book.id, "   ").notes is None


def test_reading_dates_can_be_corrected(session, library, book):
    r = reading.finish_reading(session, library.id, book.id, finished_on=D(2020, 1, 1))
    fixed = reading.set_reading_dates(session, library.id, r.id, D(2019, 12, 1), D(2019, 12, 24))
    assert (fixed.started_on, fixed.finished_on) == (D(2019, 12, 1), D(2019, 12, 24))
    with pytest.raises(Invalid):
        reading.set_reading_dates(session, library.id, r.id, D(2020, 1, 2), D(2020, 1, 1))
    reading.delete_reading(session, library.id, r.id)
    assert reading.list_readings(session, library.id, book.id) == []


# --------------------------------------------------------------------------- loans


def test_lend_and_return(session, library, book):
    lib = library.id
    loan = loans.lend(session, lib, book.id, "  Bob  ", D(2024, 3, 1), D(2024, 3, 15))
    assert (loan.borrower, loan.open) == ("Bob", True)
    card = books.get_book(session, lib, book.id)
    assert card.current_loan.borrower == "Bob" and card.current_loan.due_on == D(2024, 3, 15)
    with pytest.raises(Duplicate, match="already lent to Bob \\(since 1 Mar 2024\\)"):
        loans.lend(session, lib, book.id, "Carol", D(2024, 3, 2))
    back = loans.return_book(session, lib, book.id, D(2024, 3, 10))
    assert back.returned_on == D(2024, 3, 10) and not back.open
    assert books.get_book(session, lib, book.id).current_loan is None
    with pytest.raises(Invalid, match="is not lent out"):
        loans.return_book(session, lib, book.id, D(2024, 3, 11))
    again = loans.lend(session, lib, book.id, "Carol", D(2024, 4, 1))
    assert [x.borrower for x in loans.loan_history(session, lib, book.id)] == ["Carol", "Bob"]
    assert again.due_on is None


def test_current_and_overdue_loans(session, library):
    lib = library.id
    ids = [books.add_book(session, lib, BookInput(title=t)).book.id for t in ("A", "B", "C", "D")]
    loans.lend(session, lib, ids[0], "Ann", D(2024, 1, 1), D(2024, 1, 31))
    loans.lend(session, lib, ids[1], "Ben", D(2024, 1, 1), D(2024, 2, 28))
    loans.lend(session, lib, ids[2], "Cy", D(2024, 1, 1))  # no due date: never overdue
    loans.lend(session, lib, ids[3], "Di", D(2024, 1, 1), D(2024, 1, 10))
    loans.return_book(session, lib, ids[3], D(2024, 1, 9))
    current = loans.list_loans(session, lib)
    assert [x.book_title for x in current] == ["A", "B", "C"]
    overdue = loans.list_loans(session, lib, which="overdue", as_of=D(2024, 2, 10))
    assert [x.book_title for x in overdue] == ["A"] and overdue[0].days_overdue(D(2024, 2, 10)) == 10
    assert [x.book_title for x in loans.list_loans(session, lib, which="overdue", as_of=D(2024, 3, 1))] == [
        "A",
        "B",
    ]
    assert [x.book_title for x in loans.list_loans(session, lib, which="returned")] == ["D"]
    assert len(loans.list_loans(session, lib, which="all")) == 4
    books.delete_book(session, lib, ids[0])
    assert [x.book_title for x in loans.list_loans(session, lib)] == ["B", "C"]  # deleted books disappear
    with pytest.raises(Invalid, match="not a list of loans"):
        loans.list_loans(session, lib, which="lost")


def test_loan_validation(session, library, book):
    with pytest.raises(Invalid, match="due date cannot be before"):
        loans.lend(session, library.id, book.id, "Bob", D(2024, 3, 1), D(2024, 2, 1))
    with pytest.raises(Invalid, match="borrower's name cannot be blank"):
        loans.lend(session, library.id, book.id, "  ", D(2024, 3, 1))
    loans.lend(session, library.id, book.id, "Bob", D(2024, 3, 1))
    with pytest.raises(Invalid, match="return date cannot be before"):
        loans.return_book(session, library.id, book.id, D(2024, 2, 1))
    assert loans.set_due_date(session, library.id, book.id, D(2024, 4, 1)).due_on == D(2024, 4, 1)
    wish = books.add_book(session, library.id, BookInput(title="Wish", owned=False)).book
    with pytest.raises(Invalid, match="wishlist"):
        loans.lend(session, library.id, wish.id, "Bob", D(2024, 3, 1))


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("es", "1 mar 2024"),
        ("de", "1. März 2024"),
        ("ru", "1 мар. 2024\u202fг."),
        ("pt_BR", "1 de mar. de 2024"),
    ],
)
def test_loan_errors_write_the_day_as_the_locale_does(session, library, book, code, written):
    loans.lend(session, library.id, book.id, "Bob", D(2024, 3, 1))
    with i18n.speaking(code):
        with pytest.raises(Duplicate) as already:
            loans.lend(session, library.id, book.id, "Carol", D(2024, 3, 2))
        with pytest.raises(Invalid) as before:
            loans.return_book(session, library.id, book.id, D(2024, 2, 1))
    for error in (already.value, before.value):
        assert written in error.message and "2024-03-01" not in error.message


def test_reading_and_loans_refuse_another_librarys_book(session, library, other_library):
    theirs = books.add_book(session, other_library.id, BookInput(title="Secret")).book
    r = reading.start_reading(session, other_library.id, theirs.id, today=D(2024, 1, 1))
    lib = library.id
    calls = [
        lambda: reading.set_status(session, lib, theirs.id, "read"),
        lambda: reading.start_reading(session, lib, theirs.id),
        lambda: reading.finish_reading(session, lib, theirs.id),
        lambda: reading.abandon(session, lib, theirs.id),
        lambda: reading.add_progress(session, lib, theirs.id, 5),
        lambda: reading.rate(session, lib, theirs.id, 4),
        lambda: reading.set_notes(session, lib, theirs.id, "mine"),
        lambda: reading.list_readings(session, lib, theirs.id),
        lambda: reading.set_reading_dates(session, lib, r.id, None, None),
        lambda: reading.delete_reading(session, lib, r.id),
        lambda: loans.lend(session, lib, theirs.id, "Eve", D(2024, 1, 1)),
        lambda: loans.return_book(session, lib, theirs.id, D(2024, 1, 1)),
        lambda: loans.set_due_date(session, lib, theirs.id, None),
        lambda: loans.loan_history(session, lib, theirs.id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert reading.current_readings(session, lib) == []
    assert loans.list_loans(session, lib, which="all") == []
