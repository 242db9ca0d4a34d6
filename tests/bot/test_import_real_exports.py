"""Every real export of ../shared/fixtures/exports/ (Goodreads aside: tests/bot/test_data.py) uploaded
through the bot: the dry run names the app and has no problem rows, every row with a title becomes a
book, and sample rows read back field by field (values checked by hand against the files).

Optional: skipped, with the reason, when ../shared is not beside the clone."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pytest

from librium.services.importing.series_title import split_series_title
from librium.text import clean
from tests.bot.adding_helpers import no_unhandled_errors  # noqa: F401 - autouse fixture
from tests.bot.harness import ADA
from tests.bot.test_import_apps import CSV_MIME, dry_run
from tests.importing.apps_helpers import SHARED_EXPORTS, library_facts

pytestmark = pytest.mark.skipif(
    not SHARED_EXPORTS.is_dir(), reason=f"the real exports are not here ({SHARED_EXPORTS} is missing)"
)


def titled_rows(data: bytes, title: str = "Title", delimiter: str = ",") -> list[dict[str, str]]:
    """The file's rows with a title, read by the stdlib csv or json module (not by the importer)."""
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("{"):
        return [{"Title": book["title"]} for book in json.loads(text).values() if book.get("title")]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [row for row in reader if (row.get(title) or "").strip()]


def case(relative: str, app: str, rows: int, **read):
    """A real export: its path, the app as the dry run names it, its rows with a title (counted by hand,
    and again by the stdlib csv module in the test), how to read its title column."""
    return pytest.param(relative, app, rows, read, id=relative.split("/")[0])


SG, LIBIB, CALIBRE, LT = "StoryGraph export", "Libib export", "Calibre catalog", "LibraryThing export"
BB, BC = "BookBuddy export", "Book Catalogue export"
FILES = [
    case("storygraph/bsanser__mapmyreads__storygraph_export.csv", SG, 193),
    case("storygraph/dblake26__streaming-02-multiple-processes__storygraph_export.csv", SG, 299),
    case("storygraph/tranguyeenn__optimization-books-engine__storyGraph_export.csv", SG, 327),
    case("libib/kserickson__zsr__library_zsreglau.csv", LIBIB, 736, title="title"),
    case("calibre/pigmonkey__pig-monkey.com__books.csv", CALIBRE, 891, title="title"),
    case("librarything/robdmc__libraryThing__LibraryThing_export.csv", LT, 137),
    case("librarything/mmai__shiny-librarything__librarything_aipotu.tsv", LT, 1291, delimiter="\t"),
    case("librarything/mouse-reeve__book-catalogue__libraryThing.csv", LT, 493, title="'TITLE'"),
    case(
        "librarything/mouse-reeve__book-catalogue__librarything.json",
        "LibraryThing export (JSON)",
        221,
    ),
    case("bookbuddy/armando-couto__import_bookbuddy__BookBuddy.csv", BB, 348),
    case("bookcatalogue/mouse-reeve__book-catalogue__canonical.csv", BC, 495, title="title"),
]


@pytest.mark.parametrize(("relative", "app", "rows", "read"), FILES)
async def test_every_row_with_a_title_becomes_a_book(bot, session_factory, relative, app, rows, read):
    data = (SHARED_EXPORTS / relative).read_bytes()
    titled = titled_rows(data, **read)
    assert len(titled) == rows
    message = dry_run(await bot.upload(data, relative.rsplit("/", 1)[-1], CSV_MIME))
    assert message.text.startswith(f"📥 {app}: {rows:,} rows — "), message.text
    assert "already in your library" not in message.text and "refused (no title)" not in message.text, (
        message.text
    )
    new = int(re.search(r"rows? — ([\d,]+) new book", message.text).group(1).replace(",", ""))
    merged = re.search(r"➕ ([\d,]+) rows? the same book", message.text)
    merged = int(merged.group(1).replace(",", "")) if merged else 0
    assert new + merged == rows  # each row is a book, or one more copy of the book of an earlier row
    calls = await bot.tap(message, "📥 Import")
    final = [c.text for c in calls if c.method == "editMessageText"][-1]
    assert final.startswith("✓ Imported"), final
    books = library_facts(session_factory, ADA)
    assert sum(len(found) for found in books.values()) == new
    # every row's title is a book's (as a title is stored: spaces and accents normalised, for some apps a
    # Goodreads-style "(Series, #2)" moved into the series), but a merged row's: its book has the first title
    stored = {clean(unicodedata.normalize("NFC", r[read.get("title", "Title")])) for r in titled}
    missing = {t for t in stored if t not in books and split_series_title(t)[0] not in books}
    assert len(missing) <= merged, sorted(missing)[:10]


