"""StoryGraph's CSV export (Manage account -> Export StoryGraph library) -> BookRecord.

Layout (2022-2026): Title, Authors, Contributors, ISBN/UID, Format, Read Status, Date Added,
Last Date Read, Dates Read, Read Count, Moods, Pace, Character- or Plot-Driven?, Strong Character
Development?, Loveable Characters?, Diverse Characters?, Flawed Characters?, Star Rating, Review,
Content Warnings, Content Warning Description, Tags, Owned?. Files cut after "Last Date Read" (a
spreadsheet's save of the first eight columns) are read too.

Decisions:
- Authors are comma-separated; Contributors are "Name (Role)": roles that write (none, Author) join
  the authors, the others (Narrator, Translator, Illustrator...) are credited in the notes.
- ISBN/UID is an ISBN, or another id (an ASIN, a Goodreads number): that is noted and left out.
- Format: paperback, hardcover, digital (-> Ebook), audio (-> Audiobook).
- Read Status: read, currently-reading (-> reading, with an open reading), to-read, did-not-finish
  (-> abandoned, its last reading marked abandoned), paused (-> reading, tagged "paused").
- Dates Read: readings, each a day ("2023/06/07": finished that day) or a range ("2023/05/23-2023/06/07");
  several are separated by commas. Without it, Last Date Read is the one finished reading. Read Count
  above the dated readings adds undated rereads (as for Goodreads: on the day the book was added).
- Star Rating in quarter stars: rounded to our half stars (3.75 -> 4), the exact value noted.
- Review (HTML) -> notes, followed by the review's answers (moods, pace, characters, content warnings).
- Tags -> tags. Owned? Yes -> owned, one copy. Owned? No -> not owned (a to-read book is then on the
  wishlist); when no row of the file says Yes the column was never used, and books that are not
  to-read count as owned, as for Goodreads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Format, file_facts
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.importing.series_title import split_series_title
from librium.text import fold

COLUMNS = (
    "title",
    "authors",
    "contributors",
    "isbn/uid",
    "format",
    "read status",
    "date added",
    "last date read",
    "dates read",
    "read count",
    "moods",
    "pace",
    "character- or plot-driven?",
    "strong character development?",
    "loveable characters?",
    "diverse characters?",
    "flawed characters?",
    "star rating",
    "review",
    "content warnings",
    "content warning description",
    "tags",
    "owned?",
)
STATUSES = {
    "read": "read",
    "currently-reading": "reading",
    "to-read": "to-read",
    "did-not-finish": "abandoned",
    "paused": "reading",
}
_ANSWERS = (
    ("moods", "Moods"),
    ("pace", "Pace"),
    ("character- or plot-driven?", "Character- or plot-driven"),
    ("strong character development?", "Strong character development"),
    ("loveable characters?", "Loveable characters"),
    ("diverse characters?", "Diverse characters"),
    ("flawed characters?", "Flawed characters"),
    ("content warnings", "Content warnings"),
    ("content warning description", "Content warning description"),
)


def _readings(record: BookRecord, get) -> list[ReadingRecord]:
    readings = []
    for part in re.split(r"\s*[,;]\s*", get("dates read", "") or ""):
        start, end = common.reading_dates(record, part, "Dates Read")
        if start or end:
            readings.append(ReadingRecord(started_on=start, finished_on=end))
    if not readings and not get("dates read"):
        last = fields.date(record, get("last date read", ""), "Last Date Read")
        if last:
            readings.append(ReadingRecord(finished_on=last))
    return readings


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    record = BookRecord(line=line)
    get = row.get

    title, series, index = split_series_title(get("title", ""))
    record.title = fields.title(record, title)
    if series:
        name = fields.name(record, series, "series name", limit=200)
        if name:
            record.series.append((name, fields.series_index(record, index)))

    fields.add_authors(record, common.name_list(get("authors")))
    credits = common.credit(record, [common.split_role(p) for p in common.split_list(get("contributors"))])
    common.isbn(record, get("isbn/uid"), what="ISBN/UID")
    common.book_format(record, get("format"))

    raw_status = fold(get("read status", "")).replace(" ", "-")
    record.status = STATUSES.get(raw_status, "to-read")
    tags = common.split_list(get("tags"))
    if raw_status == "paused":
        tags.append("paused")
    elif raw_status and raw_status not in STATUSES:
        tags.append(get("read status", "").strip())
    record.tags = fields.names(record, tags, "tag")

    record.created_at = fields.timestamp(record, get("date added", ""), "Date Added")
    readings = _readings(record, get)
    count = fields.integer(record, get("read count", ""), "Read Count")
    added = record.created_at.date() if record.created_at else None
    finished = [r for r in readings if r.finished_on]
    open_ = [r for r in readings if not r.finished_on]
    if record.status == "read":
        readings = common.rereads(record, finished, count, added) + open_
    if record.status == "abandoned":
        last = readings.pop() if readings else ReadingRecord()
        readings.append(
            ReadingRecord(started_on=last.started_on, finished_on=last.finished_on, abandoned=True)
        )
    elif record.status == "reading" and not open_:
        readings.append(ReadingRecord())  # the reading in progress
    record.readings = readings

    common.stars(record, get("star rating"))
    answers = [f"{label}: {get(key).strip()}" for key, label in _ANSWERS if (get(key) or "").strip()]
    record.notes = common.join_notes(common.html_text(get("review")), "\n".join(answers), "\n".join(credits))

    owned = common.yes(get("owned?"))
    column_used = file_facts().survey is not False
    if owned or (not column_used and record.status != "to-read"):
        record.owned, record.copies = True, 1
    else:
        record.owned, record.copies = False, 0
    return record


def survey(rows) -> bool:
    """Whether any row says Owned? Yes: when none does, the column was never used (see record_from_row)."""
    return any(common.yes(row.get("owned?")) for row in rows)


_STATUS_VALUES = set(STATUSES)


def looks_like(cells: Sequence[str]) -> bool:
    """A data row of the full layout: a read status in column 6, a count in column 10."""
    return fold(cells[5]).replace(" ", "-") in _STATUS_VALUES and cells[9].strip().isdigit()


FORMAT = Format(
    key="storygraph",
    name=N_("StoryGraph export"),
    required=frozenset({"title", "authors", "isbn/uid", "read status"}),
    any_of=frozenset({"date added", "format", "star rating", "dates read", "owned?"}),
    record_from_row=record_from_row,
    layouts=(COLUMNS,),
    looks_like=looks_like,
    survey=survey,
)
