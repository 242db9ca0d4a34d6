"""The parts of the metadata client: cache rows, field cleaning, Retry-After, the rate limiter, BookInput."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from librium.database.sqlalchemy import db
from librium.services import books
from librium.services.metadata import BookMetadata, book_input_kwargs, cache
from librium.services.metadata import normalise as norm
from librium.services.metadata.googlebooks import parse_volumes
from librium.services.metadata.http import RateLimiter, retry_after_seconds
from librium.services.metadata.openlibrary import parse_books_api
from tests.metadata.conftest import fixture_text

FOX = "9780140328721"
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)

OMENS_META = BookMetadata(
    isbn13="9780060853983",
    title="Good Omens",
    subtitle="The Nice and Accurate Prophecies of Agnes Nutter, Witch",
    authors=("Terry Pratchett", "Neil Gaiman"),
    publishers=("HarperTorch",),
    year=2006,
    pages=432,
    languages=("English",),
    genres=("Fantasy", "Humour"),
    description="The world will end on a Saturday.",
    cover_url="https://books.google.com/books/content?id=SxaTNdxqNZoC&img=1&zoom=1",
    source="googlebooks",
)


# --------------------------------------------------------------------------- cache


def test_cache_round_trips_found_and_not_found(session):
    cache.put(session, OMENS_META.isbn13, OMENS_META, now=NOW)
    cache.put(session, FOX, None, now=NOW)
    found = cache.get(session, OMENS_META.isbn13, now=NOW)
    assert (found.found, found.provider, found.metadata) == (True, "googlebooks", OMENS_META)
    missing = cache.get(session, FOX, now=NOW)
    assert (missing.found, missing.provider, missing.metadata) == (False, None, None)
    assert cache.get(session, "9780306406157", now=NOW) is None


def test_not_found_expires_sooner_than_found(session):
    cache.put(session, OMENS_META.isbn13, OMENS_META, now=NOW)
    cache.put(session, FOX, None, now=NOW)
    later = NOW + cache.NOT_FOUND_TTL + dt.timedelta(minutes=1)
    assert cache.get(session, FOX, now=later) is None
    assert cache.get(session, OMENS_META.isbn13, now=later).found
    assert cache.get(session, OMENS_META.isbn13, now=NOW + cache.FOUND_TTL + dt.timedelta(days=1)) is None


def test_put_overwrites_and_forget_drops(session):
    cache.put(session, FOX, None, now=NOW)
    cache.put(session, FOX, OMENS_META, now=NOW + dt.timedelta(days=1))
    row = session.get(db.MetadataCache, FOX)
    assert (row.found, row.provider) == (True, "googlebooks")
    assert row.fetched_at == NOW + dt.timedelta(days=1)
    cache.forget(session, FOX)
    session.expire_all()
    assert cache.get(session, FOX, now=NOW) is None


def test_an_unreadable_payload_is_a_miss_not_a_crash(session):
    session.add(
        db.MetadataCache(isbn13=FOX, found=True, provider="openlibrary", payload="{broken", fetched_at=NOW)
    )
    session.add(
        db.MetadataCache(
            isbn13="9780306406157", found=True, provider="x", payload=json.dumps({"v": 99}), fetched_at=NOW
        )
    )
    session.flush()
    assert cache.get(session, FOX, now=NOW) is None
    assert cache.get(session, "9780306406157", now=NOW) is None


# --------------------------------------------------------------------------- BookInput


def test_metadata_becomes_a_book_input_the_books_service_accepts(session, library):
    kwargs = book_input_kwargs(OMENS_META)
    result = books.add_book(session, library.id, books.BookInput(**kwargs))
    book = result.book
    assert result.added
    assert book.title == "Good Omens" and book.subtitle == OMENS_META.subtitle
    assert book.isbn13 == "9780060853983"
    assert (book.year, book.pages, book.metadata_source) == (2006, 432, "googlebooks")
    assert len(book.authors) == 2
    assert sorted(g.name for g in book.genres) == ["Fantasy", "Humour"]
    assert [p.name for p in book.publishers] == ["HarperTorch"]
    assert [lang.name for lang in book.languages] == ["English"]
    assert book.cover_url == OMENS_META.cover_url


def test_book_input_kwargs_only_names_fields_book_input_has():
    fields = set(books.BookInput.__dataclass_fields__)
    assert set(book_input_kwargs(OMENS_META)) <= fields


# --------------------------------------------------------------------------- cleaning


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("October 1, 1988", 1988),
        ("2005-07-01", 2005),
        ("c1999", 1999),
        ("[1987?]", 1987),
        ("n.d.", None),
        ("0999", None),
        (1970, 1970),
        (None, None),
        ("12345", None),
    ],
)
def test_year(raw, year):
    assert norm.year(raw) == year


def test_pages():
    assert norm.pages(96) == 96
    assert norm.pages("320") == 320
    assert norm.pages(None, "xii, 340 p. :") == 340
    assert norm.pages(0) is None and norm.pages(True) is None and norm.pages(-3) is None


def test_genres_are_few_clean_and_distinct():
    subjects = [
        "Fiction / Science Fiction / General",
        "science fiction",
        "Accessible book",
        "nyt:hardcover-fiction=2010-01-01",
        "Fiction, thrillers, general",
        "History -- 20th century",
        {"name": "Large type books"},
        "A" * 60,
        "Magic",
        "Dragons",
        "Wizards",
    ]
    assert norm.genres(subjects) == ("Science Fiction", "Thrillers", "History", "Magic", "Dragons")


def test_languages_from_both_providers():
    assert norm.languages(["/languages/eng", "/languages/fre", "en", "pt-BR", "xx", None]) == (
        "English",
        "French",
        "Portuguese",
    )


def test_description_from_html_and_typed_text():
    assert norm.description("<p>One &amp; two.</p><p>Three<br>four</p>") == "One & two.\n\nThree\n\nfour"
    assert norm.description({"type": "/type/text", "value": "Plain."}) == "Plain."
    assert norm.description(42) is None


def test_isbn_10_in_an_answer_matches_the_isbn_13_asked():
    payload = json.loads(fixture_text("ol_books_9780140328721.json"))
    del payload[f"ISBN:{FOX}"]["identifiers"]["isbn_13"]
    meta, key, why = parse_books_api(payload, FOX)
    assert meta is not None and why is None and key == "/books/OL7353617M"


def test_an_answer_without_any_isbn_is_not_trusted():
    payload = json.loads(fixture_text("ol_books_9780140328721.json"))
    del payload[f"ISBN:{FOX}"]["identifiers"]
    assert parse_books_api(payload, FOX)[0] is None
    volumes = json.loads(fixture_text("gb_volumes_9780060853983.json"))
    for item in volumes["items"]:
        item["volumeInfo"].pop("industryIdentifiers")
    assert parse_volumes(volumes, "9780060853983") == (None, "answered with another book (ISBN mismatch)")


# --------------------------------------------------------------------------- HTTP parts


def test_retry_after_parsing():
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


async def test_rate_limiter_spaces_requests_evenly():
    clock = [100.0]
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RateLimiter(4, clock=lambda: clock[0], sleep=fake_sleep)
    delays = [await limiter.acquire() for _ in range(3)]
    assert delays == [0.0, 0.25, 0.5]  # three at once: reserved slots 0, 0.25 and 0.5 s ahead
    clock[0] += 2.0  # a quiet spell: the next one goes at once
    assert await limiter.acquire() == 0.0
    assert waits == [0.25, 0.5]
    with pytest.raises(ValueError):
        RateLimiter(0)