async def imported(bot, session_factory, relative: str) -> dict:
    """Upload a real export and import what the dry run offers (rows with problems skipped, if any)."""
    data = (SHARED_EXPORTS / relative).read_bytes()
    message = dry_run(await bot.upload(data, relative.rsplit("/", 1)[-1], CSV_MIME))
    label = "📥 Import"
    calls = await bot.tap(message, label)
    final = [c.text for c in calls if c.method == "editMessageText"][-1]
    assert final.startswith("✓ Imported"), final
    return library_facts(session_factory, ADA)


def only(books: dict, title_start: str) -> dict:
    [book] = [b for title, found in books.items() if title.startswith(title_start) for b in found]
    return book


# --------------------------------------------------------------------------- StoryGraph


async def test_storygraph_current_layout_crlf_fields(bot, session_factory):
    books = await imported(bot, session_factory, "storygraph/bsanser__mapmyreads__storygraph_export.csv")
    neverwhere = only(books, "Neverwhere")
    assert neverwhere["authors"] == ["Neil Gaiman"]
    assert neverwhere["isbn"] == "9780060557812"
    assert (neverwhere["format"], neverwhere["status"]) == ("Paperback", "read")
    assert neverwhere["readings"] == [("2023-05-23", "2023-06-07", False)]
    guardian = only(books, "El guardián invisible")  # read twice, one range given
    assert sorted(guardian["readings"], key=str) == sorted(
        [(None, "2025-06-11", False), ("2025-05-26", "2025-06-11", False)], key=str
    )
    secret = only(books, "The Secret History")
    assert (secret["status"], secret["tags"], secret["owned"]) == ("abandoned", ["almost-finished"], True)
    assert secret["readings"] == [(None, "2021-07-11", True)]
    queenie = only(books, "Queenie")
    assert queenie["notes"] == "Narrator: Shvorne Marks"
    assert (queenie["format"], queenie["owned"]) == ("Audiobook", False)
    assert only(books, "The Sword of Kaigen")["isbn"] is None  # its ISBN/UID is an ASIN
    assert only(books, "En plena noche")["rating"] == 4.0  # 3.75


async def test_storygraph_excel_cut_fields(bot, session_factory):
    books = await imported(
        bot, session_factory, "storygraph/dblake26__streaming-02-multiple-processes__storygraph_export.csv"
    )
    sinful = only(books, "Sinful Desire")
    assert sinful["authors"] == ["Asia Monique"]  # listed twice in its cell
    assert (sinful["format"], sinful["status"]) == ("Ebook", "read")
    assert only(books, "Team Players")["isbn"] is None  # B0BJ2YTGJR is an ASIN


async def test_storygraph_quarter_stars_and_html_review_fields(bot, session_factory):
    books = await imported(
        bot, session_factory, "storygraph/tranguyeenn__optimization-books-engine__storyGraph_export.csv"
    )
    alchemist = only(books, "The Alchemist")
    assert alchemist["rating"] == 2.5
    assert (
        alchemist["notes"]
        == "If i wanted to read a self help book, id read the bible.\n\nTranslator: Alan R. Clarke"
    )
    assert alchemist["readings"] == [("2026-01-14", "2026-01-19", False)]
    antigone = only(books, "Antigone")
    assert antigone["authors"] == ["Sophocles", "J.E. Thomas"]
    assert len(antigone["readings"]) == 2
    assert only(books, "Girl in Pieces")["rating"] == 5.0  # 4.75
    windows = only(books, "Buổi Chiều Windows")
    assert (windows["status"], windows["tags"]) == ("reading", ["to-be-read"])
    assert only(books, "Book Lovers")["notes"].startswith("Fucking amazing\n\nMoods: emotional, hopeful")


