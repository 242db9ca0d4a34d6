"""Open Library: the Books API (``jscmd=data``) for the core fields, then the edition and work records.

``/api/books?bibkeys=ISBN:…&jscmd=data`` gives title, subtitle, authors (named, in order), publishers,
publish date, pages, subjects and cover in one request, but neither languages nor a description. Those
come from the edition record (``/books/OL…M.json``) and, when the edition has no description, from its
work (``/works/OL…W.json``). The two extra requests are best effort: if they fail, the core stays.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from librium.services.metadata import normalise as norm
from librium.services.metadata.http import JsonFetcher, ProviderFailure
from librium.services.metadata.models import FOUND, NOT_FOUND, UNAVAILABLE, BookMetadata, ProviderAnswer

NAME = "openlibrary"
BASE_URL = "https://openlibrary.org"


def parse_books_api(payload: Any, isbn13: str) -> tuple[BookMetadata | None, str | None, str | None]:
    """(metadata, edition key, why not) from a ``jscmd=data`` answer.

    Raises ProviderFailure when the payload is not the expected shape at all.
    """
    if not isinstance(payload, dict):
        raise ProviderFailure("unexpected answer (not a JSON object)")
    entry = payload.get(f"ISBN:{isbn13}")
    if entry is None and len(payload) == 1:
        entry = next(iter(payload.values()))
    if entry is None:
        return None, None, "no such ISBN"
    if not isinstance(entry, dict):
        raise ProviderFailure("unexpected answer (entry is not an object)")
    identifiers = entry.get("identifiers") if isinstance(entry.get("identifiers"), dict) else {}
    listed = [*(_list(identifiers.get("isbn_13"))), *(_list(identifiers.get("isbn_10")))]
    if isbn13 not in norm.isbn13s(listed):
        return None, None, "answered with another book (ISBN mismatch)"
    title = norm.text(entry.get("title"), 500)
    if not title:
        return None, None, "answer has no title"
    cover = entry.get("cover") if isinstance(entry.get("cover"), dict) else {}
    meta = BookMetadata(
        isbn13=isbn13,
        title=title,
        subtitle=norm.text(entry.get("subtitle"), 500),
        authors=norm.names((a.get("name") for a in _list(entry.get("authors")) if isinstance(a, dict)), 200),
        publishers=norm.names(p.get("name") for p in _list(entry.get("publishers")) if isinstance(p, dict)),
        year=norm.year(entry.get("publish_date")),
        pages=norm.pages(entry.get("number_of_pages"), entry.get("pagination")),
        genres=norm.genres(_list(entry.get("subjects"))),
        cover_url=norm.https(cover.get("large") or cover.get("medium") or cover.get("small")),
        source=NAME,
        source_url=norm.https(entry.get("url")),
    )
    key = entry.get("key")
    return meta, key if isinstance(key, str) and key.startswith("/books/") else None, None


def enrich_from_edition(meta: BookMetadata, edition: Any) -> tuple[BookMetadata, str | None]:
    """Languages, description (and missing fields) from the edition record; returns the work key too."""
    if not isinstance(edition, dict):
        return meta, None
    langs = norm.languages(
        lang.get("key") for lang in _list(edition.get("languages")) if isinstance(lang, dict)
    )
    works = [w.get("key") for w in _list(edition.get("works")) if isinstance(w, dict)]
    work_key = next((w for w in works if isinstance(w, str) and w.startswith("/works/")), None)
    meta = _replace_missing(
        meta,
        languages=langs,
        description=norm.description(edition.get("description")),
        subtitle=norm.text(edition.get("subtitle"), 500),
        pages=norm.pages(edition.get("number_of_pages")),
        publishers=norm.names(_list(edition.get("publishers"))),
        genres=norm.genres(_list(edition.get("subjects"))),
    )
    return meta, work_key


def enrich_from_work(meta: BookMetadata, work: Any) -> BookMetadata:
    if not isinstance(work, dict):
        return meta
    return _replace_missing(
        meta,
        description=norm.description(work.get("description")),
        genres=norm.genres(_list(work.get("subjects"))),
    )


def _replace_missing(meta: BookMetadata, **values: Any) -> BookMetadata:
    fill = {k: v for k, v in values.items() if v and not getattr(meta, k)}
    return replace(meta, **fill) if fill else meta


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class OpenLibrary:
    name = NAME

    def __init__(self, fetcher: JsonFetcher, base_url: str = BASE_URL):
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")

    async def fetch(self, isbn13: str) -> ProviderAnswer:
        try:
            payload = await self.fetcher.get(
                f"{self.base_url}/api/books", {"bibkeys": f"ISBN:{isbn13}", "format": "json", "jscmd": "data"}
            )
            if payload is None:
                return ProviderAnswer(NAME, NOT_FOUND, detail="HTTP 404")
            meta, edition_key, why = parse_books_api(payload, isbn13)
        except ProviderFailure as exc:
            return ProviderAnswer(NAME, UNAVAILABLE, detail=exc.reason)
        if meta is None:
            return ProviderAnswer(NAME, NOT_FOUND, detail=why)
        if edition_key:
            meta = await self._enrich(meta, edition_key)
        return ProviderAnswer(NAME, FOUND, meta)

    async def _enrich(self, meta: BookMetadata, edition_key: str) -> BookMetadata:
        try:
            edition = await self.fetcher.get(f"{self.base_url}{edition_key}.json")
            meta, work_key = enrich_from_edition(meta, edition)
            if work_key and (not meta.description or not meta.genres):
                meta = enrich_from_work(meta, await self.fetcher.get(f"{self.base_url}{work_key}.json"))
        except ProviderFailure:
            pass  # the core answer stands; languages/description stay empty
        return meta
