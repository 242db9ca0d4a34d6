"""The metadata cache (``metadata_cache``): one row per ISBN-13, found or not found.

Only real answers are stored: FOUND with its payload, or NOT_FOUND when every provider answered and none
had the ISBN. A failure to ask (offline, timeout) is never stored, so the next lookup tries again.
Not-found rows expire sooner than found ones: providers add books over time. The table holds public
bibliographic data, so it is shared by every library (no library id).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.services.metadata.models import BookMetadata

FOUND_TTL = dt.timedelta(days=180)
NOT_FOUND_TTL = dt.timedelta(days=14)


@dataclass(frozen=True)
class CachedAnswer:
    isbn13: str
    found: bool
    provider: str | None
    metadata: BookMetadata | None
    fetched_at: dt.datetime


def get(
    session: Session,
    isbn13: str,
    *,
    now: dt.datetime | None = None,
    found_ttl: dt.timedelta = FOUND_TTL,
    not_found_ttl: dt.timedelta = NOT_FOUND_TTL,
) -> CachedAnswer | None:
    """The cached answer for an ISBN-13, or None when there is none, it expired, or it cannot be read."""
    row = session.get(db.MetadataCache, isbn13)
    if row is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    if now - row.fetched_at > (found_ttl if row.found else not_found_ttl):
        return None
    metadata = None
    if row.found:
        try:
            metadata = BookMetadata.from_dict(json.loads(row.payload or ""))
        except (ValueError, TypeError, KeyError):
            return None  # an unreadable or old-format payload is a miss; the next put overwrites it
    return CachedAnswer(row.isbn13, row.found, row.provider, metadata, row.fetched_at)


def put(
    session: Session, isbn13: str, metadata: BookMetadata | None, *, now: dt.datetime | None = None
) -> None:
    """Store an answer: ``metadata`` for found, None for "no provider has this ISBN". Flushes."""
    values = {
        "found": metadata is not None,
        "provider": metadata.source if metadata else None,
        "payload": json.dumps(metadata.to_dict(), ensure_ascii=False) if metadata else None,
        "fetched_at": now or dt.datetime.now(dt.UTC),
    }
    row = session.get(db.MetadataCache, isbn13)
    if row is None:
        try:
            with session.begin_nested():  # two lookups of one ISBN may race to insert it
                session.add(db.MetadataCache(isbn13=isbn13, **values))
            return
        except IntegrityError:
            row = session.get(db.MetadataCache, isbn13, populate_existing=True)
            if row is None:
                raise
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()


def forget(session: Session, isbn13: str) -> None:
    """Drop the cached answer (the "refresh" button asks again)."""
    session.execute(delete(db.MetadataCache).where(db.MetadataCache.isbn13 == isbn13))
