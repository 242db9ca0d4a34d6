"""Italiano: cosa scrivono le persone ("Il nome della rosa di Umberto Eco", "ho Dune?", "ho finito Dune")."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = r"di"
BY_MIN_SCORE = 2
I = r"(?:io|noi)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:la mia|il mio|la nostra|il nostro) )?(?:copia di )?"
BOOK_LEAD = SUBJECT_LEAD
VAGUE = {"questo", "quello", "questa", "lo", "la", "questo libro", "questa serie"}

QUESTIONS = [
    # "libri di Terry Pratchett", "cosa ho di Tolkien?"
    (
        k.BY_AUTHOR,
        r"(?:(?:mostrami|elenca|fammi vedere)(?: i| tutti i)? |quali )?(?:tutti )?(?:(?:i )?(?:miei|nostri) |i )?"
        r"(?:libri|romanzi) (?:di|da) {S}(?: (?:ho|abbiamo))?",
        True,
    ),
    (k.BY_AUTHOR, r"(?:cosa|che cosa|che) (?:libri )?(?:ho|abbiamo) di {S}", True),
    (k.BY_AUTHOR, r"tutto (?:quello che ho )?di {S}", True),
    # "ho letto Dune", "ho finito Dune" are told, not asked: only a "?" makes these words a question.
    (k.READ, r"(?:ho|abbiamo) (?:già )?letto {S}", False),
    (k.OWN, r"ce l'(?:ho|abbiamo) (?:già )?{S}", True),
    (k.OWN, r"(?:ho|abbiamo|possiedo) (?:già )?{S}", False),
    (k.OWN, r"{S} è nella (?:mia|nostra) (?:biblioteca|collezione)", True),
    (k.UNREAD, r"(?:cosa|che cosa) non ho (?:ancora )?letto (?:di|in|della serie) {S}", True),
    (k.UNREAD, r"(?:cosa|che cosa) (?:mi )?resta da leggere (?:di|in|della serie) {S}", True),
    (k.LENT, r"chi ha {S}", False),
    (k.LENT, r"dov'è {S}", False),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"(?:cosa|che cosa) sto leggendo(?: ora| adesso)?"),
    (k.LENT_NOW, r"(?:cosa|che cosa) ho prestato|quali libri sono in prestito|chi ha i miei libri"),
    (
        k.UNREAD_ALL,
        r"(?:cosa|che cosa) non ho (?:ancora )?letto|(?:cosa|che cosa) (?:leggo|dovrei leggere) (?:ora|dopo)",
    ),
    (k.HOW_MANY, r"quanti libri (?:ho|abbiamo|ci sono)(?: nella (?:mia|nostra) biblioteca)?"),
]
ACTIONS = [
    (k.PROGRESS, r"(?:sono )?a pagina (?P<rest>\d{1,5}) di {B}"),
    (k.PROGRESS, r"pagina (?P<rest>\d{1,5}) di {B}"),
    (k.PROGRESS, r"{B},? (?:p\.?|pag\.?|pagina) ?(?P<rest>\d{1,5})"),
    (k.FINISHED, r"(?:ho )?(?:finito|terminato|letto) (?:di leggere )?{B}"),
    (k.STARTED, r"sto leggendo {B}"),
    (k.STARTED, r"(?:ho )?(?:iniziato|cominciato) (?:a leggere )?{B}"),
    (k.BOUGHT, r"(?:ho )?comprato {B}"),
    (k.ABANDONED, r"(?:ho )?abbandonato {B}"),
    (k.DELETED, r"(?:elimina|cancella|rimuovi) {B}(?: dalla (?:mia )?biblioteca)?"),
    (k.LENT_OUT, r"(?:ho )?prestato {B} (?:a|ad) (?P<rest>.+?)"),
    (k.RATED, r"(?:voto|vota|valuta|do) {B} (?P<rest>[0-5](?:[.,]5)?)(?: ?(?:stelle|stella|/ ?5|★))?"),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:stelle|stella|/ ?5|★)"),
    (k.SHELVED, r"(?:metti|sposta|riponi) {B} (?:sullo|sul|sulla|nello|nel|nella|in) (?P<rest>.+?)"),
    (k.RETURNED, r"{B} è tornat[oa]"),
    (k.RETURNED, r"(?:mi )?hanno restituito {B}"),
    (k.RETURNED, r"(?P<who>\S+) (?:mi )?ha restituito {B}"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+(?:a|ad)\s+", k.SHELVED: r"\s+(?:sullo|sul|sulla|nello|nel|nella|in)\s+"}
SHELF_WORDS = r"^(?:lo\s+)?(?:scaffale|ripiano)\s+|\s+scaffale$"
REWRITE = [(r"^(?:prestalo|prestala) (?:a|ad) ", "prestato questo a ")]


# «cambia l'anno di Dune in 1965», «imposta le pagine di Dune a 612»; «anno 1965» in risposta a una scheda.
FIELDS = {
    "titolo": "title", "autore": "authors", "autrice": "authors", "autori": "authors", "serie": "series",
    "saga": "series", "anno": "year", "anno di pubblicazione": "year", "pagine": "pages",
    "numero di pagine": "pages", "nota": "notes", "note": "notes",
}  # fmt: skip
SET_OF = (
    r"(?:cambia|imposta|metti|modifica|correggi)\s+(?:(?:il|lo|la|i|gli|le)\s+|l')?{F}\s+"
    r"(?:di\s+|del\s+|della\s+|dello\s+|d')?{W}"
)
SET_TO = r"\s+(?:a|in|su)\s+"

REMIND_ME = r"(?:per favore,?\s+)?ricorda(?:mi|ci)\s+(?:di\s+|che\s+)?(?P<rest>.*)"
WISH = [
    r"(?:aggiungi|metti)\s+(?P<rest>.+?)\s+(?:alla|nella)\s+(?:mia\s+)?lista (?:dei )?desideri",
    r"(?:lista (?:dei )?desideri|voglio comprare)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"fino": None, "a": None, "entro": None, "per": "tra"}

DATEPARSER = "it"
TIME_FILLERS = {"il", "lo", "la", "fino", "a", "entro"}
CLOCK_LEADS = r"alle|all'|verso le"
CLOCK_UNITS = r"h"
HOUR_WORDS = r"ore"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"prossimo", "prossima"}
TIME_WORDS = {
    "stamattina": "oggi mattina", "stamani": "oggi mattina", "stasera": "oggi sera", "stanotte": "oggi notte",
    "fra": "tra", "dopodomani": "tra 2 giorni", "mezz'ora": "30 minuti", "mezzora": "30 minuti",
    "un quarto d'ora": "15 minuti", "un'ora": "1 ora", "un giorno": "1 giorno", "una settimana": "1 settimana",
    "un mese": "1 mese",
}  # fmt: skip
NUMBERS = {
    "un": "1", "uno": "1", "una": "1", "due": "2", "tre": "3", "quattro": "4", "cinque": "5", "sei": "6",
    "sette": "7", "otto": "8", "nove": "9", "dieci": "10", "undici": "11", "dodici": "12",
    "quindici": "15", "venti": "20", "trenta": "30",
}  # fmt: skip  # number words dateparser does not read ("dentro de dos horas")
IN_LEADS = r"tra|fra|in"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "mattina": "morning", "di mattina": "morning", "la mattina": "morning", "mattino": "morning",
    "di mattino": "morning", "del mattino": "morning", "in mattinata": "morning", "mezzogiorno": "noon",
    "a mezzogiorno": "noon", "pomeriggio": "afternoon", "di pomeriggio": "afternoon",
    "nel pomeriggio": "afternoon", "del pomeriggio": "afternoon", "sera": "evening", "di sera": "evening",
    "la sera": "evening", "della sera": "evening", "in serata": "evening", "notte": "night",
    "di notte": "night", "della notte": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"di|che"
STEMMER = None  # a title is typed as it is written
