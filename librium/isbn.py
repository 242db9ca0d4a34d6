"""ISBN handling, wrapping python-stdnum (no hand-rolled check digits)."""

from stdnum import isbn as _isbn
from stdnum.exceptions import ValidationError

from librium.errors import Invalid


def normalise(value: str) -> str:
    """Return the ISBN-13 form of an ISBN-10 or ISBN-13 (hyphens/spaces allowed), or raise Invalid."""
    raw = str(value).strip()
    try:
        compact = _isbn.validate(raw)
    except ValidationError:
        raise Invalid(
            f"“{raw[:40]}” is not a valid ISBN: expected 10 or 13 digits with a correct check digit."
        ) from None
    if len(compact) == 10:
        return _isbn.to_isbn13(compact)
    return compact


def try_normalise(value: str | None) -> str | None:
    """Like normalise() but returns None instead of raising."""
    if not value:
        return None
    try:
        return normalise(value)
    except Invalid:
        return None


def looks_like_isbn(text: str) -> bool:
    """True when the whole text is a valid ISBN-10/13 (possibly hyphenated)."""
    return try_normalise(text) is not None


def to_isbn10(isbn13: str) -> str | None:
    """ISBN-10 form of a 978 ISBN-13, or None for 979 numbers."""
    try:
        return _isbn.to_isbn10(isbn13)
    except ValidationError:
        return None


def hyphenate(isbn13: str) -> str:
    """Hyphenated display form, falling back to the compact form."""
    try:
        return _isbn.format(isbn13)
    except Exception:
        return isbn13
