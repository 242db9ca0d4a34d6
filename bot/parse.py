"""Reading what people type: an ISBN, "Title by Author", "Author - Title", a series and number, and
questions about the library ("do I own Dune?", "who has my copy of Dune?").

Nothing here touches the database or Telegram. The title/author reader returns every plausible
reading: one when the order is clear, two when either side could be the author (the bot then asks).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from librium import isbn as isbn_mod
from librium.errors import Invalid
from librium.names import capitalize_name, has_case, split_authors
from librium.services import when
from librium.text import clean

# --------------------------------------------------------------------------- ISBN

_ISBN_LIKE = re.compile(r"^(?:isbn(?:-1[03])?:?\s*)?([0-9][0-9\- ]{8,20}[0-9Xx])$", re.IGNORECASE)


def isbn_candidate(text: str) -> str | None:
    """The digits of ``text`` when the whole message is shaped like an ISBN (valid or not), else None.

    "978-0-441-17271-9", "0441172717", "ISBN 0 441 17271 7" all qualify; "Dune 1965" does not.
    """
    match = _ISBN_LIKE.match((text or "").strip())
    if not match:
        return None
    digits = re.sub(r"[\s\-]", "", match.group(1))
    return digits if len(digits) in (10, 13) else None


def isbn_of(text: str) -> str | None:
    """The ISBN-13 of a message that is a valid ISBN-10/13, else None."""
    digits = isbn_candidate(text)
    return isbn_mod.try_normalise(digits) if digits else None


# --------------------------------------------------------------------------- questions

OWN, LENT, READ, UNREAD = "own", "lent", "read", "unread"
# Questions about the whole library, answered with a list (/reading, /loans, /unread) or the counts.
READING_NOW, LENT_NOW, UNREAD_ALL, HOW_MANY = "reading_now", "lent_now", "unread_all", "how_many"

_QUOTES = "\"'“”‘’«»"
# "my copy of Dune" → "Dune"; a leading "The" or "A" stays: it is part of most such titles.
_SUBJECT = r"(?:(?:my|our) )?(?:(?:the |a )?(?:copy|copies) of )?(?P<subject>.+?)"
_END = r"\s*[?!.]*\s*$"
_I = r"(?:i|we)"
# (kind, pattern, sure): a sure pattern is a question even when the text also reads as an add
# ("what's unread by Frank Herbert"); the others ("who has …", "where is …", which begin real
# titles such as "Who Has Seen the Wind by W. O. Mitchell") only with a question mark or no add reading.
_QUESTIONS = [
    (OWN, rf"(?:do|did) {_I} (?:already |still )?(?:own|have|got) {_SUBJECT}", True),
    (OWN, rf"(?:have|got) {_I} got {_SUBJECT}", True),
    (OWN, rf"is {_SUBJECT} in (?:my|our|the) (?:library|collection|catalogue|catalog|shelves)", True),
    (READ, rf"(?:have|did) {_I} (?:already |ever )?(?:read|finish|finished) {_SUBJECT}", True),
    (
        UNREAD,
        r"(?:(?:what|which)(?:'s|’s| is| are)?(?: books?| ones?)?(?: are| is)?|show(?: me)?(?: the)?|list)?\s*"
        rf"(?:still |left )?(?:unread|not read(?: yet)?|to read)(?: books?)? (?:in|of|from|by) (?:the )?"
        rf"{_SUBJECT}(?: series| books)?",
        True,
    ),
    (
        LENT,
        rf"(?:who(?:'s|’s| is)? (?:has|have|got|borrowed|borrowing)|who has got|where(?:'s|’s| is| are)) {_SUBJECT}",
        False,
    ),
]
_QUESTION_RES = [
    (kind, re.compile(rf"^{body}{_END}", re.IGNORECASE), sure) for kind, body, sure in _QUESTIONS
]
_LIBRARY_QUESTIONS = [
    (READING_NOW, rf"what(?:'s| is| am| are)? {_I} (?:currently |now )?reading(?: now| at the moment)?"),
    (
        LENT_NOW,
        rf"(?:what(?:'s| is| are)?|which books are) (?:lent(?: out)?|on loan|borrowed)"
        rf"|who (?:has|have|borrowed) (?:my|our) books|what have {_I} lent(?: out)?",
    ),
    (
        UNREAD_ALL,
        rf"what(?:'s| is)? (?:still )?unread|what should {_I} read(?: next)?"
        rf"|what(?:'s| is) on (?:my|our) (?:to-?read|tbr) (?:list|pile)",
    ),
    (
        HOW_MANY,
        rf"how many books(?: do {_I} (?:have|own)| have {_I} got| are there)?(?: in (?:my|our|the) library)?",
    ),
]
_LIBRARY_QUESTION_RES = [
    (kind, re.compile(rf"^(?:{body}){_END}", re.IGNORECASE)) for kind, body in _LIBRARY_QUESTIONS
]
VAGUE_SUBJECTS = {"this", "that", "it", "this series", "that series", "this book", "that book", "this one"}


def _subject(raw: str) -> str | None:
    """The book (or series) a question or action names, quotes off: "" for "it" / "this book" (the card
    replied to), None when nothing is left."""
    subject = raw.strip().strip(_QUOTES).strip()
    if not subject:
        return None
    return "" if subject.lower() in VAGUE_SUBJECTS else subject


def _book_and_rest(whole: str, separator: re.Pattern[str]) -> list[tuple[str, str]]:
    """Every way "<book> to <rest>" splits at ``separator``, the longest book first (a title may hold
    the separator: "lent A Guide to Birds to Alice"); "it" becomes ""."""
    splits = [(m.start(), m.end()) for m in separator.finditer(whole)]
    pairs = [(_subject(whole[:a]), whole[b:].strip()) for a, b in reversed(splits)]
    return [(book, rest) for book, rest in pairs if book is not None and rest]


@dataclass(frozen=True)
class Question:
    kind: str  # OWN, LENT, READ, UNREAD, or one about the whole library (READING_NOW …)
    subject: str  # the book, series or author asked about, as typed ("" when only "this" or "it")
    sure: bool  # a question even if the text also reads as "Title by Author"


def read_question(text: str) -> Question | None:
    """A question about the library, or None. "do I own Dune?" → (own, "Dune")."""
    text = clean(text) or ""
    if not text or "\n" in text or len(text) > 300:
        return None
    for kind, pattern in _LIBRARY_QUESTION_RES:
        if pattern.match(text):
            return Question(kind, "", True)
    for kind, pattern, sure in _QUESTION_RES:
        match = pattern.match(text)
        if match is None:
            continue
        subject = _subject(match.group("subject"))
        if subject is None:
            continue
        return Question(kind, subject, sure or text.rstrip().endswith("?"))
    return None


# --------------------------------------------------------------------------- reminders

_REMIND_ME = re.compile(
    r"^(?:please\s+)?remind\s+(?:me|us)\b(?:\s+(?:to|about|that)\b)?\s*(?P<rest>.*)$", re.I
)


def read_reminder(text: str) -> str | None:
    """ "remind me to return Dune on friday" → "return Dune on friday" (for /remind); None otherwise."""
    match = _REMIND_ME.match(clean(text) or "")
    return match.group("rest").strip() if match else None


# --------------------------------------------------------------------------- wishlist

_WISH = [
    re.compile(
        r"^(?:please\s+)?(?:add|put)\s+(?P<rest>.+?)\s+(?:on|to|in)\s+(?:my|our|the)\s+wish\s?list$", re.I
    ),
    re.compile(r"^(?:wish\s?list|wish|to buy|i want to buy)\s*[:\-–—]\s*(?P<rest>.+)$", re.I),
    re.compile(r"^(?:wish\s?list|i want to buy)\s+(?P<rest>.+)$", re.I),
]


def read_wish(text: str) -> str | None:
    """ "wishlist Dune by Frank Herbert" / "add Dune by Frank Herbert to my wishlist" → the book's text
    (to add as not owned yet); None when the message is not about the wishlist."""
    text = clean(text) or ""
    for pattern in _WISH:
        match = pattern.match(text)
        if match:
            return match.group("rest").strip()
    return None


# --------------------------------------------------------------------------- actions

FINISHED, STARTED, LENT_OUT, RETURNED = "finished", "started", "lent", "returned"
RATED, SHELVED, PROGRESS, BOUGHT = "rated", "shelved", "progress", "bought"
ABANDONED, DELETED, SET = "abandoned", "deleted", "set"

_FIELD = r"(?P<field>title|authors?|series|year|pages|notes?)"
_FIELD_NAMES = {"author": "authors", "note": "notes"}
# "set the year of Dune to 1965" (every " to " could end the title: tried longest first) …
_SET_OF = re.compile(rf"^set (?:the )?{_FIELD} (?:of|for) (?P<whole>.+)$", re.IGNORECASE)
# … and, as a reply to a card, "year 1965", "pages: 612", "series Dune Chronicles 1".
_SET_REPLY = re.compile(rf"^{_FIELD}\s*[:=]?\s+(?P<value>\S.*)$", re.IGNORECASE)

_BOOK = r"(?:(?:my|our|the) (?:copy of )?)?(?P<subject>.+?)"
_ACTIONS = [
    # Progress first: "I read 50 pages of Mort" is not "I read <a book>".
    (PROGRESS, rf"(?:i(?:'m|’m| am) )?(?:now )?(?:on|at) page (?P<rest>\d{{1,5}}) (?:of|in) {_BOOK}"),
    (PROGRESS, rf"page (?P<rest>\d{{1,5}}) (?:of|in) {_BOOK}"),
    (PROGRESS, rf"{_BOOK},? (?:p\.?|page) ?(?P<rest>\d{{1,5}})"),
    (
        PROGRESS,
        rf"(?:i(?:'ve|’ve| have)? )?(?:just )?read (?P<more>\d{{1,5}}) (?:more )?pages (?:of|in) {_BOOK}",
    ),
    (FINISHED, rf"(?:i(?:'ve|’ve| have)? )?(?:just )?(?:finished|completed) (?:reading )?{_BOOK}"),
    (FINISHED, rf"i(?:'ve|’ve| have)? (?:just )?read {_BOOK}"),
    (FINISHED, rf"mark(?:ed)? {_BOOK} (?:as )?read"),
    (STARTED, rf"(?:i(?:'ve|’ve| have)? )?(?:just )?(?:started|began|begun) (?:reading )?{_BOOK}"),
    (BOUGHT, rf"(?:i(?:'ve|’ve| have)? )?(?:just )?(?:bought|purchased|got a copy of|picked up) {_BOOK}"),
    (
        ABANDONED,
        rf"(?:i(?:'ve|’ve| have)? )?(?:just )?(?:gave up on|given up on|abandoned|dnf(?:'d|ed)?) {_BOOK}",
    ),
    (
        DELETED,
        rf"(?:please )?(?:delete|remove) {_BOOK}(?: from (?:my|our|the) (?:library|catalogue|catalog))?",
    ),
    (STARTED, rf"(?:i(?:'m|’m| am) )?(?:now )?reading {_BOOK}"),
    (STARTED, rf"mark(?:ed)? {_BOOK} (?:as )?reading"),
    (LENT_OUT, rf"(?:i(?:'ve|’ve| have)? )?(?:just )?(?:lent|lend|loaned|gave) {_BOOK} to (?P<rest>.+?)"),
    (RATED, rf"(?:i )?(?:rate|rated|give|gave) {_BOOK} (?P<rest>[0-5](?:[.,]5)?)(?: ?(?:stars?|/ ?5|★))?"),
    (RATED, rf"{_BOOK}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:stars?|/ ?5|★)"),
    (SHELVED, rf"(?:put|move|moved|shelve|shelved) {_BOOK} (?:on|to|onto|in|into) (?P<rest>.+?)"),
    (RETURNED, rf"(?:(?P<who>[^\s]+) )?(?:returned|gave back|brought back) {_BOOK}"),
    (RETURNED, rf"got {_BOOK} back"),
    (RETURNED, rf"{_BOOK} (?:is|was|came|has come) back"),
    (RETURNED, rf"{_BOOK} (?:is|was|has been) returned"),
]
_SPLIT_ON = {
    LENT_OUT: re.compile(r"\s+to\s+", re.IGNORECASE),
    SHELVED: re.compile(r"\s+(?:on|to|onto|in|into)\s+", re.IGNORECASE),
}
_SHELF_WORDS = re.compile(r"^(?:the\s+)?(?:shelf\s+)?|\s+shelf$", re.IGNORECASE)
_ACTION_RES = [(kind, re.compile(rf"^{body}\s*[!.]*\s*$", re.IGNORECASE)) for kind, body in _ACTIONS]


@dataclass(frozen=True)
class Action:
    kind: str  # FINISHED, STARTED, LENT_OUT, RETURNED, RATED, SHELVED, PROGRESS, BOUGHT, ABANDONED, DELETED, SET
    subjects: tuple[str, ...]  # the book as typed; for "X to Y" each way to split it, longest X first
    rest: tuple[str, ...] = ()  # per subject: the borrower (and due date), stars, shelf, page or +pages
    field: str = ""  # SET: title, authors, series, year, pages or notes (rest: the new value)
    reply_only: bool = False  # only meant for the card replied to ("year 1965"): else not an action


def _read_set(text: str) -> Action | None:
    match = _SET_OF.match(text)
    if match:
        field = _FIELD_NAMES.get(match.group("field").lower(), match.group("field").lower())
        pairs = _book_and_rest(match.group("whole"), _SPLIT_ON[LENT_OUT])
        if pairs:
            return Action(SET, tuple(b for b, _ in pairs), tuple(v for _, v in pairs), field)
    match = _SET_REPLY.match(text)
    if match:
        field = _FIELD_NAMES.get(match.group("field").lower(), match.group("field").lower())
        return Action(SET, ("",), (match.group("value").strip(),), field, reply_only=True)
    return None


def read_action(text: str) -> Action | None:
    """Something done with a book, told in words: "finished Dune", "lent Dune to Alice until Friday",
    "Dune is back". The caller acts only when the book is in the library (else it is an add or a search)."""
    text = clean(text) or ""
    if not text or "\n" in text or len(text) > 300 or text.endswith("?"):
        return None
    setting = _read_set(text)
    if setting is not None:
        return setting
    for kind, pattern in _ACTION_RES:
        match = pattern.match(text)
        if match is None:
            continue
        subject = _subject(match.group("subject"))
        if subject is None:
            continue
        if kind == RATED:
            return Action(kind, (subject,), (match.group("rest").replace(",", "."),))
        if kind == PROGRESS:  # "120": at page 120; "+50": 50 more pages
            more = match.groupdict().get("more")
            return Action(kind, (subject,), (f"+{more}" if more else match.group("rest"),))
        if kind not in _SPLIT_ON:
            return Action(kind, (subject,))
        # The caller tries each split of "<book> to <rest>" in turn.
        pairs = _book_and_rest(text[match.start("subject") : match.end("rest")], _SPLIT_ON[kind])
        if kind == SHELVED:  # "on the Hall shelf", "to shelf Hall" → "Hall"
            pairs = [(book, _SHELF_WORDS.sub("", rest).strip() or rest) for book, rest in pairs]
        if pairs:
            return Action(kind, tuple(b for b, _ in pairs), tuple(r for _, r in pairs))
    return None


# --------------------------------------------------------------------------- title and author


@dataclass(frozen=True)
class TitleAuthor:
    title: str
    author: str

    def __post_init__(self) -> None:
        # "terry pratchett" was typed in a hurry: store "Terry Pratchett" (mixed case stays as typed).
        object.__setattr__(self, "author", capitalize_name(self.author))


# Words that make a phrase look like a title rather than a person's name.
_TITLE_WORDS = {
    "a", "an", "the", "of", "and", "in", "on", "to", "for", "with", "at", "from", "is", "my", "your",
    "our", "his", "her", "their", "its", "what", "how", "why", "when", "who", "into", "over", "under",
    "about", "after", "before", "book", "vol", "volume", "part", "edition", "guide", "history", "el",
    "les", "der", "die", "das", "il", "lo", "los", "las", "une", "un",
}  # fmt: skip
# Lowercase name particles ("Ursula K. Le Guin", "Johann von Goethe").
_PARTICLES = {
    "de", "da", "di", "do", "du", "dos", "del", "della", "van", "von", "der", "den", "ter", "ten", "zu",
    "af", "le", "la", "y", "bin", "ibn", "al", "wa",
}  # fmt: skip
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_][^\W\d_'’.\-]*(?:[-'’][^\W\d_]+)*\.?$")
_DASH = re.compile(r"\s+[-–—]+\s+")
_BY = re.compile(r"\s+by\s+", re.IGNORECASE)


def name_score(text: str, *, case_known: bool = True) -> int:
    """How much ``text`` looks like a person's name: 2 likely, 1 maybe (one word), 0 not a name."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 5:
        return 0
    capitals = 0
    for token in tokens:
        bare = token.strip(",")
        if not _NAME_TOKEN.match(bare):
            return 0
        lower = bare.lower().rstrip(".")
        if lower in _PARTICLES:
            continue
        if lower in _TITLE_WORDS:
            return 0
        if bare[0].isupper():
            capitals += 1
        elif case_known:
            return 0
    if capitals == 0 and case_known:
        return 0
    return 2 if len(tokens) > 1 else 1


