"""Deutsch: was Leute tippen („Der Schwarm von Frank Schätzing“, „habe ich Dune?“, „Dune ausgelesen“)."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = r"von"  # the first "von" whose right side is a full name: "Faust von Johann Wolfgang von Goethe"
BY_MIN_SCORE = 2
I = r"(?:ich|wir)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:mein|meine|meinen|unser|unsere|unseren) )?(?:exemplar (?:von )?)?"
BOOK_LEAD = SUBJECT_LEAD
VAGUE = {"es", "das", "dies", "dieses", "das buch", "dieses buch", "diese reihe", "diese serie"}
_HABE = r"(?:ich )?(?:habe |hab )?"

QUESTIONS = [
    # "Bücher von Terry Pratchett", "alle meine Bücher von Tolkien", "habe ich Romane von Pratchett?"
    (
        k.BY_AUTHOR,
        r"(?:(?:zeig(?:e)?|liste)(?: mir)? |welche )?(?:alle )?(?:(?:meine|unsere|die) )?(?:bücher|romane) von {S}"
        r"(?: (?:habe|hab|haben|besitze|besitzen) {I})?",
        True,
    ),
    (k.BY_AUTHOR, r"(?:habe|hab|haben|besitze|besitzen) {I} (?:bücher|romane|etwas|was) von {S}", True),
    (k.BY_AUTHOR, r"(?:zeig(?:e)? mir )?alles von {S}", True),
    (k.READ, r"(?:habe|hab|haben) {I} {S} (?:schon |je )?(?:gelesen|ausgelesen)", True),
    (k.OWN, r"(?:habe|hab|haben|besitze|besitzen) {I} (?:schon |noch |eigentlich )?{S}", True),
    (k.OWN, r"ist {S} in (?:meiner|unserer|der) (?:bibliothek|sammlung)", True),
    (
        k.UNREAD,
        r"was (?:ist|habe ich|hab ich|haben wir) (?:noch )?(?:ungelesen|nicht gelesen) (?:in|von|aus) "
        r"(?:der reihe |der serie )?{S}",
        True,
    ),
    (
        k.UNREAD,
        r"was (?:habe|hab|haben) {I} (?:von|aus|in) (?:der reihe |der serie )?{S} (?:noch )?nicht gelesen",
        True,
    ),
    (k.LENT, r"wer hat (?:gerade |mein |meinen |meine )?{S}", False),
    (k.LENT, r"wo ist (?:mein |meine )?{S}", False),
    # After the unread questions: "was habe ich von Scheibenwelt noch nicht gelesen" is one of them.
    (k.BY_AUTHOR, r"was (?:habe|hab|haben|besitze|besitzen) {I} (?:alles )?von {S}", True),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"was lese(?:n)? {I}(?: gerade| im moment| jetzt)?"),
    (
        k.LENT_NOW,
        r"was (?:habe ich|hab ich|haben wir|ist) (?:verliehen|ausgeliehen)|welche bücher sind (?:verliehen|ausgeliehen)"
        r"|wer hat meine bücher",
    ),
    (
        k.UNREAD_ALL,
        r"was ist (?:noch )?ungelesen|was (?:soll|sollte) ich als nächstes lesen|was habe ich noch nicht gelesen",
    ),
    (
        k.HOW_MANY,
        r"wie ?viele bücher (?:habe ich|hab ich|haben wir|gibt es)(?: in (?:meiner|unserer|der) bibliothek)?",
    ),
]
ACTIONS = [
    (k.PROGRESS, r"(?:ich bin )?(?:auf|bei) seite (?P<rest>\d{1,5}) (?:von|in) {B}"),
    (k.PROGRESS, r"seite (?P<rest>\d{1,5}) (?:von|in) {B}"),
    (k.PROGRESS, r"{B},? (?:s\.|seite) ?(?P<rest>\d{1,5})"),
    (k.FINISHED, _HABE + r"{B} (?:ausgelesen|fertig gelesen|zu ende gelesen|durchgelesen|gelesen)"),
    (k.FINISHED, r"(?:fertig mit|ausgelesen:) {B}"),
    (k.STARTED, r"(?:ich )?lese (?:gerade |jetzt )?{B}"),
    (k.STARTED, _HABE + r"{B} angefangen"),
    (k.STARTED, r"(?:ich )?(?:fange|fang) {B} an"),
    (k.BOUGHT, _HABE + r"{B} gekauft"),
    (k.ABANDONED, _HABE + r"{B} abgebrochen"),
    (k.DELETED, r"(?:lösche|lösch|entferne) {B}(?: aus (?:meiner|der) bibliothek)?"),
    (k.LENT_OUT, r"(?:ich )?(?:verleihe|verleih|verlieh|leihe|lieh|gebe|gab) {B} an (?P<rest>.+?)"),
    (k.RATED, r"(?:bewerte|gib|gebe) {B} (?:mit )?(?P<rest>[0-5](?:[.,]5)?)(?: ?(?:sterne?n?|/ ?5|★))?"),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:sterne?n?|/ ?5|★)"),
    (k.SHELVED, r"(?:stelle|stell|lege|leg|räume|räum) {B} (?:ins|in das|in|aufs|auf das|auf) (?P<rest>.+?)"),
    (k.RETURNED, r"{B} (?:ist|kam) (?:wieder )?zurück(?:gekommen)?"),
    (k.RETURNED, _HABE + r"{B} zurück(?:bekommen|erhalten)"),
    (k.RETURNED, r"(?P<who>\S+) hat {B} zurückgegeben"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+an\s+", k.SHELVED: r"\s+(?:ins|in das|in|aufs|auf das|auf)\s+"}
SHELF_WORDS = r"^(?:das\s+|dem\s+)?(?:regal\s+)?|\s+regal$"
# The verb goes last in German: "Dune an Alice verliehen bis Freitag" → "verleihe Dune an Alice bis Freitag".
REWRITE = [
    (  # "Dune bis Freitag an Alice verliehen"
        r"^(?:ich )?(?:habe |hab )?(?P<book>.+?) bis (?P<when>.+?) an (?P<who>.+?) (?:verliehen|ausgeliehen|geliehen)$",
        r"verleihe \g<book> an \g<who> bis \g<when>",
    ),
    (
        r"^(?:ich )?(?:habe |hab )?(?P<book>.+?) an (?P<who>.+?) (?:verliehen|ausgeliehen|geliehen)(?P<more>(?: .+)?)$",
        r"verleihe \g<book> an \g<who>\g<more>",
    ),
]


# „setze das Jahr von Dune auf 1965“, „ändere den Titel von Dune in Der Wüstenplanet“; „Jahr 1965“ als
# Antwort auf eine Karte.
FIELDS = {
    "titel": "title", "autor": "authors", "autorin": "authors", "autoren": "authors", "reihe": "series",
    "serie": "series", "jahr": "year", "erscheinungsjahr": "year", "seiten": "pages", "seitenzahl": "pages",
    "notiz": "notes", "notizen": "notes",
}  # fmt: skip
SET_OF = (
    r"(?:setze|setz|ändere|änder|aendere|stelle|stell|korrigiere)(?: den| das| die)? {F} (?:von|für|bei) {W}"
)
SET_TO = r"\s+(?:auf|zu|in)\s+"

REMIND_ME = r"(?:bitte\s+)?erinnere?\s+(?:mich|uns)\b,?\s*(?:daran,?\s*)?(?P<rest>.*)"
WISH = [
    r"(?:füge|setze|setz|pack)\s+(?P<rest>.+?)\s+(?:auf|zu)\s+(?:meine|unsere|die|meiner)\s+wunschliste(?: hinzu)?",
    r"(?:wunschliste|ich möchte kaufen|ich will kaufen)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"bis": None, "für": "in"}

DATEPARSER = "de"
TIME_FILLERS = {"am", "an", "den", "bis", "ab"}
CLOCK_LEADS = r"um|gegen"
CLOCK_UNITS = r"uhr|h"
HOUR_WORDS = r"uhr"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"nächsten", "nächster", "nächste", "kommenden", "kommender", "kommende"}
TIME_WORDS = {
    "einer halben stunde": "30 minuten", "einer viertelstunde": "15 minuten", "einer dreiviertelstunde": "45 minuten",
    # "Montagmorgen", "Freitagabend": a weekday and a part of the day in one word
    **{
        f"{day}{part}": f"{day} {said}"
        for day in ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
        for part, said in (("morgen", "morgens"), ("vormittag", "vormittags"), ("mittag", "mittags"),
                           ("nachmittag", "nachmittags"), ("abend", "abends"), ("nacht", "nachts"))
    },
}  # fmt: skip
NUMBERS: dict[str, str] = {}  # dateparser reads this language's number words itself
IN_LEADS = r"in"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "früh": "morning", "morgens": "morning", "am morgen": "morning", "vormittag": "morning",
    "vormittags": "morning", "am vormittag": "morning", "mittag": "noon", "mittags": "noon",
    "am mittag": "noon", "zu mittag": "noon", "nachmittag": "afternoon", "nachmittags": "afternoon",
    "am nachmittag": "afternoon", "abend": "evening", "abends": "evening", "am abend": "evening",
    "nacht": "night", "nachts": "night", "in der nacht": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"an|daran|dass"
STEMMER = None  # a title is typed as it is written
