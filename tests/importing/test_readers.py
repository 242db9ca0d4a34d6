"""File reading, format detection and row mapping (no database)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from librium import validation
from librium.errors import Invalid
from librium.services.importing import BookRecord, dates, fields, read_table, records_from_bytes
from librium.services.importing.series_title import format_index, series_in_title, split_series_title
from tests.importing import synthetic
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
    assert record.dropped == []


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


def test_unrated_unknown_pages_and_an_ancient_year_kept_in_the_note():
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
    assert [(d.field, d.value) for d in record.dropped] == [("Original Publication Year", "-560")]
    assert "Original Publication Year “-560”" in record.import_note


def test_bad_values_are_dropped_into_the_note_and_only_a_missing_title_refuses():
    _fmt, _enc, _warn, records = records_from_bytes(synthetic.long_values())
    by_title = {r.title: r for r in records}
    assert [r.line for r in records] == list(range(2, 12))
    assert by_title["Normativa técnica"].publishers == [synthetic.LONG_PUBLISHER]
    author = by_title["Memorias"].authors[0]
    assert author.display == synthetic.LONG_SURNAME_AUTHOR and len(author.last) >= 32
    dropped = {r.title: [(d.field, d.value, d.reason) for d in r.dropped] for r in records if r.dropped}
    assert dropped == {
        "Wrong check digit": [("ISBN13", "9789536310815", "wrong check digit")],
        "Too short": [("ISBN", "9786188033", "wrong check digit")],
        "Year thirty": [("Year Published", "30", f"not a year from 1000 to {validation.max_year()}")],
        "Seven stars": [("My Rating", "7", "a rating is 0.5 to 5 stars")],
        "Not a date": [("Date Read", "someday", "not a date")],
    }
    assert [r.line for r in records if not r.title] == [10]
    assert by_title["Wrong check digit"].isbn13 is None
    assert by_title["Seven stars"].rating is None


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


def test_space_padded_fields_with_excel_quoting_after_the_padding():
    text = (
        "Book Id, Title                , Author        , ISBN              , ISBN13                , "
        "My Rating, Date Added , Exclusive Shelf\n"
        '1      , "Dune (Dune, #1)"    , Frank Herbert , "=""0441172717"""  , "=""9780441172719"""   , '
        "4        , 2020/01/02 , read           \n"
        '2      , Emma                 , Jane Austen   ,  ="0141439580"     , =""                     , '
        "0        , 2021/03/04 , to-read        \n"
    )
    _fmt, _enc, _warn, records = records_from_bytes(text.encode())
    assert [(r.title, r.first_author, r.isbn13, r.rating, r.status) for r in records] == [
        ("Dune", "Frank Herbert", "9780441172719", 8, "read"),
        ("Emma", "Jane Austen", "9780141439587", None, "to-read"),
    ]
    assert all(r.dropped == [] for r in records)
    assert records[1].created_at == dt.datetime(2021, 3, 4, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("encoding", "warning"),
    [("utf-16", None), ("utf-16-le", None), ("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman")],
)
def test_encodings_are_detected_never_mojibake(encoding, warning):
    rows = [
        {"Title": "Café crème", "Author": "José Saramago", "Publisher": "Éditions “Pléiade”"},
        {"Title": "Über Ärger", "Author": "Jürgen Müller"},
        {"Title": "Señora Niño", "Author": "Ana Peña"},
    ]
    data = goodreads_csv(rows).decode()
    _fmt, _enc, warnings, records = records_from_bytes(data.encode(encoding))
    assert [(r.title, r.first_author) for r in records] == [
        ("Café crème", "José Saramago"),
        ("Über Ärger", "Jürgen Müller"),
        ("Señora Niño", "Ana Peña"),
    ]
    assert records[0].publishers == ["Éditions “Pléiade”"]
    assert (warning is None and warnings == []) or warning in warnings[0]


def test_a_stray_byte_becomes_a_replacement_character_in_its_field_only():
    good = goodreads_csv([{"Title": "Ελληνικά", "Author": "Νίκος"}, {"Title": "Broken", "Author": "X Y"}])
    data = good.replace(b"Broken", b"Bro\x81ken")
    _fmt, enc, warnings, records = records_from_bytes(data)
    assert enc == "utf-8"
    assert [r.title for r in records] == ["Ελληνικά", "Bro\ufffdken"]
    assert "1 byte" in warnings[0]