def people_score(text: str, *, case_known: bool = True) -> int:
    """Like :func:`name_score` for a side that may name several people ("Terry Pratchett and Neil
    Gaiman", "Pratchett & Gaiman"): 2 when every one of them is a full name, else the single-name score.
    Single words joined by "and" stay a title ("Romeo and Juliet")."""
    names = split_authors(text)
    if len(names) < 2:
        return name_score(text, case_known=case_known)
    scores = [name_score(n, case_known=case_known and has_case(n)) for n in names]
    return 2 if all(score == 2 for score in scores) else 0


def read_title_author(text: str) -> list[TitleAuthor]:
    """Plausible (title, author) readings of a message, best first; [] when it is not a book.

    "Dune by Frank Herbert" → one reading. "Frank Herbert - Dune" and "Dune — Frank Herbert" → one
    reading when one side looks like a name and the other does not, else both orders.

    Capitals count per side: a side typed all in lower case ("terry pratchett") may still be a name,
    judged by its words alone. When the rest of the message is capitalised, such a side needs two name
    words after "by" ("Mort by terry pratchett", not "Poems by heart"), and in a tie between two sides
    the capitalised one is the author ("William Gibson - burning chrome").
    """
    text = clean(text) or ""
    if not text or "\n" in text:
        return []
    message_case = has_case(text)
    parts = _BY.split(text)
    if len(parts) >= 2:
        title, author = " by ".join(parts[:-1]).strip(), parts[-1].strip()
        author_case = has_case(author)
        score = people_score(author, case_known=author_case)
        if title and author and score >= (2 if message_case and not author_case else 1):
            return [TitleAuthor(title, author)]
    sides = _DASH.split(text)
    if len(sides) != 2:
        return []
    left, right = (s.strip() for s in sides)
    if not left or not right:
        return []
    left_case, right_case = has_case(left), has_case(right)
    left_score = people_score(left, case_known=left_case)
    right_score = people_score(right, case_known=right_case)
    if left_score == right_score and left_score and left_case != right_case:
        left_score += left_case  # the side written like a name wins the tie
        right_score += right_case
    if left_score > right_score:
        return [TitleAuthor(right, left)]
    if right_score > left_score:
        return [TitleAuthor(left, right)]
    # Either could be the author: "Author - Title" is the common way to write it, so it comes first.
    return [TitleAuthor(right, left), TitleAuthor(left, right)]


