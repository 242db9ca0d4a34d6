"""Español: lo que la gente escribe ("Dune de Frank Herbert", "¿tengo Dune?", "terminé Dune")."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = r"de|por"
BY_MIN_SCORE = 2  # "Historia de España" is a title, not a book by "España"
I = r"(?:yo|nosotros|nosotras)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:mi|mis|nuestro|nuestra) )?(?:(?:copia|ejemplar) de )?"
BOOK_LEAD = r"(?:(?:mi|nuestro|nuestra) )?(?:(?:copia|ejemplar) de )?"
VAGUE = {"esto", "eso", "este", "ese", "este libro", "ese libro", "esta serie", "esa serie", "lo", "la"}
_Q = r"(?:y |oye,? )?"

QUESTIONS = [
    # "libros de Terry Pratchett", "¿qué tengo de Tolkien?" ("Libros de sangre de Clive Barker" is a title:
    # parse leaves a match whose name side is itself "Title de Author").
    (
        k.BY_AUTHOR,
        _Q + r"(?:(?:muéstrame|muestrame|enséñame|enseñame|lista|dime)(?: los| todos los| mis)? |"
        r"(?:qué|que|cuáles|cuales) )?(?:todos )?(?:(?:mis|los) )?(?:libros|novelas) (?:de|por) {S}"
        r"(?: (?:que )?(?:tengo|tenemos))?",
        True,
    ),
    (k.BY_AUTHOR, _Q + r"(?:qué|que) (?:libros |novelas )?(?:tengo|tenemos) (?:de|por) {S}", True),
    (k.BY_AUTHOR, _Q + r"todo (?:lo )?(?:que tengo )?de {S}", True),
    # "he leído Dune", "tengo que leer Dune" are told: only "¿…?" makes these words a question.
    (k.READ, _Q + r"(?:ya )?(?:he|hemos) (?:leído|leido|terminado) {S}", False),
    (k.READ, _Q + r"(?:ya )?(?:leí|lei|leímos|leimos) {S}\s*\?", True),
    (k.OWN, _Q + r"(?:ya |todavía |aún )?(?:tengo|tenemos) {S}", False),
    (
        k.OWN,
        _Q + r"(?:está|esta) {S} en (?:mi|nuestra|la) (?:biblioteca|colección|coleccion|estantería)",
        True,
    ),
    (
        k.UNREAD,
        _Q + r"(?:qué|que|cuáles|cuales)(?: libros)? (?:me |nos )?(?:falta|faltan|queda|quedan) por leer "
        r"(?:de|en) (?:la serie )?{S}",
        True,
    ),
    (k.UNREAD, _Q + r"(?:qué|que)(?: libros)? no (?:he|hemos) leído (?:de|en) (?:la serie )?{S}", True),
    (k.LENT, _Q + r"(?:quién|quien) tiene {S}", False),
    (k.LENT, _Q + r"(?:dónde|donde) (?:está|esta) {S}", False),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"(?:qué|que) (?:estoy|estamos) leyendo(?: ahora)?"),
    (
        k.LENT_NOW,
        r"(?:qué|que)(?: libros)? (?:tengo|tenemos|he|hemos) prestados?|(?:qué|que) libros están prestados"
        r"|(?:quién|quien) tiene mis libros",
    ),
    (
        k.UNREAD_ALL,
        r"(?:qué|que) (?:me |nos )?(?:falta|queda) por leer|(?:qué|que) (?:leo|leemos) (?:ahora|después|despues)"
        r"|(?:qué|que) no (?:he|hemos) leído",
    ),
    (k.HOW_MANY, r"(?:cuántos|cuantos) libros (?:tengo|tenemos|hay)(?: en (?:mi|nuestra|la) biblioteca)?"),
]
ACTIONS = [
    (k.PROGRESS, r"(?:voy|estoy|vamos) (?:por|en) la página (?P<rest>\d{1,5}) de {B}"),
    (k.PROGRESS, r"página (?P<rest>\d{1,5}) de {B}"),
    (k.PROGRESS, r"{B},? (?:p\.?|pág\.?|página) ?(?P<rest>\d{1,5})"),
    (k.PROGRESS, r"(?:he )?leído (?P<more>\d{1,5}) páginas (?:más )?de {B}"),
    (k.FINISHED, r"(?:ya )?(?:terminé|termine|acabé|acabe|he terminado|he acabado) (?:de leer )?{B}"),
    (k.FINISHED, r"(?:ya )?(?:leí|he leído) {B}"),
    (k.FINISHED, r"marca {B} como leído"),
    (k.STARTED, r"(?:estoy|estamos) leyendo {B}"),
    (k.STARTED, r"(?:empecé|empece|comencé|comence|he empezado) (?:a leer )?{B}"),
    (k.BOUGHT, r"(?:compré|compre|he comprado) {B}"),
    (k.ABANDONED, r"(?:abandoné|abandone|he abandonado|dejé de leer|deje de leer) {B}"),
    (k.DELETED, r"(?:borra|elimina|quita) {B}(?: de (?:mi|la) biblioteca)?"),
    (k.LENT_OUT, r"(?:le )?(?:presté|preste|he prestado|dejé|deje) {B} a (?P<rest>.+?)"),
    (
        k.RATED,
        r"(?:puntúa|puntua|califica|valora|dale a) {B} (?:con )?(?P<rest>[0-5](?:[.,]5)?)(?: ?(?:estrellas?|/ ?5|★))?",
    ),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:estrellas?|/ ?5|★)"),
    (k.SHELVED, r"(?:pon|mueve|coloca|guarda) {B} en (?P<rest>.+?)"),
    (k.RETURNED, r"(?:me |nos )?(?:devolvieron|han devuelto) {B}"),
    (k.RETURNED, r"(?P<who>\S+) (?:me )?(?:devolvió|devolvio|ha devuelto) {B}"),
    (k.RETURNED, r"{B} (?:ha vuelto|volvió|volvio|está de vuelta|esta de vuelta|ya está devuelto)"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+a\s+", k.SHELVED: r"\s+en\s+"}
SHELF_WORDS = r"^(?:la\s+)?(?:estanter[ií]a|balda|repisa)\s+|\s+estanter[ií]a$"
# "préstalo a Bob" (a reply to a card) reads as "presté esto a Bob".
REWRITE = [(r"^(?:préstalo|prestalo|préstala|prestala|déjaselo|dejaselo)\s+a\s+", "presté esto a ")]


# "cambia el año de Dune a 1965", "pon las páginas de Dune en 612"; "año 1965" como respuesta a una ficha.
FIELDS = {
    "título": "title", "titulo": "title", "autor": "authors", "autora": "authors", "autores": "authors",
    "serie": "series", "saga": "series", "año": "year", "ano": "year", "año de publicación": "year",
    "páginas": "pages", "paginas": "pages", "notas": "notes",  # "nota" may be a rating
}  # fmt: skip
SET_OF = r"(?:cambia|cambiar|pon|poner|establece|fija|corrige)(?: el| la| los| las)? {F} (?:de|del|para) {W}"
SET_TO = r"\s+(?:a|en|por)\s+"

REMIND_ME = r"(?:por favor,?\s+)?(?:recuérda|recuerda)(?:me|nos)\s+(?:que\s+|de\s+)?(?P<rest>.*)"
WISH = [
    r"(?:añade|agrega|pon)\s+(?P<rest>.+?)\s+(?:a|en)\s+(?:mi|nuestra|la)\s+lista de deseos",
    r"(?:lista de deseos|quiero comprar)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"hasta": None, "para": None, "durante": "en"}

DATEPARSER = "es"
TIME_FILLERS = {"el", "la", "este", "esta", "a", "para", "hasta", "de"}
CLOCK_LEADS = r"a las|a la|sobre las|hacia las"
CLOCK_UNITS = r"h|hs"
HOUR_WORDS = r"horas?"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"próximo", "proximo", "próxima", "proxima", "siguiente", "que viene"}
TIME_WORDS = {
    "esta mañana": "hoy por la mañana", "esta tarde": "hoy por la tarde", "esta noche": "hoy por la noche",
    "pasado mañana": "en 2 días", "media hora": "30 minutos", "un cuarto de hora": "15 minutos",
}  # fmt: skip
NUMBERS = {
    "un": "1", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9", "diez": "10", "once": "11", "doce": "12", "quince": "15",
    "veinte": "20", "treinta": "30",
}  # fmt: skip  # number words dateparser does not read ("dentro de dos horas")
IN_LEADS = r"en|dentro de"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "por la mañana": "morning", "de la mañana": "morning", "en la mañana": "morning", "a la mañana": "morning",
    "mediodía": "noon", "a mediodía": "noon", "al mediodía": "noon", "medio día": "noon",
    "por la tarde": "afternoon", "de la tarde": "afternoon", "en la tarde": "afternoon", "a la tarde": "afternoon",
    "por la noche": "evening", "de la noche": "evening", "en la noche": "evening", "a la noche": "evening",
    "de madrugada": "night", "de la madrugada": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"que|de"
STEMMER = None  # a title is typed as it is written
