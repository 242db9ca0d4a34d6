"""Cell readers the app mappers share (beyond :mod:`librium.services.importing.fields`).

People with roles ("Shvorne Marks (Narrator)"), star ratings on other scales or in quarter stars,
formats in each app's words, HTML reviews, yes/no cells, reading date ranges and rereads.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser

from librium.errors import Invalid
from librium.i18n import _
from librium.names import is_suffix, parse_author, split_authors
from librium.services.importing import fields
from librium.services.importing.records import BookRecord, LoanRecord, ReadingRecord
from librium.text import clean, fold

# Roles that make a person an author of the book; others (narrator, translator...) are credited in
# the notes, so /authors lists writers and not every voice actor.
AUTHOR_ROLES = {
    "",
    "author",
    "authors",
    "co-author",
    "coauthor",
    "writer",
    "primary author",
    "auteur",
    "autor",
}
_ROLE = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)\s*$")

_FORMATS = {
    "paperback": "Paperback",
    "trade paperback": "Paperback",
    "mass market paperback": "Paperback",
    "softcover": "Paperback",
    "soft cover": "Paperback",
    "broché": "Paperback",
    "poche": "Paperback",
    "livre de poche": "Paperback",
    "taschenbuch": "Paperback",
    "tapa blanda": "Paperback",
    "rústica": "Paperback",
    "brossura": "Paperback",
    "brochura": "Paperback",
    "gebundene ausgabe": "Hardcover",
    "tapa dura": "Hardcover",
    "copertina rigida": "Hardcover",
    "capa dura": "Hardcover",
    "hardcover": "Hardcover",
    "hardback": "Hardcover",
    "hard cover": "Hardcover",
    "relié": "Hardcover",
    "digital": "Ebook",
    "ebook": "Ebook",
    "e-book": "Ebook",
    "kindle": "Ebook",
    "kindle edition": "Ebook",
    "epub": "Ebook",
    "audio": "Audiobook",
    "audiobook": "Audiobook",
    "audio book": "Audiobook",
    "audible audio": "Audiobook",
    "audio cd": "Audiobook",
}
_FORMATS = {fold(name): ours for name, ours in _FORMATS.items()}  # looked up by folded name
_UNKNOWN_FORMATS = {"unknown binding", "unknown", "other", "-", "n/a", "reliure inconnue", "paper book"}


def split_role(text: str) -> tuple[str, str]:
    """ "Shvorne Marks (Narrator)" -> ("Shvorne Marks", "narrator"); no role -> (text, "")."""
    match = _ROLE.match(text.strip())
    if match and match.group("name"):
        return match.group("name").strip(), fold(match.group("role"))
    return text.strip(), ""


def _display(name: str) -> str:
    """ "Gossage, Howard" -> "Howard Gossage" (a credit is written as people read names)."""
    try:
        return parse_author(name).display if "," in name else name
    except Invalid:
        return name


def credit(record: BookRecord, people: Iterable[tuple[str, str]]) -> list[str]:
    """Add the (name, role) pairs that are authors to the record; return "Role: Name" lines for the rest."""
    others: dict[str, list[str]] = {}
    writers = []
    for name, role in people:
        name = clean(name)
        if not name:
            continue
        if fold(role) in AUTHOR_ROLES:
            writers.append(name)
        else:
            others.setdefault(clean(role).capitalize(), []).append(_display(name))
    fields.add_authors(record, writers)
    return [f"{role}: {', '.join(names)}" for role, names in others.items()]


def authors(record: BookRecord, text: str | None) -> None:
    """A cell naming one or more authors ("A, B", "A & B", "Last, First; Last, First")."""
    fields.add_authors(record, split_authors(text))


_NAME_SEPARATORS = re.compile(r"\s*(?:[,;&|\n]|\s+and\s+)\s*", re.IGNORECASE)


def name_list(text: str | None) -> list[str]:
    """Full names separated by commas (StoryGraph, Libib: "Plato,Aristotle", "Martin Luther King, Jr., X").

    Unlike :func:`librium.names.split_authors`, a comma never joins "Last, First": these apps always
    write the whole name, so only suffixes ("Jr.", "III") go back onto the name before them."""
    out: list[str] = []
    for piece in _NAME_SEPARATORS.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        if out and is_suffix(piece):
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    return out


def book_format(record: BookRecord, raw: str | None) -> None:
    """The app's format/binding in our words (Paperback, Hardcover, Ebook, Audiobook), others as written."""
    text = clean(raw)
    if not text or fold(text) in _UNKNOWN_FORMATS:
        return
    record.format = fields.name(record, _FORMATS.get(fold(text), text), "format")


