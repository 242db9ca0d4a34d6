"""Series written into a title, Goodreads style: "The Name of the Wind (The Kingkiller Chronicle, #1)".

Recognised forms of the trailing parenthesis (the name may be in any script):
- "(Series, #1)", "(Series #1)", "(Series, #1.5)" - fractional indices kept exactly;
- "(Series, #1-3)" / "(Series #3-4)" - an omnibus: the index is the first number of the range;
- "(Series, #4, Part 2)" - the part is ignored (the title itself usually says it);
- "(Series, Book 2)", "(Series Book 2)", "(Series, Vol. 2)", "(Series, Volume 2)", "(Series, 4)";
- "(Series, #9; Other Series #4)" - a book in two series: the first.
A parenthesis without a number ("(French Edition)", "(Incerto)") is left in the title: an unnumbered
series cannot be told from an edition note. When the series parenthesis is followed by an edition note
("Title (Series Book 3) (Russian Edition)"), the series is still found and the note stays in the title.
"""

from __future__ import annotations

import re
from decimal import Decimal

_NUMBER = r"\d+(?:[.,]\d+)?"
_SERIES_FORMS = (
    # Name, #1 / Name #1.5 / Name, #1-3 / Name #4, Part 2
    re.compile(rf"^(?P<name>.+?),?\s*#\s*(?P<index>{_NUMBER})(?:\s*[-–]\s*{_NUMBER})?(?:\s*,\s*[^#]*)?$"),
    # Name, Book 2 / Name Vol. 2 / Name, Volume 2 / Name Part 2
    re.compile(
        rf"^(?P<name>.+?),?\s+(?:book|vol\.?|volume|part|tome|tom|band|livre|libro)\s*(?P<index>{_NUMBER})$",
        re.IGNORECASE,
    ),
    # Name, 4
    re.compile(rf"^(?P<name>.*\D),\s*(?P<index>{_NUMBER})$"),
)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def parse_series(text: str) -> tuple[str, Decimal] | None:
    """Parse the inside of a series parenthesis ("The Kingkiller Chronicle, #1"), or None.

    A book in two series ("Discworld, #9; Rincewind #4") is taken in the first."""
    if ";" in text:
        first = parse_series(text.split(";", 1)[0])
        if first:
            return first
    inner = text.strip()
    for form in _SERIES_FORMS:
        match = form.match(inner)
        if match:
            name = match.group("name").strip(" ,")
            if not name or name.isdigit():
                return None
            return name, Decimal(match.group("index").replace(",", "."))
    return None


def split_series_title(title: str) -> tuple[str, str | None, Decimal | None]:
    """Return (title without the series, series name or None, index or None)."""
    rest = title.strip()
    kept: list[str] = []  # edition notes after the series parenthesis, innermost last
    for _ in range(3):  # look at most three parentheses back from the end
        match = _TRAILING_PAREN.search(rest)
        if not match or match.start() == 0:
            break
        parsed = parse_series(match.group(1))
        if parsed:
            base = rest[: match.start()].strip()
            suffix = "".join(f" ({note})" for note in reversed(kept))
            return base + suffix, parsed[0], parsed[1]
        kept.append(match.group(1))
        rest = rest[: match.start()]
    return title.strip(), None, None


def format_index(index: Decimal | None) -> str:
    """1 -> "1", 1.500 -> "1.5", 2.25 -> "2.25": never rounds a fractional index away."""
    if index is None:
        return ""
    text = format(index.normalize(), "f")
    return text


def series_in_title(title: str, series: str, index: Decimal | None) -> str:
    """The Goodreads form: "Title (Series, #1.5)"; an unnumbered series is written "(Series)"."""
    if index is None:
        return f"{title} ({series})"
    return f"{title} ({series}, #{format_index(index)})"
