"""Callback data: short, typed, and never trusted.

Format: ``<action>:<arg>:<arg>…`` (at most 64 bytes, Telegram's limit). Actions are short names
registered here; arguments are integers or short tokens. Decoding never raises on garbage: it returns
None, and the handler answers "that button has expired". Whatever the data says, handlers re-check
through the services that the book belongs to the library of the user who tapped (forged ids get
NotFound), so callback data is a request, never an authorisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
MAX_INT = 2**31 - 1  # ids are INTEGER columns: a bigger number would be a database error, not NotFound
_ACTION = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_ARG = re.compile(r"^[A-Za-z0-9_.\-]{0,40}$")

# action name -> meaning (documentation and a guard against typos)
ACTIONS = {
    # book card
    "b": "open a book card: b:<book_id>[:e] (e: edit the tapped message instead of sending a new one)",
    "st": "set reading status: st:<book_id>:<status>",
    "rt": "rate: rt:<book_id>[:<half_stars>] (0 clears; no value shows the star picker)",
    "ed": "edit a field: ed:<book_id>[:<field>|x] (x: stop waiting for the new value)",
    "sh": "move to shelf: sh:<book_id>[:<location_id>|new|none]",
    "ln": "lend / return: ln:<book_id>[:ret|x]",
    "del": "delete: del:<book_id>",
    "undo": "restore a deleted book: undo:<book_id>",
    "ow": "a wishlist book is now owned: ow:<book_id>",
    "rf": "fetch the details of an ISBN-only book again: rf:<book_id>",
    # adding
    "add": "confirm / cancel a pending add: add:<token>:<yes|copy|other|no|0|1> (0/1: which reading)",
    "af": "the /add flow: af:<step>:<choice>",
    "sc": "a barcode photo's list: sc:<token>:<all|sel|no|t<index>> (t: tick/untick one book)",
    "sr": "fetch the details of the books a scan added while offline: sr:<token>",
    # search and browse
    "pg": "page through results: pg:<kind>:<page>[:<token>] (a search: pg:s:<page>:<query> or pg:q:<page>:<token>)",
    "au": "an author's books: au:<author_id>[:<page>]",
    "se": "a series card: se:<series_id>",
    "gn": "books of a genre: gn:<genre_id>[:<page>]",
    "lo": "books on a shelf: lo:<location_id>[:<page>]",
    "noop": "a button that does nothing (page counter)",
    # reminders
    "rm": "delete a reminder from /reminders: rm:<reminder_id>",
    "rl": "loan reminder: rl:<loan_id>:r:<library_id>:<book_id> (returned) | rl:<loan_id>:x (extend)",
    "rp": "reading progress from a nudge: rp:<library_id>:<book_id>:<10|25|f>",
    "tz": "pick a common time zone: tz:<index>",
    # language
    "lg": "speak this language: lg:<code|auto>",
    # statistics
    "sv": "redraw the /stats chart: sv:<view>:<year>",
    "yr": "another year in review: yr:<year>",
    "pb": "the problems report: pb (post it) | pb:o (overview in place) | pb:<kind>:<page>",
    # your data in and out
    "im": "a CSV import's dry run: im:<token>:<go|skip|no> (skip: leave out the rows with problems)",
    "rs": "a backup restore's preview: rs:<token>:<go|no>",
}


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int | None:
        try:
            value = int(self.args[index])
        except (IndexError, ValueError):
            return None
        return value if 0 <= value <= MAX_INT else None

    def arg(self, index: int, default: str | None = None) -> str | None:
        return self.args[index] if index < len(self.args) else default


def encode(action: str, *args: object) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown callback action {action!r}")
    parts = [action, *(str(a) for a in args)]
    for part in parts[1:]:
        if not _ARG.match(part):
            raise ValueError(f"callback argument {part!r} is not allowed")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything malformed, unknown or oversized."""
    if not data or len(data.encode("utf-8", "ignore")) > MAX_BYTES:
        return None
    action, *args = data.split(":")
    if action not in ACTIONS or not _ACTION.match(action):
        return None
    if not all(_ARG.match(a) for a in args):
        return None
    return Callback(action, tuple(args))


def pattern(action: str) -> re.Pattern[str]:
    """A CallbackQueryHandler pattern matching exactly one action."""
    return re.compile(rf"^{re.escape(action)}(:|$)")
