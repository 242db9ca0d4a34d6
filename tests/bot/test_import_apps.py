"""Exports of other apps (StoryGraph, LibraryThing, Libib, Calibre, BookBuddy, Book Catalogue, any CSV)
uploaded as documents through the real Application: the dry run names the app, Import writes every
row with a title, and the books read back field by field. Files: tests/fixtures/imports/ (synthetic,
same layout and quirks as the real exports; see tests/fixtures/README.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from bot.console.fake_api import Call
from librium.text import fold
from tests.bot.adding_helpers import no_unhandled_errors  # noqa: F401 - autouse fixture
from tests.bot.harness import ADA, BOB
from tests.importing.apps_helpers import fixture, library_facts
from tests.importing.structure_noise import everything

CSV_MIME = "text/csv"


def dry_run(calls: list[Call]) -> Call:
    found = [
        c
        for c in calls
        if c.method == "sendMessage"
        and any(b.get("callback_data", "").startswith("im:") for row in c.buttons for b in row)
    ]
    assert len(found) == 1, f"expected one dry-run message, got {[(c.method, c.text[:200]) for c in calls]}"
    return found[0]


async def import_fixture(bot, session_factory, name: str, app: str, rows: int) -> dict[str, list[dict]]:
    """Upload a fixture; the dry run names the app and finds every row new and fine; tap Import.
    The library's books afterwards, by title."""
    message = dry_run(await bot.upload(fixture(name), name, CSV_MIME))
    assert f"{app}: {rows} rows — {rows} new books." in message.text
    assert "refused (no title)" not in message.text
    calls = await bot.tap(message, "📥 Import")
    final = [c.text for c in calls if c.method == "editMessageText"][-1]
    assert final.startswith(f"✓ Imported {rows} books"), final
    books = library_facts(session_factory, ADA)
    assert sum(len(found) for found in books.values()) == rows
    return books


async def test_storygraph_export(bot, session_factory):
    books = await import_fixture(bot, session_factory, "storygraph.csv", "StoryGraph export", 6)

    [left_hand] = books["The Left Hand of Darkness"]
    assert left_hand["authors"] == ["Ursula K. Le Guin"]
    assert left_hand["isbn"] == "9780441478125"
    assert left_hand["format"] == "Paperback"
    assert left_hand["status"] == "read"
    assert left_hand["rating"] == 4.0  # 3.75 quarter stars -> nearest half star
    assert left_hand["tags"] == ["sci-fi"]
    assert (left_hand["owned"], left_hand["copies"]) == (True, 1)
    assert left_hand["added"] == "2021-03-02"
    # two dated readings (a range and a day) and, read 3 times, one undated reread on the added day
    assert sorted(left_hand["readings"], key=str) == sorted(
        [(None, "2021-03-02", False), ("2023-05-23", "2023-06-07", False), (None, "2024-01-02", False)],
        key=str,
    )
    assert left_hand["notes"].startswith(
        "Cold.\nVery cold & beautiful.\n\nMoods: reflective, challenging\nPace: slow"
    )

    [queenie] = books["Queenie"]
    assert queenie["authors"] == ["Candice Carty-Williams"]  # the narrator is credited, not an author
    assert queenie["notes"] == "Narrator: Shvorne Marks"
    assert queenie["format"] == "Audiobook"
    assert (queenie["status"], queenie["owned"], queenie["copies"]) == ("to-read", False, 0)  # wishlist

    [omens] = books["Good Omens"]
    assert omens["authors"] == ["Terry Pratchett", "Neil Gaiman"]
    assert omens["isbn"] == "9780060853983"  # the ISBN-10 0060853980
    assert omens["status"] == "reading"
    assert omens["readings"] == [("2024-02-10", None, False)]  # started, not finished
    assert omens["tags"] == ["funny", "to-be-read"]

    [secret] = books["The Secret History"]
    assert (secret["status"], secret["rating"]) == ("abandoned", 1.5)
    assert secret["readings"] == [(None, "2021-07-11", True)]

    [heaven] = books["Heaven Sent"]
    assert heaven["isbn"] is None  # B0CWLNZ91L is an ASIN
    assert heaven["rating"] == 0.5  # 0.25 rounds up to the smallest rating
    assert heaven["format"] == "Ebook"
    assert heaven["notes"] == "Illustrator: Nubian FX"

    [nautilus] = books["Ναυτίλος"]
    assert nautilus["authors"] == ["Ιούλιος Βερν"]
    assert (nautilus["status"], nautilus["tags"]) == ("reading", ["paused"])
    assert nautilus["notes"] == "Translator: Mattias Ripa, Blake Ferriss"


