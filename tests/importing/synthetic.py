"""Synthetic Goodreads exports with the quirks of the real ones the issue names (which have no licence).

Each function returns the file's bytes; the values are made up, the shapes are the real ones.
"""

from __future__ import annotations

import csv
import io

from tests.importing.conftest import GOODREADS_HEADER, goodreads_csv

LONG_PUBLISHER = "Colegio Oficial Aparejadores y Arquitectos Técnicos de Murcia"
LONG_SURNAME_AUTHOR = "María del Carmen Fernández-Villaverde y Quiñones-Altamira"  # 32-character surname


def long_values() -> bytes:
    """The 1,451-row export's refused rows: long publishers and name parts, bad ISBNs, bad values."""
    return goodreads_csv(
        [
            {"Title": "Fine", "Author": "Ann Author", "ISBN13": '="9780441172719"', "My Rating": "4"},
            {"Title": "Normativa técnica", "Author": "Juan Pérez", "Publisher": LONG_PUBLISHER},
            {"Title": "Memorias", "Author": LONG_SURNAME_AUTHOR, "Year Published": "1999"},
            {"Title": "Wrong check digit", "Author": "Ann Author", "ISBN13": '="9789536310815"'},
            {"Title": "Too short", "Author": "Ann Author", "ISBN": '="9786188033"'},
            {"Title": "Year thirty", "Author": "Ann Author", "Year Published": "30"},
            {"Title": "Seven stars", "Author": "Ann Author", "My Rating": "7"},
            {
                "Title": "Not a date",
                "Author": "Ann Author",
                "Date Read": "someday",
                "Exclusive Shelf": "read",
            },
            {"Title": "", "Author": "Nobody"},
            {"Title": "Last", "Author": "Ben Author"},
        ]
    )


def layout_2026() -> bytes:
    """The 2026 layout: no Average Rating column, ratings written as floats ('4.0'), unrated '0'."""
    names = [n for n in GOODREADS_HEADER.split(",") if n != "Average Rating"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    rows = [
        ("240019660", "Heather", "Caitlin Mullen", '="1250400570"', '="9781250400574"', "2.0", "read"),
        ("1", "Unrated", "Ann Author", '=""', '=""', "0", "to-read"),
        ("2", "Five", "Ben Author", '=""', '=""', "5.0", "read"),
    ]
    for book_id, title, author, isbn, isbn13, rating, shelf in rows:
        values = dict.fromkeys(names, "")
        values.update(
            {
                "Book Id": book_id,
                "Title": title,
                "Author": author,
                "ISBN": isbn,
                "ISBN13": isbn13,
                "My Rating": rating,
                "Exclusive Shelf": shelf,
                "Date Added": "2026/07/23",
                "Read Count": "1" if shelf == "read" else "0",
                "Owned Copies": "0",
            }
        )
        writer.writerow([values[n] for n in names])
    return out.getvalue().encode()


def excel_eu_distinct() -> bytes:
    """An Excel save with a BOM, CRLF and DD/MM/YYYY dates, where books look alike but are distinct:
    same title by other authors, same title and author with other ISBNs (editions), and one real
    duplicate (the same ISBN twice)."""
    rows = [
        ("Poems", "Emily Dickinson", "9780316184137", "15/03/2021"),
        ("Poems", "Anna Akhmatova", "", "16/03/2021"),
        ("Dune", "Frank Herbert", "9780441172719", "01/02/2020"),
        ("Dune", "Frank Herbert", "9780340960196", "02/02/2020"),
        ("Dune", "Frank Herbert", "9780441172719", "25/12/2022"),
        ("Emma", "Jane Austen", "", "31/01/2019"),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = GOODREADS_HEADER.split(",")
    writer.writerow(names)
    for title, author, isbn13, added in rows:
        values = dict.fromkeys(names, "")
        values.update(
            {
                "Title": title,
                "Author": author,
                "ISBN13": isbn13,
                "Date Added": added,
                "Exclusive Shelf": "read",
            }
        )
        writer.writerow([values[n] for n in names])
    return "\ufeff".encode() + out.getvalue().encode()


def three_books() -> bytes:
    """A small, clean export of three books (the shape of a new Goodreads account's first export)."""
    return goodreads_csv(
        [
            {
                "Book Id": "58293924",
                "Title": "Book of Night (Book of Night, #1)",
                "Author": "Holly Black",
                "Author l-f": "Black, Holly",
                "ISBN": '="1250812194"',
                "ISBN13": '="9781250812193"',
                "My Rating": "4",
                "Publisher": "Tor Books",
                "Binding": "Hardcover",
                "Number of Pages": "304",
                "Year Published": "2022",
                "Date Added": "2022/11/11",
                "Exclusive Shelf": "read",
                "My Review": "Dark<br/><br/>and good",
                "Read Count": "1",
                "Owned Copies": "0",
            },
            {
                "Book Id": "2",
                "Title": "Foul Lady Fortune",
                "Author": "Chloe Gong",
                "Exclusive Shelf": "to-read",
            },
            {"Book Id": "3", "Title": "Piranesi", "Author": "Susanna Clarke", "Exclusive Shelf": "read"},
        ]
    )
