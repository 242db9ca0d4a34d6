"""Book metadata from an ISBN: Open Library, then Google Books, cached in the database.

Typical use from the bot::

    client = MetadataClient.from_settings(settings)          # once, at start-up; ``await client.aclose()``
    result = await lookup(isbn, session_factory=factory, client=client)
    if result.found:
        BookInput(**book_input_kwargs(result.metadata))
    elif result.unavailable:
        ...  # "details could not be fetched; refresh later" -> lookup(..., refresh=True)
"""

from librium.services.metadata.client import MetadataClient, lookup, lookup_many
from librium.services.metadata.models import (
    FOUND,
    NOT_FOUND,
    UNAVAILABLE,
    BookMetadata,
    LookupResult,
    ProviderAnswer,
    book_input_kwargs,
)

__all__ = [
    "FOUND",
    "NOT_FOUND",
    "UNAVAILABLE",
    "BookMetadata",
    "LookupResult",
    "MetadataClient",
    "ProviderAnswer",
    "book_input_kwargs",
    "lookup",
    "lookup_many",
]
