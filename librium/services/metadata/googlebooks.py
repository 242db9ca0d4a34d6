"""Google Books: ``/volumes?q=isbn:…`` (an API key is optional; without one the shared quota applies).

The search can return several volumes, and sometimes volumes that merely mention the number: only a
volume whose ``industryIdentifiers`` hold the ISBN asked for is accepted.
"""

from __future__ import annotations

from typing import Any

from librium.services.metadata import normalise as norm
from librium.services.metadata.http import JsonFetcher, ProviderFailure
from librium.services.metadata.models import FOUND, NOT_FOUND, UNAVAILABLE, BookMetadata, ProviderAnswer

NAME = "googlebooks"
BASE_URL = "https://www.googleapis.com/books/v1"


def parse_volumes(payload: Any, isbn13: str) -> tuple[BookMetadata | None, str | None]:
    """(metadata, why not) from a volumes search; raises ProviderFailure on a payload of the wrong shape."""
    if not isinstance(payload, dict):
        raise ProviderFailure("unexpected answer (not a JSON object)")
    items = payload.get("items")
    if not items:
        return None, "no such ISBN"
    if not isinstance(items, list):
        raise ProviderFailure("unexpected answer (items is not a list)")
    for item in items:
        info = item.get("volumeInfo") if isinstance(item, dict) else None
        if not isinstance(info, dict):
            continue
        ids = [i.get("identifier") for i in _list(info.get("industryIdentifiers")) if isinstance(i, dict)]
        if isbn13 in norm.isbn13s(ids):
            meta = _metadata(info, isbn13)
            return (meta, None) if meta else (None, "answer has no title")
    return None, "answered with another book (ISBN mismatch)"


def _metadata(info: dict[str, Any], isbn13: str) -> BookMetadata | None:
    title = norm.text(info.get("title"), 500)
    if not title:
        return None
    images = info.get("imageLinks") if isinstance(info.get("imageLinks"), dict) else {}
    cover = norm.https(images.get("thumbnail") or images.get("smallThumbnail"))
    if cover:
        cover = cover.replace("&edge=curl", "")
    link = info.get("canonicalVolumeLink") or info.get("infoLink")
    return BookMetadata(
        isbn13=isbn13,
        title=title,
        subtitle=norm.text(info.get("subtitle"), 500),
        authors=norm.names(_list(info.get("authors")), 200),
        publishers=norm.names([info.get("publisher")]),
        year=norm.year(info.get("publishedDate")),
        pages=norm.pages(info.get("pageCount")),
        languages=norm.languages([info.get("language")]),
        genres=norm.genres(_list(info.get("categories"))),
        description=norm.description(info.get("description")),
        cover_url=cover,
        source=NAME,
        source_url=norm.https(link),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class GoogleBooks:
    name = NAME

    def __init__(self, fetcher: JsonFetcher, base_url: str = BASE_URL, api_key: str | None = None):
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    async def fetch(self, isbn13: str) -> ProviderAnswer:
        params = {"q": f"isbn:{isbn13}", "maxResults": "5", "printType": "books"}
        if self.api_key:
            params["key"] = self.api_key
        try:
            payload = await self.fetcher.get(f"{self.base_url}/volumes", params)
            if payload is None:
                return ProviderAnswer(NAME, NOT_FOUND, detail="HTTP 404")
            meta, why = parse_volumes(payload, isbn13)
        except ProviderFailure as exc:
            return ProviderAnswer(NAME, UNAVAILABLE, detail=exc.reason)
        if meta is None:
            return ProviderAnswer(NAME, NOT_FOUND, detail=why)
        return ProviderAnswer(NAME, FOUND, meta)