async def test_libib_export_current_layout(bot, session_factory):
    books = await import_fixture(bot, session_factory, "libib.csv", "Libib export", 4)

    [dispossessed] = books["The Dispossessed"]
    assert dispossessed["authors"] == ["Ursula K. Le Guin"]
    assert dispossessed["isbn"] == "9780060512750"
    assert (dispossessed["year"], dispossessed["pages"], dispossessed["publishers"]) == (
        2003,
        387,
        ["Harper Voyager"],
    )
    assert dispossessed["tags"] == ["Science Fiction", "anarchism", "classics"]  # tags and the group
    assert (dispossessed["rating"], dispossessed["status"]) == (4.5, "read")
    assert dispossessed["readings"] == [("2021-01-10", "2021-02-01", False)]
    assert dispossessed["notes"] == "Loved it.\n\nSigned by a friend"
    assert dispossessed["description"] == "An ambiguous utopia."
    assert (dispossessed["owned"], dispossessed["copies"]) == (True, 2)
    assert dispossessed["added"] == "2020-12-24"

    [piranesi] = books["Piranesi"]
    assert (piranesi["status"], piranesi["owned"], piranesi["copies"]) == ("to-read", False, 0)  # wishlist

    [arrival] = books["Arrival"]  # a film: kept, its UPC is no ISBN and its length is minutes
    assert (arrival["format"], arrival["isbn"], arrival["pages"]) == ("Movie", None, None)

    [mort] = books["Mort"]
    assert (mort["status"], mort["rating"]) == ("abandoned", 3.0)
    assert mort["readings"] == [("2022-05-01", None, True)]


async def test_libib_export_older_layout(bot, session_factory):
    books = await import_fixture(bot, session_factory, "libib-2020.csv", "Libib export", 4)

    [letters] = books["Saul Bellow: Letters"]
    assert letters["description"] == "A collection of letters.\nSpanning eight decades."
    assert (letters["isbn"], letters["year"], letters["pages"]) == ("9780670022212", 2010, 608)
    assert (letters["status"], letters["readings"]) == ("to-read", [])

    [dialectic] = books["Dialectic of Enlightenment"]  # the leading space is gone
    assert dialectic["authors"] == ["Max Horkheimer", "Theodor W. Adorno"]
    assert dialectic["readings"] == [("2018-12-26", "2019-01-14", False)]
    assert "\ufffd" in dialectic["description"]

    [dialogues] = books["Two Dialogues"]
    assert dialogues["authors"] == ["Plato", "Aristotle"]  # two authors, not "Aristotle Plato"
    assert (dialogues["status"], dialogues["readings"]) == ("reading", [("2020-06-25", None, False)])

    [anathem] = books["Anathem"]
    assert (anathem["authors"], anathem["status"], anathem["readings"]) == ([], "read", [])


async def test_calibre_catalog_with_a_few_fields(bot, session_factory):
    books = await import_fixture(bot, session_factory, "calibre-subset.csv", "Calibre catalog", 5)
    [phlebas] = books["Consider Phlebas"]
    assert (phlebas["authors"], phlebas["isbn"]) == (["Iain M. Banks"], "9780316005388")
    assert phlebas["series"] == [("Culture", "1")]
    [hpmor] = books["Harry Potter and the Methods of Rationality"]
    assert (hpmor["isbn"], hpmor["series"]) == (None, [])  # series_index 1.0 without a series
    [state] = books["The State of the Art"]
    assert state["authors"] == ["Iain M. Banks", "Les Edwards"]  # from author_sort
    assert state["isbn"] == "9781597800242"  # inside urn:URN|ISBN|978-1-59780-024-2
    assert state["series"] == [("Culture", "4.5")]
    [bang] = books["Left of Bang"]
    assert bang["authors"] == ["Patrick Van Horne", "Jason A. Riley"]
    [norwegian] = books["ノルウェイの森"]
    assert (norwegian["authors"], norwegian["isbn"]) == (["Haruki Murakami"], "9784062748681")


