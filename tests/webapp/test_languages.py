"""The Mini App speaks the reader's language: a Spanish, a German and a Russian reader (Telegram's language_code in
initData, as the chat reads it) open the shelf, a book's page, its edit form, series, authors, stats and
the scanner (a fake camera showing a barcode of a book they have) in Chromium and meet no English: every
text node, placeholder, label, title and Telegram button is judged by the chat walk's judge
(tests/i18n/english.py). Counts, dates and numbers are the language's own. And with a marked dictionary
every text of every view is seen to come from it. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.actions import book as book_actions
from tests.i18n.english import english_in
from tests.webapp.browser import launch, open_page
from tests.webapp.camera import make_video
from tests.webapp.conftest import ADA, sign

HELD = ("ean13-1__25.png", "9780140013993")  # the fixture photo the fake camera shows, and its ISBN

# Per language: the reader's own books (their data is theirs: only the page's words are judged), what the
# grid's count says for three books, and the month the loan's date is written with.
READERS = {
    "es": {
        "books": [
            {"title": "Cien años de soledad", "authors": ["Gabriel García Márquez"], "year": 1967,
             "pages": 1471, "publishers": ["Sudamericana"], "genres": ["Realismo mágico"],
             "series": "Macondo", "series_index": 1, "isbn": HELD[1], "price": "19.90", "currency": "EUR"},
            {"title": "Rayuela", "authors": ["Julio Cortázar"], "year": 1963},
            {"title": "Ficciones", "authors": ["Jorge Luis Borges"], "owned": False},
        ],
        "borrower": "Lucía", "count": "3 libros", "pages": "1471", "stars": "3 estrellas", "saved": "Guardado.", "price": "19,90\u00a0€",  # 1471: CLDR es
    },
    "de": {
        "books": [
            {"title": "Der Schwarm", "authors": ["Frank Schätzing"], "year": 2004,
             "pages": 1471, "publishers": ["Kiepenheuer & Witsch"], "genres": ["Thriller"],
             "series": "Meere", "series_index": 1, "isbn": HELD[1], "price": "19.90", "currency": "EUR"},
            {"title": "Die Verwandlung", "authors": ["Franz Kafka"], "year": 1915},
            {"title": "Momo", "authors": ["Michael Ende"], "owned": False},
        ],
        "borrower": "Jürgen", "count": "3 Bücher", "pages": "1.471", "stars": "3 Sterne", "saved": "Gespeichert.",
        "price": "19,90\u00a0€",
    },
    "ru": {
        "books": [
            {"title": "Мастер и Маргарита", "authors": ["Михаил Булгаков"], "year": 1967,
             "pages": 1471, "publishers": ["Художественная литература"], "genres": ["Роман"],
             "series": "Москва", "series_index": 1, "isbn": HELD[1], "price": "450", "currency": "RUB"},
            {"title": "Мёртвые души", "authors": ["Николай Гоголь"], "year": 1842},
            {"title": "Пикник на обочине", "authors": ["Аркадий и Борис Стругацкие"], "owned": False},
        ],
        "borrower": "Ольга", "count": "3 книги", "pages": "1\u00a0471", "stars": "3 звезды", "saved": "Сохранено.", "price": "450,00\u00a0₽",
    },
}  # fmt: skip

SHOWN = """() => {
  const seen = [document.title, window.__main.visible ? window.__main.text : ""];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest("script, noscript, [hidden]")) continue;
    seen.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (el.closest("[hidden]") && el.id !== "library") continue;
    for (const name of ["placeholder", "aria-label", "title"]) seen.push(el.getAttribute(name) || "");
  }
  for (const option of document.querySelectorAll("option")) {
    if (option.closest("[hidden]")) continue;
    seen.push(option.textContent, option.closest("datalist") ? option.value : "");
  }
  return seen.map((s) => s.trim()).filter(Boolean);
}"""


@pytest.fixture(scope="module")
def camera_browser(tmp_path_factory):
    video = make_video([HELD[0]], tmp_path_factory.mktemp("camera") / "held.y4m")
    with sync_playwright() as playwright:
        browser = launch(
            playwright,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        )
        yield browser
        browser.close()


def no_english(page, code: str, where: str, names: set[str]) -> list[str]:
    """The page's texts, after checking none of them is English (the reader's own data left out)."""
    texts = [text for text in page.evaluate(SHOWN) if text not in names]
    english = {text: found for text in texts if (found := english_in(text, code))}
    assert not english, f"{code}, {where}: English shown: {english}"
    return texts


@pytest.mark.parametrize("code", list(READERS))
def test_a_reader_meets_no_english_in_the_mini_app(shelf, camera_browser, code):
    reader = READERS[code]
    ada = shelf.who(ADA, "Ada", language=code)
    ids = [shelf.add(ada, **book) for book in reader["books"]]
    first = ids[0]
    shelf.do(ada, book_actions.set_reading_status, first, "read")
    shelf.do(ada, book_actions.rate_book, first, 6)
    shelf.do(ada, book_actions.apply_shelf, first, reader["books"][0]["genres"][0])
    shelf.do(ada, book_actions.apply_lend, ids[1], reader["borrower"])
    names = {"Ada", reader["borrower"]}
    for book in reader["books"]:
        names |= {book["title"], *book["authors"], *book.get("publishers", []), *book.get("genres", [])}
        names |= {book.get("series", "")}
    page = open_page(camera_browser, shelf.url, sign(ADA, language=code))

    # The grid: its frame (tabs, search, sorts, chips), the count and Telegram's main button.
    expect(page.locator("#grid .card")).to_have_count(3)
    assert page.evaluate("document.documentElement.lang") == code
    expect(page.locator("#summary")).to_have_text(reader["count"])
    shown = no_english(page, code, "the grid", names)
    assert len(shown) > 20

    # A book's page (read, rated, on a shelf, in a series) and its edit form.
    page.locator(f'#grid .card[data-id="{first}"]').click()
    expect(page.locator(".bookpage h1")).to_have_text(reader["books"][0]["title"])
    assert page.locator(".rate button.on").count() == 3
    assert page.locator(".rate button").nth(2).get_attribute("aria-label") == reader["stars"]
    expect(page.locator(".facts")).to_contain_text(reader["pages"])
    expect(page.locator(".facts")).to_contain_text(reader["price"])  # Intl, with the page's locale
    no_english(page, code, "a book's page", names)
    page.locator(".bookpage > .actions").last.locator("button").first.click()  # ✏️ edit (then 🗑)
    expect(page.locator("form.edit")).to_be_visible()
    no_english(page, code, "the edit form", names)
    page.locator("form.edit input[name=year]").fill("1968")
    page.locator("form.edit button[type=submit]").click()
    expect(page.locator("#toast")).to_have_text(reader["saved"])
    assert shelf.card(ada, first).year == 1968

    # Deleting a book: the toast and its Undo.
    page.goto(f"{shelf.url}/app/#/book/{ids[2]}")
    expect(page.locator(".bookpage h1")).to_have_text(reader["books"][2]["title"])
    page.locator(".bookpage .btn.danger").click()
    expect(page.locator("#toast button")).to_be_visible()
    no_english(page, code, "the toast of a deletion", names)

    # The lent book's page says to whom and since when, in the language's words and date.
    page.goto(f"{shelf.url}/app/#/book/{ids[1]}")
    expect(page.locator(".meta.loan")).to_contain_text(reader["borrower"])
    no_english(page, code, "a lent book's page", names)

    # Series, authors, stats.
    for tab, ready in (("series", ".list li"), ("authors", ".list li"), ("stats", ".numbers")):
        page.locator(f'.tabs a[data-tab="{tab}"]').click()
        expect(page.locator(ready).first).to_be_visible()
        no_english(page, code, tab, names)

    # The scanner: the camera shows the barcode of a book the reader has.
    page.locator('.tabs a[data-tab="scan"]').click()
    expect(page.locator("#scanned .held").first).to_contain_text(reader["books"][0]["title"], timeout=30_000)
    no_english(page, code, "the scanner", names | {f"{reader['books'][0]['title']}"})
    assert page.errors == []


@pytest.mark.parametrize(
    ("locale", "title"), [("es-ES", "📚 Ábrelo desde Telegram"), ("ru-RU", "📚 Открой это из Telegram")]
)
def test_opened_outside_telegram_the_page_speaks_the_browsers_language(shelf, camera_browser, locale, title):
    page = open_page(camera_browser, shelf.url, "", locale=locale)  # no initData: not from Telegram
    expect(page.locator(".gate h1")).to_have_text(title)
    code = locale.split("-")[0]
    assert page.evaluate("document.documentElement.lang") == code
    no_english(page, code, "the page outside Telegram", set())


def pseudo(dictionary: dict) -> dict:
    """The English dictionary with every text marked ⟦…⟧ (placeholders kept): shown unmarked, a text
    did not come from the dictionary."""
    mark = lambda text: "⟦" + text + "⟧"  # noqa: E731
    messages = {
        key: ({c: mark(f) for c, f in value.items()} if isinstance(value, dict) else mark(value))
        for key, value in dictionary["messages"].items()
    }
    return {"locale": "en", "messages": messages}


def test_every_text_the_page_shows_comes_from_its_dictionary(shelf, camera_browser):
    """The page's /api/me answer carries a marked dictionary: every text shown in every view (the grid,
    a book's page, its edit form and toast, a lent book, series, authors, stats, the scanner with a
    barcode read) is marked, or is the reader's data, a number or a symbol."""
    import json

    from bot.webapp import texts

    reader = READERS["es"]
    ada = shelf.who(ADA, "Ada")
    ids = [shelf.add(ada, **book) for book in reader["books"]]
    shelf.do(ada, book_actions.set_reading_status, ids[0], "read")
    shelf.do(ada, book_actions.rate_book, ids[0], 6)
    shelf.do(ada, book_actions.apply_shelf, ids[0], "Salón")
    shelf.do(ada, book_actions.apply_lend, ids[1], reader["borrower"])
    data = {"Ada", reader["borrower"], "Salón", "Macondo", "EUR"}
    for book in reader["books"]:
        data |= {book["title"], *book["authors"], *book.get("publishers", []), *book.get("genres", [])}
    marked = pseudo(texts.dictionary("en"))
    page = open_page(camera_browser, shelf.url, sign(ADA, language="en"), path="/app/#/nowhere")

    def me(route):
        answer = route.fetch()
        body = answer.json()
        body["texts"] = marked
        route.fulfill(response=answer, body=json.dumps(body))

    page.route("**/app/api/me*", me)
    page.goto(f"{shelf.url}/app/")

    def unmarked(where: str) -> None:
        strays = []
        for text in page.evaluate(SHOWN):
            plain = re.sub(r"^[^\w⟦]+|#\d+|[\d.,\s]+", " ", text).strip()
            if "⟦" in text or not re.search(r"[^\W\d_]{2,}", plain) or plain in data or text in data:
                continue
            strays.append(text)
        assert strays == [], f"{where}: shown without the dictionary: {strays}"

    expect(page.locator("#grid .card")).to_have_count(3)
    expect(page.locator("#summary")).to_contain_text("⟦")
    unmarked("the grid")
    page.locator(f'#grid .card[data-id="{ids[0]}"]').click()
    expect(page.locator(".bookpage h1")).to_have_text(reader["books"][0]["title"])
    unmarked("a book's page")
    page.locator(".bookpage > .actions").last.locator("button").first.click()
    expect(page.locator("form.edit")).to_be_visible()
    unmarked("the edit form")
    page.locator("form.edit input[name=year]").fill("1968")
    page.locator("form.edit button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("⟦")
    unmarked("the toast")
    page.goto(f"{shelf.url}/app/#/book/{ids[1]}")
    expect(page.locator(".meta.loan")).to_contain_text(reader["borrower"])
    unmarked("a lent book")
    for tab, ready in (("series", ".list li"), ("authors", ".list li"), ("stats", ".numbers")):
        page.locator(f'.tabs a[data-tab="{tab}"]').click()
        expect(page.locator(ready).first).to_be_visible()
        unmarked(tab)
    page.locator('.tabs a[data-tab="scan"]').click()
    expect(page.locator("#scanned .held").first).to_contain_text("⟦", timeout=30_000)
    unmarked("the scanner")
    assert page.errors == []


def test_a_groups_library_is_shown_in_the_groups_language(shelf, camera_browser):
    """Ada reads Spanish; the group's library she opens from the picker speaks the group's Russian (its
    creator's), as the group chat does, and her own library Spanish again."""
    from tests.webapp.conftest import BOB, GROUP

    group = shelf.who(BOB, "Боб", chat_id=GROUP, title="Клуб", language="ru")
    shelf.who(ADA, "Ada", chat_id=GROUP, title="Клуб", language="ru")
    ada = shelf.who(ADA, "Ada", language="es")
    shelf.add(ada, "Rayuela", authors=["Julio Cortázar"])
    shelf.add(group, "Мёртвые души", authors=["Николай Гоголь"])
    page = open_page(camera_browser, shelf.url, sign(ADA, language="es"))
    expect(page.locator("#grid .card")).to_have_count(1)
    expect(page.locator('.tabs a[data-tab="grid"] span')).to_have_text("Estantería")
    page.locator("#library").select_option(str(group.library_id))
    expect(page.locator("#grid .card .title")).to_have_text("Мёртвые души")
    expect(page.locator('.tabs a[data-tab="grid"] span')).to_have_text("Полка")
    assert page.evaluate("document.documentElement.lang") == "ru"
    expect(page.locator("#summary")).to_have_text("1 книга")
    no_english(page, "ru", "a group's library", {"Мёртвые души", "Николай Гоголь", "Ada", "Клуб", "Боб"})
    page.locator("#library").select_option(str(ada.library_id))
    expect(page.locator('.tabs a[data-tab="grid"] span')).to_have_text("Estantería")
    expect(page.locator("#summary")).to_have_text("1 libro")
    assert page.errors == []
