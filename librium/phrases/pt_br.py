"""Português (Brasil): o que as pessoas escrevem ("Duna de Frank Herbert", "eu tenho Duna?", "terminei Duna")."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = r"de|por"
BY_MIN_SCORE = 2
I = r"(?:eu|nós|a gente)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:meu|minha|nosso|nossa) )?(?:(?:exemplar|cópia) de )?"
BOOK_LEAD = SUBJECT_LEAD
VAGUE = {"isso", "isto", "este", "esse", "este livro", "esse livro", "esta série", "essa série", "o", "a"}

QUESTIONS = [
    # "livros de Terry Pratchett", "livros do Tolkien", "o que eu tenho de Pratchett?"
    (
        k.BY_AUTHOR,
        r"(?:(?:me )?(?:mostr[ae]|list[ae])(?: os| todos os| meus)? |quais )?(?:todos )?(?:(?:os )?(?:meus|nossos) |os )?"
        r"(?:livros|romances) (?:de|do|da|por) {S}(?: (?:que )?(?:eu )?(?:tenho|temos))?",
        True,
    ),
    (k.BY_AUTHOR, r"o que (?:eu )?(?:tenho|temos) (?:de|do|da) {S}", True),
    (k.BY_AUTHOR, r"tudo (?:que (?:eu )?tenho )?(?:de|do|da) {S}", True),
    (k.READ, r"(?:eu |nós )?(?:já )?(?:li|lemos|terminei) {S}\s*\?", True),
    (k.OWN, r"(?:eu |nós )?(?:já )?(?:tenho|temos) {S}", False),  # a question with its "?"
    (k.OWN, r"{S} está na (?:minha|nossa) (?:biblioteca|coleção|estante)", True),
    (k.UNREAD, r"o que (?:me |nos )?falta ler (?:de|em|na série) {S}", True),
    (k.UNREAD, r"o que (?:eu )?não li (?:de|em|na série) {S}", True),
    (k.LENT, r"quem está com {S}", False),
    (k.LENT, r"com quem está {S}", False),
    (k.LENT, r"onde está {S}", False),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"o que (?:eu )?(?:estou|tô) lendo(?: agora)?"),
    (k.LENT_NOW, r"o que (?:eu )?emprestei|quais livros estão emprestados|quem está com meus livros"),
    (
        k.UNREAD_ALL,
        r"o que (?:me )?falta ler|o que (?:eu )?(?:leio|devo ler) (?:agora|depois|a seguir)|o que não li",
    ),
    (k.HOW_MANY, r"quantos livros (?:eu )?(?:tenho|temos|há)(?: na (?:minha|nossa) biblioteca)?"),
]
ACTIONS = [
    (k.PROGRESS, r"(?:estou |tô )?na página (?P<rest>\d{1,5}) de {B}"),
    (k.PROGRESS, r"página (?P<rest>\d{1,5}) de {B}"),
    (k.PROGRESS, r"{B},? (?:p\.?|pág\.?|página) ?(?P<rest>\d{1,5})"),
    (k.FINISHED, r"(?:já )?(?:terminei|acabei|li) (?:de ler )?{B}"),
    (k.STARTED, r"(?:estou|tô) lendo {B}"),
    (k.STARTED, r"(?:comecei) (?:a ler )?{B}"),
    (k.BOUGHT, r"comprei {B}"),
    (k.ABANDONED, r"(?:abandonei|desisti de|larguei) {B}"),
    (k.DELETED, r"(?:apague|apagar|apaga|remova|remove|exclua) {B}(?: da (?:minha )?biblioteca)?"),
    (k.LENT_OUT, r"(?:emprestei) {B} (?:para|pra|pro|à|ao) (?P<rest>.+?)"),
    (
        k.RATED,
        r"(?:nota|avalie|avalio|dou) {B} (?:com )?(?P<rest>[0-5](?:[.,]5)?)(?: ?(?:estrelas?|/ ?5|★))?",
    ),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:estrelas?|/ ?5|★)"),
    (k.SHELVED, r"(?:coloque|coloca|põe|ponha|guarde|guarda) {B} (?:na|no|em) (?P<rest>.+?)"),
    (k.RETURNED, r"{B} (?:voltou|foi devolvido|foi devolvida)"),
    (k.RETURNED, r"(?:me )?devolveram {B}"),
    (k.RETURNED, r"(?P<who>\S+) (?:me )?devolveu {B}"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+(?:para|pra|pro|à|ao)\s+", k.SHELVED: r"\s+(?:na|no|em)\s+"}
SHELF_WORDS = r"^(?:a\s+)?(?:estante|prateleira)\s+|\s+estante$"
REWRITE = [(r"^(?:empreste|empresta)(?:-o|-a)? (?:para|pra|pro|à|ao) ", "emprestei isso para ")]


# "mude o ano de Duna para 1965", "coloque as páginas de Duna em 612"; "ano 1965" em resposta a um card.
FIELDS = {
    "título": "title", "titulo": "title", "autor": "authors", "autora": "authors", "autores": "authors",
    "série": "series", "serie": "series", "ano": "year", "páginas": "pages", "paginas": "pages",
    "notas": "notes", "anotação": "notes", "anotações": "notes",  # "nota" is a rating: "nota Duna 4,5"
}  # fmt: skip
SET_OF = (
    r"(?:mude|muda|altere|altera|troque|troca|coloque|coloca|defina|define|corrija|corrige)"
    r"(?: o| a| os| as)? {F} (?:de|do|da) {W}"
)
SET_TO = r"\s+(?:para|pra|em)\s+"

REMIND_ME = (
    r"(?:por favor,?\s+)?(?:me\s+lembre|me\s+lembra|lembre-me|lembra-me)\s+(?:de\s+|que\s+)?(?P<rest>.*)"
)
WISH = [
    r"(?:adicione|adiciona|coloque|coloca)\s+(?P<rest>.+?)\s+na\s+(?:minha\s+)?lista de desejos",
    r"(?:lista de desejos|quero comprar)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"até": None, "por": "em"}

DATEPARSER = "pt"
TIME_FILLERS = {"na", "no", "nesta", "neste", "até", "a", "o"}
CLOCK_LEADS = r"às|as|à"
CLOCK_UNITS = r"h"
HOUR_WORDS = r"horas?"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"próxima", "proxima", "próximo", "proximo", "que vem"}
TIME_WORDS = {
    "daqui a": "em", "daqui": "em", "depois de amanhã": "em 2 dias", "depois de amanha": "em 2 dias",
    "meia hora": "30 minutos", "esta manhã": "hoje de manhã", "esta tarde": "hoje à tarde",
    "esta noite": "hoje à noite", "hoje a noite": "hoje à noite",
}  # fmt: skip
NUMBERS = {
    "um": "1", "uma": "1", "dois": "2", "duas": "2", "três": "3", "tres": "3", "quatro": "4", "cinco": "5",
    "seis": "6", "sete": "7", "oito": "8", "nove": "9", "dez": "10", "onze": "11", "doze": "12",
    "quinze": "15", "vinte": "20", "trinta": "30",
}  # fmt: skip  # number words dateparser does not read ("dentro de dos horas")
IN_LEADS = r"em|daqui a|daqui|dentro de"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "de manhã": "morning", "pela manhã": "morning", "da manhã": "morning", "na manhã": "morning",
    "de manha": "morning", "meio-dia": "noon", "ao meio-dia": "noon", "meio dia": "noon", "ao meio dia": "noon",
    "à tarde": "afternoon", "a tarde": "afternoon", "de tarde": "afternoon", "da tarde": "afternoon",
    "pela tarde": "afternoon", "à noite": "evening", "a noite": "evening", "de noite": "evening",
    "da noite": "evening", "pela noite": "evening", "de madrugada": "night", "da madrugada": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"de|que"
STEMMER = None  # a title is typed as it is written