async def test_calibre_catalog_with_all_fields_and_own_columns(bot, session_factory):
    books = await import_fixture(bot, session_factory, "calibre-all.csv", "Calibre catalog", 2)
    [dispossessed] = books["The Dispossessed"]
    assert dispossessed["authors"] == ["Ursula K. Le Guin"]
    assert dispossessed["description"] == "An ambiguous utopia.\n\nShevek & Anarres."
    assert (dispossessed["format"], dispossessed["languages"]) == ("Ebook", ["English"])
    assert (dispossessed["year"], dispossessed["publishers"], dispossessed["rating"]) == (
        2003,
        ["Harper Voyager"],
        4.5,
    )
    assert dispossessed["series"] == [("Hainish Cycle", "5")]
    assert dispossessed["tags"] == ["Anarchism", "Science Fiction"]
    assert dispossessed["added"] == "2019-03-04"
    assert (dispossessed["status"], dispossessed["readings"]) == ("read", [(None, "2019-05-01", False)])
    assert dispossessed["pages"] == 387
    assert dispossessed["notes"] == "Shelf: Attic, box 3"  # an own column we have no field for
    [omens] = books["Good Omens"]
    assert omens["authors"] == ["Terry Pratchett", "Neil Gaiman"]
    assert (omens["year"], omens["status"], omens["format"]) == (
        None,
        "to-read",
        None,
    )  # 0101-01-01 is no year
    assert omens["languages"] == ["English", "French"]


async def test_bookbuddy_export(bot, session_factory):
    books = await import_fixture(bot, session_factory, "bookbuddy.csv", "BookBuddy export", 3)
    [wind] = books["The Name of the Wind"]
    assert wind["authors"] == ["Patrick Rothfuss"]
    assert (wind["isbn"], wind["year"], wind["pages"]) == ("9780756404079", 2007, 662)
    assert wind["series"] == [("The Kingkiller Chronicle", "1")]
    assert (wind["format"], wind["location"], wind["languages"]) == ("Hardcover", "Living room", ["English"])
    assert wind["tags"] == ["Personal", "fantasy", "favorite", "re-read"]
    assert (wind["rating"], wind["status"]) == (4.5, "read")
    assert wind["readings"] == [("2019-01-02", "2019-01-20", False)]
    assert (wind["owned"], wind["copies"]) == (True, 2)
    assert (wind["notes"], wind["description"]) == ("Signed copy", "A hero's story.")
    assert wind["added"] == "2018-12-24"
    assert wind["lent"] == ("Maria", "2024-03-01")

    [lusiadas] = books["Os Lusíadas"]  # written with decomposed accents, read composed
    assert lusiadas["authors"] == ["Luís Vaz de Camões"]
    assert (lusiadas["owned"], lusiadas["copies"], lusiadas["rating"]) == (False, 0, None)  # wish list
    assert lusiadas["notes"] == "Translator: Landeg White"

    [jest] = books["Infinite Jest"]
    assert (jest["status"], jest["readings"]) == ("abandoned", [("2021-03-01", None, True)])
    assert jest["owned"] is False  # borrowed from Ana, not returned
    assert (
        jest["notes"] == "Borrowed from: Ana\nBorrowed on: 2021/02/27\nNot finished because: Too long for now"
    )


