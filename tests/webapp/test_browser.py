"""The Mini App in headless Chromium at 390×844: a user opens the shelf, finds a book by typing three
letters, filters, marks a book read, scans three books in a row with the camera; forged initData gets
"open this from Telegram"; titles with HTML render as text. On SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.webapp.browser import launch, open_page
from tests.webapp.camera import make_video
from tests.webapp.conftest import ADA, BOB, sign

SCANNED = {  # fixture photo -> the ISBN on it (tests/fixtures/barcodes/expected.csv)
    "ean13-1__25.png": "9780140013993",
    "ean13-1__7.png": "9788430532674",
    "ean13-extension-1__38.png": "9780201752847",
}


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


def grid_titles(page) -> list[str]:
    return page.locator("#grid .card .title").all_inner_texts()


def test_the_grid_search_chips_and_marking_a_book_read(shelf, browser):
    ada = shelf.who(ADA, "Ada")
    dune = shelf.add(ada, "Dune", authors=["Frank Herbert"])
    shelf.add(ada, "Mort", authors=["Terry Pratchett"])
    shelf.add(ada, "Wanted Book", authors=["Someone"], owned=False)
    bob = shelf.who(BOB, "Bob")
    shelf.add(bob, "Bob's Secret Diary")
    page = open_page(browser, shelf.url, sign(ADA))
    expect(page.locator("#grid .card")).to_have_count(3)
    assert "Bob's Secret Diary" not in grid_titles(page)
    page.fill("#search", "dun")
    expect(page.locator("#grid .card")).to_have_count(1)
    assert grid_titles(page) == ["Dune"]
    page.fill("#search", "")
    expect(page.locator("#grid .card")).to_have_count(3)
    page.get_by_role("button", name="Wishlist").click()
    expect(page.locator("#grid .card")).to_have_count(1)
    assert grid_titles(page) == ["Wanted Book"]
    page.get_by_role("button", name="Wishlist").click()
    expect(page.locator("#grid .card")).to_have_count(3)
    page.locator(f'#grid .card[data-id="{dune}"]').click()
    expect(page.locator(".bookpage h1")).to_have_text("Dune")
    assert page.evaluate("window.__back.visible") is True
    page.get_by_role("button", name="✓ Read").click()
    expect(page.get_by_role("button", name="✓ Read")).to_have_attribute("aria-pressed", "true")
    assert shelf.card(ada, dune).status == "read"
    assert "success" in page.evaluate("window.__haptics")
    assert page.errors == []


def test_the_grid_shows_near_matches_for_a_typo(shelf, browser):
    ada = shelf.who(ADA, "Ada")
    shelf.add(ada, "The Hobbit", authors=["J. R. R. Tolkien"])
    shelf.add(ada, "Mort", authors=["Terry Pratchett"])
    page = open_page(browser, shelf.url, sign(ADA))
    expect(page.locator("#grid .card")).to_have_count(2)
    page.fill("#search", "hobit")
    expect(page.locator("#summary")).to_contain_text("Showing results for “Hobbit”")
    assert grid_titles(page) == ["The Hobbit"]
    assert page.errors == []


def test_forged_or_expired_initdata_shows_open_from_telegram(shelf, browser):
    shelf.add(shelf.who(ADA, "Ada"), "Dune")
    for init in (
        sign(ADA, token="654321:NOT-THIS-BOT"),
        sign(ADA, auth_date=int(time.time()) - 3 * 86400),
        "",
    ):
        page = open_page(browser, shelf.url, init)
        expect(page.get_by_role("heading", name="📚 Open this from Telegram")).to_be_visible()
        status = page.evaluate(
            "fetch('/app/api/books', {headers: {Authorization: 'tma ' + (Telegram.WebApp.initData || 'x')}}).then(r => r.status)"
        )
        assert status == 401
        page.context.close()


def test_titles_with_html_render_as_text(shelf, browser):
    ada = shelf.who(ADA, "Ada")
    evil = shelf.add(ada, '<img src=x onerror="window.__xss=1">', authors=["<script>window.__xss=2</script>"])
    page = open_page(browser, shelf.url, sign(ADA))
    expect(page.locator("#grid .card")).to_have_count(1)
    assert grid_titles(page) == ['<img src=x onerror="window.__xss=1">']
    page.locator(f'#grid .card[data-id="{evil}"]').click()
    expect(page.locator(".bookpage h1")).to_have_text('<img src=x onerror="window.__xss=1">')
    assert page.evaluate("window.__xss") is None
    assert (
        page.locator(".bookpage img[src='x']").count() == 0 and page.locator("script:not([src])").count() == 0
    )
    assert page.errors == []


def test_scanning_three_books_in_a_row_with_the_camera(shelf, playwright, tmp_path):
    video = make_video(list(SCANNED), tmp_path / "covers.y4m")
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        ada = shelf.who(ADA, "Ada")
        page = open_page(browser, shelf.url, sign(ADA))
        expect(page.locator("#empty")).to_be_visible()
        assert page.evaluate("window.__main.visible") is True and "Scan" in page.evaluate(
            "window.__main.text"
        )
        page.evaluate("window.__pressMain()")  # Telegram's MainButton: "📷 Scan books"
        expect(page.locator("#scanned li[data-added]")).to_have_count(3, timeout=60_000)
        # The video loops: a cover seen again is "already in your library", with a haptic warning.
        expect(page.locator("#scanned .held").first).to_contain_text(
            "Already in your library", timeout=30_000
        )
        assert "warning" in page.evaluate("window.__haptics")
        with shelf.session_factory() as session:
            from sqlalchemy import select

            from librium.database.sqlalchemy import db

            isbns = set(session.scalars(select(db.Book.isbn13).where(db.Book.library_id == ada.library_id)))
        assert isbns == set(SCANNED.values())
        page.locator('.tabs a[data-tab="grid"]').click()
        expect(page.locator("#grid .card")).to_have_count(3)
        assert page.errors == []
    finally:
        browser.close()


def test_the_console_link_opens_the_shelf_in_a_plain_browser(make_shelf, browser):
    """`make run` (no token) prints a link signed for the console user; a desktop browser without
    Telegram's script (blocked here) reads initData from the link itself."""
    from bot.webapp.server import local_link

    shelf = make_shelf(bot_token=None)
    port = int(shelf.url.rsplit(":", 1)[1])
    link = local_link(shelf.application, port, 1, "Reader")
    reader = shelf.who(1, "Reader")
    shelf.add(reader, "Solaris", authors=["Stanisław Lem"])
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route("https://telegram.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(link)
    expect(page.locator("#grid .card")).to_have_count(1)
    assert page.locator("#grid .card .title").all_inner_texts() == ["Solaris"]
    context.close()


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (200, 300), colour).save(data, "JPEG")
    return data.getvalue()


