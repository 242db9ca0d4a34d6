"""`make screenshots`: the Mini App at 390×844 in light and dark, into docs/images/ (shown in the README).

A throwaway SQLite library with a few classics (some with cover photos, some with the placeholder), the
page served by the bot's own server and driven by headless Debian Chromium, Telegram's script replaced by
the same stub as the tests, and the scanner fed a barcode photo through Chromium's fake camera.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright
from sqlalchemy import select, update

from bot.actions import adding, book
from bot.runtime.access import Actor, resolve
from bot.webapp import local
from bot.webapp.auth import sign_for
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from tests.webapp.browser import DARK, LIGHT, launch, open_page
from tests.webapp.camera import make_video

OUT = Path(__file__).resolve().parents[2] / "docs" / "images"
TOKEN = "123456:SCREENSHOT-TOKEN"
ADA = 101
SCANNED = "9780140013993"  # on tests/fixtures/barcodes/ean13-1__25.png
BOOKS = [  # title, author, year, cover colour or None (placeholder), status, stars, series
    ("Pride and Prejudice", "Jane Austen", 1813, (122, 46, 60), "read", 5, None),
    ("Moby-Dick", "Herman Melville", 1851, (28, 62, 96), "reading", None, None),
    ("The Hound of the Baskervilles", "Arthur Conan Doyle", 1902, None, "read", 4, ("Sherlock Holmes", 5)),
    ("A Study in Scarlet", "Arthur Conan Doyle", 1887, (150, 40, 30), "read", 4, ("Sherlock Holmes", 1)),
    ("The Sign of the Four", "Arthur Conan Doyle", 1890, None, "to-read", None, ("Sherlock Holmes", 2)),
    ("Middlemarch", "George Eliot", 1871, (60, 90, 60), "to-read", None, None),
    ("Frankenstein", "Mary Shelley", 1818, None, "read", 4.5, None),
    ("War and Peace", "Leo Tolstoy", 1869, (90, 70, 40), "to-read", None, None),
    ("Jane Eyre", "Charlotte Brontë", 1847, None, "read", 5, None),
    ("The Time Machine", "H. G. Wells", 1895, (40, 40, 70), "to-read", None, None),
    ("Dracula", "Bram Stoker", 1897, None, "reading", None, None),
    ("Little Women", "Louisa May Alcott", 1868, (170, 110, 60), "to-read", None, None),
]


FEATURED = {  # the book page shows every field of the card
    "title": "The Adventures of Tom Sawyer",
    "authors": ["Mark Twain"],
    "year": 1876,
    "pages": 244,
    "isbn": "9780143039563",
    "publishers": ["Penguin Classics"],
    "format": "Paperback",
    "genres": ["Classics", "Adventure"],
    "tags": ["childhood", "Mississippi"],
    "languages": ["English"],
    "series": "Tom Sawyer & Huckleberry Finn",
    "series_index": 1,
    "notes": "Grandad's copy: his pencil notes in chapter 2.",
}


def cover(title: str, author: str, colour: tuple[int, int, int]) -> bytes:
    """A simple printed-looking cover (no third-party artwork)."""
    image = Image.new("RGB", (400, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 376, 576), outline=(235, 220, 180), width=4)
    y = 150
    for word in title.split():
        draw.text((50, y), word.upper(), fill=(245, 235, 210), font_size=40)
        y += 52
    draw.text((50, 500), author, fill=(235, 220, 180), font_size=26)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    return data.getvalue()


def seed(factory, shelf) -> int:
    with session_scope(factory) as session:
        who = resolve(session, Actor(ADA, "Ada", "en", ADA, "private", None))
        for title, author, year, colour, status, stars, series in BOOKS:
            inputs = {"title": title, "authors": [author], "year": year}
            if series:
                inputs.update(series=series[0], series_index=series[1])
            added = adding.add(session, who, inputs, allow_duplicate=True).book
            if colour:
                file_id = shelf.api.add_file(cover(title, author, colour))
                session.execute(update(db.Book).where(db.Book.id == added.id).values(cover_file_id=file_id))
            if status != "to-read":
                book.set_reading_status(session, who, added.id, status)
            if stars:
                book.rate_book(session, who, added.id, int(stars * 2))
        first = adding.add(session, who, FEATURED).book
        book.apply_shelf(session, who, first.id, "Living room")
        book.set_reading_status(session, who, first.id, "read")
        book.rate_book(session, who, first.id, 9)
        book.apply_lend(session, who, first.id, "Alice in 3 weeks")
        return first.id


def forget_scanned(factory) -> None:
    with session_scope(factory) as session:
        who = resolve(session, Actor(ADA, "Ada", "en", ADA, "private", None))
        for found in session.scalars(
            select(db.Book.id).where(db.Book.isbn13 == SCANNED, db.Book.deleted_at.is_(None))
        ).all():
            book.delete_book(session, who, found)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        factory, shelf = local.start_on_sqlite(Path(tmp), TOKEN, "https://shelf.example")
        try:
            featured = seed(factory, shelf)
            init = sign_for(ADA, "Ada", TOKEN)
            video = make_video(["ean13-1__25.png"], Path(tmp) / "camera.y4m", seconds_each=4)
            with sync_playwright() as p:
                browser = launch(
                    p,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                )
                for scheme, theme in (("light", LIGHT), ("dark", DARK)):
                    page = open_page(browser, shelf.url, init, theme=theme, scheme=scheme)
                    page.wait_for_selector("#grid .card img")
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=OUT / f"shelf-grid-{scheme}.png")
                    page.goto(f"{shelf.url}/app/#/book/{featured}")
                    page.wait_for_selector(".bookpage h1")
                    page.set_viewport_size({"width": 390, "height": 1200})  # the whole page, tab bar below it
                    page.screenshot(path=OUT / f"shelf-book-{scheme}.png")
                    page.set_viewport_size({"width": 390, "height": 844})
                    page.get_by_role("button", name="✏️ Edit details").click()
                    page.wait_for_selector(".bookpage.editing")
                    page.screenshot(path=OUT / f"shelf-edit-{scheme}.png")
                    forget_scanned(factory)  # each theme's scanner adds the book afresh
                    page.goto(f"{shelf.url}/app/#/scan")
                    page.wait_for_selector("#scanned li", timeout=60_000)
                    page.wait_for_timeout(800)
                    page.screenshot(path=OUT / f"shelf-scanner-{scheme}.png")
                    page.context.close()
                browser.close()
        finally:
            shelf.stop()
    for path in sorted(OUT.glob("shelf-*.png")):
        print(path.relative_to(OUT.parents[1]), f"{path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
