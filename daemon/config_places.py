"""[regions.custom] and [places]: the operator's own regions and place names, each mapped to countries.

Kept apart from config_file so the checks of one region or place read together. A custom region is
    Sahel = ["ML", "NE", "BF", "TD", "MR"]
and a place is written as
    Seytenga = "BF"
    "Liptako-Gourma" = ["ML", "NE", "BF"]
    Boulkessi = { country = "ML", lat = 14.62, lon = -1.36 }
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import pycountry

from daemon.config_checks import close_matches, country_named, toml_type
from daemon.settings import CustomPlace

__all__ = ["custom_places", "custom_regions", "place_slug"]

_FORM = 'expected a country code, a list of codes, or { country = "ML", lat = 14.6, lon = -1.4 }'
_TABLE_KEYS = ("country", "lat", "lon")


class _Problems(Protocol):
    def problem(self, key: str, message: str) -> None: ...


def custom_regions(table: Mapping[str, Any], check: _Problems,
                   resolve_region: Callable[[str], str | None] | None) -> dict[str, tuple[str, ...]]:
    """[regions.custom] as name -> country codes; every bad region and every bad code is a problem.

    A custom region named like a country ("Mali", "Ivory Coast", "ML") is refused, not warned
    about: the name would then mean two regions. Feed hints and alert rules that say "Mali" would
    quietly get the custom region instead of the country, and tagging and browsing would file the
    country's articles under both; whatever the operator meant, the result differs from what is
    written. A distinct name ("Mali and neighbours") says it.
    """
    for name in table:
        if name != "custom":
            hint = " (did you mean 'custom'?)" if close_matches(name, ["custom"]) else ""
            check.problem(f"regions.{name}", f"unknown key {name!r}{hint}: [regions] holds only "
                                             "[regions.custom], e.g. Sahel = [\"ML\", \"NE\"]")
    custom = table.get("custom", {})
    if not isinstance(custom, dict):
        check.problem("regions.custom", f'expected a table of name = ["country codes"], got {toml_type(custom)}')
        return {}
    result = {}
    for name, members in custom.items():
        key = f"regions.custom.{name}"
        if not isinstance(members, list) or not members:
            check.problem(key, f'expected a non-empty array of ISO country codes such as ["ML", "NE"], got '
                               f"{toml_type(members)} {members!r}")
            continue
        strange = [m for m in members if not isinstance(m, str) or not m.strip()]
        if strange:
            check.problem(key, f"expected ISO country codes as strings, got {', '.join(repr(m) for m in strange)}")
            continue
        codes = tuple(m.strip().upper() for m in members)
        unknown = [c for c in codes if resolve_region is not None and resolve_region(c) != c]
        if unknown:
            check.problem(key, f"not ISO 3166-1 alpha-2 country codes: {', '.join(repr(c) for c in unknown)}")
            continue
        if resolve_region is not None and (country := country_named(name)):
            check.problem(key, f"{name!r} already names {country}: a custom region of that name would "
                               "take its place in feed hints, alert rules, tagging and browsing; give the custom "
                               f"region a name of its own (e.g. '{name} and neighbours')")
            continue
        result[name] = codes
    return result


def place_slug(name: str) -> str:
    """The name as the gazetteer keys it ("Liptako Gourma" and "liptako-gourma" are one place)."""
    from daemon.gazetteer import slug   # the gazetteer module is heavy; only configs with places need it
    return slug(name)


def custom_places(table: Any, check: _Problems, region_names: Iterable[str]) -> tuple[CustomPlace, ...]:
    """The [places] table as CustomPlace values; every bad entry is a problem naming its key.

    region_names are the config's custom regions: a place may not share a name with one, or the
    text "Sahel" would mean two things.
    """
    if not isinstance(table, dict):
        check.problem("places", "expected a table of place name = country code(s)")
        return ()
    regions = {place_slug(name): name for name in region_names}
    seen: dict[str, str] = {}
    places = []
    for name, value in table.items():
        key = f"places.{name}"
        if not name.strip() or not place_slug(name):
            check.problem(key, "a place needs a name with letters or digits")
            continue
        place = _place(name.strip(), value, key, check)
        if place is None:
            continue
        own = place_slug(name)
        if own in regions:
            check.problem(key, f"same name as the custom region {regions[own]!r} ([regions.custom]); rename one")
        elif own in seen:
            check.problem(key, f"the same place as {seen[own]!r} (names differ only in case or punctuation)")
        else:
            seen[own] = name
            places.append(place)
    return tuple(places)


def _place(name: str, value: Any, key: str, check: _Problems) -> CustomPlace | None:
    lat = lon = None
    if isinstance(value, dict):
        unknown = [k for k in value if k not in _TABLE_KEYS]
        if unknown:
            check.problem(key, f"unknown key {unknown[0]!r} (known: {', '.join(_TABLE_KEYS)})")
            return None
        if "country" not in value:
            check.problem(key, "missing: country (an ISO code such as \"ML\", or a list of them)")
            return None
        coordinates = _coordinates(value, key, check)
        if coordinates is False:
            return None
        lat, lon = coordinates or (None, None)
        value = value["country"]
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        check.problem(key, _FORM)
        return None
    countries = tuple(dict.fromkeys(c.strip().upper() for c in codes))
    unknown = [c for c in countries if not _is_country(c)]
    if unknown:
        check.problem(key, f"not ISO 3166-1 alpha-2 country codes: {', '.join(repr(c) for c in unknown)}")
        return None
    return CustomPlace(name, countries, lat, lon)


def _coordinates(table: Mapping[str, Any], key: str, check: _Problems) -> tuple[float, float] | None | bool:
    """(lat, lon), None when neither is given, False after reporting a problem."""
    if "lat" not in table and "lon" not in table:
        return None
    if "lat" not in table or "lon" not in table:
        check.problem(key, "give both lat and lon, or neither")
        return False
    values = []
    for axis, limit in (("lat", 90.0), ("lon", 180.0)):
        number = table[axis]
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) \
                or abs(number) > limit:
            check.problem(key, f"{axis} must be a number from {-limit:g} to {limit:g}, got {number!r}")
            return False
        values.append(float(number))
    return values[0], values[1]


def _is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None