def test_pages_load_as_you_scroll_at_360px_and_covers_shift_nothing(shelf, browser):
    from sqlalchemy import update

    from librium.database.sqlalchemy import db
    from librium.database.sqlalchemy.session import session_scope

    ada = shelf.who(ADA, "Ada")
    ids = [shelf.add(ada, f"Book {n:03d}", authors=[f"Author {n % 7}"]) for n in range(70)]
    with session_scope(shelf.session_factory) as session:
        for n, book_id in enumerate(ids[::3]):
            file_id = shelf.api.add_file(_jpeg((40 + n, 80, 120)))
            session.execute(update(db.Book).where(db.Book.id == book_id).values(cover_file_id=file_id))
    page = open_page(browser, shelf.url, sign(ADA), viewport={"width": 360, "height": 740})
    expect(page.locator("#grid .card")).to_have_count(30)
    page.wait_for_load_state("networkidle")
    assert page.locator("#grid .card img").count() >= 1, "covers come through our own endpoint"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "nothing wider than a small phone"
    page.mouse.wheel(0, 20_000)
    expect(page.locator("#grid .card")).to_have_count(60)
    page.mouse.wheel(0, 20_000)
    expect(page.locator("#grid .card")).to_have_count(70)
    page.wait_for_load_state("networkidle")
    shift = page.evaluate(
        """new Promise((done) => {
             let sum = 0;
             new PerformanceObserver((list) => { for (const e of list.getEntries()) sum += e.value; })
               .observe({type: 'layout-shift', buffered: true});
             setTimeout(() => done(sum), 1000);
           })"""
    )
    assert shift < 0.01, f"cumulative layout shift {shift}"
    assert page.errors == []
