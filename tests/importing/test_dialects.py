"""The same export, rewritten in every dialect a real file comes in, imports the same books.

Hypothesis draws a dialect (delimiter, padding, quoting, Excel's ="…" and its rounded or zero-stripped
ISBNs, date format, BOM and encoding, line ends, header on its own line, fused or missing) and
tests/importing/dialects.py rewrites a real export (the MIT one in tests/fixtures) or a synthetic one
with accents and multi-line reviews in it. Every variant must give the same books, field by field, as
the original file.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from librium.services.importing import plan_import, records_from_bytes
from tests.importing.conftest import MIT_EXPORT, goodreads_csv, goodreads_file
from tests.importing.dialects import Dialect, encodable, has_unambiguous_day, rewrite


def accented_export() -> bytes:
    """A 24-column export with Western European accents (every single-byte encoding can hold it),
    quotes, commas and semicolons in titles, multi-line reviews and dates with days over 12."""
    people = ["José Saramago", "Günter Grass", "Françoise Sagan", "Søren Kierkegaard", "Ana Peña"]
    rows = []
    for i in range(40):
        author = people[i % len(people)]
        rows.append(
            {
                "Book Id": str(1000 + i),
                "Title": f"Café “{i}”; crème, brûlée (Série, #{i % 4 + 1})" if i % 3 else f"Über Ärger {i}",
                "Author": author,
                "Author l-f": ", ".join(reversed(author.split(" ", 1))),
                "ISBN": '="0441172717"' if i % 5 == 0 else '=""',
                "ISBN13": '="9780441172719"' if i % 5 == 0 else '=""',
                "My Rating": str(i % 6),
                "Average Rating": "3.87",
                "Publisher": "Éditions Gallimard" if i % 2 else "Alfaguara",
                "Number of Pages": str(100 + i),
                "Year Published": str(1950 + i),
                "Date Read": f"2021/{i % 12 + 1:02d}/{i % 28 + 1:02d}" if i % 2 else "",
                "Date Added": f"2020/{i % 12 + 1:02d}/{(i * 7) % 28 + 1:02d}",
                "Bookshelves": "à-lire, favoris" if i % 4 else "",
                "Exclusive Shelf": "read" if i % 2 else "to-read",
                "My Review": f"Très bien.\nDeuxième ligne {i}." if i % 7 == 0 else "",
                "Read Count": "1" if i % 2 else "0",
                "Owned Copies": str(i % 2),
            }
        )
    return goodreads_csv(rows)


BASES = {"mit": goodreads_file(MIT_EXPORT), "accents": accented_export()}


def books(data: bytes) -> list[tuple]:
    """What a file imports, in file order, field by field (line numbers aside: a missing header moves them)."""
    _fmt, _enc, _warn, records = records_from_bytes(data)
    return [
        (
            r.title,
            tuple(a.display for a in r.authors),
            r.isbn13,
            r.rating,
            r.page_count,
            r.release_year,
            tuple(r.publishers),
            r.format,
            tuple(r.series),
            tuple(r.tags),
            r.status,
            tuple((x.started_on, x.finished_on) for x in r.readings),
            r.created_at.date() if r.created_at else None,
            (r.notes or "").replace("\r\n", "\n").replace("\r", "\n"),
            (r.owned, r.copies),
            tuple(str(d) for d in r.dropped),
        )
        for r in records
    ]


ORIGINAL = {name: books(data) for name, data in BASES.items()}

dialects = st.builds(
    Dialect,
    delimiter=st.sampled_from([",", ";", "\t"]),
    padding=st.sampled_from(["none", "sep", "fixed"]),
    quote_all=st.booleans(),
    excel_isbn=st.sampled_from(["keep", "plain", "scientific", "no-zeros"]),
    dates=st.sampled_from(["ymd", "dmy", "mdy", "mdyy"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "mac_roman"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    header=st.sampled_from(["line", "line", "fused", "missing"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(sorted(BASES)), dialect=dialects)
def test_every_dialect_imports_the_same_books(base: str, dialect: Dialect):
    data = BASES[base]
    assume(encodable(data, dialect.encoding))
    assume(dialect.header != "fused" or not dialect.quote_all)  # a fused header is never quoted whole
    if dialect.dates in ("dmy", "mdy", "mdyy"):
        assume(has_unambiguous_day(data))  # otherwise D/M and M/D cannot be told apart, by anyone
    variant = rewrite(data, dialect)
    assert books(variant) == ORIGINAL[base], dialect


@pytest.mark.parametrize(
    ("base", "dialect"),
    [
        ("mit", Dialect(delimiter=",", padding="sep", quote_all=True)),  # the 112-row space-padded export
        ("mit", Dialect(padding="fixed", excel_isbn="keep")),
        ("mit", Dialect(excel_isbn="scientific", dates="mdy")),  # Excel, US
        ("mit", Dialect(encoding="utf-8-sig", newline="\r\n", dates="dmy")),  # Excel, Europe
        ("accents", Dialect(delimiter=";", dates="dmy", encoding="cp1252")),
        ("mit", Dialect(delimiter="\t", excel_isbn="plain")),
        ("accents", Dialect(newline="\r", encoding="mac_roman", dates="mdyy")),  # Excel for Mac
        ("mit", Dialect(header="missing")),
        ("mit", Dialect(header="fused")),
    ],
    ids=lambda v: (
        str(v)
        if isinstance(v, str)
        else "-".join(
            f"{k}={getattr(v, k)!r}" for k in ("delimiter", "padding", "dates", "encoding", "header")
        )
    ),
)
def test_the_exports_in_the_dialects_of_the_issue_import_whole(session, library, base, dialect):
    original = plan_import(session, library.id, BASES[base])
    variant = plan_import(session, library.id, rewrite(BASES[base], dialect))
    assert (variant.rows, variant.new, variant.merged, variant.refused) == (
        original.rows,
        original.new,
        original.merged,
        original.refused,
    )
    assert books(rewrite(BASES[base], dialect)) == ORIGINAL[base]


def test_the_accented_export_is_dated_day_first_when_written_so():
    variant = rewrite(BASES["accents"], Dialect(delimiter=";", dates="dmy", encoding="cp1252"))
    assert b"/2020" in variant and books(variant)[1][12] == dt.date(2020, 2, 8)
