"""File reading, format detection and row mapping (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from librium.errors import Invalid
from librium.services.importing import read_table, records_from_bytes
from librium.services.importing.series_title import format_index, series_in_title, split_series_title
from tests.importing.conftest import goodreads_csv


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "The Name of the Wind (The Kingkiller Chronicle, #1)",
            ("The Name of the Wind", "The Kingkiller Chronicle", "1"),
        ),
        ("Edgedancer (The Stormlight Archive #2.5)", ("Edgedancer", "The Stormlight Archive", "2.5")),
        ("Dragonlance Chronicles (Dragonlance, #1-3)", ("Dragonlance Chronicles", "Dragonlance", "1")),
        ("Omnibus (Saga, #3-4)", ("Omnibus", "Saga", "3")),
        (
            "Ритм войны. Том 2 (The Stormlight Archive, #4, Part 2)",
            ("Ритм войны. Том 2", "The Stormlight Archive", "4"),
        ),
        ("Месяц (Измененные Book 3) (Russian Edition)", ("Месяц (Russian Edition)", "Измененные", "3")),
        ("Dune Messiah (Dune, Book 2)", ("Dune Messiah", "Dune", "2")),
        (
            "山田くんとLv999の恋をする 1 (Yamada-kun to Lv999 no Koi wo Suru, #1)",
            ("山田くんとLv999の恋をする 1", "Yamada-kun to Lv999 no Koi wo Suru", "1"),
        ),
        ("Les Terres promises (French Edition)", ("Les Terres promises (French Edition)", None, None)),
        (
            "Fugitives and Refugees: A Walk in Portland, Oregon",
            ("Fugitives and Refugees: A Walk in Portland, Oregon", None, None),
        ),
        ("(Series, #1)", ("(Series, #1)", None, None)),
    ],
)
def test_series_in_title(title, expected):
    got_title, series, index = split_series_title(title)
    assert (got_title, series, None if index is None else str(index)) == expected


def test_series_index_is_written_without_rounding():
    assert format_index(Decimal("1.500")) == "1.5"
    assert format_index(Decimal("2.250")) == "2.25"
    assert format_index(Decimal("3.000")) == "3"
    assert series_in_title("Edgedancer", "The Stormlight Archive", Decimal("2.500")) == (
        "Edgedancer (The Stormlight Archive, #2.5)"
    )
    assert split_series_title(series_in_title("T", "S", Decimal("12.125")))[2] == Decimal("12.125")


def _one(data: bytes):
    fmt, _enc, _warn, records = records_from_bytes(data)
    assert fmt == "goodreads"
    assert len(records) == 1
    return records[0]


def test_goodreads_row_mapping():
    record = _one(
        goodreads_csv(
            [
                {
                    "Title": " The Name of the Wind (The Kingkiller Chronicle, #1) ",
                    "Author": "Patrick Rothfuss",
                    "Additional Authors": "Ursula K. Le Guin, Gabriel García Márquez",
                    "ISBN": '="0756404746"',
                    "ISBN13": '=""',
                    "My Rating": "5",
                    "Publisher": " DAW Books ",
                    "Binding": "Hardcover",
                    "Number of Pages": "662",
                    "Year Published": "2007",
                    "Original Publication Year": "2007",
                    "Date Read": "2020/03/04",
                    "Date Added": "2019/12/31",
                    "Bookshelves": "fantasy, favourites, read",
                    "Exclusive Shelf": "read",
                    "My Review": "Great<br/>book",
                    "Private Notes": "signed",
                    "Read Count": "3",
                    "Owned Copies": "2",
                }
            ]
        )
    )
    assert record.title == "The Name of the Wind"
    assert record.series == [("The Kingkiller Chronicle", Decimal("1.000"))]
    assert [a.display for a in record.authors] == [
        "Patrick Rothfuss",
        "Ursula K. Le Guin",
        "Gabriel García Márquez",
    ]
    assert record.authors[1].last == "Le Guin"
    assert record.isbn13 == "9780756404741"
    assert record.rating == 10
    assert record.publishers == ["DAW Books"]
    assert record.format == "Hardcover"
    assert record.page_count == 662
    assert record.release_year == 2007
    assert record.status == "read"
    assert record.tags == ["fantasy", "favourites"]
    # rereads have no dates in Goodreads: finished on the Date Added day (never left open)
    assert [r.finished_on for r in record.readings] == [
        dt.date(2019, 12, 31),
        dt.date(2019, 12, 31),
        dt.date(2020, 3, 4),
    ]
    assert record.notes == "Great\nbook\n\nsigned"
    assert record.created_at == dt.datetime(2019, 12, 31, tzinfo=dt.UTC)
    assert (record.owned, record.copies) == (True, 2)
    assert record.problems == [] and record.notices == []


@pytest.mark.parametrize(
    ("shelf", "owned", "status", "tags", "ownership"),
    [
        ("to-read", "0", "to-read", [], (False, 0)),
        ("currently-reading", "0", "reading", [], (True, 1)),
        ("read", "0", "read", [], (True, 1)),
        ("dropped", "0", "abandoned", [], (True, 1)),
        ("did-not-finish", "0", "abandoned", [], (True, 1)),
        ("kitchen", "1", "to-read", ["kitchen"], (True, 1)),
    ],
)
def test_goodreads_shelves_and_ownership(shelf, owned, status, tags, ownership):
    record = _one(
        goodreads_csv([{"Title": "T", "Author": "A B", "Exclusive Shelf": shelf, "Owned Copies": owned}])
    )
    assert record.status == status
    assert record.tags == tags
    assert (record.owned, record.copies) == ownership


def test_unrated_unknown_pages_and_ancient_year():
    record = _one(
        goodreads_csv(
            [
                {
                    "Title": "Fables",
                    "Author": "Aesop",
                    "My Rating": "0",
                    "Number of Pages": "0",
                    "Original Publication Year": "-560",
                }
            ]
        )
    )
    assert record.rating is None and record.page_count is None and record.release_year is None
    assert record.problems == []
    assert record.notices and "-560" in record.notices[0]


def test_bad_values_are_problems_with_line_numbers():
    data = goodreads_csv(
        [
            {"Title": "Good", "Author": "A B"},
            {"Title": "Bad isbn", "Author": "A B", "ISBN13": '="9780000000001"'},
            {"Title": "", "Author": "A B"},
            {"Title": "Bad date", "Author": "A B", "Date Read": "yesterday"},
        ]
    )
    _fmt, _enc, _warn, records = records_from_bytes(data)
    assert [r.line for r in records] == [2, 3, 4, 5]
    assert [bool(r.problems) for r in records] == [False, True, True, True]
    assert "ISBN" in records[1].problems[0]
    assert "title" in records[2].problems[0]
    assert "yesterday" in records[3].problems[0]


def test_line_numbers_count_multi_line_cells():
    data = goodreads_csv(
        [{"Title": "One", "Author": "A", "My Review": "line\nline\nline"}, {"Title": "Two", "Author": "A"}]
    )
    assert [r.line for r in records_from_bytes(data)[3]] == [2, 5]


def test_bom_crlf_padding_no_trailing_newline_and_extra_columns():
    text = (
        "\ufeff Book Id , Title ,Author,ISBN13,Exclusive Shelf,Recommended For,BCID\r\n"
        '1," Κάτι (Σειρά, #2) ", Νίκος Καζαντζάκης ,"=""9789604356713""",read,x,y\r\n'
        "2,三体,刘慈欣,,to-read,,"
    )
    table = read_table(text.encode("utf-8"))
    assert table.format == "goodreads"
    _fmt, _enc, _warn, records = records_from_bytes(text.encode("utf-8"))
    assert [(r.title, r.first_author) for r in records] == [("Κάτι", "Νίκος Καζαντζάκης"), ("三体", "刘慈欣")]
    assert records[0].series == [("Σειρά", Decimal("2.000"))]
    assert records[0].isbn13 == "9789604356713"


