"""Every real Goodreads export of ../shared (goodreads/ and exports/goodreads/) uploaded through the bot:
the dry run counts every row, Import brings every row with a title in (a row the same book as an earlier
one adds a copy), and sample rows read back field by field (values checked by hand against the files).

Optional: skipped, with the reason, when ../shared is not beside the clone.
"""

from __future__ import annotations

import pytest

from tests.bot.adding_helpers import no_unhandled_errors  # noqa: F401 - autouse fixture
from tests.bot.harness import ADA
from tests.bot.test_data import CSV_MIME, dry_run
from tests.importing.apps_helpers import library_facts
from tests.importing.conftest import SHARED, needs_shared

pytestmark = needs_shared

# file -> (data rows as counted by hand, books after merging the rows of the same book, samples)
# A sample: (title, field -> value) of one row, read in the file by hand.
FILES = {
    "goodreads/Joy-Patterson__HackPrinceton.csv": (
        3,
        3,
        [
            (
                "Book of Night",
                {"authors": ["Holly Black"], "isbn": "9781250812193", "rating": 4.0, "pages": 304},
            )
        ],
    ),
    "goodreads/Lorena-Cec__Vizualizacija-citanja-knjiga.csv": (
        122,
        122,
        [
            ("山田くんとLv999の恋をする 1", {"authors": ["Mashiro"], "isbn": "9784040645209", "year": 2020}),
            ("Chainsaw Man, Vol. 2", {"rating": 5.0, "readings": [(None, "2022-11-01", False)]}),
        ],
    ),
    "goodreads/Psilolouben__your_next_book.csv": (
        524,
        524,
        [
            (
                "Ουίσκυ Τάνγκο Φόξτροτ",
                {"publishers": ["Πόλις"], "status": "to-read", "owned": False, "copies": 0},
            )
        ],
    ),
    "goodreads/advokatb__advokatb-goodreads-reading-stats.csv": (
        98,
        98,
        [("Семь дней до Мегиддо", {"rating": 4.0, "readings": [(None, "2024-12-20", False)], "pages": 352})],
    ),
    "goodreads/dr-rodriguez__Exploring-Goodreads.csv": (
        326,
        324,
        [("The Hobbit, or There and Back Again", {"isbn": "9780618260300", "rating": 5.0, "pages": 366})],
    ),
    # no header line: the first line is a record
    "exports/goodreads/0xdstn__books__goodreads_library_export.csv": (
        812,
        807,
        [
            (
                "Village Christmas: And Other Notes on the English Year (Penguin Modern Classics)",
                {"authors": ["Laurie Lee"], "pages": 144, "status": "reading", "added": "2021-11-30"},
            ),
            ("World War Z: An Oral History of the Zombie War", {"isbn": "9780307346605", "rating": 3.0}),
        ],
    ),
    # a semicolon re-save: every record one quoted field, one title split at its ';'
    "exports/goodreads/Jakub-Mikolajczyk-pl__WishList-Compare__goodreads_library_export.csv": (
        531,
        530,
        [
            ("Energy and Civilization: A History", {"authors": ["Vaclav Smil"], "isbn": "9780262035774"}),
            ("Eric", {"authors": ["Terry Pratchett"], "series": [("Discworld", "9")], "rating": 3.0}),
        ],
    ),
    # Excel for Mac: CR-only line ends, two stray bytes, M/D/YY dates, a 12-column subset
    "exports/goodreads/Sigfried__treelike__goodreads_export.csv": (
        103,
        103,
        [
            ("Sixty Stories", {"authors": ["Donald Barthelme"], "added": "2012-03-15", "status": "to-read"}),
            ("Night and Day", {"authors": ["Virginia Woolf"], "rating": 5.0, "added": "2008-04-09"}),
        ],
    ),
    # the 2026 layout: no Average Rating, ratings as '4.0'
    "exports/goodreads/ajafrost__trythisbook__goodreads_export.csv": (
        1657,
        1654,
        [("Heather", {"authors": ["Caitlin Mullen"], "rating": 2.0, "isbn": "9781250400574", "pages": 352})],
    ),
    # the header fused with the first record
    "exports/goodreads/anycarolinys__goodreads_data_analysis__goodreads_library_export.csv": (
        222,
        222,
        [("Salvar o fogo", {"authors": ["Itamar Vieira Junior"], "isbn": "9786556924175", "pages": 320})],
    ),
    "exports/goodreads/elizabethsiegle__book-recommender-vectorize__goodreads_library_export.csv": (
        5559,
        5295,
        [("Window Shopping", {"authors": ["Tessa Bailey"], "isbn": "9780063330085", "status": "to-read"})],
    ),
    # a TAB re-save of the old 31-column layout, ISBNs without ="…"
    "exports/goodreads/philippbayer__Goodreads_visualization__goodreads_export.csv": (
        1705,
        1705,
        [
            (
                "The Autobiography of Malcolm X",
                {
                    "authors": ["Malcolm X", "Alex Haley"],
                    "isbn": "9780345350688",
                    "rating": 4.0,
                    "year": 1987,
                },
            )
        ],
    ),
}


def test_every_shared_goodreads_export_is_listed():
    found = {
        str(p.relative_to(SHARED)) for d in ("goodreads", "exports/goodreads") for p in (SHARED / d).glob("*")
    }
    assert found == set(FILES)


@pytest.mark.parametrize("relative", sorted(FILES), ids=lambda r: r.rsplit("/", 1)[-1].split("__")[0])
async def test_a_real_goodreads_export_imports_whole(bot, session_factory, relative):
    rows, books, samples = FILES[relative]
    data = (SHARED / relative).read_bytes()
    message = dry_run(await bot.upload(data, relative.rsplit("/", 1)[-1], CSV_MIME))
    assert message.text.startswith(f"📥 Goodreads export: {rows:,} rows — {books:,} new book"), message.text
    assert "refused (no title)" not in message.text
    if rows != books:
        assert f"➕ {rows - books:,} row" in message.text
    calls = await bot.tap(message, "📥 Import")
    final = [c.text for c in calls if c.method == "editMessageText"][-1]
    assert final.startswith(f"✓ Imported {books:,} books from the Goodreads export."), final
    library = library_facts(session_factory, ADA)
    assert sum(len(found) for found in library.values()) == books
    for title, expected in samples:
        assert title in library, (title, sorted(library)[:5])
        found = library[title]
        if len(found) > 1:  # two editions of one title: the sample names its ISBN
            found = [b for b in found if b["isbn"] == expected["isbn"]]
        [book] = found
        assert {k: book[k] for k in expected} == expected, title
