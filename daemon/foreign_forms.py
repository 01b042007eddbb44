"""Inflected forms of French and Arabic place words, so "l'armée malienne" and "وتشاد" are found.

The Sahel's press writes in French and Arabic. French adjectives of nationality agree in gender
and number and are written in lowercase ("les autorités nigériennes"); Arabic attaches "and",
"in" and "to" to the word that follows ("وتشاد", "بالنيجر") and makes adjectives with a suffix
("الفرنسية"). Both are regular enough to expand from the one form our data file lists.
"""

from __future__ import annotations

import re

_ARABIC = re.compile("[\u0600-\u06ff]")
_ARTICLE = "ال"
# Conjunctions and prepositions written joined to the next word: and, so; in/with, and-in, so-in.
_JOINED_AND = ("و", "ف")
_JOINED_IN = ("ب", "وب", "فب")
# "to" (ل) and its compounds drop the article's alif: ل + النيجر -> للنيجر.
_JOINED_TO = ("ل", "ول", "فل")
_ARABIC_ADJECTIVE_ENDINGS = ("", "ة", "ون", "ين")     # masculine, feminine, plural (two cases)


def is_arabic(name: str) -> bool:
    return bool(_ARABIC.search(name))


def french_demonym_forms(masculine: str) -> tuple[str, ...]:
    """Masculine, feminine and plural forms of a French adjective of nationality ("malien" ->
    malien, malienne, maliens, maliennes)."""
    if masculine.endswith("en"):
        endings: tuple[str, ...] = ("", "ne", "s", "nes")
    elif masculine.endswith(("ais", "ois")):
        endings = ("", "e", "es")
    elif masculine.endswith(("e", "è", "é")):
        endings = ("", "s")
    else:
        endings = ("", "e", "s", "es")
    return tuple(masculine + ending for ending in endings)


def arabic_adjective_forms(stem: str) -> tuple[str, ...]:
    """An Arabic adjective of nationality with and without the article, in its common endings
    ("فرنسي" -> فرنسي، فرنسية، الفرنسيون ...)."""
    return tuple(article + stem + ending for article in ("", _ARTICLE) for ending in _ARABIC_ADJECTIVE_ENDINGS)


def arabic_joined_forms(name: str) -> tuple[str, ...]:
    """The name with a conjunction or preposition joined to its first word ("تشاد" -> وتشاد، بتشاد ...)."""
    forms = [prefix + name for prefix in (*_JOINED_AND, *_JOINED_IN)]
    if name.startswith(_ARTICLE):
        forms.extend(prefix + name[1:] for prefix in _JOINED_TO)
    else:
        forms.extend(prefix + name for prefix in _JOINED_TO)
    return tuple(forms)


def arabic_in_forms(name: str) -> tuple[str, ...]:
    """The name with "in" joined to it ("بالنيجر" is "in Niger"): the place where something happens."""
    return tuple(prefix + name for prefix in _JOINED_IN)
