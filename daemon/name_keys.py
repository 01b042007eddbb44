"""How a name becomes an index key, in a module of its own so the city table can store keys ready-made.

Keys are case- and accent-insensitive word tokens joined by single spaces ("Côte d'Ivoire" ->
"cote d ivoire"): the matcher looks up token n-grams of an article in the same form.
"""

from __future__ import annotations

import re
import unicodedata

TOKEN = re.compile(r"\w+")


def normalize_token(token: str) -> str:
    """Case- and accent-insensitive form of one word token ("Côte" -> "cote")."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """The index key of a name: its word tokens, normalised, joined by single spaces."""
    if name.isascii() and name.isalnum():
        return name.lower()
    return " ".join(TOKEN.findall(normalize_token(name)))