def stars(record: BookRecord, raw: str | None, *, scale: int = 5, field: str = "rating") -> None:
    """A rating out of ``scale`` stars ("4", "4.0", "3.75", "3,5", "8" of 10) as half stars.

    Quarter stars (StoryGraph) are rounded to the nearest half star, halves up: 3.75 -> 4, 3.25 -> 3.5;
    the exact value is kept in a notice. 0 or empty is unrated."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return
    try:
        value = Decimal(text)
    except InvalidOperation:
        record.drop(field, text, _("not a rating"))
        return
    if not value.is_finite() or value == 0:
        return
    halves = (value * 10 / scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if not 1 <= halves <= 10 or value < 0:
        record.drop(field, text, _("a rating is 0.5 to 5 stars") if scale == 5 else _("not a rating"))
        return
    record.rating = int(halves)
    if halves * scale != value * 10:
        kept = format(halves / 2, "f").rstrip("0").rstrip(".")
        record.drop(field, text, _("kept as {stars} stars, the nearest half star").format(stars=kept))


def yes(raw: str | None) -> bool | None:
    """Yes/No, true/false, 1/0 cells; None when blank or anything else."""
    text = fold(raw)
    if text in ("yes", "y", "true", "1", "x", "oui", "si", "sí", "ja", "sim"):
        return True
    if text in ("no", "n", "false", "0", "non", "nein", "nao", "não"):
        return False
    return None


class _Text(HTMLParser):
    _BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        self.parts.append(data)


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def html_text(raw: str | None) -> str | None:
    """A review or description written in HTML as plain text with its line breaks; other text as is."""
    if not raw or not raw.strip():
        return None
    if not _TAG.search(raw):
        return html.unescape(raw).strip() if "&" in raw else raw.strip()
    parser = _Text()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip() or None


def join_notes(*parts: str | None) -> str | None:
    """Notes made of several cells (review, private notes, credits), a blank line between them."""
    texts = [p.strip() for p in parts if p and p.strip()]
    return "\n\n".join(texts) or None


def split_list(raw: str | None, sep: str = ",") -> list[str]:
    return [part.strip() for part in (raw or "").split(sep) if part.strip()]


_DAY = r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
_RANGE = re.compile(rf"^\s*(?P<start>{_DAY})?\s*(?:-|–|—|\.\.|\bto\b)\s*(?P<end>{_DAY})?\s*$")


def reading_dates(record: BookRecord, text: str, what: str) -> tuple[dt.date | None, dt.date | None]:
    """ "2023/05/23-2023/06/07" -> (start, end); "2023/06/07" -> (None, that day); "2023/05/23-" ->
    (start, None), a reading not finished."""
    text = (text or "").strip()
    if not text:
        return None, None
    match = _RANGE.match(text)
    if match and (match.group("start") or match.group("end")):
        start = fields.date(record, match.group("start"), what) if match.group("start") else None
        end = fields.date(record, match.group("end"), what) if match.group("end") else None
        return checked_span(record, start, end, what, text)
    return None, fields.date(record, text, what)


def checked_span(
    record: BookRecord, start: dt.date | None, end: dt.date | None, field: str, raw: str | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """A reading's (start, end); a start after the end cannot be kept: the end is, the start is dropped."""
    if start and end and end < start:
        record.drop(field, raw or start.isoformat(), _("the start is after the end; the start is left out"))
        return None, end
    return start, end


def rereads(
    record: BookRecord, dated: list[ReadingRecord], count: int, added: dt.date | None
) -> list[ReadingRecord]:
    """The file's dated readings plus undated ones up to ``count`` (the app's read count).

    As for Goodreads (see goodreads.py): an undated reread is recorded as finished on the day the book
    was added, or on the first dated finish when that is earlier, since a reading without a finish day
    would count as one in progress."""
    missing = max(0, min(count, 100) - len(dated))
    if not missing:
        return dated
    finishes = sorted(r.finished_on for r in dated if r.finished_on)
    day = added
    if finishes and (day is None or finishes[0] < day):
        day = finishes[0]
    if day is None:
        record.drop("Read Count", str(count), _("undated readings left out: {n}").format(n=missing))
        return dated
    return [ReadingRecord(finished_on=day) for _ in range(missing)] + dated


_YEAR_IN = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def year_in(record: BookRecord, *raws: str | None) -> None:
    """The year of a publication date in any form ("2012-10-23", "Oct 2012", "[1998?]", "1971")."""
    for raw in raws:
        text = (raw or "").strip()
        if not text:
            continue
        match = _YEAR_IN.search(text)
        fields.year(record, match.group(1) if match else text)
        return


_ISBN_SHAPE = re.compile(r"^(?:97[89]\d{10}|\d{7,9}[\dXx]|\d(?:[.,]\d+)?[Ee]\+?\d+)$")


def isbn(record: BookRecord, *raws: str | None, what: str = "ISBN") -> None:
    """The first ISBN among the cells. Values shaped like an ISBN (also with lost leading zeros, or in
    Excel's 9.78E+12) go to :func:`fields.isbn`, which decides what a damaged one becomes; another
    identifier (an ASIN, a UPC, a shop's number) is dropped, unless an ISBN was found among the cells."""
    shaped: list[tuple[str, str]] = []
    others: list[str] = []
    seen: set[str] = set()
    for raw in raws:
        text = fields.unquote_excel(raw or "")
        compact = text.replace("-", "").replace(" ", "")
        if not compact or compact in seen:
            continue
        seen.add(compact)
        (shaped.append((what, text)) if _ISBN_SHAPE.match(compact) else others.append(text))
    if shaped:
        fields.isbn(record, *shaped)
    if record.isbn13 is None:
        for text in others:
            record.drop(what, text, _("not an ISBN"))


def lending(
    record: BookRecord,
    borrower: str | None,
    field: str,
    lent_on: str | None = None,
    returned_on: str | None = None,
) -> bool:
    """A lending the app recorded ("Loaned To" and its day) as a loan of the book; True when kept.
    A day the file does not give is the import's day (apply.py); a name too long to store is dropped."""
    from librium import validation

    name = fields.name(record, borrower, field, limit=validation.BORROWER_MAX)
    if not name:
        return False
    lent = fields.date(record, lent_on, field) if lent_on and lent_on.strip() else None
    back = fields.date(record, returned_on, field) if returned_on and returned_on.strip() else None
    record.loans.append(LoanRecord(name, lent, back))
    return True
