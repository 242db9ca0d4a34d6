"""Barcode photos through the real Application (photos from tests/fixtures/barcodes), a local Open Library.

Photos are uploaded through the FakeBotApi (getFile + download), decoded by zxing-cpp, checked against
the library, looked up on a threaded HTTP server on 127.0.0.1 that answers like Open Library's Books
API (Google Books always answers "no such volume"), and added through the buttons.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import pickle
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageDraw, ImageFilter

from bot.console.fake_api import Call
from bot.handlers import scan
from bot.handlers.scan import NO_BARCODE, SCANS
from bot.runtime.access import resolve
from librium import isbn as isbn_mod
from librium.database.sqlalchemy.session import session_scope
from librium.services import books, loans
from librium.services.books import BookInput
from tests.bot.adding_helpers import (
    actor,
    answers,
    is_card,
    library_books,
    no_unhandled_errors,  # noqa: F401 - autouse fixture
)
from tests.bot.harness import ADA, ADA_CHAT, BOB, GROUP

PHOTOS = Path(__file__).resolve().parent.parent / "fixtures" / "barcodes"  # see tests/fixtures/README.md

with (PHOTOS / "expected.csv").open(newline="") as _fh:
    EXPECTED = {row["file"]: row["isbn13"].strip() for row in csv.DictReader(_fh)}

BOOK_PHOTO = "ean13-3__03.png"  # a clean EAN-13
OTHER_PHOTO = "ean13-4__01.png"  # another book
BOOK_ISBN = EXPECTED[BOOK_PHOTO]
OTHER_ISBN = EXPECTED[OTHER_PHOTO]
COVER = "https://covers.openlibrary.org/b/id/8231856-L.jpg"


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


def side_by_side(*names: str) -> bytes:
    """One PNG holding several of the fixture barcode photos next to each other."""
    images = [Image.open(PHOTOS / n).convert("RGB") for n in names]
    width = sum(i.width for i in images) + 40 * (len(images) - 1)
    canvas = Image.new("RGB", (width, max(i.height for i in images)), "white")
    x = 0
    for image in images:
        canvas.paste(image, (x, 0))
        x += image.width + 40
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return buffer.getvalue()


def no_barcode_photo() -> bytes:
    """A real JPEG with shapes and text but no barcode."""
    image = Image.new("RGB", (900, 600), (235, 225, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 400, 400), fill=(120, 30, 30))
    draw.rectangle((500, 150, 800, 450), outline=(20, 20, 20), width=8)
    draw.text((120, 480), "A book cover, no barcode here", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# --------------------------------------------------------------------------- a local Open Library


class OpenLibraryStub:
    """``/api/books?bibkeys=ISBN:…&jscmd=data`` like Open Library; ``/gb/volumes`` finds nothing."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # path?query of every request
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    def book(self, isbn13: str, title: str, authors: list[str], **extra: Any) -> None:
        self.entries[isbn13] = {
            "url": f"https://openlibrary.org/books/OL{isbn13[-6:]}M/{title.replace(' ', '_')}",
            "title": title,
            "authors": [{"url": "https://openlibrary.org/authors/OL1A", "name": a} for a in authors],
            "identifiers": {"isbn_13": [isbn13], "openlibrary": [f"OL{isbn13[-6:]}M"]},
            "publishers": [{"name": "Ace Books"}],
            **extra,
        }

    def asked_for(self, isbn13: str) -> int:
        return sum(1 for r in self.requests if isbn13 in r)

    def start(self, port: int = 0) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.requests.append(self.path)
                url = urlsplit(self.path)
                if url.path == "/api/books":
                    key = parse_qs(url.query).get("bibkeys", [""])[0]
                    entry = stub.entries.get(key.removeprefix("ISBN:"))
                    return self._send(200, {key: entry} if entry else {})
                if url.path == "/gb/volumes":
                    return self._send(200, {"kind": "books#volumes", "totalItems": 0})
                return self._send(404, {"error": "notfound"})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02})
        self.thread.daemon = True
        self.thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.httpd = None


