"""Français : ce que les gens écrivent (« Dune de Frank Herbert », « est-ce que j'ai Dune ? », « j'ai fini Dune »)."""

from __future__ import annotations

from librium.phrases import kinds as k

BY = r"de|d'|par"
BY_MIN_SCORE = 2
I = r"(?:je|j'|nous)"  # noqa: E741
SUBJECT_LEAD = r"(?:(?:mon|ma|notre) )?(?:exemplaire (?:de |d'))?"
BOOK_LEAD = SUBJECT_LEAD
VAGUE = {"ça", "ca", "ceci", "cela", "le", "la", "ce livre", "cette série", "celui-ci", "celle-ci"}
_AI = r"(?:j'ai|nous avons|on a)"

QUESTIONS = [
    # "livres de Terry Pratchett", "qu'est-ce que j'ai de Tolkien ?"
    (
        k.BY_AUTHOR,
        r"(?:(?:montre(?:-moi)?|liste|affiche)(?: les| tous les| mes)? |quels )?(?:tous )?(?:(?:mes|les|nos) )?"
        r"(?:livres|romans) (?:de |d'|par ){S}(?: (?:ai-je|j'ai|avons-nous))?",
        True,
    ),
    (k.BY_AUTHOR, r"(?:qu'est-ce que j'ai|qu'ai-je|que possède-t-on|j'ai quoi) (?:de |d'|par ){S}", True),
    (k.BY_AUTHOR, r"tout (?:ce que j'ai )?(?:de |d'){S}", True),
    # "j'ai lu Dune", "j'ai fini Dune" are told, not asked: without "est-ce que", an inversion or a "?"
    # the words are a question only when nothing else reads them.
    (k.READ, r"(?:est-ce qu'|est ce qu')(?:j'ai|on a|nous avons) (?:déjà )?lu {S}", True),
    (k.READ, r"(?:ai-je|avons-nous) (?:déjà )?lu {S}", True),
    (k.READ, r"(?:j'ai|on a|nous avons) (?:déjà )?lu {S}", False),
    (k.OWN, r"(?:est-ce que |est ce que )(?:j'ai|nous avons|on a) (?:déjà )?{S}", True),
    (k.OWN, r"(?:ai-je|avons-nous) (?:déjà )?{S}", True),
    (k.OWN, r"(?:j'ai|nous avons|on a) (?:déjà )?{S}", False),
    (k.UNREAD, r"qu'est-ce qui (?:n'est pas|reste à être) lu dans (?:la série )?{S}", True),
    (
        k.UNREAD,
        r"(?:que|qu'est-ce que) (?:je n'ai|nous n'avons) pas (?:encore )?lu (?:dans|de) (?:la série )?{S}",
        True,
    ),
    (k.LENT, r"qui a {S}", False),
    (k.LENT, r"où est {S}", False),
]
LIBRARY_QUESTIONS = [
    (k.READING_NOW, r"(?:qu'est-ce que je lis|que lis-je|je lis quoi)(?: en ce moment| actuellement)?"),
    (k.LENT_NOW, r"(?:qu'est-ce que j'ai|qu'ai-je) prêté|quels livres sont prêtés|qui a mes livres"),
    (k.UNREAD_ALL, r"qu'est-ce que je n'ai pas (?:encore )?lu|que lire ensuite|qu'est-ce que je lis ensuite"),
    (k.HOW_MANY, r"combien (?:de livres (?:ai-je|j'ai|avons-nous)|ai-je de livres|j'ai de livres)"),
]
ACTIONS = [
    (k.PROGRESS, r"(?:je suis )?(?:à la )?page (?P<rest>\d{1,5}) (?:de |d'|dans )?{B}"),
    (k.PROGRESS, r"{B},? (?:p\.?|page) ?(?P<rest>\d{1,5})"),
    (k.FINISHED, r"(?:j'ai |on a )?(?:fini|terminé|lu) {B}"),
    (k.STARTED, r"(?:je lis|je suis en train de lire|j'ai commencé|je commence) {B}"),
    (k.BOUGHT, r"(?:j'ai )?acheté {B}"),
    (k.ABANDONED, r"(?:j'ai )?abandonné {B}"),
    (k.DELETED, r"(?:supprime|efface|retire) {B}(?: de (?:ma|la) bibliothèque)?"),
    (k.LENT_OUT, r"(?:j'ai )?(?:prêté|prête) {B} (?:à|a) (?P<rest>.+?)"),
    (k.RATED, r"(?:note|notes|je donne) {B} (?P<rest>[0-5](?:[.,]5)?)(?: ?(?:étoiles?|/ ?5|★))?"),
    (k.RATED, r"{B}:? (?P<rest>[0-5](?:[.,]5)?) ?(?:étoiles?|/ ?5|★)"),
    (k.SHELVED, r"(?:range|mets|place) {B} (?:sur|dans) (?P<rest>.+?)"),
    (k.RETURNED, r"{B} (?:est revenu|est revenue|est rendu|est rendue|m'a été rendu)"),
    (k.RETURNED, r"(?:on m'a rendu|j'ai récupéré) {B}"),
    (k.RETURNED, r"(?P<who>\S+) (?:m'a rendu|a rendu) {B}"),
]
SPLIT_ON = {k.LENT_OUT: r"\s+(?:à|a)\s+", k.SHELVED: r"\s+(?:sur|dans)\s+"}
SHELF_WORDS = r"^(?:l'|la\s+|le\s+)?(?:étagère\s+|rayon\s+)?|\s+étagère$"
REWRITE = [(r"^(?:prête|prete)-(?:le|la) (?:à|a) ", "prêté ça à ")]


