"""Reading what people type: an ISBN, "Title by Author", "Author - Title", a series and number, and
questions about the library ("do I own Dune?", "who has my copy of Dune?").

Nothing here touches the database or Telegram. The title/author reader returns every plausible
reading: one when the order is clear, two when either side could be the author (the bot then asks).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import ModuleType

from librium import isbn as isbn_mod
from librium import phrases
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


# --------------------------------------------------------------------------- the languages' phrases

# The kinds of phrase, named here for the handlers (parse.OWN, parse.FINISHED …).
from librium.phrases.kinds import (  # noqa: E402, F401
    ABANDONED,
    BOUGHT,
    BY_AUTHOR,
    DELETED,
    FINISHED,
    HOW_MANY,
    LENT,
    LENT_NOW,
    LENT_OUT,
    OWN,
    PROGRESS,
    RATED,
    READ,
    READING_NOW,
    RETURNED,
    SHELVED,
    STARTED,
    UNREAD,
    UNREAD_ALL,
)  # fmt: skip

SET = "set"
_END = r"\s*[?!.]*\s*$"
_OPENING = r"^[¿¡]?\s*"  # Spanish opens its questions and exclamations


@dataclass(frozen=True)
class _Grammar:
    """One language's phrases, compiled."""

    questions: list[tuple[str, re.Pattern[str], bool]]
    library_questions: list[tuple[str, re.Pattern[str]]]
    actions: list[tuple[str, re.Pattern[str]]]
    split_on: dict[str, re.Pattern[str]]
    shelf_words: re.Pattern[str]
    rewrite: list[tuple[re.Pattern[str], str]]
    remind_me: re.Pattern[str]
    wish: list[re.Pattern[str]]
    by: re.Pattern[str] | None
    by_min_score: int
    vague: frozenset[str]
    due_leads: dict[str, str | None]
    fields: dict[str, str]  # a field's word ("año", "Seiten") → title, authors, series, year, pages, notes
    set_of: re.Pattern[str]  # "set the year of Dune to 1965"
    set_reply: re.Pattern[str]  # "year 1965" (a reply to a card)
    set_to: re.Pattern[str]


@functools.cache
def _compiled(module: ModuleType) -> _Grammar:
    subject = module.SUBJECT_LEAD + r"(?P<subject>.+?)"
    book = module.BOOK_LEAD + r"(?P<subject>.+?)"

    def fill(body: str) -> str:
        return apostrophes(body.replace("{S}", subject).replace("{B}", book).replace("{I}", module.I))

    def apostrophes(body: str) -> str:  # phones type ’ for ': "j’ai", "I’m"
        return body.replace("'", "['’]")

    field_word = _field_words(module)

    return _Grammar(
        questions=[(k, re.compile(_OPENING + fill(b) + _END, re.I), sure) for k, b, sure in module.QUESTIONS],
        library_questions=[
            (k, re.compile(rf"{_OPENING}(?:{fill(b)}){_END}", re.I)) for k, b in module.LIBRARY_QUESTIONS
        ],
        actions=[(k, re.compile(rf"^{fill(b)}\s*[!.]*\s*$", re.I)) for k, b in module.ACTIONS],
        split_on={k: re.compile(v, re.I) for k, v in module.SPLIT_ON.items()},
        shelf_words=re.compile(module.SHELF_WORDS, re.I),
        rewrite=[(re.compile(apostrophes(p), re.I), r) for p, r in module.REWRITE],
        remind_me=re.compile(rf"^{apostrophes(module.REMIND_ME)}$", re.I),
        wish=[re.compile(rf"^{apostrophes(w)}$", re.I) for w in module.WISH],
        by=re.compile(rf"\s+(?:{module.BY})\s+", re.I) if module.BY else None,
        by_min_score=module.BY_MIN_SCORE,
        vague=frozenset(v.lower() for v in module.VAGUE),
        due_leads=module.DUE_LEADS,
        fields={_field_key(word): field for word, field in module.FIELDS.items()},
        set_of=re.compile(
            "^" + apostrophes(module.SET_OF.replace("{F}", field_word).replace("{W}", "(?P<whole>.+)")) + "$",
            re.I,
        ),
        set_reply=re.compile(rf"^{field_word}(?:\s*[:=]\s*|\s+)(?P<value>\S.*)$", re.I),
        set_to=re.compile(module.SET_TO, re.I),
    )


def _field_key(word: str) -> str:
    return " ".join(word.lower().split())


