"""The metadata client: Open Library, then Google Books, behind the database cache.

Database access is synchronous SQLAlchemy like the rest of the catalogue; :func:`lookup` runs the two
short cache queries in a worker thread (``asyncio.to_thread``) so the bot's event loop never waits on
PostgreSQL while other updates are pending, and the network part is native asyncio (httpx).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from librium import isbn as isbn_mod
from librium.database.sqlalchemy.session import session_scope
from librium.services.metadata import cache, googlebooks, openlibrary
from librium.services.metadata.http import USER_AGENT, JsonFetcher
from librium.services.metadata.models import (
    FOUND,
    NOT_FOUND,
    UNAVAILABLE,
    BookMetadata,
    LookupResult,
    ProviderAnswer,
)

log = logging.getLogger(__name__)


class Provider(Protocol):
    name: str

    async def fetch(self, isbn13: str) -> ProviderAnswer: ...


class MetadataClient:
    """Asks the providers in order for one ISBN-13. Build one per process and close it (``aclose``).

    ``timeout`` is per request (one retry on timeout/5xx/connection error); ``total_timeout`` bounds a
    whole lookup across providers, so an unreachable network costs the user seconds, not a minute.
    """

    def __init__(
        self,
        *,
        openlibrary_url: str = openlibrary.BASE_URL,
        googlebooks_url: str = googlebooks.BASE_URL,
        google_api_key: str | None = None,
        timeout: float = 4.0,
        total_timeout: float = 12.0,
        retries: int = 1,
        openlibrary_per_second: float = 3.0,
        googlebooks_per_second: float = 5.0,
        max_retry_after: float = 3.0,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.http = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
            timeout=timeout,
            transport=transport,
        )
        common = {"timeout": timeout, "retries": retries, "max_retry_after": max_retry_after}
        self.providers: list[Provider] = [
            openlibrary.OpenLibrary(
                JsonFetcher(self.http, name=openlibrary.NAME, per_second=openlibrary_per_second, **common),
                openlibrary_url,
            ),
            googlebooks.GoogleBooks(
                JsonFetcher(self.http, name=googlebooks.NAME, per_second=googlebooks_per_second, **common),
                googlebooks_url,
                google_api_key,
            ),
        ]
        self.total_timeout = total_timeout
        self._inflight: dict[str, asyncio.Future[LookupResult]] = {}

    @classmethod
    def from_settings(cls, settings, **kwargs) -> MetadataClient:
        """A client using ``settings.google_books_api_key`` (librium.config.Settings)."""
        return cls(google_api_key=getattr(settings, "google_books_api_key", None), **kwargs)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> MetadataClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def fetch(self, isbn13: str) -> LookupResult:
        """Ask the providers (no cache). Concurrent calls for one ISBN share a single lookup."""
        pending = self._inflight.get(isbn13)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(isbn13))
            self._inflight[isbn13] = pending
            pending.add_done_callback(lambda _f: self._inflight.pop(isbn13, None))
        return await asyncio.shield(pending)

    async def _fetch(self, isbn13: str) -> LookupResult:
        answers: list[ProviderAnswer] = []
        current = ""
        try:
            async with asyncio.timeout(self.total_timeout):
                for provider in self.providers:
                    current = provider.name
                    answer = await self._ask(provider, isbn13)
                    answers.append(answer)
                    if answer.status == FOUND:
                        return LookupResult(isbn13, FOUND, answer.metadata, answers=tuple(answers))
        except TimeoutError:
            answers.append(ProviderAnswer(current, UNAVAILABLE, detail="lookup took too long"))
        status = UNAVAILABLE if any(a.status == UNAVAILABLE for a in answers) else NOT_FOUND
        result = LookupResult(isbn13, status, answers=tuple(answers))
        if status == UNAVAILABLE:
            log.info("metadata for %s could not be fetched: %s", isbn13, "; ".join(result.problems))
        return result

    @staticmethod
    async def _ask(provider: Provider, isbn13: str) -> ProviderAnswer:
        try:
            return await provider.fetch(isbn13)
        except Exception:  # a parsing bug on an odd answer must not reach the user as a crash
            log.exception("metadata provider %s failed on %s", provider.name, isbn13)
            return ProviderAnswer(provider.name, UNAVAILABLE, detail="unexpected answer")


# --------------------------------------------------------------------------- with the cache


def _cached(session_factory: sessionmaker[Session], isbn13: str) -> cache.CachedAnswer | None:
    with session_factory() as session:
        return cache.get(session, isbn13)


def _store(session_factory: sessionmaker[Session], isbn13: str, metadata: BookMetadata | None) -> None:
    with session_scope(session_factory) as session:
        cache.put(session, isbn13, metadata)


async def lookup(
    isbn: str,
    *,
    session_factory: sessionmaker[Session],
    client: MetadataClient,
    refresh: bool = False,
) -> LookupResult:
    """Metadata for an ISBN (10 or 13, hyphens allowed; raises librium.errors.Invalid when malformed).

    Served from the cache when it holds an answer (unless ``refresh``); otherwise the providers are asked
    and a FOUND or NOT_FOUND answer is cached. UNAVAILABLE (offline, timeouts...) is never cached. A
    database error on the cache only costs the cache: the lookup still answers.
    """
    isbn13 = isbn_mod.normalise(isbn)
    if not refresh:
        try:
            hit = await asyncio.to_thread(_cached, session_factory, isbn13)
        except SQLAlchemyError:
            log.exception("metadata cache read failed for %s", isbn13)
            hit = None
        if hit is not None:
            return LookupResult(isbn13, FOUND if hit.found else NOT_FOUND, hit.metadata, from_cache=True)
    result = await client.fetch(isbn13)
    if result.status in (FOUND, NOT_FOUND):
        try:
            await asyncio.to_thread(_store, session_factory, isbn13, result.metadata)
        except SQLAlchemyError:
            log.exception("metadata cache write failed for %s", isbn13)
    return result


async def lookup_many(
    isbns: Iterable[str],
    *,
    session_factory: sessionmaker[Session],
    client: MetadataClient,
) -> list[LookupResult]:
    """:func:`lookup` for several ISBNs at once (a photo with several barcodes), in the order given.

    Duplicates are looked up once; the per-provider rate limit spaces the requests.
    """
    order = list(dict.fromkeys(isbn_mod.normalise(i) for i in isbns))
    results = await asyncio.gather(
        *(lookup(i, session_factory=session_factory, client=client) for i in order)
    )
    return list(results)
