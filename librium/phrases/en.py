"""English: what people type (the reference every other language module follows)."""

from __future__ import annotations

from librium.phrases import kinds as k

# "Dune by Frank Herbert"; the author side needs BY_MIN_SCORE (1: a surname alone, 2: a full name).
BY = r"by"
BY_MIN_SCORE = 1
I = r"(?:i|we)"  # noqa: E741
# Before the book asked about: "my copy of Dune" → "Dune" (a leading "The" or "A" stays).
SUBJECT_LEAD = r"(?:(?:my|our) )?(?:(?:the |a )?(?:copy|copies) of )?"
# Before the book told about: "finished my copy of Dune".
BOOK_LEAD = r"(?:(?:my|our|the) (?:copy of )?)?"
# Words that mean the card replied to.
VAGUE = {"this", "that", "it", "this series", "that series", "this book", "that book", "this one"}

# (kind, pattern, sure): a sure pattern is a question even when the text also reads as an add
# ("what's unread by Frank Herbert"); the others ("who has …", "where is …", which begin real
# titles such as "Who Has Seen the Wind by W. O. Mitchell") only with a question mark or no add reading.
QUESTIONS = [
    # "books by Terry Pratchett", "what books do I have by Tolkien", "anything by pratchett" (plural
    # nouns only: "The Book by Alan Watts" and "The Novel by James Michener" are titles).
    (
        k.BY_AUTHOR,
        r"(?:which|what) (?:books|novels) by {S} (?:do {I} (?:own|have)|have {I} got|are in (?:my|our) library)",
        True,
    ),
    (
        k.BY_AUTHOR,
        r"(?:(?:show|list|give|find|get)(?: me)? |(?:what|which)(?: are| else)? )?(?:all |any )?"
        r"(?:(?:of )?(?:my|our|the) )?(?:books|novels|titles|everything|anything)"
        r"(?: (?:that |which )?(?:do |have |did )?{I} (?:have|own|got|have got|bought))? by {S}",
        True,
    ),
    (k.BY_AUTHOR, r"what(?: else)? (?:do|have|did) {I} (?:have|own|got|buy|bought)(?: got)? by {S}", True),
    (k.BY_AUTHOR, r"(?:do|did) {I} (?:own|have|got) (?:any(?:thing)?|any books|books) by {S}", True),
    # "Pratchett's books": only with a "?" or when it is no "Title by Author" ("The Devil's Books").
    (k.BY_AUTHOR, r"(?:(?:show|list)(?: me)? )?(?:all )?{S}'s (?:books|novels)", False),
    (k.OWN, r"(?:do|did) {I} (?:already |still )?(?:own|have|got) {S}", True),
    (k.OWN, r"(?:have|got) {I} got {S}", True),
    (k.OWN, r"is {S} in (?:my|our|the) (?:library|collection|catalogue|catalog|shelves)", True),
    (k.READ, r"(?:have|did) {I} (?:already |ever )?(?:read|finish|finished) {S}", True),
    (
        k.UNREAD,
        r"(?:(?:what|which)(?:'s|’s| is| are)?(?: books?| ones?)?(?: are| is)?|show(?: me)?(?: the)?|list)?\s*"
        r"(?:still |left )?(?:unread|not read(?: yet)?|to read)(?: books?)? (?:in|of|from|by) (?:the )?"
        r"{S}(?: series| books)?",
        True,
    ),
    (
        k.LENT,
        r"(?:who(?:'s|’s| is)? (?:has|have|got|borrowed|borrowing)|who has got|where(?:'s|’s| is| are)) {S}",
        False,
    ),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"what(?:'s| is| am| are)? {I} (?:currently |now )?reading(?: now| at the moment)?"),
    (
        k.LENT_NOW,
        r"(?:what(?:'s| is| are)?|which books are) (?:lent(?: out)?|on loan|borrowed)"
        r"|who (?:has|have|borrowed) (?:my|our) books|what have {I} lent(?: out)?",
    ),
    (
        k.UNREAD_ALL,
        r"what(?:'s| is)? (?:still )?unread|what should {I} read(?: next)?"
        r"|what(?:'s| is) on (?:my|our) (?:to-?read|tbr) (?:list|pile)",
    ),
    (
        k.HOW_MANY,
        r"how many books(?: do {I} (?:have|own)| have {I} got| are there)?(?: in (?:my|our|the) library)?",
    ),
]