def test_cr_only_mac_file_with_a_subset_header_and_short_dates():
    text = (
        "Title,Author l-f,My Rating,Average Rating,Publisher,Number of Pages,Original Publication Year,"
        "Date Added,Exclusive Shelf,\r"
        'Sixty Stories,"Barthelme, Donald",0,4.28,Penguin Books,464,1981,3/15/12,to-read,\r'
        'Murphy,"Beckett, Samuel",5,3.95,Grove Press,288,1938,4/8/08,read,\r'
    )
    data = text.encode("ascii").replace(b"Samuel", b"Samuel\x81\xd5")
    _fmt, _enc, _warn, records = records_from_bytes(data)
    assert [(r.title, r.first_author, r.rating) for r in records] == [
        ("Sixty Stories", "Donald Barthelme", None),
        ("Murphy", "Samuel\ufffd\ufffd Beckett", 10),
    ]
    assert [r.created_at.date() for r in records] == [dt.date(2012, 3, 15), dt.date(2008, 4, 8)]


def test_a_semicolon_resave_with_every_record_in_one_quoted_field():
    header = goodreads_csv([]).decode().strip()
    records = [
        '"1,""Eric (Discworld, #9";" Rincewind #4)"",Terry Pratchett,,,""=""""0380821214"""""",'
        + "," * 17
        + '"',
        '"2,Mort,Terry Pratchett,,,,,4' + "," * 16 + '";',
    ]
    data = (header + ";\n" + "\n".join(records) + "\n").encode()
    table = read_table(data)
    assert (table.dialect.delimiter, table.dialect.inner) == (";", ",")
    _fmt, _enc, _warn, got = records_from_bytes(data)
    assert [(r.title, r.series, r.isbn13, r.rating) for r in got] == [
        ("Eric", [("Discworld", Decimal("9.000"))], "9780380821211", None),
        ("Mort", [], None, 8),
    ]


def test_tab_delimited_resave():
    data = goodreads_csv([{"Title": "A, B and C", "Author": "Ann Author", "My Rating": "3"}]).decode()
    tabbed = "\n".join("\t".join(next(csv.reader([line]))) for line in data.strip().split("\n"))
    _fmt, _enc, _warn, records = records_from_bytes(tabbed.encode())
    assert [(r.title, r.rating) for r in records] == [("A, B and C", 6)]


def test_a_header_fused_with_the_first_record_and_a_missing_header():
    data = goodreads_csv(
        [
            {
                "Book Id": "7",
                "Title": "First",
                "Author": "Ann Author",
                "Date Added": "2024/09/07",
                "Owned Copies": "0",
            },
            {
                "Book Id": "8",
                "Title": "Second",
                "Author": "Ben Author",
                "Date Added": "2024/09/08",
                "Owned Copies": "1",
            },
        ]
    ).decode()
    fused = data.replace("Owned Copies\n", "Owned Copies", 1)
    table = read_table(fused.encode())
    assert table.facts.header_fused
    got = records_from_bytes(fused.encode())[3]
    assert [(r.line, r.title, r.copies) for r in got] == [(1, "First", 0), (2, "Second", 1)]

    missing = data.split("\n", 1)[1]
    table = read_table(missing.encode())
    assert not table.facts.header_found and table.format == "goodreads"
    got = records_from_bytes(missing.encode())[3]
    assert [(r.line, r.title, r.first_author) for r in got] == [
        (1, "First", "Ann Author"),
        (2, "Second", "Ben Author"),
    ]


def test_the_2026_layout_without_average_rating_and_float_ratings():
    _fmt, _enc, _warn, records = records_from_bytes(synthetic.layout_2026())
    assert [(r.title, r.rating, r.isbn13) for r in records] == [
        ("Heather", 4, "9781250400574"),
        ("Unrated", None, None),
        ("Five", 10, None),
    ]