# --------------------------------------------------------------------------- series

_SERIES = re.compile(
    r"^(?P<name>.*?)[\s,]*(?:#|no\.?\s*|book\s+|vol\.?\s*)?(?P<index>\d{1,4}(?:[.,]\d{1,3})?)$", re.I
)


def read_series(text: str) -> tuple[str, Decimal | None] | None:
    """ "Dune 1" → ("Dune", 1); "Discworld #2.5" → ("Discworld", 2.5); "Earthsea" → ("Earthsea", None)."""
    text = clean(text) or ""
    if not text:
        return None
    match = _SERIES.match(text)
    if match and match.group("name").strip(" ,#"):
        try:
            index = Decimal(match.group("index").replace(",", "."))
        except InvalidOperation:
            return text, None
        return match.group("name").strip(" ,#"), index
    return text, None


# --------------------------------------------------------------------------- lending

_DUE_LEADS = {"until": None, "till": None, "til": None, "due": None, "by": None, "for": "in"}


def read_loan(text: str, tz: str, now: dt.datetime) -> tuple[str, dt.date | None]:
    """ "Alice 2026-12-24" / "Alice in 3 weeks" / "Alice until friday" / "Alice" → (borrower, due date).

    The longest trailing phrase that reads as a time is the due date (a local date in ``tz``); the
    rest is the borrower.
    """
    words = (clean(text) or "").split()
    for size in range(min(len(words) - 1, when.MAX_WHEN_WORDS + 1), 0, -1):
        tail = words[-size:]
        lead = tail[0].lower()
        if lead in _DUE_LEADS:
            tail = ([_DUE_LEADS[lead]] if _DUE_LEADS[lead] else []) + tail[1:]
        if not tail:
            continue
        try:
            due = when.parse(" ".join(tail), tz, now)
        except Invalid:
            continue
        return " ".join(words[:-size]), due.astimezone(when.zone(tz)).date()
    return " ".join(words), None