async def test_a_real_bookbuddy_export(bot, session_factory):
    """armando-couto's BookBuddy.csv (Apache-2.0, copied unchanged): 79 columns, Portuguese, nanosecond
    Date Added, ratings 3.000000, decomposed accents mixed with composed ones."""
    name = "bookbuddy-armando-couto.csv"
    message = dry_run(await bot.upload(fixture(name), name, CSV_MIME))
    assert "BookBuddy export: 348 rows — " in message.text and "refused (no title)" not in message.text
    await bot.tap(message, "📥 Import")
    books = library_facts(session_factory, ADA)
    titles = {row["Title"] for row in csv.DictReader(io.StringIO(fixture(name).decode("utf-8"), newline=""))}
    assert {fold(t) for t in titles} == {fold(t) for t in books}  # JAVA EFETIVO = Java Efetivo
    [minds] = books["28 mentes que mudaram o mundo"]
    assert minds["authors"] == ["Rhymer Rigby", "Alessandra Mussi"]
    assert (minds["isbn"], minds["year"], minds["rating"]) == ("9788535244380", 2013, 4.0)
    assert (minds["genres"], minds["tags"], minds["status"]) == (
        ["Business & Personal Finance"],
        ["Pessoal"],
        "read",
    )
    assert minds["readings"] == [(None, "2018-06-11", False)]
    assert minds["added"] == "2018-06-10"
    [debate] = books["38 estratégias para vencer qualquer debate"]
    assert debate["notes"] == "Fila 0 | Coluna 1 | Zona 9"
    assert debate["rating"] == 3.0
    [go] = books["A linguagem de programação Go"]
    assert go["authors"] == ["Alan A. A. Donovan", "Brian W. Kernighan"]


async def test_librarything_csv(bot, session_factory):
    books = await import_fixture(bot, session_factory, "librarything.csv", "LibraryThing export", 5)
    [airplanes] = books["The Great International Paper Airplane Book"]
    assert airplanes["authors"] == ["Jerry Mander", "George Dippel"]  # secondary author, role Author
    assert airplanes["notes"] == "Illustrator: Howard Gossage"
    assert (airplanes["isbn"], airplanes["year"], airplanes["pages"]) == ("9781578660285", 1998, 128)
    assert (airplanes["publishers"], airplanes["format"]) == (["Galahad Books"], "Hardcover")
    assert (airplanes["genres"], airplanes["languages"], airplanes["added"]) == (
        ["Paper airplanes"],
        ["English"],
        "2010-11-27",
    )

    [left_hand] = books["The Left Hand of Darkness"]
    assert (left_hand["rating"], left_hand["status"], left_hand["copies"]) == (4.5, "read", 2)
    assert left_hand["readings"] == [("2020-01-02", "2020-01-20", False)]
    assert left_hand["tags"] == ["Book club", "classics", "favorite", "sf"]  # tags and collections
    assert (
        left_hand["notes"] == "Winter.\n\nGenly Ai learns.\n\nBook club pick\n\nLent twice\n\nFrom: Powell's"
    )
    assert left_hand["lent"] == ("Ana", "2024-05-01")

    [piranesi] = books["Piranesi"]
    assert (piranesi["owned"], piranesi["copies"], piranesi["isbn"]) == (False, 0, None)  # Wishlist

    [mort] = books["Mort"]
    assert (mort["status"], mort["readings"], mort["format"]) == (
        "reading",
        [("2024-02-10", None, False)],
        "Ebook",
    )
    assert (mort["year"], mort["publishers"], mort["isbn"]) == (None, [], None)  # "?", unknown, an ASIN

    [library] = books["The Library Book"]
    assert (library["status"], library["owned"], library["pages"]) == ("read", False, 336)  # read but unowned


async def test_librarything_2014_csv_with_quoted_column_names(bot, session_factory):
    books = await import_fixture(bot, session_factory, "librarything-2014.csv", "LibraryThing export", 3)
    [magic] = books["Magic, Science, and Religion"]
    assert (magic["authors"], magic["isbn"], magic["year"], magic["publishers"]) == (
        ["Bronislaw Malinowski"],
        None,
        None,
        [],
    )
    assert magic["genres"] == ["Anthropology", "Ethnology", "Religion"]  # multi-line subjects
    assert magic["tags"] == ["anthropology", "magic", "religion"]
    [kraken] = books["Kraken"]
    assert (kraken["isbn"], kraken["year"], kraken["format"], kraken["rating"]) == (
        "9780345497505",
        2011,
        "Paperback",
        4.0,
    )
    assert (kraken["notes"], kraken["added"]) == ("Squid!", "2014-01-21")


