"""/stats, /year, /goal and /problems through the real Application, on SQLite and PostgreSQL.

Libraries are built with the catalogue services (books.add_book, reading.finish_reading, reading.rate);
every number the bot shows is compared with the figure the stats/goals services give for the same
library, computed here, never hard-coded. Charts are checked as real PNGs (Pillow opens them).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os

import pytest
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from bot.console.fake_api import Call
from bot.console.fake_updates import Person
from bot.handlers.stats import EMPTY_LIBRARY, local_today
from bot.runtime.access import Actor, Who, resolve
from librium.database.sqlalchemy.session import session_scope
from librium.services import books, goals, reading, stats
from tests.bot.harness import ADA, BOB

EXPIRED = "That button has expired."


@pytest.fixture(autouse=True)
def no_unhandled_errors(caplog):
    """Fail when the bot's error handler had to apologise (a traceback reached the user)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert not errors, f"unhandled errors: {[r.getMessage() for r in errors]}\n{errors[0].exc_text or ''}"


class Shelf:
    """A person's personal library (the one their private chat uses), written through the services."""

    def __init__(self, factory: sessionmaker[Session], person: Person):
        self.factory = factory
        with session_scope(factory) as session:
            self.who: Who = resolve(
                session, Actor(person.id, person.first_name, "en", person.id, "private", None)
            )
        self.id = self.who.library_id
        self.today = local_today(self.who)
        self.year = self.today.year

    def add(self, title: str, authors: str | None = None, **fields) -> int:
        with session_scope(self.factory) as session:
            result = books.add_book(
                session,
                self.id,
                books.BookInput(title=title, authors=authors, **fields),
                allow_duplicate=True,
            )
            return result.book.id

    def read(
        self, book_id: int, finished: dt.date, started: dt.date | None = None, stars: float | None = None
    ):
        with session_scope(self.factory) as session:
            if started is not None:
                reading.start_reading(session, self.id, book_id, user_id=self.who.user_id, started_on=started)
            reading.finish_reading(
                session, self.id, book_id, finished_on=finished, user_id=self.who.user_id, today=self.today
            )
            if stars is not None:
                reading.rate(session, self.id, book_id, stars)

    def query(self, fn, *args, **kwargs):
        with session_scope(self.factory) as session:
            return fn(session, *args, **kwargs)


def day(year: int, month: int, d: int, today: dt.date) -> dt.date:
    """A date in ``year``, never after today (so "this year" data works on 1 January too)."""
    return min(dt.date(year, month, d), today)


def fill(shelf: Shelf) -> dict[str, int]:
    """A small but varied library: genres, formats, languages, decades, prices, pages, readings."""
    y, t = shelf.year, shelf.today
    ids = {
        "dune": shelf.add(
            "Dune",
            "Frank Herbert",
            year=1965,
            pages=612,
            price="9.99",
            currency="EUR",
            format="Paperback",
            genres=["Science Fiction"],
            languages=["English"],
            publishers=["Chilton"],
            isbn="9780441172719",
        ),
        "earthsea": shelf.add(
            "A Wizard of Earthsea",
            "Ursula K. Le Guin",
            year=1968,
            pages=183,
            price="7.50",
            currency="EUR",
            format="Paperback",
            genres=["Fantasy"],
            languages=["English"],
        ),
        "hobbit": shelf.add(
            "The Hobbit",
            "J. R. R. Tolkien",
            year=1937,
            pages=310,
            price="12.00",
            currency="EUR",
            format="Hardcover",
            genres=["Fantasy"],
            languages=["English"],
        ),
        "rayuela": shelf.add(
            "Rayuela",
            "Julio Cortázar",
            year=1963,
            pages=600,
            format="Paperback",
            genres=["Literary Fiction"],
            languages=["Spanish"],
        ),
        "neuromancer": shelf.add(
            "Neuromancer",
            "William Gibson",
            year=1984,
            pages=271,
            format="Ebook",
            genres=["Science Fiction"],
        ),
        "untitled": shelf.add("Notes Without Anything"),
    }
    shelf.read(ids["dune"], day(y, 1, 20, t), started=day(y, 1, 2, t), stars=5)
    shelf.read(ids["earthsea"], day(y, 2, 14, t), started=day(y, 2, 1, t), stars=4)
    shelf.read(ids["hobbit"], dt.date(y - 1, 6, 15), started=dt.date(y - 1, 6, 1), stars=5)
    shelf.read(ids["neuromancer"], dt.date(y - 1, 9, 3), started=dt.date(y - 1, 8, 20))
    return ids


