"""The bot's ISBN lookups: one MetadataClient per process (in bot_data), cached in the database."""

from __future__ import annotations

from telegram.ext import Application, ContextTypes

from bot.runtime.dbcall import SESSION_FACTORY, SETTINGS
from librium.errors import LibriumError
from librium.services.metadata import LookupResult, MetadataClient, lookup, lookup_many

CLIENT = "metadata_client"


def install(application: Application) -> None:
    """Create the client (closed in post_shutdown); no client when lookups are switched off."""
    settings = application.bot_data[SETTINGS]
    if settings.metadata_lookups:
        application.bot_data[CLIENT] = MetadataClient.from_settings(
            settings, openlibrary_url=settings.openlibrary_url, googlebooks_url=settings.googlebooks_url
        )


async def close(application: Application) -> None:
    client = application.bot_data.pop(CLIENT, None)
    if client is not None:
        await client.aclose()


async def lookup_isbn(
    context: ContextTypes.DEFAULT_TYPE, isbn: str, *, refresh: bool = False
) -> LookupResult | None:
    """Metadata for one ISBN (cache first), or None when lookups are off. Raises Invalid on a bad ISBN."""
    return await lookup_with(context.application, isbn, refresh=refresh)


async def lookup_with(application: Application, isbn: str, *, refresh: bool = False) -> LookupResult | None:
    """:func:`lookup_isbn` outside an update (the Mini App's scanner)."""
    client = application.bot_data.get(CLIENT)
    if client is None:
        return None
    factory = application.bot_data[SESSION_FACTORY]
    return await lookup(isbn, session_factory=factory, client=client, refresh=refresh)


async def lookup_isbns(context: ContextTypes.DEFAULT_TYPE, isbns: list[str]) -> list[LookupResult] | None:
    client = context.application.bot_data.get(CLIENT)
    if client is None:
        return None
    return await lookup_many(
        isbns, session_factory=context.application.bot_data[SESSION_FACTORY], client=client
    )


async def try_lookup_isbn(
    context: ContextTypes.DEFAULT_TYPE, isbn13: str, *, refresh: bool = False
) -> LookupResult | None:
    """:func:`lookup_isbn`, with None also for an ISBN the lookup refuses (the add goes on without).

    ``refresh`` asks the providers again even when the cache holds an answer (the Refresh button).
    """
    try:
        return await lookup_isbn(context, isbn13, refresh=refresh)
    except LibriumError:
        return None