async def test_librarything_tsv(bot, session_factory):
    books = await import_fixture(bot, session_factory, "librarything.tsv", "LibraryThing export", 2)
    [proust] = books["A l'ombre des jeunes filles en fleurs"]
    assert (proust["authors"], proust["rating"], proust["status"]) == (["Marcel Proust"], 5.0, "read")
    assert proust["readings"] == [("2009-07-01", "2009-08-10", False)]
    assert (proust["pages"], proust["format"], proust["added"]) == (568, "Paperback", "2006-07-25")
    [syrtes] = books["Le Rivage des Syrtes"]
    assert syrtes["authors"] == ["Julien Gracq", "Jacques Roubaud"]
    assert (syrtes["notes"], syrtes["rating"], syrtes["tags"]) == ("Traduction: Anne Lévy", 3.5, ["a_lire"])


async def test_librarything_json_is_imported_not_restored(bot, session_factory):
    """mouse-reeve's librarything.json (MIT, copied unchanged): sparse keys, isbn/subject as a dict or
    a list, \\u escapes, pages "278 "."""
    name = "librarything-mouse-reeve.json"
    message = dry_run(await bot.upload(fixture(name), name, "application/json"))
    assert "LibraryThing export (JSON): 221 rows — " in message.text
    await bot.tap(message, "📥 Import")
    books = library_facts(session_factory, ADA)
    document = json.loads(fixture(name))
    missing = {fold(b["title"]) for b in document.values()} - {fold(t) for t in books}
    # every record is a book; the one missing title is a second edition of a book above (same ISBN,
    # title spelt differently): it became a second copy of that book, as the dry run says
    assert missing == {fold("Jonathan Strange & Mr. Norrell")}, missing
    assert (
        "221 rows — 220 new books.\n➕ 1 row the same book as an earlier row: merged into it" in message.text
    )
    [malleus] = books["The Malleus Maleficarum of Heinrich Kramer and James Sprenger (Dover Occult)"]
    assert (malleus["authors"], malleus["isbn"], malleus["year"]) == (
        ["Heinrich Kramer"],
        "9780486228020",
        1971,
    )
    assert (malleus["pages"], malleus["format"], malleus["publishers"]) == (278, "Paperback", ["Dover"])
    assert malleus["genres"] == ["History", "Nonfiction", "Religion & Spirituality"]
    assert malleus["tags"] == [
        "christianity",
        "inquisition",
        "medieval",
        "occult",
        "primary source",
        "witchcraft",
    ]
    assert (malleus["languages"], malleus["added"], malleus["notes"]) == (
        ["English"],
        "2014-01-21",
        "From: Amazon.com",
    )


async def test_any_csv_with_a_title_column_shows_what_it_understood(bot, session_factory):
    name = "generic.csv"
    message = dry_run(await bot.upload(fixture(name), name, CSV_MIME))
    assert "CSV file: 3 rows — 3 new books." in message.text
    assert (
        "Columns I read: book title → title, writer(s) → author, isbn-13 → isbn, published → year, "
        "pages → pages, my rating → rating, shelves → tags, series → series, series # → series number, "
        "read? → status, date finished → finished reading, notes → notes, owned → owned, price → price."
    ) in message.text
    assert "Columns I ignored: colour." in message.text
    await bot.tap(message, "📥 Import")
    books = library_facts(session_factory, ADA)

    [dune] = books["Dune"]
    assert (dune["authors"], dune["isbn"], dune["year"], dune["pages"]) == (
        ["Frank Herbert"],
        "9780441172719",
        1965,
        612,
    )
    assert (dune["rating"], dune["tags"], dune["series"]) == (
        4.5,
        ["classics", "sf"],
        [("Dune Chronicles", "1")],
    )
    assert (dune["status"], dune["readings"], dune["notes"]) == (
        "read",
        [(None, "2020-05-01", False)],
        "Reread every decade",
    )
    [omens] = books["Good Omens"]
    assert (omens["authors"], omens["status"], omens["owned"]) == (
        ["Terry Pratchett", "Neil Gaiman"],
        "to-read",
        False,
    )
    [ficciones] = books["Ficciones"]
    assert (ficciones["isbn"], ficciones["status"], ficciones["copies"]) == ("9780802130303", "reading", 2)


