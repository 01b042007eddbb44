"""Country names, West African capitals and adjectives of nationality in Spanish, Portuguese, German
and Italian, for the names index.

pycountry's translations (name_index.add_translated_names) already give most of these languages'
country names; this adds what they lack. daemon/data/european_names.json holds the CLDR names
("Kongo-Kinshasa", "Tchéquia"); daemon/data/european_names.toml the hand-kept aliases ("EE. UU.",
"Elfenbeinküste"), the capitals spelled these languages' way ("Yamena", "Ndschamena"), the
lowercase adjectives ("maliense", "malisch") with their ending rules, and the skips: names left
out, and known names that are common words here (Spanish "Gana", wins), marked as naming no place.
Context is read through longer phrases, as the matcher prefers the longest name: "Reunión de" (a
meeting) names no place, and "Roma", the Romani people in English, is Rome only as "di Roma", "en Roma";
"Mosca" (a fly, a surname) and "Napoli" (a surname) likewise only inside such phrases. Phrases opening
with a surname particle ("Di Napoli") are taken only in lowercase.
"""

from __future__ import annotations

import functools
import json

from daemon.name_index import (DATA_DIR, IndexBuilder, NameEntry, collector_paused, letters_only, name_key,
                               normalize_token, read_data_toml)

DATA_FILE = "european_names.toml"
CLDR_FILE = "european_names.json"


@functools.lru_cache(maxsize=1)
def names_data() -> dict:
    """Both data files as one, parsed once per process."""
    data = read_data_toml(DATA_FILE)
    data["countries"] = json.loads((DATA_DIR / CLDR_FILE).read_text(encoding="utf-8"))["countries"]
    return data


def skipped_keys() -> frozenset[str]:
    """The index keys of the names and adjective forms left out: common words, people's or other places' names."""
    return frozenset(name_key(name) for name in names_data()["skip"]["names"])


def adjective_forms(word: str, rules: list) -> tuple[str, ...]:
    """An adjective of nationality in its gender and number forms, by the first rule whose ending
    fits ("maliano" -> maliano, maliana, maliani, maliane); a word no rule fits stays as it is."""
    for ending, cut, endings in rules:
        if word.endswith(ending):
            stem = word[:len(word) - cut]
            return tuple(dict.fromkeys(stem + added for added in endings))
    return (word,)


def add_european_names(builder: IndexBuilder) -> frozenset[str]:
    """Add the countries' names and aliases, the capitals (after the cities are in the index) and
    the adjectives of nationality; returns the adjectives' forms, which the matcher reads in lowercase.

    The collector is paused meanwhile, as for the Cyrillic and CJK names: a few hundred new tuples
    must not set off a full collection over the whole index.
    """
    with collector_paused():
        return _add_names(builder)


def _add_names(builder: IndexBuilder) -> frozenset[str]:
    data = names_data()
    skip = skipped_keys()
    for table in (*data["countries"].values(), *data["aliases"].values()):
        for code, names in table.items():
            for name in names:
                key = name_key(name)
                if key not in skip:
                    builder.add_by_key(key, NameEntry(code, code, "alias"))
    for name, (code, english) in data["cities"].items():
        entry = builder.largest_city(english, code)
        if entry is not None and name_key(name) not in skip:
            builder.add(name, entry)
    openers = set()
    lowercase_only = set(data["cities_in_phrases_lowercase_only"]["openers"])
    for phrase, (code, english) in data["cities_in_phrases"].items():
        entry = builder.largest_city(english, code)
        if entry is not None:
            opener = phrase.split()[0]
            if opener in lowercase_only:      # "Di Napoli" is a surname: the surface must be "di Napoli"
                entry = entry._replace(exact=letters_only(phrase))
            builder.add(phrase, entry)
            openers.add(opener)
    for word in (*data["skip"]["common_words"], *data["skip"]["not_places"]):
        builder.add(word, NameEntry("", None, "none"))
    lowercase = set(openers)      # the matcher starts names only at these lowercase words ("di Roma")
    adjectives = data["adjectives"]
    for language, rules in adjectives["rules"].items():
        for code, words in adjectives[language].items():
            for form in (f for word in words for f in adjective_forms(word, rules)):
                if name_key(form) in skip:
                    continue
                builder.add(form, NameEntry(code, code, "demonym"))
                lowercase.update((form, normalize_token(form)))
    return frozenset(lowercase)

