"""Cell parsers shared by every format's mapper. Each checks with librium.validation.

The rule: a value that cannot be kept is never a reason to refuse its row. The parser leaves the
field empty and calls ``record.drop(field, value, reason)``, so the value is kept verbatim in the
book's import note, listed in the dry run under "values I couldn't keep" and shown by /problems.
``field`` is the column as the file names it ("ISBN13", "My Rating"): that is what the user sees.

Cells arrive stripped of the file's padding; Excel's ``="…"`` is taken off by :func:`unquote_excel`
(the reader does it for every cell, the parsers again for safety).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from stdnum import ean

from librium import isbn as isbn_mod
from librium import validation
from librium.errors import Invalid
from librium.i18n import _
from librium.names import parse_author
from librium.services.importing import dates
from librium.services.importing.formats import file_facts
from librium.services.importing.records import AuthorRecord, BookRecord
from librium.text import clean, fold

_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^\d(?:[.,](\d+))?[eE]\+?(\d+)$")
_ISBN_TOKEN = re.compile(r"[0-9][0-9\- ]{7,}[0-9Xx]|[0-9]{8,}[Xx]?|\d[.,]\d+[eE]\+?\d+")
_LEADING_INT = re.compile(r"^(\d+)(?:[.,]0+)?\s*(?:p\.?|pp\.?|pages?|pgs?\.?|s\.|стр\.?)?$", re.IGNORECASE)
_MONEY = re.compile(r"(\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?)")
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR", "zł": "PLN", "R$": "BRL"}


def unquote_excel(value: str | None) -> str:
    """``="0441172717"`` (how Goodreads keeps an ISBN's zeros in a spreadsheet) -> ``0441172717``."""
    text = (value or "").strip()
    if text.startswith("="):
        text = text[1:].strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
    elif len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.strip()


# --------------------------------------------------------------------------- ISBNs


def _scientific(text: str) -> str | bool | None:
    """Digits of an ISBN that Excel wrote as ``9.78059E+12``; False when the digits were rounded away."""
    match = _SCIENTIFIC.match(text)
    if not match:
        return None
    fraction, exponent = match.group(1) or "", int(match.group(2))
    if len(fraction) < exponent:
        return False  # 9.78059E+12 keeps 6 of 13 digits: the rest are gone
    return str(int(Decimal(text.replace(",", "."))))


def parse_isbn(text: str) -> tuple[str | None, str | None]:
    """(ISBN-13, None), or (None, why it cannot be kept); (None, None) for an empty cell."""
    raw = unquote_excel(text).strip("[]() ")
    if not raw:
        return None, None
    tokens = _ISBN_TOKEN.findall(raw) or [raw]
    reason = None
    for token in tokens:
        compact = re.sub(r"[\s\-]", "", token)
        digits = _scientific(compact)
        if digits is False:
            reason = reason or _("a spreadsheet rounded it; the full number is lost")
            continue
        compact = (digits or compact).upper()
        if (  # the common case, checked cheaply
            len(compact) == 13
            and compact.isdigit()
            and compact.startswith(("978", "979"))
            and ean.calc_check_digit(compact[:12]) == compact[12]
        ):
            return compact, None
        if (
            compact[:-1].isdigit()
            and (compact[-1].isdigit() or compact[-1] == "X")
            and 8 <= len(compact) <= 9
        ):
            compact = compact.zfill(10)  # a spreadsheet took its leading zeros
        try:
            return isbn_mod.normalise(compact), None
        except Invalid:
            if compact[:-1].isdigit() and len(compact) in (10, 13):
                reason = reason or _("wrong check digit")
            else:
                reason = reason or _("not an ISBN")
    return None, reason


def isbn(record: BookRecord, *cells: tuple[str, str | None] | str | None) -> None:
    """The first ISBN that can be kept among ``(field, value)`` cells (ISBN-13 column first).

    Only when none can be kept are the bad ones dropped (an ISBN-13 that Excel rounded is not lost
    when the ISBN-10 column still has the number).
    """
    bad = []
    for cell in cells:
        field, raw = ("ISBN", cell) if isinstance(cell, str) or cell is None else cell
        found, reason = parse_isbn(raw or "")
        if found:
            record.isbn13 = found
            return
        if reason:
            bad.append((field, raw, reason))
    for field, raw, reason in bad:
        record.drop(field, unquote_excel(raw), reason)


# --------------------------------------------------------------------------- numbers


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def year(record: BookRecord, *cells: tuple[str, str | None] | str | None) -> None:
    """The first year that can be kept among ``(field, value)`` cells; bad ones before it are dropped."""
    for cell in cells:
        field, raw = ("year", cell) if isinstance(cell, str) or cell is None else cell
        text = unquote_excel(raw)
        if not text:
            continue
        number = _number(text)
        if number is None:
            match = re.match(r"^\[?(\d{4})\b", text)  # a date where a year was asked for
            number = Decimal(match.group(1)) if match else None
        try:
            if number is None or number != number.to_integral():
                raise Invalid(_("not a year"))
            record.release_year = validation.year(int(number))
            return
        except Invalid:
            record.drop(
                field,
                text,
                _("not a year from {first} to {last}").format(
                    first=validation.MIN_YEAR, last=validation.max_year()
                ),
            )


def pages(record: BookRecord, raw: str | None, field: str = "pages") -> None:
    """A page count; 0 means unknown (Goodreads writes 0), "320 pages" and "320.0" are 320."""
    text = unquote_excel(raw)
    if not text or text in ("0", "0.0"):
        return
    match = _LEADING_INT.match(text)
    try:
        if not match:
            raise Invalid(_("not a page count"))
        record.page_count = validation.pages(int(match.group(1)))
    except Invalid as exc:
        record.drop(field, text, exc.message if match else _("not a page count"))


def integer(record: BookRecord, raw: str | None, field: str, default: int = 0) -> int:
    text = unquote_excel(raw)
    if not text:
        return default
    number = _number(text)
    if number is None or number != number.to_integral():
        record.drop(field, text, _("not a whole number"))
        return default
    return int(number)


def stars(record: BookRecord, raw: str | None, field: str = "rating") -> None:
    """A 0-5 star rating: ``4``, ``4.0``, ``4,5``, ``3.000000``; 0 means unrated.

    Quarter stars (StoryGraph's ``3.75``) are rounded to the nearest half star, the finest we store.
    """
    text = unquote_excel(raw)
    number = _number(text) if text else None
    if text and number is None:
        record.drop(field, text, _("not a rating"))
        return
    if not number:
        return
    halves = (number * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if not 1 <= halves <= 10:
        record.drop(field, text, _("a rating is 0.5 to 5 stars"))
        return
    record.rating = int(halves)


def half_stars(record: BookRecord, raw: str | None, field: str = "rating") -> int | None:
    """A stored rating (1..10 half stars), as our own export writes it."""
    text = (raw or "").strip()
    try:
        return validation.half_stars(int(text))
    except (ValueError, Invalid):
        record.drop(field, text, _("not a rating from 1 to 10 half stars"))
        return None


def price(record: BookRecord, raw: str | None, field: str = "price") -> None:
    """``12.99``, ``$12.99``, ``12,99 €``, ``EUR 12.99`` -> price (and currency when it is written)."""
    text = unquote_excel(raw)
    if not text:
        return
    match = _MONEY.search(text)
    amount = match.group(1) if match else ""
    if "," in amount and "." in amount:  # 1,234.50 or 1.234,50: the last separator is the decimal one
        amount = amount.replace("," if amount.rfind(".") > amount.rfind(",") else ".", "")
    try:
        record.price = validation.price(amount) if amount else None
    except Invalid:
        record.price = None
    if record.price is None:
        record.drop(field, text, _("not a price"))
        return
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    code = next((c for sign, c in _CURRENCY_SIGNS.items() if sign in rest), None)
    letters = re.fullmatch(r"[A-Za-z]{3}", rest)
    if code is None and letters:
        code = letters.group(0).upper()
    record.currency = code


def series_index(record: BookRecord, raw, field: str = "series number") -> Decimal | None:
    try:
        return validation.series_index(raw)
    except Invalid:
        record.drop(field, str(raw), _("not a series number"))
        return None


# --------------------------------------------------------------------------- dates


def _plausible(value: dt.datetime | None) -> bool:
    return value is not None and validation.MIN_YEAR <= value.year <= validation.max_year()


def date(record: BookRecord, raw: str | None, field: str, order: str | None = None) -> dt.date | None:
    """A day, read with the file's day/month ``order`` (default: ``file_facts().date_order``); else dropped."""
    text = unquote_excel(raw)
    if not text:
        return None
    value = dates.parse(text, order or file_facts().date_order)
    if not _plausible(value):
        record.drop(field, text, _("not a date"))
        return None
    return value.date()


def timestamp(
    record: BookRecord, raw: str | None, field: str, order: str | None = None
) -> dt.datetime | None:
    """A date or timestamp as an aware UTC datetime (a bare date is midnight UTC)."""
    text = unquote_excel(raw)
    if not text:
        return None
    if "T" in text:
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if _plausible(value):
                return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
        except ValueError:
            pass
    value = dates.parse(text, order or file_facts().date_order)
    if not _plausible(value):
        record.drop(field, text, _("not a date"))
        return None
    return value.replace(tzinfo=dt.UTC)


# --------------------------------------------------------------------------- names and text


def name(record: BookRecord, raw: str | None, field: str, limit: int = validation.NAME_MAX) -> str | None:
    """A name (publisher, tag, shelf, series...), or None (dropped when it cannot be stored)."""
    text = clean(raw)
    if not text:
        return None
    try:
        return validation.name(text, field, limit=limit)
    except Invalid:
        record.drop(field, text, _("too long to store"))
        return None


def names(record: BookRecord, values, field: str, limit: int = validation.NAME_MAX) -> list[str]:
    """Names that can be kept, distinct by folded key, in their order."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in values:
        value = name(record, raw, field, limit)
        if value and fold(value) not in seen:
            seen.add(fold(value))
            out.append(value)
    return out


@lru_cache(maxsize=20_000)
def _parse_author(text: str) -> AuthorRecord | None:
    """The author for a cleaned name, or None when it cannot be stored (cached: files repeat authors)."""
    try:
        parsed = parse_author(text)
        validation.name(parsed.display, "author name", limit=validation.NAME_MAX)
        for part in (parsed.first, parsed.middle, parsed.last, parsed.prefix, parsed.suffix):
            validation.optional_text(part, "author's name part", validation.PERSON_PART_MAX)
    except Invalid:
        return None
    return AuthorRecord(
        display=parsed.display,
        first=parsed.first,
        middle=parsed.middle,
        last=parsed.last,
        prefix=parsed.prefix,
        suffix=parsed.suffix,
    )


def author(record: BookRecord, raw: str | None, field: str = "author") -> AuthorRecord | None:
    text = clean(raw)
    if not text:
        return None
    found = _parse_author(text)
    if found is None:
        record.drop(field, text, _("not a name I can store"))
    return found


def add_authors(record: BookRecord, raws, field: str = "author") -> None:
    """Append the authors among ``raws`` that the record does not have yet (by folded name)."""
    seen = {fold(a.display) for a in record.authors}
    for raw in raws:
        found = author(record, raw, field)
        if found and fold(found.display) not in seen:
            seen.add(fold(found.display))
            record.authors.append(found)


def title(record: BookRecord, raw: str | None, field: str = "title") -> str:
    """The title; an over-long one keeps its first ``TITLE_MAX`` characters (the whole in the note)."""
    text = clean(raw) or ""
    if len(text) <= validation.TITLE_MAX:
        return text
    record.drop(field, text, _("shortened to {n} characters").format(n=validation.TITLE_MAX))
    cut = text[: validation.TITLE_MAX]
    return cut.rsplit(" ", 1)[0] if " " in cut[-40:] else cut


def notes(*parts: str | None) -> str | None:
    """Join review/notes cells; Goodreads writes line breaks as <br/>."""
    texts = []
    for part in parts:
        if part and part.strip():
            texts.append(_HTML_BREAK.sub("\n", part).strip())
    return "\n\n".join(texts) or None
