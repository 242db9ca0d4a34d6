"""Text folding for case- and accent-insensitive matching."""

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, strip accents and collapse spaces: 'García  Márquez' -> 'garcia marquez'."""
    if not text:
        return ""
    # " ".join(str.split()) is re's \s+ collapsed and stripped (both split on str.isspace), only faster.
    if text.isascii():  # nothing to decompose or transliterate (most names and titles)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters that do not decompose but have an obvious ASCII reading.
    stripped = stripped.translate(_EXTRA)
    return " ".join(stripped.casefold().split())


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
    return " ".join(str(text).split()) or None
