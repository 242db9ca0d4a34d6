"""Cell parsers shared by the readers. Each checks with librium.validation and records what went wrong.

``problem`` means the row cannot be imported as it is (the user typed something we cannot store);
``notice`` means a value was left out but the book is fine (e.g. Goodreads' year -560 for Aesop).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from librium import validation
from librium.errors import Invalid
from librium.i18n import _
from librium.names import parse_author
from librium.services.importing.records import AuthorRecord, BookRecord
from librium.text import clean

_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%Y.%m.%d", "%d/%m/%Y")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def unquote_excel(value: str) -> str:
    """Goodreads writes ISBNs as ="0441172717" so spreadsheets keep the zeros: take the inside."""
    text = value.strip()
    if text.startswith("="):
        text = text[1:].strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.strip()


def isbn(record: BookRecord, *values: str) -> None:
    """The first valid ISBN among ``values`` (ISBN13 column first); if all are bad, that is a problem."""
    first_error = None
    for raw in values:
        text = unquote_excel(raw or "")
        if not text:
            continue
        try:
            record.isbn13 = validation.isbn(text)
            return
        except Invalid as exc:
            first_error = first_error or exc.message
    if first_error:
        record.problems.append(first_error)


def year(record: BookRecord, *values: str) -> None:
    """First year in range among ``values``; a year we cannot store is a notice, not a problem."""
    dropped = []
    for raw in values:
        text = (raw or "").strip()
        if not text:
            continue
        try:
            record.release_year = validation.year(text)
            return
        except Invalid:
            dropped.append(text)
    if dropped:
        record.notices.append(
            _("year {year} left out (years {first}–{last})").format(
                year=dropped[0], first=validation.MIN_YEAR, last=validation.max_year()
            )
        )


def pages(record: BookRecord, raw: str) -> None:
    text = (raw or "").strip()
    if not text or text == "0":  # Goodreads writes 0 for "unknown"
        return
    try:
        record.page_count = validation.pages(text)
    except Invalid as exc:
        record.problems.append(exc.message)


def date(record: BookRecord, raw: str, what: str) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    record.problems.append(
        _("{what} “{text}” is not a date (use YYYY/MM/DD).").format(what=what, text=text[:30])
    )
    return None


def timestamp(record: BookRecord, raw: str, what: str) -> dt.datetime | None:
    """A date or ISO timestamp as an aware UTC datetime (a bare date is midnight UTC)."""
    text = (raw or "").strip()
    if not text:
        return None
    if "T" in text or re.fullmatch(r"\d{4}-\d{2}-\d{2} \d.*", text):
        try:
            value = dt.datetime.fromisoformat(text)
            return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        except ValueError:
            pass
    day = date(record, text, what)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def integer(record: BookRecord, raw: str, what: str, default: int = 0) -> int:
    text = (raw or "").strip()
    if not text:
        return default
    try:
        return int(Decimal(text))
    except Exception:
        record.problems.append(_("{what} “{text}” is not a number.").format(what=what, text=text[:30]))
        return default


def stars(record: BookRecord, raw: str) -> None:
    """A 0-5 star rating (halves allowed); 0 means unrated."""
    text = (raw or "").strip()
    if not text or text in ("0", "0.0", "0,0"):
        return
    try:
        record.rating = validation.rating(text)
    except Invalid as exc:
        record.problems.append(exc.message)


def half_stars(record: BookRecord, raw: str) -> int | None:
    """A stored rating (1..10 half stars), as our own export writes it."""
    try:
        return validation.half_stars(int(raw))
    except (ValueError, Invalid):
        record.problems.append(_("“{value}” is not a rating (1 to 10 half stars).").format(value=raw[:10]))
        return None


def name(record: BookRecord, raw: str | None, what: str, limit: int = validation.NAME_MAX) -> str | None:
    text = clean(raw)
    if not text:
        return None
    try:
        return validation.name(text, what, limit=limit)
    except Invalid as exc:
        record.problems.append(exc.message)
        return None


def names(record: BookRecord, values, what: str, limit: int = validation.NAME_MAX) -> list[str]:
    """Valid, distinct (by folded key) names in order."""
    from librium.text import fold

    out: list[str] = []
    seen: set[str] = set()
    for raw in values:
        value = name(record, raw, what, limit)
        if value and fold(value) not in seen:
            seen.add(fold(value))
            out.append(value)
    return out


@lru_cache(maxsize=20_000)
def _parse_author(text: str) -> AuthorRecord | str:
    """The author for a cleaned name, or the Invalid message (cached: files repeat their authors)."""
    try:
        parsed = parse_author(text)
        validation.name(parsed.display, "author name", limit=300)
        for part, limit in (
            (parsed.first, validation.PERSON_PART_MAX),
            (parsed.middle, validation.PERSON_PART_MAX),
            (parsed.last, validation.PERSON_PART_MAX),
            (parsed.prefix, validation.AFFIX_MAX),
            (parsed.suffix, validation.AFFIX_MAX),
        ):
            validation.optional_text(part, "author's name part", limit)
    except Invalid as exc:
        return exc.message
    return AuthorRecord(
        display=parsed.display,
        first=parsed.first,
        middle=parsed.middle,
        last=parsed.last,
        prefix=parsed.prefix,
        suffix=parsed.suffix,
    )


def author(record: BookRecord, raw: str) -> AuthorRecord | None:
    text = clean(raw)
    if not text:
        return None
    found = _parse_author(text)
    if isinstance(found, str):
        record.problems.append(found)
        return None
    return found


def add_authors(record: BookRecord, raws) -> None:
    from librium.text import fold

    seen = {fold(a.display) for a in record.authors}
    for raw in raws:
        found = author(record, raw)
        if found and fold(found.display) not in seen:
            seen.add(fold(found.display))
            record.authors.append(found)


def title(record: BookRecord, raw: str) -> str:
    try:
        return validation.title(raw)
    except Invalid as exc:
        record.problems.append(exc.message)
        return clean(raw) or ""


def series_index(record: BookRecord, raw) -> Decimal | None:
    try:
        return validation.series_index(raw)
    except Invalid as exc:
        record.problems.append(exc.message)
        return None


def notes(*parts: str | None) -> str | None:
    """Join review/notes cells; Goodreads writes line breaks as <br/>."""
    texts = []
    for part in parts:
        if part and part.strip():
            texts.append(_HTML_BREAK.sub("\n", part).strip())
    return "\n\n".join(texts) or None