@pytest.fixture
def openlibrary() -> Iterator[OpenLibraryStub]:
    stub = OpenLibraryStub()
    stub.book(
        BOOK_ISBN,
        "The Barcode Reader",
        ["Ann Example", "Bo Sample"],
        publish_date="2004",
        cover={"large": COVER},
    )
    stub.book(OTHER_ISBN, "Counting Stripes", ["Cy Tester"], publish_date="July 1, 2006", number_of_pages=271)
    yield stub
    stub.stop()


def lookup_settings(url: str) -> dict[str, Any]:
    return {"metadata_lookups": True, "openlibrary_url": url, "googlebooks_url": f"{url}/gb"}


@pytest.fixture
async def scan_bot(make_bot, openlibrary):
    return await make_bot(**lookup_settings(openlibrary.start()))


def closed_port() -> int:
    """A port nothing listens on (yet): connections are refused, as when offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sent(calls: list[Call], method: str = "sendMessage") -> list[Call]:
    return [c for c in calls if c.method == method]


def scan_list(calls: list[Call]) -> Call:
    lists = [
        c for c in calls if any(b.get("callback_data", "").startswith("sc:") for r in c.buttons for b in r)
    ]
    assert lists, f"no scan list among {[(c.method, c.text[:60]) for c in calls]}"
    return lists[-1]


def _message_now(call: Call) -> dict[str, Any]:
    """The message as Telegram would send it with a tap now (an edit may have removed its buttons)."""
    message = dict(call.result)
    if not message.get("reply_markup"):
        message.pop("reply_markup", None)
    return message


async def press(bot, call: Call, label: str, person=ADA) -> list[Call]:
    """Tap the button labelled ``label`` that ``call`` sent, even if a later edit removed it."""
    for row in call.buttons:
        for b in row:
            if label in b["text"]:
                return await forge(bot, call, b["callback_data"], person)
    raise AssertionError(f"no button {label!r} in {call.button_texts()}")


async def forge(bot, call: Call, data: str, person=ADA) -> list[Call]:
    return await bot.process(bot.updates.callback(person, _message_now(call), data))


def add_owned(session_factory, person, isbn13: str, title: str, author: str, *, lent_to: str | None = None):
    with session_scope(session_factory) as session:
        who = resolve(session, actor(person))
        book = books.add_book(
            session,
            who.library_id,
            BookInput(title=title, authors=[author], isbn=isbn13, status="read", location="Living room"),
        ).book
        if lent_to:
            loans.lend(session, who.library_id, book.id, lent_to, dt.date(2026, 11, 3), None)
        return book.id


# --------------------------------------------------------------------------- adding from a photo


async def test_a_book_photo_lists_the_looked_up_book_and_add_puts_it_in_the_library(
    scan_bot, openlibrary, session_factory
):
    calls = await scan_bot.photo(photo(BOOK_PHOTO))
    listing = scan_list(calls)
    assert "The Barcode Reader" in listing.text
    assert "Ann Example, Bo Sample, 2004" in listing.text
    assert "Add" in listing.button_texts()[0] and "✗ Cancel" in listing.button_texts()
    assert openlibrary.asked_for(BOOK_ISBN) == 1

    calls = await press(scan_bot, listing, "Add")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.isbn13, book.year) == (
        "The Barcode Reader",
        ["Ann Example", "Bo Sample"],
        BOOK_ISBN,
        2004,
    )
    assert book.metadata_source == "openlibrary"
    assert [p.name for p in book.publishers] == ["Ace Books"]
    # the list became a summary, and the card came as a photo from the cover URL
    summary = [c for c in calls if c.method == "editMessageText"][-1]
    assert "✓ Added 1 book" in summary.text and "The Barcode Reader" in summary.text
    [card] = [c for c in calls if is_card(c)]
    assert card.method == "sendPhoto" and card.params["photo"] == COVER
    assert "✓ Added <b>The Barcode Reader</b>" in card.text
    # the file id Telegram gave back is kept, and the next card sends it instead of the URL
    file_id = card.result["photo"][-1]["file_id"]
    [book] = library_books(session_factory, ADA)
    assert book.cover_file_id == file_id
    again = await forge(scan_bot, card, f"b:{book.id}")
    [second] = [c for c in again if c.method == "sendPhoto"]
    assert second.params["photo"] == file_id
    assert openlibrary.asked_for(BOOK_ISBN) == 1  # adding used the cached answer


async def test_an_image_sent_as_a_file_is_scanned_too(scan_bot, session_factory):
    calls = await scan_bot.upload(photo(BOOK_PHOTO), "barcode.png", "image/png")
    listing = scan_list(calls)
    assert "The Barcode Reader" in listing.text
    await press(scan_bot, listing, "Add")
    assert [b.isbn13 for b in library_books(session_factory, ADA)] == [BOOK_ISBN]


@pytest.mark.parametrize(
    "name", ["ean13-1__25.png", "quagga2-ean_extended__image-009.jpg", "ean13-2__01.png"]
)
async def test_harder_photos_reach_the_list_with_their_isbn(bot, name):
    """Lookups off: the list still names the decoded ISBN (a big photo, a tilted one, a blurred one)."""
    listing = scan_list(await bot.photo(photo(name)))
    assert f"1. ISBN {isbn_mod.hyphenate(EXPECTED[name])}" in listing.text


async def test_two_barcodes_add_all_adds_both(scan_bot, session_factory):
    listing = scan_list(await scan_bot.photo(side_by_side(BOOK_PHOTO, OTHER_PHOTO)))
    assert "I found 2 books" in listing.text
    assert "The Barcode Reader" in listing.text and "Counting Stripes" in listing.text
    assert {"➕ Add all (2)", "➕ Add selected (0)", "✗ Cancel"} <= set(listing.button_texts())
    calls = await press(scan_bot, listing, "Add all")
    added = library_books(session_factory, ADA)
    assert sorted((b.title, b.isbn13) for b in added) == [
        ("Counting Stripes", OTHER_ISBN),
        ("The Barcode Reader", BOOK_ISBN),
    ]
    assert {b.metadata_source for b in added} == {"openlibrary"}
    [summary] = [c for c in calls if c.method == "editMessageText"]
    assert "✓ Added 2 books" in summary.text
    assert not [c for c in calls if is_card(c)], "several books: a summary with open buttons, not cards"
    assert any(t.startswith("📖 ") for t in summary.button_texts())


async def test_picking_some_with_the_toggles_adds_only_those(scan_bot, session_factory):
    listing = scan_list(await scan_bot.photo(side_by_side(BOOK_PHOTO, OTHER_PHOTO)))
    empty = await press(scan_bot, listing, "Add selected")
    assert "Tick the books" in answers(empty)[0]
    assert library_books(session_factory, ADA) == []

    toggled = scan_list(await press(scan_bot, listing, "Counting Stripes"))
    assert toggled.method == "editMessageText"
    texts = toggled.button_texts()
    assert any(t.startswith("✓") and "Counting Stripes" in t for t in texts)
    assert any(t.startswith("☐") and "The Barcode Reader" in t for t in texts)
    assert "➕ Add selected (1)" in texts
    untoggled = scan_list(await press(scan_bot, toggled, "Counting Stripes"))
    assert "➕ Add selected (0)" in untoggled.button_texts()
    again = scan_list(await press(scan_bot, untoggled, "Counting Stripes"))

    calls = await press(scan_bot, again, "Add selected")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.isbn13) == ("Counting Stripes", OTHER_ISBN)
    assert any(is_card(c) for c in calls)


async def test_cancel_adds_nothing_and_the_list_cannot_be_used_again(scan_bot, session_factory):
    listing = scan_list(await scan_bot.photo(photo(BOOK_PHOTO)))
    calls = await press(scan_bot, listing, "Cancel")
    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert edited.text == scan.CANCELLED and not edited.buttons
    late = await press(scan_bot, listing, "Add")
    assert scan.EXPIRED in answers(late)
    assert library_books(session_factory, ADA) == []


async def test_a_double_tap_adds_the_book_once(scan_bot, session_factory):
    listing = scan_list(await scan_bot.photo(photo(BOOK_PHOTO)))
    await press(scan_bot, listing, "Add")
    second = await press(scan_bot, listing, "Add")
    assert scan.EXPIRED in answers(second)
    assert len(library_books(session_factory, ADA)) == 1


# --------------------------------------------------------------------------- "do I own this?"


async def test_an_owned_book_is_answered_at_once_without_a_lookup(scan_bot, openlibrary, session_factory):
    add_owned(session_factory, ADA, BOOK_ISBN, "Dune", "Frank Herbert", lent_to="Alice")
    calls = await scan_bot.photo(photo(BOOK_PHOTO))
    [answer] = sent(calls)
    assert answer.text.startswith("✅ Already in your library: <b>Dune</b> by Frank Herbert — read")
    assert "lent to Alice since 3 Nov" in answer.text
    assert "shelf: Living room" in answer.text
    assert not answer.buttons
    assert openlibrary.requests == []
    assert len(library_books(session_factory, ADA)) == 1


async def test_owned_answer_comes_first_and_the_owned_book_is_not_offered(
    scan_bot, openlibrary, session_factory
):
    add_owned(session_factory, ADA, BOOK_ISBN, "Dune", "Frank Herbert")
    calls = await scan_bot.photo(side_by_side(BOOK_PHOTO, OTHER_PHOTO))
    first, listing = sent(calls)
    assert first.text.startswith("✅ Already in your library: <b>Dune</b>")
    assert listing is scan_list(calls)
    assert "already owned" in listing.text and "Counting Stripes" in listing.text
    assert openlibrary.asked_for(BOOK_ISBN) == 0 and openlibrary.asked_for(OTHER_ISBN) == 1
    assert not any("Dune" in t for t in listing.button_texts())
    await press(scan_bot, listing, "Add")
    assert sorted(b.title for b in library_books(session_factory, ADA)) == ["Counting Stripes", "Dune"]


async def test_ownership_is_per_library(scan_bot, session_factory):
    add_owned(session_factory, BOB, BOOK_ISBN, "Dune", "Frank Herbert")
    calls = await scan_bot.photo(photo(BOOK_PHOTO))
    assert not any("Already" in c.text for c in calls)
    assert "The Barcode Reader" in scan_list(calls).text


# --------------------------------------------------------------------------- no book in the photo


@pytest.mark.parametrize(
    ("name", "seen"),
    [
        ("ean13-1__28.png", "ISSN 1699-0579 (a magazine or periodical)"),
        ("qrcode-2__253.jpg", "QR code: http://cli.im"),
    ],
)
async def test_codes_that_are_not_books_are_named(scan_bot, openlibrary, name, seen):
    assert EXPECTED[name] == ""
    calls = await scan_bot.photo(photo(name))
    [answer] = sent(calls)
    assert answer.text.startswith("That isn't a book barcode: I see")
    assert seen in answer.text
    assert "type its ISBN" in answer.text
    assert openlibrary.requests == []


async def test_a_photo_without_a_barcode_gets_the_tip(bot):
    calls = await bot.photo(no_barcode_photo())
    [answer] = sent(calls)
    assert answer.text == NO_BARCODE


async def test_an_unreadable_barcode_gets_what_to_try_and_typing_the_isbn_it_shows_adds_the_book(
    bot, session_factory
):
    """A barcode too blurred to read (a real photo, blurred further): the answer says what to change
    and how to type the ISBN instead; typing it as the answer shows adds the book."""
    blurred = Image.open(PHOTOS / BOOK_PHOTO).convert("L").filter(ImageFilter.GaussianBlur(9))
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG", quality=80)
    [answer] = sent(await bot.photo(buffer.getvalue()))
    tip = answer.text
    for advice in ("closer", "fill", "flat", "more light", "glare", "type the ISBN", "978 or 979"):
        assert advice in tip, advice
    example = tip.rsplit("e.g. ", 1)[1].rstrip(".")
    calls = await bot.send(example)
    [book] = library_books(session_factory, ADA)
    assert book.isbn13 == isbn_mod.normalise(example)
    assert any(is_card(c) for c in calls)


async def test_garbage_sent_as_an_image_gets_a_clear_answer(bot):
    calls = await bot.upload(b"\x89PNG\r\n\x1a\n this is not really a picture" * 10, "scan.png", "image/png")
    [answer] = sent(calls)
    assert answer.text.startswith("I couldn't open that image:")
    assert "type the ISBN" in answer.text


async def test_in_a_group_a_photo_without_a_book_barcode_is_ignored(bot):
    """Members share photos with each other in a group: only a book barcode is for the bot."""
    assert sent(await bot.photo(no_barcode_photo(), chat=GROUP)) == []
    assert sent(await bot.photo(photo("qrcode-2__253.jpg"), chat=GROUP)) == []


async def test_in_a_group_a_book_barcode_is_listed(bot):
    calls = await bot.photo(photo(BOOK_PHOTO), chat=GROUP)
    assert "I found 1 book" in scan_list(calls).text


# --------------------------------------------------------------------------- offline, then Refresh


async def test_offline_adds_the_isbn_alone_and_refresh_fills_the_details(make_bot, session_factory):
    port = closed_port()
    bot = await make_bot(**lookup_settings(f"http://127.0.0.1:{port}"))
    listing = scan_list(await bot.photo(photo(BOOK_PHOTO)))
    assert "details could not be fetched now" in listing.text

    calls = await press(bot, listing, "Add")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.isbn13, book.metadata_source, book.authors) == (
        f"ISBN {isbn_mod.hyphenate(BOOK_ISBN)}",
        BOOK_ISBN,
        None,
        [],
    )
    summary = [c for c in calls if c.method == "editMessageText"][-1]
    assert "details could not be fetched — tap Refresh" in summary.text
    assert "⟳ Refresh details" in summary.button_texts()
    card = [c for c in calls if is_card(c)][-1]
    assert "Details could not be fetched" in card.text

    # still offline: the refresh says so and changes nothing
    still = await press(bot, summary, "Refresh")
    assert any("still unreachable" in a for a in answers(still))
    assert library_books(session_factory, ADA)[0].metadata_source is None

    # the network is back
    stub = OpenLibraryStub()
    stub.book(BOOK_ISBN, "The Barcode Reader", ["Ann Example"], publish_date="2004")
    stub.start(port)
    try:
        calls = await press(bot, summary, "Refresh")
    finally:
        stub.stop()
    assert stub.asked_for(BOOK_ISBN) == 1
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.author_names, book.year, book.metadata_source) == (
        "The Barcode Reader",
        ["Ann Example"],
        2004,
        "openlibrary",
    )
    edited = [c for c in calls if c.method == "editMessageText"][-1]
    assert "The Barcode Reader" in edited.text and "tap Refresh" not in edited.text
    assert "⟳ Refresh details" not in edited.button_texts()
    assert any("Details fetched" in a for a in answers(calls))


async def test_refresh_keeps_what_the_user_typed(make_bot, session_factory):
    port = closed_port()
    bot = await make_bot(**lookup_settings(f"http://127.0.0.1:{port}"))
    summary = await press(bot, scan_list(await bot.photo(photo(BOOK_PHOTO))), "Add")
    summary = [c for c in summary if c.method == "editMessageText"][-1]
    [book] = library_books(session_factory, ADA)
    with session_scope(session_factory) as session:
        books.update_book(session, book.library_id, book.id, title="My own title", year=1999)
    stub = OpenLibraryStub()
    stub.book(BOOK_ISBN, "The Barcode Reader", ["Ann Example"], publish_date="2004")
    stub.start(port)
    try:
        await press(bot, summary, "Refresh")
    finally:
        stub.stop()
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.year, book.author_names) == ("My own title", 1999, ["Ann Example"])


async def test_lookups_off_adds_the_isbn_without_a_refresh_button(bot, session_factory):
    listing = scan_list(await bot.photo(photo(BOOK_PHOTO)))
    calls = await press(bot, listing, "Add")
    [book] = library_books(session_factory, ADA)
    assert book.isbn13 == BOOK_ISBN and book.title.startswith("ISBN ")
    assert not any("Refresh" in t for c in calls for t in c.button_texts() if c.method == "editMessageText")


# --------------------------------------------------------------------------- other people's buttons


async def test_another_user_cannot_use_your_scan_buttons(scan_bot, session_factory):
    listing = scan_list(await scan_bot.photo(photo(BOOK_PHOTO)))
    token = listing.buttons[0][0]["callback_data"].split(":")[1]
    calls = await press(scan_bot, listing, "Add", person=BOB)
    assert scan.EXPIRED in answers(calls)
    assert library_books(session_factory, ADA) == [] and library_books(session_factory, BOB) == []
    # forged tokens and operations
    for data in ("sc:AAAAAAAA:all", f"sc:{token}:t9", f"sc:{token}:zz", "sr:AAAAAAAA", f"sr:{token}"):
        calls = await forge(scan_bot, listing, data)
        assert answers(calls) and all(a.startswith("That button has expired") for a in answers(calls)), data
    assert library_books(session_factory, ADA) == []
    # the real button still works for its owner
    await press(scan_bot, listing, "Add")
    assert len(library_books(session_factory, ADA)) == 1


async def test_scan_lists_in_user_data_stay_few_and_small(bot):
    for _ in range(scan.MAX_SCANS + 3):
        await bot.photo(photo(BOOK_PHOTO))
    scans = bot.application.user_data[ADA.id][SCANS]
    assert len(scans) == scan.MAX_SCANS
    assert len(pickle.dumps(scans)) < 8000


async def test_a_wishlist_book_is_named_and_adding_it_marks_it_owned(scan_bot, session_factory):
    with session_scope(session_factory) as session:
        who = resolve(session, actor(ADA))
        books.add_book(
            session,
            who.library_id,
            BookInput(title="Dune", authors=["Frank Herbert"], isbn=BOOK_ISBN, owned=False),
        )
    calls = await scan_bot.photo(photo(BOOK_PHOTO))
    first, listing = sent(calls)
    assert first.text.startswith(
        "⭐ On your wishlist (not owned yet): <b>Dune</b> by Frank Herbert — not read yet"
    )
    assert listing is scan_list(calls) and "on your wishlist" in listing.text
    calls = await press(scan_bot, listing, "Add")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.owned, book.isbn13) == ("Dune", True, BOOK_ISBN)
    assert "Moved from your wishlist" in [c for c in calls if c.method == "editMessageText"][-1].text


async def test_an_isbn_no_catalogue_knows_is_added_with_its_isbn(scan_bot, openlibrary, session_factory):
    name = "ean13-2__13.png"
    isbn13 = EXPECTED[name]
    listing = scan_list(await scan_bot.photo(photo(name)))
    assert "no catalogue knows this ISBN yet" in listing.text
    assert openlibrary.asked_for(isbn13) == 2  # Open Library, then Google Books
    await press(scan_bot, listing, "Add")
    [book] = library_books(session_factory, ADA)
    assert (book.title, book.isbn13, book.metadata_source) == (
        f"ISBN {isbn_mod.hyphenate(isbn13)}",
        isbn13,
        None,
    )
    assert openlibrary.asked_for(isbn13) == 2  # the not-found answer was cached, not asked again


async def test_an_image_file_too_large_to_download_is_refused_politely(bot):
    update = bot.updates.document(
        ADA, ADA_CHAT, bot.api.add_file(b"x"), 30 * 1024 * 1024, "huge.png", "image/png"
    )
    calls = await bot.process(update)
    assert [c.text for c in sent(calls)] == [scan.TOO_LARGE]
    assert not [c for c in calls if c.method == "getFile"]


async def test_an_image_that_cannot_be_downloaded_is_answered(bot):
    calls = await bot.process(bot.updates.photo(ADA, ADA_CHAT, "gone-file-id", 1000))
    assert [c.text for c in sent(calls)] == [scan.DOWNLOAD_FAILED]