@pytest.fixture
def ada(session_factory) -> Shelf:
    return Shelf(session_factory, ADA)


@pytest.fixture
def library(ada) -> Shelf:
    fill(ada)
    return ada


def photos(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendPhoto"]


def media_edits(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "editMessageMedia"]


def answers(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def png_of(call: Call) -> bytes:
    [content] = call.files.values()
    return content


def assert_chart(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.verify()
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    assert image.width >= 800
    assert 5_000 < len(content) < 400_000, len(content)
    return image


def media_caption(call: Call) -> str:
    media = call.params["media"]
    media = json.loads(media) if isinstance(media, str) else media
    return media["caption"]


def marked(call: Call) -> list[str]:
    return [text for text in call.button_texts() if text.startswith("● ")]


def money_text(items) -> str:
    return " + ".join(f"{m.amount:,.2f} {m.currency or ''}".strip() for m in items)


# --------------------------------------------------------------------------- /stats


async def test_stats_on_an_empty_library_is_a_friendly_sentence(bot, ada):
    calls = await bot.send("/stats")
    assert not photos(calls)
    [reply] = [c for c in calls if c.method == "sendMessage"]
    assert reply.text == EMPTY_LIBRARY


async def test_stats_on_a_tiny_library_gives_numbers_and_no_chart(bot, ada):
    book = ada.add("Dune", "Frank Herbert", genres=["Science Fiction"], pages=612)
    ada.read(book, ada.today)
    calls = await bot.send("/stats")
    assert not photos(calls)
    [reply] = [c for c in calls if c.method == "sendMessage"]
    totals = ada.query(stats.totals, ada.id)
    assert totals.books == 1
    assert f"1 book</b> · {totals.read:,} read" in reply.text
    assert "/stats draws your year" in reply.text
    assert "🔧 Problems" in reply.button_texts()


async def test_stats_sends_a_png_captioned_with_the_services_figures(bot, library):
    calls = await bot.send("/stats")
    [photo] = photos(calls)
    assert_chart(png_of(photo))

    y = library.year
    totals = library.query(stats.totals, library.id)
    pages = {p.year: p for p in library.query(stats.pages_per_year, library.id, user_id=library.who.user_id)}
    spent = [m for m in library.query(stats.money, library.id).per_year if m.year == y]
    month = library.query(stats.read_per_month, library.id, y, user_id=library.who.user_id)
    caption = photo.text
    assert (
        f"{totals.books:,} books</b> · {totals.read:,} read · {totals.unread:,} unread · "
        f"{totals.reading:,} reading" in caption
    )
    assert f"<b>{y}</b>: {pages[y].books} books read, {pages[y].pages:,} pages" in caption
    assert f"spent {money_text(spent)}" in caption
    assert f"Books read in {y}: {month.total}" in caption
    assert "Goal" not in caption.split("\n\n")[0]  # no goal set: no goal line
    assert marked(photo) == ["● Month"]
    assert f"◀ {y - 1}" in photo.button_texts() and f"{y + 1} ▶" not in photo.button_texts()


async def test_the_goal_line_appears_once_a_goal_is_set(bot, library):
    await bot.send("/goal 24")
    [photo] = photos(await bot.send("/stats"))
    progress = library.query(
        goals.goal_progress, library.who.user_id, [library.id], library.year, library.today
    )
    assert f"🎯 Goal: {progress.summary()}" in photo.text


async def test_switching_views_edits_the_same_photo(bot, library):
    [photo] = photos(await bot.send("/stats"))
    first = png_of(photo)
    message_id = photo.result["message_id"]

    calls = await bot.tap(photo, "Genres")
    [edit] = media_edits(calls)
    assert not photos(calls) and not [c for c in calls if c.method == "sendMessage"]
    assert int(edit.params["message_id"]) == message_id
    genres_png = png_of(edit)
    assert_chart(genres_png)
    assert genres_png != first
    genres = library.query(stats.by_genre, library.id)
    top = sorted(genres.buckets, key=lambda b: -b.count)[0]
    assert f"{genres.title}: {top.label} {top.count}" in media_caption(edit)
    assert marked(edit) == ["● Genres"]
    assert "◀" not in " ".join(edit.button_texts())  # no year row outside the yearly views
    # the summary stays on every view
    totals = library.query(stats.totals, library.id)
    assert f"{totals.books:,} books</b>" in media_caption(edit)


async def test_every_view_renders_or_says_why_not(bot, library):
    await bot.send("/goal 12")
    [photo] = photos(await bot.send("/stats"))
    seen = {png_of(photo)}
    for label in [
        "Genres",
        "Formats",
        "Languages",
        "Decades",
        "Pages/yr",
        "Money",
        "Authors",
        "Pace",
        "Goal",
    ]:
        calls = await bot.tap(photo, label)
        [edit] = media_edits(calls)
        content = png_of(edit)
        assert_chart(content)
        seen.add(content)
        assert marked(edit) == [f"● {label}"]
        assert int(edit.params["message_id"]) == photo.result["message_id"]
    assert len(seen) == 10  # every view is a different picture
    pace = library.query(stats.pace, library.id, user_id=library.who.user_id)
    calls = await bot.tap(photo, "Pace")
    assert f"median {pace.median_days:g} days per book over {pace.readings} books" in media_caption(
        media_edits(calls)[0]
    )


async def test_the_year_selector_moves_the_month_view(bot, library):
    [photo] = photos(await bot.send("/stats"))
    y = library.year
    calls = await bot.tap(photo, f"◀ {y - 1}")
    [edit] = media_edits(calls)
    last_year = library.query(stats.read_per_month, library.id, y - 1, user_id=library.who.user_id)
    assert last_year.total == 2
    assert f"Books read in {y - 1}: {last_year.total}" in media_caption(edit)
    assert f"{y} ▶" in edit.button_texts() and str(y - 1) in edit.button_texts()
    assert f"◀ {y - 2}" not in edit.button_texts()  # nothing was read before: no way further back
    assert_chart(png_of(edit))
    assert png_of(edit) != png_of(photo)
    # and forward again
    calls = await bot.tap(edit, f"{y} ▶")
    assert f"Books read in {y}:" in media_caption(media_edits(calls)[0])


async def test_a_view_without_data_answers_and_keeps_the_chart(bot, ada):
    for n in range(4):
        ada.add(f"Unpriced {n}", "Some Author", genres=["Essays"])
    [photo] = photos(await bot.send("/stats"))  # the genre chart: no reading yet
    assert marked(photo) == ["● Genres"]
    calls = await bot.tap(photo, "Money")
    assert not media_edits(calls)
    assert answers(calls) == ["Add prices to your books to see what you spent on them."]
    calls = await bot.tap(photo, "Month")
    assert not media_edits(calls)
    assert answers(calls) == [f"No books finished in {ada.year} yet."]


@pytest.mark.parametrize(
    "data",
    ["sv:bogus:2025", "sv:month:abc", "sv:month:99999", "sv:month", "sv", "sv:goal:-1", "sv:month:2025:x:y"],
)
async def test_forged_view_buttons_expire(bot, library, data):
    [photo] = photos(await bot.send("/stats"))
    calls = await bot.callback(photo, data)
    assert answers(calls) == [EXPIRED]
    assert not media_edits(calls)


# --------------------------------------------------------------------------- /year


async def test_year_in_review_matches_the_service(bot, library):
    calls = await bot.send(f"/year {library.year}")
    [photo] = photos(calls)
    assert_chart(png_of(photo))
    review = library.query(stats.year_review, library.id, library.year, user_id=library.who.user_id)
    assert review.books == 2
    text = photo.text
    assert f"{review.year} in books" in text
    assert f"{review.books} books · {review.pages:,} pages" in text
    for favourite in review.favourites:
        assert favourite.title in text
    assert f"Longest: <b>{review.longest.title}</b> ({review.longest.pages:,} pages)" in text
    assert f"New authors ({len(review.new_authors)})" in text
    for author in review.new_authors:
        assert author.name in text
    # /year alone is this year
    [again] = photos(await bot.send("/year"))
    assert again.text == text


async def test_year_buttons_move_between_years(bot, library):
    [photo] = photos(await bot.send("/year"))
    calls = await bot.tap(photo, f"◀ {library.year - 1}")
    [edit] = media_edits(calls)
    review = library.query(stats.year_review, library.id, library.year - 1, user_id=library.who.user_id)
    assert f"{review.books} books · {review.pages:,} pages" in media_caption(edit)
    assert "The Hobbit" in media_caption(edit)  # the favourite (and only rated) book of that year
    assert edit.button_texts() == [f"{library.year} ▶"]  # the first year with a reading: no ◀
    # a year with nothing read answers and keeps the picture
    calls = await bot.callback(photo, f"yr:{library.year - 5}")
    assert not media_edits(calls)
    assert answers(calls) == [f"No books finished in {library.year - 5} — nothing to review yet."]


@pytest.mark.parametrize("text", ["/year abc", "/year 20", "/year 2025 2026", "/year 99999"])
async def test_year_rejects_what_is_not_a_year(bot, library, text):
    calls = await bot.send(text)
    assert not photos(calls)
    [reply] = [c for c in calls if c.method == "sendMessage"]
    assert "/year 2025" in reply.text or "Pick a year between" in reply.text


async def test_year_with_nothing_read_says_so(bot, library):
    calls = await bot.send("/year 1990")
    assert not photos(calls)
    assert calls[-1].text == "No books finished in 1990 — nothing to review yet."


# --------------------------------------------------------------------------- /goal


async def test_goal_set_show_and_clear(bot, library):
    reply = (await bot.send("/goal"))[-1]
    assert "No reading goal" in reply.text and "/goal 30" in reply.text

    reply = (await bot.send("/goal 30"))[-1]
    progress = library.query(
        goals.goal_progress, library.who.user_id, [library.id], library.year, library.today
    )
    assert progress.target == 30 and progress.read == 2
    assert reply.text.startswith("✓ Goal set.")
    assert progress.summary() in reply.text
    assert f"{progress.remaining} books to go" in reply.text

    reply = (await bot.send("/goal"))[-1]
    assert progress.summary() in reply.text and "Goal set" not in reply.text

    reply = (await bot.send("/goal 2"))[-1]
    assert "2 of 2, goal reached" in reply.text
    assert library.query(goals.get_goal, library.who.user_id, library.year).target == 2

    reply = (await bot.send("/goal off"))[-1]
    assert "cleared" in reply.text
    assert library.query(goals.get_goal, library.who.user_id, library.year) is None
    reply = (await bot.send("/goal off"))[-1]
    assert "no goal" in reply.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/goal abc", "“abc” is not a number of books."),
        ("/goal -3", "A reading goal is between 1 and 10,000 books."),
        ("/goal 100000", "A reading goal is between 1 and 10,000 books."),
        ("/goal 0", "A reading goal is between 1 and 10,000 books."),
        ("/goal 1 2", "Say one number"),
    ],
)
async def test_goal_rejects_bad_numbers(bot, library, text, expected):
    reply = (await bot.send(text))[-1]
    assert expected in reply.text
    assert library.query(goals.get_goal, library.who.user_id, library.year) is None


# --------------------------------------------------------------------------- /problems


async def test_problems_lists_the_right_books_and_opens_their_cards(bot, library):
    calls = await bot.send("/problems")
    [reply] = [c for c in calls if c.method == "sendMessage"]
    report = library.query(stats.problems, library.id, limit=3)
    for problem in report.problems:
        if problem.count:
            assert f"{problem.label}</b>: {problem.count:,}" in reply.text
        else:
            assert problem.label not in reply.text
    isbn = next(p for p in report.problems if p.kind == "isbn")
    assert isbn.count == 5  # every book but Dune
    # the author row: the one book without an author, one tap opens its card
    calls = await bot.tap(reply, "✍ Notes Without Anything")
    cards = [c for c in calls if c.method in ("sendMessage", "sendPhoto")]
    assert len(cards) == 1 and "Notes Without Anything" in cards[0].text
    assert "Dune" not in [b.split(" ", 1)[1] for b in reply.button_texts() if b.startswith("🔢")]


async def test_problems_pages_through_one_kind_and_back(bot, ada):
    ids = [ada.add(f"Book {n:02d}", "Some Author") for n in range(11)]
    reply = next(c for c in await bot.send("/problems") if c.method == "sendMessage")
    calls = await bot.tap(reply, "All 11 ›")
    [page1] = [c for c in calls if c.method == "editMessageText"]
    assert "Page 1 of 2 · 11 books" in page1.text
    assert "Book 00" in page1.text and "Book 08" not in page1.text
    calls = await bot.tap(page1, "Next ▶")
    [page2] = [c for c in calls if c.method == "editMessageText"]
    assert "Book 08" in page2.text and "Book 10" in page2.text and "Book 00" not in page2.text
    calls = await bot.tap(page2, "10. Book 09")
    assert any(c.method == "sendMessage" and "Book 09" in c.text for c in calls)
    calls = await bot.tap(page2, "◀ Problems")
    [back] = [c for c in calls if c.method == "editMessageText"]
    assert "🔧 <b>Problems</b> in 11 books" in back.text
    assert len(ids) == 11


async def test_problems_button_on_stats_and_a_clean_library(bot, library, ada):
    [photo] = photos(await bot.send("/stats"))
    calls = await bot.tap(photo, "Problems")
    [overview] = [c for c in calls if c.method == "sendMessage"]
    assert "🔧 <b>Problems</b>" in overview.text
    assert not media_edits(calls)


@pytest.mark.parametrize(
    "data", ["pb:zzz:1", "pb:cover:abc", "pb:cover", "pb:o:1", "pb:cover:1:2", "yr:abc", "yr"]
)
async def test_forged_problem_and_year_buttons_expire(bot, library, data):
    reply = next(c for c in await bot.send("/problems") if c.method == "sendMessage")
    calls = await bot.callback(reply, data)
    assert answers(calls) == [EXPIRED]
    assert not [c for c in calls if c.method.startswith("edit")]


async def test_a_clean_library_has_no_problems(bot, ada):
    ada.add(
        "Dune",
        "Frank Herbert",
        isbn="9780441172719",
        publishers=["Chilton"],
        languages=["English"],
        genres=["Science Fiction"],
        cover_file_id="cover-1",
    )
    reply = (await bot.send("/problems"))[-1]
    assert reply.text.startswith("✓ All 1 book have")


# --------------------------------------------------------------------------- privacy


async def test_another_users_library_never_appears(bot, library, session_factory):
    bob = Shelf(session_factory, BOB)
    for n in range(3):
        bob.add(f"Bob's book {n}", "Bob Writer", genres=["Cookery"], pages=100)
    [photo] = photos(await bot.send("/stats", person=BOB))
    totals = bob.query(stats.totals, bob.id)
    assert totals.books == 3
    assert f"{totals.books:,} books</b> · 0 read" in photo.text
    assert marked(photo) == ["● Genres"]
    assert "Cookery 3" in photo.text
    # Bob's buttons draw Bob's data, whoever's message they sit on
    calls = await bot.tap(photo, "Authors", person=BOB)
    caption = media_caption(media_edits(calls)[0])
    assert "Bob Writer" in caption and "Frank Herbert" not in caption
    calls = await bot.tap(photo, "Month", person=BOB)
    assert answers(calls) == [f"No books finished in {bob.year} yet."]
    # Bob's problems and year never show Ada's books
    reply = (await bot.send("/problems", person=BOB))[-1]
    assert "Dune" not in reply.text and "Bob's book" in reply.text
    calls = await bot.send("/year", person=BOB)
    assert not photos(calls) and "No books finished" in calls[-1].text


async def test_three_books_of_a_kind_are_three_buttons_four_are_two_and_a_list(bot, ada):
    for n in range(3):
        ada.add(f"Coverless {n}", "Some Author", isbn=None)
    reply = (await bot.send("/problems"))[-1]
    cover = [b for b in reply.button_texts() if b.startswith("🖼")]
    assert len(cover) == 3 and not [b for b in reply.button_texts() if b.startswith("All")]
    ada.add("Coverless 3", "Some Author")
    reply = (await bot.send("/problems"))[-1]
    assert [b for b in reply.button_texts() if b.startswith("🖼")] == ["🖼 Coverless 0", "🖼 Coverless 1"]
    assert "All 4 ›" in reply.button_texts()


# --------------------------------------------------------------------------- the chart worker process


async def test_charts_are_drawn_in_a_worker_that_a_killed_one_is_replaced_by(bot, library):
    """The PNGs come from the chart worker process; when it is gone (killed, out of memory), the next
    chart starts a fresh one instead of failing."""
    import signal
    import time

    from librium.offload import WORKER

    [photo] = photos(await bot.send("/stats"))
    assert_chart(png_of(photo))
    [first] = WORKER.pids()
    assert first != os.getpid()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{first}/status"):
        time.sleep(0.05)
    [edit] = media_edits(await bot.tap(photo, "Genres"))
    assert_chart(png_of(edit))
    [second] = WORKER.pids()
    assert second != first


async def test_a_chart_that_times_out_gets_the_apology_and_the_next_one_works(
    bot, library, caplog, monkeypatch
):
    from bot.runtime.errors import APOLOGY
    from librium.offload import WORKER

    monkeypatch.setattr(WORKER, "timeout", 0.001)  # no worker draws a chart in a millisecond
    calls = await bot.send("/stats")
    assert not photos(calls)
    assert [c.text for c in calls if c.method == "sendMessage"] == [APOLOGY]
    assert not WORKER.pids()  # the stuck worker was killed
    caplog.clear()  # the apology's logged error was expected here
    monkeypatch.setattr(WORKER, "timeout", 60)
    [photo] = photos(await bot.send("/stats"))
    assert_chart(png_of(photo))


FRESH = "LIBRIUM_TEST_FRESH_PROCESS"


@pytest.mark.skipif(not os.environ.get(FRESH), reason="runs in its own process, started by the test below")
async def test_fresh_process_charts_and_a_photo_load_no_heavy_library(bot, library):
    import sys
    from pathlib import Path

    heavy = {"matplotlib", "numpy", "zxingcpp"}  # (Pillow is this test module's own)
    assert not heavy & set(sys.modules)  # nothing before drew a chart or read a photo
    [photo] = photos(await bot.send("/stats"))
    assert_chart(png_of(photo))
    [edit] = media_edits(await bot.tap(photo, "Genres"))
    assert_chart(png_of(edit))
    assert photos(await bot.send("/year"))
    barcode = Path(__file__).resolve().parent.parent / "fixtures" / "barcodes" / "ean13-2__01.png"
    assert [c for c in await bot.photo(barcode.read_bytes()) if c.method == "sendMessage"]
    loaded = sorted({name.split(".")[0] for name in sys.modules} & heavy)
    assert not loaded, f"the bot's process loaded {loaded} for a chart or a photo"


def test_the_bot_process_never_loads_matplotlib_or_the_barcode_stack():
    """/stats, a view button, /year and a barcode photo through the bot, in a process where nothing else
    drew a chart or read a photo: matplotlib, numpy and zxing-cpp stay out of it (the worker process
    loads them)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    test = f"{__file__}::test_fresh_process_charts_and_a_photo_load_no_heavy_library"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env={**os.environ, FRESH: "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout  # (on each engine: the PostgreSQL one skips without a server)
