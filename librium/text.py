"""Text folding for case- and accent-insensitive matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip accents and collapse spaces: 'García  Márquez' -> 'garcia marquez'."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose or transliterate (most names and titles)
        return _SPACES.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters that do not decompose but have an obvious ASCII reading.
    stripped = stripped.translate(_EXTRA)
    return _SPACES.sub(" ", stripped.casefold()).strip()


_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
    }
)


def clean(text: str | None) -> str | None:
    """Strip and collapse whitespace; None for blank input."""
    if text is None:
        return None
    text = _SPACES.sub(" ", str(text)).strip()
    return text or None
