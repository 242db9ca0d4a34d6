"""The Mini App in headless Chromium at 390×844: a user opens the shelf, finds a book by typing three
letters, filters, marks a book read, scans three books in a row with the camera; forged initData gets
"open this from Telegram"; titles with HTML render as text. On SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.actions import book as book_actions
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
    # textContent: a card off screen is not rendered (content-visibility: auto), so it has no innerText.
    return page.locator("#grid .card .title").all_text_contents()


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
        page.locator(".bookpage img[src='x']").count() == 0
        and page.locator("script:not([src]):not([type='application/json'])").count() == 0
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
        # Decoded in the scanner's Worker: the page's own thread never loaded the reader.
        assert page.evaluate("typeof window.ZXingWASM") == "undefined"
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
    shown = page.eval_on_selector_all("#grid .card", "cards => cards.map((c) => Number(c.dataset.id))")
    assert sorted(shown) == sorted(ids), "each page goes on after the last card: every book once"
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


def test_placeholder_titles_break_between_words_at_360px(shelf, browser):
    ada = shelf.who(ADA, "Ada")
    for title in ("Frankenstein", "The Adventures of Tom Sawyer", "Extraordinarily Long", "It"):
        shelf.add(ada, title, authors=["Someone"])
    shelf.do(
        ada, book_actions.set_reading_status, shelf.add(ada, "Wuthering Heights"), "read"
    )  # a corner mark
    for scheme in ("light", "dark"):
        page = open_page(browser, shelf.url, sign(ADA), scheme=scheme, viewport={"width": 360, "height": 740})
        expect(page.locator("#grid .card")).to_have_count(5)
        # Each word of each placeholder title is laid out on one line (a Range over it has one box).
        broken = page.evaluate(
            """[...document.querySelectorAll('#grid .ph b')].flatMap((b) => {
                 const text = b.firstChild, out = [];
                 for (const m of text.data.matchAll(/\\S+/g)) {
                   const r = document.createRange(); r.setStart(text, m.index); r.setEnd(text, m.index + m[0].length);
                   if (r.getClientRects().length !== 1) out.push(m[0]);
                 }
                 return out;
               })"""
        )
        assert broken == []
        sizes = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#grid .ph b')].map((b) => [b.textContent, parseFloat(getComputedStyle(b).fontSize)]))"
        )
        assert sizes["It"] == 13 and sizes["Frankenstein"] < 13, "only a long word makes the title smaller"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.errors == []
        page.context.close()


def test_the_book_page_shows_every_field_and_edits_them_in_one_form(shelf, browser):
    ada = shelf.who(ADA, "Ada")
    dune = shelf.add(
        ada,
        "Dune",
        authors=["Frank Herbert"],
        year=1965,
        pages=412,
        isbn="9780441013593",
        publishers=["Ace"],
        format="Paperback",
        genres=["Science fiction"],
        tags=["desert"],
        languages=["English"],
        series="Dune",
        series_index=1,
        notes="Signed.",
    )
    shelf.do(
        ada,
        lambda s, w, b: __import__("bot.actions.book").actions.book.set_reading_status(s, w, b, "read"),
        dune,
    )
    page = open_page(browser, shelf.url, sign(ADA), viewport={"width": 360, "height": 740})
    page.goto(f"{shelf.url}/app/#/book/{dune}")
    expect(page.locator(".bookpage h1")).to_have_text("Dune")
    facts = dict(
        zip(
            page.locator(".facts dt").all_inner_texts(),
            page.locator(".facts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts == {
        "Year": "1965",
        "Pages": "412",
        "Publisher": "Ace",
        "ISBN": "978-0-441-01359-3",
        "Format": "Paperback",
        "Genres": "Science fiction",
        "Tags": "desert",
        "Language": "English",
    }
    expect(page.locator(".bookpage .series")).to_have_text("Dune #1")
    expect(page.locator(".bookpage .notes")).to_have_text("Signed.")
    expect(page.locator(".readings li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="✏️ Edit details").click()
    form = page.locator("form.edit")
    expect(form.get_by_label("Title", exact=True)).to_have_value("Dune")
    form.get_by_label("Subtitle").fill("Book One")
    form.get_by_label("Pages", exact=True).fill("604")
    form.get_by_label("Number").fill("1.5")
    form.get_by_label("Genres").fill("Science fiction, Classics")
    form.get_by_label("Notes").fill("Signed.\nFirst edition.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".bookpage h2")).to_have_text("Book One")
    card = shelf.card(ada, dune)
    assert (card.subtitle, card.pages, card.notes) == ("Book One", 604, "Signed.\nFirst edition.")
    assert sorted(g.name for g in card.genres) == ["Classics", "Science fiction"]
    assert [(s.name, float(s.index)) for s in card.series] == [("Dune", 1.5)]
    assert card.publishers[0].name == "Ace" and card.isbn13 == "9780441013593", "untouched fields stay"

    # All or nothing: a year out of range changes nothing, and the toast says why.
    page.get_by_role("button", name="✏️ Edit details").click()
    form.get_by_label("Year", exact=True).fill("19650")
    form.get_by_label("Pages", exact=True).fill("700")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#toast")).to_contain_text("19650")
    card = shelf.card(ada, dune)
    assert (card.year, card.pages) == (1965, 604)
    # An emptied field is cleared.
    form.get_by_label("Year", exact=True).fill("1965")
    form.get_by_label("Pages", exact=True).fill("604")
    form.get_by_label("Subtitle").fill("")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".bookpage h1")).to_have_text("Dune")
    assert shelf.card(ada, dune).subtitle is None
    assert page.errors == []