def test_utf16_and_cp1252_files():
    data = goodreads_csv([{"Title": "Café", "Author": "José Saramago"}]).decode()
    _fmt, enc, warnings, records = records_from_bytes(data.encode("utf-16"))
    assert (enc, records[0].title) == ("utf-16", "Café")
    _fmt, enc, warnings, records = records_from_bytes(data.encode("cp1252"))
    assert (enc, records[0].title, records[0].first_author) == ("cp1252", "Café", "José Saramago")
    assert warnings and "Windows-1252" in warnings[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "ZIP"),
        (bytes(range(256)) * 4, "binary"),
        (b"name,age\nBob,3\n", "don't recognise"),
        (b"Book Id,Title,Author,Exclusive Shelf\r\n", "no books"),
        ("Title,Author,Exclusive Shelf\nx,\x81\x8d\x8f,read\n".encode("latin-1"), "encoding"),
    ],
)
def test_malformed_files(data, message):
    with pytest.raises(Invalid) as caught:
        read_table(data)
    assert message.lower() in caught.value.message.lower()


def test_limits_are_in_the_message():
    data = goodreads_csv([{"Title": f"Book {i}", "Author": "A B"} for i in range(100_000)])
    with pytest.raises(Invalid, match="up to 50,000"):
        read_table(data)
    with pytest.raises(Invalid, match=r"up to 0\.5 MB"):
        read_table(data, max_bytes=512 * 1024)
    assert len(read_table(data, max_rows=100_000).rows) == 100_000


def test_original_librium_layout():
    text = (
        "_id,author_details,title,isbn,publisher,date_published,rating,bookshelf,read,series_details,pages,"
        "notes,list_price,location,read_start,read_end,format,genre,language,date_added,book_uuid\n"
        '1,"Le Guin, Ursula K.|King Jr., Dr. Martin Luther",The Lathe of Heaven,0060512741,Harper|Gollancz,'
        "1971,4.5,sf,1,Hainish (3.5)|Standalone,184,nice,9.99,Shelf A,2020-01-01,2020-01-20,Paperback,"
        "Science Fiction|Classics,English,2019-05-06,0123456789abcdef0123456789abcdef\n"
    )
    fmt, _enc, _warn, records = records_from_bytes(text.encode())
    assert fmt == "librium-original"
    record = records[0]
    assert [a.display for a in record.authors] == ["Ursula K. Le Guin", "Dr. Martin Luther King Jr."]
    king = record.authors[1]
    assert (king.prefix, king.first, king.middle, king.last, king.suffix) == (
        "Dr.",
        "Martin",
        "Luther",
        "King",
        "Jr.",
    )
    assert record.series == [("Hainish", Decimal("3.500")), ("Standalone", None)]
    assert record.publishers == ["Harper", "Gollancz"]
    assert record.genres == ["Science Fiction", "Classics"]
    assert (record.status, record.rating, record.price, record.location) == (
        "read",
        9,
        Decimal("9.99"),
        "Shelf A",
    )
    assert record.readings[0].finished_on == dt.date(2020, 1, 20)
    assert record.uuid == "01234567-89ab-cdef-0123-456789abcdef"
    assert record.problems == []