def _field_words(module: ModuleType) -> str:
    """ "(?P<field>title|authors?|…)": the module's words for the fields, the longest first."""
    words = sorted(module.FIELDS, key=len, reverse=True)
    return "(?P<field>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"


def _grammars() -> list[_Grammar]:
    """The phrases of the current language, then English (people mix)."""
    return [_compiled(module) for module in phrases.spoken()]


def stems(subject: str) -> list[str]:
    """Other forms to look a book up by, in the current language ("Дюну" → "Дюн", a prefix of "Дюна")."""
    return [stem for module in phrases.spoken() for stem in phrases.stems(subject, module)]


# --------------------------------------------------------------------------- questions

_QUOTES = "\"'“”‘’«»„"
VAGUE_SUBJECTS = _compiled(phrases.module("en")).vague


def _subject(raw: str, vague: frozenset[str] = VAGUE_SUBJECTS) -> str | None:
    """The book (or series) a question or action names, quotes off: "" for "it" / "this book" (the card
    replied to), None when nothing is left."""
    subject = raw.strip().strip(_QUOTES).strip()
    if not subject:
        return None
    return "" if subject.lower() in vague else subject


def _book_and_rest(
    whole: str, separator: re.Pattern[str], vague: frozenset[str] = VAGUE_SUBJECTS
) -> list[tuple[str, str]]:
    """Every way "<book> to <rest>" splits at ``separator``, the longest book first (a title may hold
    the separator: "lent A Guide to Birds to Alice"); "it" becomes ""."""
    splits = [(m.start(), m.end()) for m in separator.finditer(whole)]
    pairs = [(_subject(whole[:a], vague), whole[b:].strip()) for a, b in reversed(splits)]
    return [(book, rest) for book, rest in pairs if book is not None and rest]


@dataclass(frozen=True)
class Question:
    kind: str  # OWN, LENT, READ, UNREAD, BY_AUTHOR, or one about the whole library (READING_NOW …)
    subject: str  # the book, series or author asked about, as typed ("" when only "this" or "it")
    sure: bool  # a question even if the text also reads as "Title by Author"


def read_question(text: str) -> Question | None:
    """A question about the library, or None. "do I own Dune?" → (own, "Dune"); "¿tengo Dune?" too
    for a Spanish speaker."""
    text = clean(text) or ""
    if not text or "\n" in text or len(text) > 300:
        return None
    for grammar in _grammars():
        for kind, pattern in grammar.library_questions:
            if pattern.match(text):
                return Question(kind, "", True)
        for kind, pattern, sure in grammar.questions:
            match = pattern.match(text)
            if match is None:
                continue
            subject = _subject(match.group("subject"), grammar.vague)
            if subject is None or (kind == BY_AUTHOR and read_title_author(subject)):
                continue  # "Everything by Design by Alan Chong", "Libros de sangre de Clive Barker": titles
            return Question(kind, subject, sure or text.rstrip().endswith("?"))
    return None


# --------------------------------------------------------------------------- reminders


def read_reminder(text: str) -> str | None:
    """ "remind me to return Dune on friday" → "return Dune on friday" (for /remind); None otherwise."""
    text = clean(text) or ""
    for grammar in _grammars():
        match = grammar.remind_me.match(text)
        if match:
            return match.group("rest").strip()
    return None


# --------------------------------------------------------------------------- wishlist


def read_wish(text: str) -> str | None:
    """ "wishlist Dune by Frank Herbert" / "add Dune by Frank Herbert to my wishlist" → the book's text
    (to add as not owned yet); None when the message is not about the wishlist."""
    text = clean(text) or ""
    for grammar in _grammars():
        for pattern in grammar.wish:
            match = pattern.match(text)
            if match:
                return match.group("rest").strip()
    return None


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Action:
    kind: str  # FINISHED, STARTED, LENT_OUT, RETURNED, RATED, SHELVED, PROGRESS, BOUGHT, ABANDONED, DELETED, SET
    subjects: tuple[str, ...]  # the book as typed; for "X to Y" each way to split it, longest X first
    rest: tuple[str, ...] = ()  # per subject: the borrower (and due date), stars, shelf, page or +pages
    field: str = ""  # SET: title, authors, series, year, pages or notes (rest: the new value)
    reply_only: bool = False  # only meant for the card replied to ("year 1965"): else not an action