# « change l'année de Dune en 1965 », « mets les pages de Dune à 612 » ; « année 1965 » en réponse à une fiche.
FIELDS = {
    "titre": "title", "auteur": "authors", "autrice": "authors", "auteurs": "authors", "série": "series",
    "serie": "series", "année": "year", "annee": "year", "pages": "pages", "nombre de pages": "pages",
    "notes": "notes",  # "note" is a rating: « note Dune 4,5 »
}  # fmt: skip
SET_OF = (
    r"(?:change|modifie|mets|mettre|passe|corrige)\s+(?:(?:le|la|les)\s+|l')?{F}\s+(?:de\s+|du\s+|d')?{W}"
)
SET_TO = r"\s+(?:à|a|en|sur)\s+"

REMIND_ME = r"(?:s'il te plaît,?\s+)?rappelle-(?:moi|nous)\s+(?:de\s+|d'|que\s+)?(?P<rest>.*)"
WISH = [
    r"(?:ajoute|mets)\s+(?P<rest>.+?)\s+(?:à|a|sur|dans)\s+(?:ma|notre|la)\s+liste d'envies",
    r"(?:liste d'envies|je veux acheter)\s*[:\-–—]?\s*(?P<rest>.+)",
]
DUE_LEADS = {"jusqu'à": None, "jusqu'au": None, "pour": "dans"}

DATEPARSER = "fr"
TIME_FILLERS = {"le", "ce", "jusqu'à", "jusqu'au"}
CLOCK_LEADS = r"à|a|vers"
CLOCK_UNITS = r"h"
HOUR_WORDS = r"heures?"  # after an hour led by CLOCK_LEADS ("um 18 Uhr")
NEXT = {"prochain", "prochaine"}
TIME_WORDS = {
    "ce matin": "aujourd'hui matin", "cet après-midi": "aujourd'hui après-midi",
    "cet apres-midi": "aujourd'hui après-midi", "ce soir": "aujourd'hui soir", "cette nuit": "aujourd'hui dans la nuit",
    "une demi-heure": "30 minutes", "demi-heure": "30 minutes", "un quart d'heure": "15 minutes",
}  # fmt: skip
NUMBERS: dict[str, str] = {}  # dateparser reads this language's number words itself
IN_LEADS = r"dans"  # before an amount of time ("in 3 days"): counted from now
DAY_PARTS = {
    "matin": "morning", "du matin": "morning", "le matin": "morning", "dans la matinée": "morning",
    "midi": "noon", "à midi": "noon", "après-midi": "afternoon", "apres-midi": "afternoon",
    "l'après-midi": "afternoon", "de l'après-midi": "afternoon", "dans l'après-midi": "afternoon",
    "soir": "evening", "du soir": "evening", "le soir": "evening", "dans la soirée": "evening",
    "dans la nuit": "night", "de la nuit": "night",
}  # fmt: skip
HOUR_PARTS: dict[str, str] = {}  # parts of the day said only right after a clock time
WHAT_LEADS = r"de|d'|d’|que"
STEMMER = None  # a title is typed as it is written