_HAVE = r"(?:i(?:'ve|’ve| have)? )?(?:just )?"
# (kind, pattern): {B} is the book; "rest" the page, the stars, the borrower (and due day), the shelf.
ACTIONS = [
    # Progress first: "I read 50 pages of Mort" is not "I read <a book>".
    (k.PROGRESS, r"(?:i(?:'m|’m| am) )?(?:now )?(?:on|at) page (?P<rest>\d{1,5}) (?:of|in) {B}"),
    (k.PROGRESS, r"page (?P<rest>\d{1,5}) (?:of|in) {B}"),
    (k.PROGRESS, r"{B},? (?:p\.?|page) ?(?P<rest>\d{1,5})"),
    (k.PROGRESS, _HAVE + r"read (?P<more>\d{1,5}) (?:more )?pages (?:of|in) {B}"),
    (k.FINISHED, _HAVE + r"(?:finished|completed) (?:reading )?{B}"),
    (k.FINISHED, r"i(?:'ve|’ve| have)? (?:just )?read {B}"),
    (k.FINISHED, r"mark(?:ed)? {B} (?:as )?read"),
    (k.STARTED, _HAVE + r"(?:started|began|begun) (?:reading )?{B}"),
    (k.BOUGHT, _HAVE + r"(?:bought|purchased|got a copy of|picked up) {B}"),
    (k.ABANDONED, _HAVE + r"(?:gave up on|given up on|abandoned|dnf(?:'d|ed)?) {B}"),
    (k.DELETED, r"(?:please )?(?:delete|remove) {B}(?: from (?:my|our|the) (?:library|catalogue|catalog))?"),
    (k.STARTED, r"(?:i(?:'m|’m| am) )?(?:now )?reading {B}"),
    (k.STARTED, r"mark(?:ed)? {B} (?:as )?reading"),
    (k.LENT_OUT, _HAVE + r"(?:lent|lend|loaned|gave) {B} to (?P<rest>.+?)"),
    (k.RATED, r"(?:i )?(?:rate|rated|give|gave) {B} (?P<rest>[0-5](?:[.,]5)?)(?: ?(?:stars?|/ ?5|★))?"),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:stars?|/ ?5|★)"),
    (k.SHELVED, r"(?:put|move|moved|shelve|shelved) {B} (?:on|to|onto|in|into) (?P<rest>.+?)"),
    (k.RETURNED, r"(?:(?P<who>[^\s]+) )?(?:returned|gave back|brought back) {B}"),
    (k.RETURNED, r"got {B} back"),
    (k.RETURNED, r"{B} (?:is|was|came|has come) back"),
    (k.RETURNED, r"{B} (?:is|was|has been) returned"),
]
# Where "<book> to <rest>" may split (every match is tried, the longest book first).
SPLIT_ON = {k.LENT_OUT: r"\s+to\s+", k.SHELVED: r"\s+(?:on|to|onto|in|into)\s+"}
SHELF_WORDS = r"^(?:the\s+)?(?:shelf\s+)?|\s+shelf$"
# Rewrites into the forms above, before matching (other languages put the verb last).
REWRITE: list[tuple[str, str]] = []


# Editing a field by typing: "set the year of Dune to 1965" ({F}: a word of FIELDS, {W}: "<book> to
# <value>", split at SET_TO, longest book first) and, as a reply to a card, "year 1965", "pages: 612".
FIELDS = {
    "title": "title", "author": "authors", "authors": "authors", "series": "series", "year": "year",
    "pages": "pages", "note": "notes", "notes": "notes",
}  # fmt: skip
SET_OF = r"set (?:the )?{F} (?:of|for) {W}"
SET_TO = r"\s+to\s+"

REMIND_ME = r"(?:please\s+)?remind\s+(?:me|us)\b(?:\s+(?:to|about|that)\b)?\s*(?P<rest>.*)"
WISH = [
    r"(?:please\s+)?(?:add|put)\s+(?P<rest>.+?)\s+(?:on|to|in)\s+(?:my|our|the)\s+wish\s?list",
    r"(?:wish\s?list|wish|to buy|i want to buy)\s*[:\-–—]\s*(?P<rest>.+)",
    r"(?:wish\s?list|i want to buy)\s+(?P<rest>.+)",
]
# A loan's due day: "Alice until friday" ("for 2 weeks" reads as "in 2 weeks").
DUE_LEADS = {"until": None, "till": None, "til": None, "due": None, "by": None, "for": "in"}

# Times in words are read by librium/services/when.py itself for English.
TIME_FILLERS: set[str] = set()
CLOCK_LEADS = r"at"
CLOCK_UNITS = r"h|o'clock"
HOUR_WORDS = r"o'clock"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
DATEPARSER = "en"
NEXT = {"next"}
TIME_WORDS: dict[str, str] = {}
NUMBERS: dict[str, str] = {}  # dateparser reads this language's number words itself
IN_LEADS = r"in"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {}  # when.py reads English times itself ("tonight")
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"to|about|that"
STEMMER = None  # a title is typed as it is written