async def test_book_catalogue_export(bot, session_factory):
    books = await import_fixture(bot, session_factory, "bookcatalogue.csv", "Book Catalogue export", 4)
    [saga] = books["Saga, Volume 1"]
    assert saga["authors"] == ["Brian K. Vaughan", "Fiona Staples"]
    assert sorted(saga["series"]) == [("Saga", "6"), ("Saga Collected", "1")]  # "6\\|Vol. 1": an escaped "|"
    assert (saga["tags"], saga["format"], saga["year"]) == ([], "Paperback", 2012)  # the Default shelf
    assert saga["description"] == "When two soldiers\n\nfall in love, Saga begins."
    assert saga["genres"] == ["Comics & Graphic Novels / Science Fiction"]
    assert saga["added"] == "2014-01-21"

    [omens] = books["Good Omens"]
    assert (omens["tags"], omens["status"], omens["rating"]) == (["signed", "to-read"], "read", 4.5)
    assert omens["readings"] == [("2015-01-02", "2015-01-30", False)]
    assert omens["notes"] == "Advanced reading copy"
    assert omens["lent"] == ("Jason Weisberger", dt.date.today().isoformat())  # no day in the file
    assert (omens["location"], omens["format"]) == ("Hall shelf", "Paperback")

    [hellboy] = books["Hellboy, Vol. 3: the Chained Coffin and Others"]
    assert hellboy["authors"] == ["Mike Mignola", "James Sinclair Stewart", "Matthew Hollingsworth", "Dave"]
    assert ("Hellboy", "3") in hellboy["series"]
    assert ("Foundation - Publication", "101") in hellboy["series"]
    assert (hellboy["format"], hellboy["notes"]) == (None, "Contents: The Corpse; The Iron Shoes")

    [magic] = books["Magic, Science, and Religion"]
    assert (magic["isbn"], magic["description"]) == (None, "Essays.\ufffd")  # an ASIN; a stray byte kept


async def test_a_noisy_export_imports_whole(bot, session_factory):
    """Libib's export pasted twice in a spreadsheet, each part with Excel's sep= line, a title line and
    a summary line, and a few NUL bytes (tests/importing/structure_noise.py): the dry run counts only
    the books and says what it skipped; Import writes every book once."""
    clean = {title: len(found) for title, found in (await import_fixture_books(bot, session_factory)).items()}
    message = dry_run(await bot.upload(everything(fixture("libib.csv")), "libib.csv", CSV_MIME, person=BOB))
    assert "Libib export: 4 rows — 4 new books." in message.text
    assert "refused (no title)" not in message.text
    assert "Skipped line 1: sep=, (a spreadsheet's delimiter hint)." in message.text
    assert "Skipped line 2 before the column names: “My export 2024”." in message.text
    assert "is not a book row (only “Total books: 1”): skipped." in message.text
    assert "NUL bytes" in message.text
    calls = await bot.tap(message, "📥 Import", person=BOB)
    final = [c.text for c in calls if c.method == "editMessageText"][-1]
    assert final.startswith("✓ Imported 4 books"), final
    noisy = library_facts(session_factory, BOB)
    assert {title: len(found) for title, found in noisy.items()} == clean
    assert noisy == library_facts(session_factory, ADA)  # field by field as the clean file's


async def import_fixture_books(bot, session_factory) -> dict[str, list[dict]]:
    return await import_fixture(bot, session_factory, "libib.csv", "Libib export", 4)
