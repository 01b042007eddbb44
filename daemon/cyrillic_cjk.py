"""Country, city and province names in Russian, Chinese and Japanese, with Russian case forms, for the names index.

The names are CLDR facts in daemon/data/cldr_names.json, with the hand-kept aliases, skips and
rules in daemon/data/cyrillic_cjk_names.toml. Russian declines its nouns
("в Нигере", "России") and writes adjectives of nationality in lowercase ("малийских"): both are
expanded from one listed form by the file's ending rules. Chinese and Japanese names go into the
index as written; cjk_matching finds them inside unspaced text.
"""

from __future__ import annotations

import functools
import json
import re

from daemon.name_index import (DATA_DIR, IndexBuilder, NameEntry, collector_paused, name_key, normalize_token,
                               read_data_toml)

DATA_FILE = "cyrillic_cjk_names.toml"
CLDR_FILE = "cldr_names.json"
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WORD = re.compile(r"[\w’']+")


@functools.lru_cache(maxsize=1)
def names_data() -> dict:
    """Both data files as one, parsed once per process; the hand-kept extra cities first."""
    data = read_data_toml(DATA_FILE)
    cldr = json.loads((DATA_DIR / CLDR_FILE).read_text(encoding="utf-8"))
    data["countries"] = cldr["countries"]
    data["cities"] = {**data["cities"], **cldr["cities"]}
    return data


def russian_case_forms(name: str, rules: list | None = None, heads: list | None = None) -> tuple[str, ...]:
    """The name in the five oblique cases, every word declined by its ending ("Южная Корея" ->
    "Южной Корее" ...); indeclinable names ("Мали") give none. After a generic head word the name
    may also stay in the nominative ("Республики Корея"), so those forms are added too."""
    russian = names_data()["russian"]
    rules = rules if rules is not None else russian["rules"]
    heads = heads if heads is not None else russian["heads"]
    words = _WORD.findall(name)
    declined = [_declined(word, rules) for word in words]
    forms = _case_forms(name, words, declined)
    head = max((i for i, word in enumerate(words[:-1]) if word in heads), default=None)
    if head is not None:
        forms += _case_forms(name, words, declined[:head + 1] + [()] * (len(words) - head - 1))
    return tuple(dict.fromkeys(forms))


def _case_forms(name: str, words: list[str], declined: list[tuple[str, ...]]) -> list[str]:
    forms = []
    for case in range(5):
        form = name
        for word, cases in zip(words, declined):
            if cases:
                form = form.replace(word, cases[case], 1)
        if form != name:
            forms.append(form)
    return forms


def _declined(word: str, rules: list) -> tuple[str, ...]:
    if not _CYRILLIC.match(word) or len(word) < 3 or word.isupper():   # США, КНДР: abbreviations stay as they are
        return ()
    for ending, cut, cases in rules:
        if word.endswith(ending):
            stem = word[:len(word) - cut]
            return tuple(stem + case for case in cases)
    return ()


def russian_adjective_forms(stem: str) -> tuple[str, ...]:
    """An adjective of nationality in its gender, number and case forms ("малийск" -> малийский ...)."""
    return tuple(stem + ending for ending in names_data()["russian"]["adjective_endings"])


def add_cyrillic_cjk_names(builder: IndexBuilder) -> frozenset[str]:
    """Add the file's countries, cities (after the cities are in the index), Japanese prefectures and
    Chinese provinces, and the Russian forms.

    Returns the lowercase Russian adjectives, which the matcher reads though not capitalised.
    The collector is paused meanwhile: these few thousand acyclic tuples would otherwise set off a
    full collection over the whole index, a tenth of a second spent finding nothing.
    """
    with collector_paused():
        return _add_names(builder)


def _add_names(builder: IndexBuilder) -> frozenset[str]:
    data = names_data()
    skip = {name_key(n) for n in data["skip"]["names"]}
    rules, heads = data["russian"]["rules"], data["russian"]["heads"]

    def add(name: str, entry: NameEntry) -> None:
        forms = (name, *russian_case_forms(name, rules, heads)) if _CYRILLIC.search(name) else (name,)
        for key in map(name_key, forms):
            if key not in skip:
                builder.add_by_key(key, entry)

    for table in (*data["countries"].values(), *data["aliases"].values()):
        for code, names in table.items():
            for name in names:
                add(name, NameEntry(code, code, "alias"))
    for table in data["cities"].values():
        for name, (code, english) in table.items():
            entry = builder.largest_city(english, code)
            if entry is not None:
                add(name, entry)
    _add_subdivisions(builder, data["subdivisions"], skip)
    for name in data["skip"]["names"]:
        builder.add(name, NameEntry("", None, "none"))
    lowercase = set()
    for code, stems in data["russian"]["adjectives"].items():
        for stem in stems:
            for form in russian_adjective_forms(stem):
                builder.add(form, NameEntry(code, code, "demonym"))
                lowercase.update((form, normalize_token(form)))
    return frozenset(lowercase)



def _add_subdivisions(builder: IndexBuilder, tables: dict, skip: set[str]) -> None:
    """Prefectures and provinces as evidence for their country ("四川省" -> CN): local news names
    them far more often than the country. A name that is already a country's ("台湾") stays so."""
    for table in tables.values():
        for code, names in table.items():
            entry = NameEntry(code, code, "subdivision")
            for key in map(name_key, names):
                if key not in skip and not any(e.kind in ("country", "alias") for e in builder.index.get(key, ())):
                    builder.add_by_key(key, entry)