# --------------------------------------------------------------------------- Libib


async def test_libib_older_layout_fields(bot, session_factory):
    books = await imported(bot, session_factory, "libib/kserickson__zsr__library_zsreglau.csv")
    letters = only(books, "Saul Bellow: Letters")
    assert letters["authors"] == ["Saul Bellow"]
    assert (letters["isbn"], letters["year"], letters["pages"]) == ("9780670022212", 2010, 608)
    assert letters["publishers"] == ["Viking Adult"]
    investigations = only(books, "Philosophical Investigations")
    assert investigations["authors"] == ["Ludwig Wittgenstein", "G. E. M. Anscombe", "Elizabeth Anscombe"]
    between = only(books, "Philosophy Between the Lines")
    assert between["status"] == "read"
    assert between["readings"] == [("2018-12-26", "2019-01-14", False)]
    assert (between["added"], between["isbn"]) == ("2015-08-22", "9780226175096")


# --------------------------------------------------------------------------- Calibre


async def test_calibre_catalog_subset_fields(bot, session_factory):
    books = await imported(bot, session_factory, "calibre/pigmonkey__pig-monkey.com__books.csv")
    phlebas = only(books, "Consider Phlebas")
    assert (phlebas["authors"], phlebas["isbn"], phlebas["series"]) == (
        ["Iain M. Banks"],
        "9780316005388",
        [("Culture", "1")],
    )
    freedom = only(books, "Freedom")
    assert (freedom["authors"], freedom["series"]) == (["Daniel Suarez"], [("Daemon", "2")])
    hpmor = only(books, "Harry Potter and the Methods of Rationality")
    assert (hpmor["isbn"], hpmor["series"]) == (None, [])


# --------------------------------------------------------------------------- LibraryThing


async def test_librarything_csv_fields(bot, session_factory):
    books = await imported(bot, session_factory, "librarything/robdmc__libraryThing__LibraryThing_export.csv")
    airplanes = only(books, "The Great International Paper Airplane Book")
    assert (airplanes["authors"], airplanes["isbn"], airplanes["year"]) == (
        ["Jerry Mander"],
        "9781578660285",
        1998,
    )
    assert (airplanes["pages"], airplanes["format"], airplanes["publishers"]) == (
        128,
        "Hardcover",
        ["Galahad Books"],
    )
    assert airplanes["added"] == "2010-11-27"
    feynman = only(books, "The Feynman Lectures on Physics")
    assert (feynman["authors"], feynman["pages"], feynman["isbn"]) == (
        ["Richard P. Feynman"],
        1552,
        "9780201500646",
    )


# --------------------------------------------------------------------------- Book Catalogue


async def test_book_catalogue_fields(bot, session_factory):
    books = await imported(bot, session_factory, "bookcatalogue/mouse-reeve__book-catalogue__canonical.csv")
    saga = only(books, "Saga, Volume 1")
    assert saga["authors"] == ["Brian K. Vaughan", "Fiona Staples"]
    assert (saga["isbn"], saga["publishers"], saga["year"], saga["pages"]) == (
        "9781607066019",
        ["Image Comics"],
        2012,
        160,
    )
    assert sorted(saga["series"]) == [("Saga", "6"), ("Saga Collected", "1")]
    assert (saga["tags"], saga["format"]) == ([], "Paperback")
    assert "<br>" not in saga["description"]
    oryx = only(books, "Oryx and Crake")
    assert (oryx["notes"], oryx["lent"][0]) == (None, "Jason Weisberger")
    assert oryx["series"] == [("MaddAddam Trilogy", "1")]
    dune = only(books, "Dune")
    assert {("Dune Chronicles", "1"), ("Dune Universe", "10"), ("Dune", "1")} <= set(dune["series"])
