"""Checks of single config values, each giving a message an operator can act on, or None.

They catch at check-config time what would otherwise fail only at runtime, on every poll or
every alert: a feed the address guard will refuse, a program that is not installed, a store
folder that does not exist.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
import shutil
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}

MAX_DURATION_S = 365 * 86400.0   # longer waits overflow date arithmetic and are surely typos

# Domains reserved for examples (RFC 2606): a contact there reaches nobody.
_PLACEHOLDER_CONTACT = re.compile(
    r"(?:[\w.+-]+@)?(?<![\w.-])(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|invalid|test))\b",
    re.IGNORECASE)


def parse_duration(value: Any) -> float:
    """'15m', '1h', '30s', '2d' or a number of seconds -> seconds; ValueError otherwise."""
    seconds = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"expected a duration such as '15m', '1h' or '30s' (a number of seconds, or one number "
                         f"with a unit s, m, h or d; no combined '1h30m': write '90m'), got {_shown(value)}")
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {_shown(value)}")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"duration {value!r} is longer than a year")
    return seconds


def _shown(value: Any) -> str:
    """A config value as the operator wrote it, with its TOML type when that is the trouble."""
    if isinstance(value, str):
        return repr(value)
    return f"{toml_type(value)} {value!r}"


def toml_type(value: Any) -> str:
    """The TOML name of a parsed value's type ('a string', 'an array'), as the operator wrote it."""
    names = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
             (list, "an array"), (dict, "a table"))
    return next((name for kind, name in names if isinstance(value, kind)), f"a {type(value).__name__}")


def country_named(name: str) -> str | None:
    """'the country Mali (ML)' when name is a country's name, alias, abbreviation or code in the shipped
    gazetteer ('the countries …' for Congo), else None: a custom region may not take it, or one name
    would mean two regions."""
    from daemon.gazetteer import Gazetteer
    from daemon.name_keys import name_key
    gazetteer = Gazetteer.load()   # the shared part is cached: the caller has built it already
    kinds = ("country", "alias", "abbreviation")
    entries = gazetteer.index.get(name_key(name.strip()), ())
    codes = [e.target for e in entries if e.kind in kinds] or [name.strip().upper()]
    countries = [region for code in dict.fromkeys(codes)
                 if (region := gazetteer.region(code)) is not None and region.kind == "country"]
    if not countries:
        return None
    named = " and ".join(f"{region.name} ({region.id})" for region in countries)
    return f"the {'country' if len(countries) == 1 else 'countries'} {named}"


def city_named(region_id: str) -> str | None:
    """'the city Springfield, United States (US)' for a GeoNames city id, else None: a region list
    that resolves to a city is most often a mistyped region name that happens to be a town."""
    if not region_id.startswith("city:"):
        return None
    from daemon.gazetteer import Gazetteer
    gazetteer = Gazetteer.load()
    city = gazetteer.region(region_id)
    if city is None:
        return None
    country = gazetteer.region(city.parent_id or "")
    return f"the city {city.name}, {country.name} ({country.id})" if country else f"the city {city.name}"


def positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than zero"


def not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def feed_identity(url: str) -> str:
    """Two feed URLs that differ only in case of host, a default port or a trailing slash are the same feed."""
    try:
        from daemon.urls import canonical_url
        return canonical_url(url)
    except Exception:  # the URL module is stricter; fall back to a plain comparison
        return url.strip().rstrip("/").lower()


def http_url_problem(url: str) -> str | None:
    """Why url cannot be fetched as written (scheme, host, port, spaces), or None."""
    if any(ch.isspace() for ch in url.strip()):
        return f"URL contains whitespace (encode a space as %20): {url!r}"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"not a valid URL ({exc}): {url!r}"
    if not parts.scheme and not url.strip().startswith("/"):
        return f"URL has no scheme: write https://{url.strip()} (or http://)"
    if not parts.scheme:   # a path: the OPML import says so of relative feed links
        return f"not an http(s) URL: {url!r}"
    if parts.scheme not in ("http", "https"):
        meant = " (did you mean https?)" if difflib.get_close_matches(parts.scheme, ["http", "https"], 1, 0.6) else ""
        return f"not an http(s) URL: scheme {parts.scheme!r}{meant} in {url!r}"
    if not parts.hostname:
        return f"URL has no host: {url!r}"
    return None