def _read_set(text: str, grammar: _Grammar) -> Action | None:
    """ "set the year of Dune to 1965" / "cambia el año de Dune a 1965" (every " to " could end the
    title: each split is tried, longest title first)."""
    match = grammar.set_of.match(text)
    if match:
        field = grammar.fields[_field_key(match.group("field"))]
        pairs = _book_and_rest(match.group("whole"), grammar.set_to, grammar.vague)
        if pairs:
            return Action(SET, tuple(b for b, _ in pairs), tuple(v for _, v in pairs), field)
    return None


def _read_set_reply(text: str, grammar: _Grammar) -> Action | None:
    """ "year 1965" / "Seiten: 612": a field and its value, meant for the card replied to."""
    match = grammar.set_reply.match(text)
    if match:
        field = grammar.fields[_field_key(match.group("field"))]
        return Action(SET, ("",), (match.group("value").strip(),), field, reply_only=True)
    return None


def read_action(text: str) -> Action | None:
    """Something done with a book, told in words: "finished Dune", "lent Dune to Alice until Friday",
    "Dune is back". The caller acts only when the book is in the library (else it is an add or a search)."""
    text = clean(text) or ""
    if not text or "\n" in text or len(text) > 300 or text.endswith("?"):
        return None
    for grammar in _grammars():
        # "pon el año de Dune en 1965" is no shelving; "note Dune 4,5" is a rating, "notes …" a field
        action = _read_set(text, grammar) or _read_action(text, grammar) or _read_set_reply(text, grammar)
        if action is not None:
            return action
    return None


def _read_action(text: str, grammar: _Grammar) -> Action | None:
    for pattern, replacement in grammar.rewrite:
        text = pattern.sub(replacement, text)
    for kind, pattern in grammar.actions:
        match = pattern.match(text)
        if match is None:
            continue
        subject = _subject(match.group("subject"), grammar.vague)
        if subject is None:
            continue
        if kind == RATED:
            return Action(kind, (subject,), (match.group("rest").replace(",", "."),))
        if kind == PROGRESS:  # "120": at page 120; "+50": 50 more pages
            more = match.groupdict().get("more")
            return Action(kind, (subject,), (f"+{more}" if more else match.group("rest"),))
        if kind not in grammar.split_on:
            return Action(kind, (subject,))
        # The caller tries each split of "<book> to <rest>" in turn.
        whole = text[match.start("subject") : match.end("rest")]
        pairs = _book_and_rest(whole, grammar.split_on[kind], grammar.vague)
        if kind == SHELVED:  # "on the Hall shelf", "to shelf Hall" → "Hall"
            pairs = [(book, grammar.shelf_words.sub("", rest).strip() or rest) for book, rest in pairs]
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
    for grammar in _grammars():
        reading = _by_reading(text, grammar, message_case)
        if reading is not None:
            return [reading]
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


def _by_reading(text: str, grammar: _Grammar, message_case: bool) -> TitleAuthor | None:
    """ "Dune by Frank Herbert" (the last "by"), "Der Schwarm von Frank Schätzing", "Faust von Johann
    Wolfgang von Goethe" (the first "von" whose right side is a full name)."""
    if grammar.by is None:
        return None
    splits = list(grammar.by.finditer(text))
    if grammar.by_min_score < 2:
        splits = splits[-1:]  # English: the last "by" ("Stand by Me by Stephen King")
    for split in splits:
        title, author = text[: split.start()].strip(), text[split.end() :].strip()
        author_case = has_case(author)
        score = people_score(author, case_known=author_case)
        needed = max(grammar.by_min_score, 2 if message_case and not author_case else 1)
        if title and author and score >= needed:
            return TitleAuthor(title, author)
    return None


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


def read_loan(text: str, tz: str, now: dt.datetime) -> tuple[str, dt.date | None]:
    """ "Alice 2026-12-24" / "Alice in 3 weeks" / "Alice until friday" / "Alice" → (borrower, due date).

    The longest trailing phrase that reads as a time is the due date (a local date in ``tz``); the
    rest is the borrower.
    """
    words = (clean(text) or "").split()
    leads: dict[str, str | None] = {}
    for grammar in reversed(_grammars()):  # the user's own language wins
        leads.update(grammar.due_leads)
    for size in range(min(len(words) - 1, when.MAX_WHEN_WORDS + 1), 0, -1):
        tail = words[-size:]
        lead = tail[0].lower()
        if lead in leads:
            tail = ([leads[lead]] if leads[lead] else []) + tail[1:]
        if not tail:
            continue
        try:
            due = when.parse(" ".join(tail), tz, now)
        except Invalid:
            continue
        return " ".join(words[:-size]), due.astimezone(when.zone(tz)).date()
    return " ".join(words), None
