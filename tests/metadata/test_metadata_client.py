"""The metadata client against a local Open Library / Google Books stand-in, with the real cache."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from librium.database.sqlalchemy import db
from librium.services.metadata import FOUND, NOT_FOUND, UNAVAILABLE, lookup, lookup_many
from tests.metadata.conftest import GB_PATH, OL_PATH, Reply, make_client

FOX = "9780140328721"
OMENS = "9780060853983"


def serve_fox(server) -> None:
    server.on(f"{OL_PATH}/api/books", Reply.file("ol_books_9780140328721.json"), query=FOX)
    server.on(f"{OL_PATH}/books/OL7353617M.json", Reply.file("ol_edition_OL7353617M.json"))
    server.on(f"{OL_PATH}/works/OL45804W.json", Reply.file("ol_work_OL45804W.json"))


def serve_omens_from_google_only(server) -> None:
    server.on(f"{OL_PATH}/api/books", Reply.file("ol_books_empty.json"), query=OMENS)
    server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_9780060853983.json"), query=OMENS)


def cache_rows(session_factory) -> dict[str, db.MetadataCache]:
    with session_factory() as s:
        return {row.isbn13: row for row in s.scalars(select(db.MetadataCache))}


async def test_open_library_answer_gives_every_field(provider_server, client, session_factory):
    serve_fox(provider_server)
    result = await lookup("0-14-032872-6", session_factory=session_factory, client=client)  # ISBN-10 asked
    assert result.status == FOUND and result.found and not result.from_cache
    meta = result.metadata
    assert meta.isbn13 == FOX
    assert meta.source == "openlibrary"
    assert meta.title == "Fantastic Mr. Fox"
    assert meta.authors == ("Roald Dahl",)
    assert meta.publishers == ("Puffin",)
    assert (meta.year, meta.pages) == (1988, 96)
    assert meta.languages == ("English",)
    assert meta.cover_url == "https://covers.openlibrary.org/b/id/8739161-L.jpg"
    assert meta.source_url == "https://openlibrary.org/books/OL7353617M/Fantastic_Mr._Fox"
    # noise (Accessible book, Protected DAISY, nyt:...) dropped, "--" and "Fiction, x, general" cleaned
    assert meta.genres == ("Animals", "Foxes", "Humorous", "Farmers", "Children's stories")
    assert meta.description.startswith("The main character of Fantastic Mr. Fox")
    assert "\n\nIn order to feed his family" in meta.description
    assert meta.description.endswith("every night.")  # the Markdown source reference is dropped
    assert [r.path for r in provider_server.requests] == [
        f"{OL_PATH}/api/books",
        f"{OL_PATH}/books/OL7353617M.json",
        f"{OL_PATH}/works/OL45804W.json",
    ]
    first = provider_server.requests[0]
    assert first.query == {"bibkeys": [f"ISBN:{FOX}"], "format": ["json"], "jscmd": ["data"]}
    assert first.headers["User-Agent"].startswith("Librium/0.1 (+https://github.com/")
    assert "personal book catalogue bot" in first.headers["User-Agent"]


async def test_second_lookup_is_served_from_the_cache_without_a_request(
    provider_server, client, session_factory
):
    serve_fox(provider_server)
    first = await lookup(FOX, session_factory=session_factory, client=client)
    sent = len(provider_server.requests)
    second = await lookup(FOX, session_factory=session_factory, client=client)
    assert len(provider_server.requests) == sent == 3
    assert second.from_cache and second.status == FOUND
    assert second.metadata == first.metadata
    row = cache_rows(session_factory)[FOX]
    assert (row.found, row.provider) == (True, "openlibrary")


async def test_refresh_asks_again_and_rewrites_the_cache(provider_server, client, session_factory):
    serve_fox(provider_server)
    await lookup(FOX, session_factory=session_factory, client=client)
    again = await lookup(FOX, session_factory=session_factory, client=client, refresh=True)
    assert not again.from_cache and again.found
    assert provider_server.count(f"{OL_PATH}/api/books") == 2


async def test_falls_back_to_google_books_when_open_library_has_nothing(provider_server, session_factory):
    serve_omens_from_google_only(provider_server)
    async with make_client(provider_server.url, google_api_key="test-key") as client:
        result = await lookup(OMENS, session_factory=session_factory, client=client)
    meta = result.metadata
    assert result.status == FOUND and meta.source == "googlebooks"
    # the first volume in the answer is another book: the one with the asked ISBN was picked
    assert meta.title == "Good Omens"
    assert meta.subtitle == "The Nice and Accurate Prophecies of Agnes Nutter, Witch"
    assert meta.authors == ("Terry Pratchett", "Neil Gaiman")
    assert meta.publishers == ("HarperTorch",)
    assert (meta.year, meta.pages, meta.languages, meta.genres) == (2006, 432, ("English",), ("Fantasy",))
    assert meta.description.startswith("According to The Nice and Accurate Prophecies")
    assert "<p>" not in meta.description and "Just after tea…" in meta.description
    assert meta.cover_url.startswith("https://books.google.com/books/content?id=SxaTNdxqNZoC")
    assert "edge=curl" not in meta.cover_url
    google = [r for r in provider_server.requests if r.path.startswith(GB_PATH)]
    assert google[0].query["q"] == [f"isbn:{OMENS}"]
    assert google[0].query["key"] == ["test-key"]
    assert [a.status for a in result.answers] == [NOT_FOUND, FOUND]


async def test_wrong_book_answers_count_as_not_found_and_that_is_cached(
    provider_server, client, session_factory
):
    provider_server.on(f"{OL_PATH}/api/books", Reply.file("ol_books_wrong_book.json"), query=OMENS)
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_wrong_book.json"))
    result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.status == NOT_FOUND and result.metadata is None
    assert [a.detail for a in result.answers] == ["answered with another book (ISBN mismatch)"] * 2
    row = cache_rows(session_factory)[OMENS]
    assert (row.found, row.provider, row.payload) == (False, None, None)
    sent = len(provider_server.requests)
    again = await lookup(OMENS, session_factory=session_factory, client=client)
    assert again.status == NOT_FOUND and again.from_cache
    assert len(provider_server.requests) == sent


async def test_http_404_from_both_is_not_found(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply.json({"error": "notfound"}, status=404))
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_empty.json"))
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.status == NOT_FOUND
    assert [a.detail for a in result.answers] == ["HTTP 404", "no such ISBN"]


async def test_502_then_success_is_retried_once(provider_server, client, session_factory):
    serve_fox(provider_server)
    provider_server.on(
        f"{OL_PATH}/api/books",
        Reply("502 Bad Gateway", status=502),
        Reply.file("ol_books_9780140328721.json"),
    )
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.found and result.metadata.source == "openlibrary"
    assert provider_server.count(f"{OL_PATH}/api/books") == 2
    assert provider_server.count(GB_PATH) == 0


async def test_two_5xx_give_up_that_provider_and_a_failed_lookup_is_not_cached(
    provider_server, client, session_factory
):
    provider_server.on(f"{OL_PATH}/api/books", Reply("oops", status=503))
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_empty.json"))
    result = await lookup(FOX, session_factory=session_factory, client=client)
    # Google does not know it, but Open Library could not be asked: "could not fetch", not "not found"
    assert result.status == UNAVAILABLE and result.unavailable
    assert result.problems == ["openlibrary: server error (HTTP 503)"]
    assert provider_server.count(f"{OL_PATH}/api/books") == 2  # one retry, no more
    assert cache_rows(session_factory) == {}


async def test_429_with_a_short_retry_after_is_honoured(provider_server, client, session_factory):
    serve_fox(provider_server)
    provider_server.on(
        f"{OL_PATH}/api/books",
        Reply.json({"error": "slow down"}, status=429, **{"Retry-After": "0"}),
        Reply.file("ol_books_9780140328721.json"),
    )
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.found and result.metadata.source == "openlibrary"
    assert provider_server.count(f"{OL_PATH}/api/books") == 2


async def test_429_with_a_long_retry_after_gives_up_that_provider_at_once(
    provider_server, client, session_factory
):
    provider_server.on(f"{OL_PATH}/api/books", Reply.json({}, status=429, **{"Retry-After": "3600"}))
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_9780060853983.json"))
    result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.found and result.metadata.source == "googlebooks"
    assert provider_server.count(f"{OL_PATH}/api/books") == 1
    assert result.answers[0].detail == "rate limited (HTTP 429)"


async def test_timeout_is_retried_once_then_google_answers(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply(hang=True))
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_9780060853983.json"))
    result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.found and result.metadata.source == "googlebooks"
    assert provider_server.count(f"{OL_PATH}/api/books") == 2
    assert result.answers[0].detail == "timed out"


async def test_everything_timing_out_is_unavailable_and_not_cached(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply(hang=True))
    provider_server.on(f"{GB_PATH}/volumes", Reply(hang=True))
    result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.status == UNAVAILABLE
    assert result.problems == ["openlibrary: timed out", "googlebooks: timed out"]
    assert cache_rows(session_factory) == {}


async def test_total_timeout_bounds_the_whole_lookup(provider_server, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply(hang=True))
    provider_server.on(f"{GB_PATH}/volumes", Reply(hang=True))
    async with make_client(provider_server.url, timeout=5.0, total_timeout=0.3) as client:
        result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.status == UNAVAILABLE
    assert result.problems == ["openlibrary: lookup took too long"]


async def test_malformed_json_is_a_failed_provider_never_an_exception(
    provider_server, client, session_factory
):
    provider_server.on(f"{OL_PATH}/api/books", Reply.file("ol_books_truncated.json.txt"))
    provider_server.on(f"{GB_PATH}/volumes", Reply("<html>Service Unavailable</html>", status=200))
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.status == UNAVAILABLE
    assert result.problems == ["openlibrary: malformed JSON", "googlebooks: malformed JSON"]
    assert provider_server.count(f"{OL_PATH}/api/books") == 1  # a bad body is not retried
    assert cache_rows(session_factory) == {}


async def test_json_of_the_wrong_shape_is_a_failed_provider(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply.json([1, 2, 3]))
    provider_server.on(f"{GB_PATH}/volumes", Reply.json({"items": [None, "x", {"volumeInfo": []}]}))
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.status == UNAVAILABLE
    assert result.answers[0].detail == "unexpected answer (not a JSON object)"
    assert result.answers[1].status == NOT_FOUND


async def test_malformed_json_then_google_found(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply("{not json"))
    provider_server.on(f"{GB_PATH}/volumes", Reply.file("gb_volumes_9780060853983.json"))
    result = await lookup(OMENS, session_factory=session_factory, client=client)
    assert result.found and result.metadata.source == "googlebooks"
    assert cache_rows(session_factory)[OMENS].provider == "googlebooks"


async def test_offline_gives_could_not_fetch_and_caches_nothing(closed_port, session_factory):
    async with make_client(f"http://127.0.0.1:{closed_port}") as client:
        result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.status == UNAVAILABLE and result.metadata is None
    assert len(result.problems) == 2
    assert all("could not connect" in p for p in result.problems)
    assert cache_rows(session_factory) == {}


async def test_enrichment_failure_keeps_the_core_answer(provider_server, client, session_factory):
    provider_server.on(f"{OL_PATH}/api/books", Reply.file("ol_books_9780140328721.json"))
    provider_server.on(f"{OL_PATH}/books/OL7353617M.json", Reply("down", status=500))
    result = await lookup(FOX, session_factory=session_factory, client=client)
    assert result.found
    assert result.metadata.title == "Fantastic Mr. Fox"
    assert result.metadata.languages == () and result.metadata.description is None
    assert provider_server.count(f"{OL_PATH}/works") == 0


async def test_concurrent_lookups_of_one_isbn_make_one_set_of_requests(
    provider_server, client, session_factory
):
    serve_fox(provider_server)
    results = await asyncio.gather(*(client.fetch(FOX) for _ in range(5)))
    assert {r.metadata.title for r in results} == {"Fantastic Mr. Fox"}
    assert provider_server.count(f"{OL_PATH}/api/books") == 1


async def test_lookup_many_answers_each_distinct_isbn_in_order(provider_server, client, session_factory):
    serve_fox(provider_server)
    serve_omens_from_google_only(provider_server)
    results = await lookup_many([OMENS, FOX, "0-06-085398-0"], session_factory=session_factory, client=client)
    assert [(r.isbn13, r.metadata.source) for r in results] == [(OMENS, "googlebooks"), (FOX, "openlibrary")]
    assert set(cache_rows(session_factory)) == {OMENS, FOX}