def private_host_problem(url: str) -> str | None:
    """A URL whose host is written as a private, loopback or link-local address (or localhost):
    the fetcher's address guard refuses it on every poll unless private networks are allowed."""
    from daemon.fetch import is_blocked_address
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        kind = "is loopback"
    else:
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return None   # a name: only its resolved addresses tell, and the fetcher checks those
        if not is_blocked_address(host):
            return None
        kind = "is a private, loopback or link-local address"
    return (f"host {host} {kind}, which the fetcher refuses; "
            "set allow_private_networks = true in [http] to fetch it")


def program_problem(program: str, environ: Mapping[str, str]) -> str | None:
    """A command's program that cannot be run: not found on PATH, or a file that is not executable."""
    search_path = environ.get("PATH")
    if shutil.which(program, path=search_path):
        return None
    if os.sep in program or (os.altsep and os.altsep in program):
        if Path(program).is_file():
            return f"program {program} is not executable (chmod +x it)"
        return f"program {program} does not exist"
    return f"program {program!r} is not found on PATH"


def store_folder_problem(store_path: str) -> str | None:
    """The store file is created on first run, but never its folder: a missing folder fails every start."""
    folder = Path(store_path).expanduser().parent
    if folder.is_dir():
        return None
    if folder.exists():
        return f"{folder} is not a folder"
    return f"folder {folder} does not exist (create it; the store file itself is made on first run)"


def placeholder_contact(user_agent: str) -> str | None:
    """The example contact shipped in the user agent: publishers who want to reach us cannot."""
    match = _PLACEHOLDER_CONTACT.search(user_agent)
    if not match:
        return None
    return f"contact {match.group(0)!r} is a placeholder; put an address or URL publishers can reach"


def close_matches(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Candidates an operator may have meant: names that start with what was written (or that it
    starts with), shortest first, then look-alikes of a typo."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.strip().casefold()
    found = sorted((original for key, original in by_folded.items() if key != folded and (
        len(folded) >= 2 and key.startswith(folded) or len(key) >= 4 and folded.startswith(key))),
        key=lambda original: (len(original), original))
    found += [by_folded[key] for key in difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.75)]
    return list(dict.fromkeys(found))[:limit]


def wrong_type(kinds: tuple[type, ...], value: Any) -> str:
    """'expected int, got str '5'', then how to write it: without quotes when only they are wrong,
    else what a value of the wanted type looks like in TOML."""
    wanted = " or ".join(k.__name__ for k in kinds)
    message = f"expected {wanted}, got {type(value).__name__} {value!r}"
    if isinstance(value, str):
        unquoted = value.strip()
        try:
            parsed = tomllib.loads(f"v = {unquoted}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = None
        if parsed is not None and isinstance(parsed, kinds) and (bool in kinds or not isinstance(parsed, bool)):
            return f"{message}: write it without quotes, {unquoted}"
    forms = [_TOML_FORMS[k] for k in kinds if k in _TOML_FORMS]
    return f"{message} (write {' or '.join(forms)})" if forms else message


_TOML_FORMS = {bool: "true or false", int: "a whole number such as 5", float: "a number such as 0.5",
               str: 'a quoted string such as "text"'}


def unknown_top_level(name: str, value: Any, guesses: list[str], known: Mapping[str, Iterable[str]]) -> str:
    """An unknown table is named as it is written ([sheduler], [[feed]]), with the table it most
    looks like; a loose key names the table it belongs in."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        written, form = f"[[{name}]]", "[[{}]]"
    elif isinstance(value, dict):
        written, form = f"[{name}]", "[{}]"
    else:
        homes = [table for table, keys in known.items() if table and "." not in table and name in keys]
        home = "[[{}]]" if homes and homes[0] in ("feeds", "alerts") else "[{}]"
        where = f" (it belongs in {home.format(homes[0])}: write it under that header)" if homes else ""
        return f"unknown top-level key {name!r}{where}; known tables: {', '.join(sorted(known['']))}"
    tables = known[""]
    hint = f"did you mean {' or '.join(form.format(g) for g in guesses)}? " if guesses else ""
    return f"unknown table {written} ({hint}known: {', '.join(sorted(tables))})"