@pytest.mark.parametrize(
    ("cells", "isbn13", "dropped"),
    [
        ((("ISBN13", "9.78044E+12"), ("ISBN", "0441172717")), "9780441172719", []),
        ((("ISBN13", "9.78044E+12"), ("ISBN", "")), None, [("ISBN13", "9.78044E+12")]),
        ((("ISBN13", "9.780441172719E+12"),), "9780441172719", []),
        ((("ISBN", "441172717"),), "9780441172719", []),  # a spreadsheet took the leading zero
        ((("ISBN", "80442957X"),), "9780804429573", []),
        ((("ISBN", '="0441172717"'),), "9780441172719", []),
        ((("ISBN", "[1578660289]"),), "9781578660285", []),
        ((("ISBN13", "9780441172710"), ("ISBN", "")), None, [("ISBN13", "9780441172710")]),
        ((("ISBN", "B00DQBOFTW"),), None, [("ISBN", "B00DQBOFTW")]),
    ],
)
def test_isbns_are_recovered_only_when_provably_right(cells, isbn13, dropped):
    record = BookRecord(line=2)
    fields.isbn(record, *cells)
    assert record.isbn13 == isbn13
    assert [(d.field, d.value) for d in record.dropped] == dropped


@pytest.mark.parametrize(
    ("raw", "halves"),
    [("4", 8), ("4.0", 8), ("3.75", 8), ("3.25", 7), ("4,5", 9), ("3.000000", 6), ("0", None), ("", None)],
)
def test_ratings(raw, halves):
    record = BookRecord(line=2)
    fields.stars(record, raw, "My Rating")
    assert record.rating == halves and record.dropped == []


@pytest.mark.parametrize(
    ("values", "delimiter", "order"),
    [
        (["2024/03/05", "2024-12-31"], ",", "mdy"),
        (["05/03/2024", "25/12/2024"], ",", "dmy"),
        (["3/5/2024", "12/25/2024"], ",", "mdy"),
        (["05/03/2024", "04/02/2024"], ";", "dmy"),
        (["05/03/2024", "04/02/2024"], ",", "mdy"),
    ],
)
def test_the_date_order_is_decided_per_file(values, delimiter, order):
    assert dates.detect_order(values, delimiter=delimiter) == order


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024/03/05", "dmy", dt.date(2024, 3, 5)),
        ("05/03/2024", "dmy", dt.date(2024, 3, 5)),
        ("3/5/2024", "mdy", dt.date(2024, 3, 5)),
        ("4/8/08", "mdy", dt.date(2008, 4, 8)),
        ("3/15/99", "mdy", dt.date(1999, 3, 15)),
        ("[2006-07-25]", "mdy", dt.date(2006, 7, 25)),
        ("2018/06/10 01:26:51.329838037", "mdy", dt.date(2018, 6, 10)),
        ("2024-03-05T10:00:00Z", "mdy", dt.date(2024, 3, 5)),
        ("Mar 5, 2024", "dmy", dt.date(2024, 3, 5)),
        ("5 March 2024", "mdy", dt.date(2024, 3, 5)),
        ("2021/02/30", "mdy", None),
        ("someday", "mdy", None),
    ],
)
def test_dates(text, order, expected):
    value = dates.parse(text, order)
    assert (value.date() if value else None) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "ZIP"),
        (bytes(range(256)) * 4, "binary"),
        (b"name,age\nBob,3\n", "don't recognise"),
        (b"Book Id,Title,Author,Exclusive Shelf\r\n", "no books"),
    ],
)
def test_malformed_files(data, message):
    with pytest.raises(Invalid) as caught:
        read_table(data)
    assert message.lower() in caught.value.message.lower()


def test_limits_are_in_the_message_and_a_long_file_is_refused_before_it_is_read_whole():
    data = goodreads_csv([{"Title": f"Book {i}", "Author": "A B"} for i in range(100_000)])
    with pytest.raises(Invalid, match="up to 50,000"):
        read_table(data)
    with pytest.raises(Invalid, match=r"up to 0\.5 MB"):
        read_table(data, max_bytes=512 * 1024)
    assert read_table(data, max_rows=100_000).row_count == 100_000


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
    assert record.dropped == []
