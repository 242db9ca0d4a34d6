"""Polski: co ludzie piszą („Lalka — Bolesław Prus”, „czy mam Lalkę?”, „skończyłem Lalkę”)."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = None
BY_MIN_SCORE = 2
I = r"(?:ja|my)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:moja|moją|mój|moje|nasza|naszą|nasz) )?(?:egzemplarz )?"
BOOK_LEAD = SUBJECT_LEAD
VAGUE = {"to", "tę", "ją", "go", "tę książkę", "ta książka", "tę serię", "ta seria"}
_READ_PAST = r"(?:czytałem|czytałam|czytaliśmy|przeczytałem|przeczytałam|przeczytaliśmy)"

QUESTIONS = [
    # "książki Pratchetta", "pokaż książki autorstwa Tolkiena", "co mam od Pratchetta?"
    (
        k.BY_AUTHOR,
        r"(?:(?:pokaż|wypisz|wymień)(?: mi)? |jakie )?(?:wszystkie )?(?:(?:moje|nasze) )?(?:książki|powieści) "
        r"(?:autorstwa )?{S}(?: (?:mam|mamy))?",
        True,
    ),
    (k.BY_AUTHOR, r"co (?:mam|mamy) (?:od|autorstwa) {S}", True),
    (k.BY_AUTHOR, r"wszystko (?:od|autorstwa) {S}", True),
    (k.OWN, r"czy (?:już |nadal )?(?:mam|mamy) {S}", True),
    (k.OWN, r"czy {S} jest w (?:mojej|naszej) (?:bibliotece|kolekcji)", True),
    (k.READ, r"czy (?:już )?" + _READ_PAST + r" {S}", True),
    (k.UNREAD, r"co (?:jest )?(?:jeszcze )?nieprzeczytane w (?:serii |cyklu )?{S}", True),
    (
        k.UNREAD,
        r"czego (?:jeszcze )?nie (?:czytałem|czytałam|przeczytałem|przeczytałam) z (?:serii |cyklu )?{S}",
        True,
    ),
    (k.LENT, r"kto ma (?:teraz |moją |mój )?{S}", False),
    (k.LENT, r"gdzie jest (?:moja |mój )?{S}", False),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"co (?:teraz )?czytam(?:y)?(?: teraz)?"),
    (k.LENT_NOW, r"co (?:jest )?pożyczone|komu (?:pożyczyłem|pożyczyłam) książki|kto ma moje książki"),
    (
        k.UNREAD_ALL,
        r"co (?:jest )?(?:jeszcze )?nieprzeczytane|co (?:mam )?czytać dalej|co przeczytać(?: dalej)?",
    ),
    (k.HOW_MANY, r"ile (?:mam|mamy) książek(?: w bibliotece)?|ile książek (?:mam|mamy)(?: w bibliotece)?"),
]
ACTIONS = [
    (k.PROGRESS, r"(?:jestem )?na stronie (?P<rest>\d{1,5}) (?:w |z |książki )?{B}"),
    (k.PROGRESS, r"(?:strona|str\.) (?P<rest>\d{1,5}) (?:w |z |książki )?{B}"),
    (k.PROGRESS, r"{B},? (?:s\.|str\.?|strona) ?(?P<rest>\d{1,5})"),
    (
        k.FINISHED,
        r"(?:już )?(?:skończyłem|skończyłam|skończyliśmy|przeczytałem|przeczytałam|przeczytaliśmy) (?:czytać )?{B}",
    ),
    (k.STARTED, r"(?:teraz )?czytam {B}"),
    (k.STARTED, r"(?:zacząłem|zaczęłam|zaczęliśmy) (?:czytać )?{B}"),
    (k.BOUGHT, r"(?:kupiłem|kupiłam|kupiliśmy) {B}"),
    (k.ABANDONED, r"(?:porzuciłem|porzuciłam|rzuciłem|rzuciłam) {B}"),
    (k.DELETED, r"(?:usuń|skasuj) {B}(?: z biblioteki)?"),
    (k.LENT_OUT, r"(?:pożyczyłem|pożyczyłam|pożyczyliśmy|dałem|dałam) {B} (?P<rest>\S.*?)"),
    (
        k.RATED,
        r"(?:oceń|ocena|oceniam|daję) {B} (?:na )?(?P<rest>[0-5](?:[.,]5)?)(?: ?(?:gwiazdk[ai]|gwiazdek|/ ?5|★))?",
    ),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:gwiazdk[ai]|gwiazdek|/ ?5|★)"),
    (k.SHELVED, r"(?:odłóż|połóż|postaw|przenieś) {B} (?:na|do) (?P<rest>.+?)"),
    (k.RETURNED, r"{B} (?:wróciła|wrócił|wróciło|jest zwrócona|jest zwrócony)"),
    (k.RETURNED, r"(?:odzyskałem|odzyskałam) {B}"),
    (k.RETURNED, r"(?P<who>\S+) (?:oddał|oddała|zwrócił|zwróciła) {B}"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+", k.SHELVED: r"\s+(?:na|do)\s+"}
SHELF_WORDS = r"^(?:półkę|półce)\s+|\s+(?:półkę|półce)$"
REWRITE: list[tuple[str, str]] = []


# „zmień rok Diuny na 1965”, „ustaw liczbę stron Diuny na 612”; „rok 1965” w odpowiedzi na kartę.
FIELDS = {
    "tytuł": "title", "tytul": "title", "autor": "authors", "autora": "authors", "autorzy": "authors",
    "autorów": "authors", "seria": "series", "serię": "series", "serii": "series", "rok": "year",
    "rok wydania": "year", "strony": "pages", "stron": "pages", "liczba stron": "pages",
    "liczbę stron": "pages", "notatka": "notes", "notatkę": "notes", "notatki": "notes",
}  # fmt: skip
SET_OF = r"(?:zmień|zmien|ustaw|wpisz|popraw)\s+{F}\s+(?:(?:dla|w|książki|ksiazki)\s+)?{W}"
SET_TO = r"\s+na\s+"

REMIND_ME = r"(?:proszę\s+)?przypomnij\s+(?:mi\s+|nam\s+)?(?:o\s+|że\s+)?(?P<rest>.*)"
WISH = [
    r"(?:dodaj|wpisz)\s+(?P<rest>.+?)\s+do\s+(?:mojej\s+)?listy życzeń",
    r"(?:chcę kupić|lista życzeń)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"do": None, "na": "za"}

DATEPARSER = "pl"
TIME_FILLERS = {"w", "we", "do", "o"}
CLOCK_LEADS = r"o|około"
CLOCK_UNITS = r"godz\.?"
HOUR_WORDS = r"godzinie|godzina"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"następny", "następną", "następne", "przyszły", "przyszłą", "przyszłe"}
TIME_WORDS = {
    "poniedziałku": "poniedziałek", "wtorku": "wtorek", "środy": "środa", "środę": "środa",
    "czwartku": "czwartek", "piątku": "piątek", "soboty": "sobota", "sobotę": "sobota",
    "niedzieli": "niedziela", "niedzielę": "niedziela",
    "za tydzień": "za 1 tydzień", "za godzinę": "za 1 godzinę", "za miesiąc": "za 1 miesiąc",
    "za pół godziny": "za 30 minut", "za kwadrans": "za 15 minut",
}  # fmt: skip
NUMBERS = {
    "jeden": "1", "jedną": "1", "jedna": "1", "dwa": "2", "dwie": "2", "trzy": "3", "cztery": "4",
    "pięć": "5", "sześć": "6", "siedem": "7", "osiem": "8", "dziewięć": "9", "dziesięć": "10",
    "jedenaście": "11", "dwanaście": "12", "piętnaście": "15", "dwadzieścia": "20", "trzydzieści": "30",
}  # fmt: skip  # number words dateparser does not read ("dentro de dos horas")
IN_LEADS = r"za"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "rano": "morning", "rankiem": "morning", "z rana": "morning", "przed południem": "morning",
    "w południe": "noon", "południe": "noon", "po południu": "afternoon", "wieczorem": "evening",
    "wieczór": "evening", "w nocy": "night", "nocą": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"o|że"

# The Snowball stemmer that finds a book named in another case ("Diunę" → "diun", a prefix of "Diuna").
STEMMER = "polish"
