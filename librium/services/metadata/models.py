"""What a metadata lookup returns: plain dataclasses, JSON-serialisable for the cache."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FOUND = "found"
NOT_FOUND = "not_found"  # every provider answered and none has this ISBN: cached
UNAVAILABLE = "unavailable"  # a provider could not be asked (offline, timeout, 5xx, bad JSON): not cached

PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class BookMetadata:
    """One edition as a provider describes it, already cleaned (see :mod:`.normalise`)."""

    isbn13: str
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()  # in the order the book credits them
    publishers: tuple[str, ...] = ()
    year: int | None = None
    pages: int | None = None
    languages: tuple[str, ...] = ()  # English names: "English", "French"
    genres: tuple[str, ...] = ()  # a few cleaned subjects/categories
    description: str | None = None
    cover_url: str | None = None
    source: str = ""  # the provider that supplied the data: "openlibrary" or "googlebooks"
    source_url: str | None = None  # the provider's page for this edition

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["v"] = PAYLOAD_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BookMetadata:
        """Rebuild from :meth:`to_dict`; raises ValueError/TypeError/KeyError on a foreign payload."""
        if data.get("v") != PAYLOAD_VERSION:
            raise ValueError("unknown metadata payload version")
        fields = {k: v for k, v in data.items() if k != "v"}
        for name in ("authors", "publishers", "languages", "genres"):
            fields[name] = tuple(fields.get(name) or ())
        return cls(**fields)


@dataclass(frozen=True)
class ProviderAnswer:
    """One provider's answer: FOUND with metadata, NOT_FOUND, or UNAVAILABLE with a reason."""

    provider: str
    status: str
    metadata: BookMetadata | None = None
    detail: str | None = None  # why NOT_FOUND/UNAVAILABLE, for logs ("timed out", "answered another ISBN")


@dataclass(frozen=True)
class LookupResult:
    """What the bot needs to know after asking for an ISBN.

    ``status`` is FOUND (``metadata`` is set), NOT_FOUND (no provider knows this ISBN: the book can be
    added with its ISBN alone) or UNAVAILABLE (details could not be fetched now: offer a refresh later).
    """

    isbn13: str
    status: str
    metadata: BookMetadata | None = None
    from_cache: bool = False
    answers: tuple[ProviderAnswer, ...] = field(default=())  # empty when served from the cache

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def not_found(self) -> bool:
        return self.status == NOT_FOUND

    @property
    def unavailable(self) -> bool:
        return self.status == UNAVAILABLE

    @property
    def problems(self) -> list[str]:
        """Short "provider: reason" lines for the log."""
        return [f"{a.provider}: {a.detail}" for a in self.answers if a.status == UNAVAILABLE and a.detail]


def book_input_kwargs(meta: BookMetadata) -> dict[str, Any]:
    """Keyword arguments for ``librium.services.books.BookInput`` from fetched metadata.

    Lists stay lists (BookInput treats each item of ``authors`` as one person, so "Tolkien, J. R. R."
    is not split on its comma).
    """
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "authors": list(meta.authors),
        "isbn": meta.isbn13,
        "year": meta.year,
        "pages": meta.pages,
        "publishers": list(meta.publishers),
        "languages": list(meta.languages),
        "genres": list(meta.genres),
        "description": meta.description,
        "cover_url": meta.cover_url,
        "metadata_source": meta.source or None,
    }
