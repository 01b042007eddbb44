"""TOML config -> validated Settings; every problem names its key and line.

Validation collects all problems before refusing, so an operator fixes a config in one pass;
they come out in the order they are written. The checks of single values live in
daemon.config_checks, the key-to-line scanning in daemon.config_lines.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from daemon import residue
from daemon.config_alerts import ALERT_KEYS, alert_rules
from daemon.config_checks import (MAX_DURATION_S, city_named, close_matches, feed_identity, http_url_problem,
                                  not_blank, parse_duration, placeholder_contact, positive,
                                  private_host_problem, store_folder_problem, toml_type,
                                  unknown_top_level, wrong_type)
from daemon.config_lines import LineIndex, syntax_problem, undecodable_problem, unreadable_problem
from daemon.config_places import custom_places, custom_regions
from daemon.errors import ConfigError, ConfigProblem
from daemon.settings import EXTRACTION_TIME_LIMIT_S, FeedSettings, HttpSettings, SchedulerSettings, Settings

__all__ = ["MAX_DURATION_S", "load_settings", "parse_duration", "settings_from_mapping"]

# Every key the config may hold, by table; a key outside these is reported as unknown.
_KNOWN = {
    "": {"storage", "http", "scheduler", "extraction", "regions", "places", "feeds", "alerts"},
    "storage": {"path", "raw_retention_days"},
    "http": {"user_agent", "connect_timeout", "read_timeout", "total_timeout", "max_bytes",
             "max_redirects", "allow_private_networks", "global_concurrency", "per_host_concurrency",
             "max_retry_after"},
    "scheduler": {"tick", "jitter", "max_backoff", "disable_after_errors", "adaptive", "max_interval",
                  "feed_hints", "entry_max_tries", "entry_max_wait"},
    "extraction": {"workers", "residue_rules", "time_limit"},
    "regions": {"custom"},
    "feeds": {"url", "name", "regions", "interval"},
    "alerts": ALERT_KEYS,
    "alerts.webhook": {"url", "secret", "secret_env"},
}


class _Checker:
    """Collects problems while reading the parsed TOML into settings values."""

    def __init__(self, index: LineIndex, environ: Mapping[str, str], delivery: bool,
                 region_names: Iterable[str]) -> None:
        self.index = index
        self.environ = environ
        self.delivery = delivery              # check what only alert delivery needs (secrets, programs)
        self.region_names = list(region_names)
        self._problems: list[tuple[float, ConfigProblem]] = []
        self._warnings: list[tuple[float, ConfigProblem]] = []
        self.feed_urls: dict[str, str] = {}   # canonical feed URL -> the key that first named it

    def _placed(self, key: str, line: int | None = None) -> tuple[float, int]:
        line = line or self.index.line_of(key)
        return (line or math.inf), line

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        """A problem with key; line, when given, is where the offending item of key's list is written."""
        order, line = self._placed(key, line)
        self._problems.append((order, ConfigProblem(key, line, message)))

    def warning(self, key: str, message: str, line: int | None = None) -> None:
        order, line = self._placed(key, line)
        self._warnings.append((order, ConfigProblem(key, line, message)))

    def elsewhere(self, key: str, problems: Iterable[ConfigProblem]) -> None:
        """Problems inside another file the config names, reported where key names it."""
        order = self._placed(key)[0]
        self._problems.extend((order, problem) for problem in problems)

    @property
    def problems(self) -> list[ConfigProblem]:
        """Every problem, in the order of the lines they sit on (unplaced ones last)."""
        return [problem for _, problem in sorted(self._problems, key=lambda item: item[0])]

    @property
    def warnings(self) -> tuple[ConfigProblem, ...]:
        return tuple(problem for _, problem in sorted(self._warnings, key=lambda item: item[0]))

    def unknown_keys(self, table: Mapping[str, Any], known_as: str, prefix: str) -> None:
        """Each key outside the table's known ones, with the known keys it most looks like."""
        known = _KNOWN[known_as]
        for name in table:
            if name in known:
                continue
            where = f"{prefix}.{name}" if prefix else name
            guesses = close_matches(name, known)
            if not prefix:
                self.problem(where, unknown_top_level(name, table[name], guesses, _KNOWN))
                continue
            hint = f"did you mean {' or '.join(repr(g) for g in guesses)}? " if guesses else ""
            self.problem(where, f"unknown key {name!r} ({hint}known: {', '.join(sorted(known))})")

    def typed(self, table: Mapping[str, Any], name: str, prefix: str, kind: type | tuple,
              default: Any, check: Callable[[Any], str | None] | None = None) -> Any:
        if name not in table:
            return default
        value, key = table[name], f"{prefix}.{name}" if prefix else name
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            self.problem(key, wrong_type(kinds, value))
            return default
        error = check(value) if check else None
        if error:
            self.problem(key, error)
            return default
        return value

    def duration(self, table: Mapping[str, Any], name: str, prefix: str, default: float) -> float:
        if name not in table:
            return default
        try:
            return parse_duration(table[name])
        except ValueError as exc:
            self.problem(f"{prefix}.{name}", str(exc))
            return default

    def region_ids(self, table: Mapping[str, Any], prefix: str,
                   known_region: Callable[[str], str | None], checked: bool) -> list[str]:
        """The table's "regions" list resolved to region ids; each unknown name is a problem of its own.

        checked says known_region is the gazetteer's: a name it reads as a GeoNames city is then a
        warning, since "Springfield" or "Atlantis" in a region list is most often a mistyped region
        that happens to be some town; writing the city's id ("city:4409896") says it is meant.
        """
        ids, key = [], f"{prefix}.regions"
        for name, line in self.string_items(table, "regions", prefix):
            region_id = known_region(name)
            guesses = close_matches(name, self.region_names)
            if region_id is None:
                hint = f" (did you mean {', '.join(repr(g) for g in guesses)}?)" if guesses else ""
                self.problem(key, f"unknown region {name!r}{hint}", line)
                continue
            city = city_named(region_id) if checked and not name.startswith("city:") else None
            if city:
                hint = f"; did you mean {', '.join(repr(g) for g in guesses)}?" if guesses else ""
                self.warning(key, f"{name!r} is not a country or region name: it is read as {city}{hint} "
                                  f"(to mean that city, write {region_id!r})", line)
            ids.append(region_id)
        return ids

    def string_list(self, table: Mapping[str, Any], name: str, prefix: str) -> tuple[str, ...]:
        return tuple(value for value, _ in self.string_items(table, name, prefix))

    def string_items(self, table: Mapping[str, Any], name: str, prefix: str) -> Iterator[tuple[str, int]]:
        """The list's non-blank strings with the line each is written on; every other item is a
        problem of its own, on its line, and the good items go on to be checked too, in order."""
        key, value = f"{prefix}.{name}", table.get(name, [])
        if not isinstance(value, list):
            self.problem(key, f'expected an array of strings such as ["first", "second"], got {toml_type(value)} '
                              f"{value!r}")
            return
        lines = self.index.item_lines(key, len(value))
        for position, (item, line) in enumerate(zip(value, lines), start=1):
            if not isinstance(item, str):
                self.problem(key, f"item {position} is {toml_type(item)} {item!r}, expected a string", line)
            elif not item.strip():
                self.problem(key, f"item {position} is an empty string: remove it or write a name", line)
            else:
                yield item.strip(), line


def load_settings(path: str | os.PathLike, *, resolve_region: Callable[[str], str | None] | None = None,
                  environ: Mapping[str, str] | None = None, secrets: bool = True,
                  region_names: Iterable[str] = (), store_path: str | None = None) -> Settings:
    """Read and validate the config at path; raise ConfigError listing every problem.

    resolve_region maps a region name or id from the config to a region id (None when unknown);
    without it region names are kept as written and not checked. region_names are the names an
    unknown region is compared with to suggest what was meant. secrets=False is for commands
    that never deliver alerts: a webhook secret missing from the environment, or an alert
    command's program missing from PATH, is then no problem. Findings that do not stop the
    daemon (a placeholder contact) come back as Settings.warnings. store_path (--db) replaces
    [storage] path: a folder the config names that does not exist here is then no problem.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([unreadable_problem(exc)], str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([undecodable_problem(data, exc)], str(path))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([syntax_problem(exc, text)], str(path))
    return settings_from_mapping(raw, LineIndex(text), str(path), resolve_region=resolve_region,
                                 environ=os.environ if environ is None else environ, secrets=secrets,
                                 region_names=region_names, store_path=store_path)


def settings_from_mapping(raw: Mapping[str, Any], index: LineIndex, source: str, *,
                          resolve_region: Callable[[str], str | None] | None,
                          environ: Mapping[str, str], secrets: bool = True,
                          region_names: Iterable[str] = (), store_path: str | None = None) -> Settings:
    """Settings from an already parsed config (see load_settings for the keywords)."""
    custom_table = raw.get("regions", {}).get("custom") if isinstance(raw.get("regions"), dict) else None
    names = [*region_names, *(custom_table if isinstance(custom_table, dict) else ())]
    check = _Checker(index, environ, secrets, names)
    check.unknown_keys(raw, "", "")
    tables = {}
    for name in ("storage", "http", "scheduler", "extraction", "regions"):
        table = raw.get(name, {})
        if not isinstance(table, dict):
            check.problem(name, "expected a table")
            table = {}
        if name != "regions":
            check.unknown_keys(table, name, name)
        tables[name] = table

    storage, http_t, sched_t, extr = (tables[n] for n in ("storage", "http", "scheduler", "extraction"))
    http = _http(http_t, check)
    sdef = SchedulerSettings()
    scheduler = SchedulerSettings(
        tick_s=check.duration(sched_t, "tick", "scheduler", sdef.tick_s),
        jitter=check.typed(sched_t, "jitter", "scheduler", (int, float), sdef.jitter,
                           lambda v: None if 0 <= v < 1 else "must be between 0 and 1"),
        max_backoff_s=int(check.duration(sched_t, "max_backoff", "scheduler", sdef.max_backoff_s)),
        disable_after_errors=check.typed(sched_t, "disable_after_errors", "scheduler", int,
                                         sdef.disable_after_errors, positive),
        adaptive=check.typed(sched_t, "adaptive", "scheduler", bool, sdef.adaptive),
        max_interval_s=int(_max_interval(sched_t, check, sdef.max_interval_s)),
        feed_hints=check.typed(sched_t, "feed_hints", "scheduler", bool, sdef.feed_hints),
        entry_max_tries=check.typed(sched_t, "entry_max_tries", "scheduler", int, sdef.entry_max_tries, positive),
        entry_max_wait_s=int(check.duration(sched_t, "entry_max_wait", "scheduler", sdef.entry_max_wait_s)),
    )

    custom = custom_regions(tables["regions"], check, resolve_region)
    places = custom_places(raw.get("places", {}), check, custom_table if isinstance(custom_table, dict) else ())
    feeds = _feeds(raw.get("feeds", []), check)
    known_region = _region_resolver(custom, resolve_region)
    checked = resolve_region is not None
    feeds = tuple(_resolved_feed(i, f, known_region, check, http.allow_private_networks, checked)
                  for i, f in enumerate(feeds))
    alerts = alert_rules(raw.get("alerts", []), check, known_region, feeds, checked)
    _timing_warnings(http, scheduler, feeds, check)
    # checked even when store_path (--db) replaces it, but then its folder need not exist here
    written_store = check.typed(storage, "path", "storage", str, "newswatch.db",
                                not_blank if store_path else _store_path_problem)
    settings = Settings(
        storage_path=store_path or written_store,
        http=http,
        scheduler=scheduler,
        custom_regions=custom,
        custom_places=places,
        feeds=feeds,
        alerts=alerts,
        residue_rules_path=_residue_rules(extr, source, check),
        raw_retention_days=check.typed(storage, "raw_retention_days", "storage", int, 30,
                                       lambda v: None if v >= 0 else "must be zero or more"),
        workers=check.typed(extr, "workers", "extraction", int, 0,
                            lambda v: None if v >= 0 else "must be zero (one per core) or more"),
        extraction_time_limit_s=check.duration(extr, "time_limit", "extraction", EXTRACTION_TIME_LIMIT_S),
        source_path=source,
        warnings=check.warnings,
    )
    if check.problems:
        raise ConfigError(check.problems, source, check.warnings)
    return settings


def _http(table: Mapping[str, Any], check: _Checker) -> HttpSettings:
    defaults = HttpSettings()
    http = HttpSettings(
        user_agent=check.typed(table, "user_agent", "http", str, defaults.user_agent, not_blank),
        connect_timeout=check.duration(table, "connect_timeout", "http", defaults.connect_timeout),
        read_timeout=check.duration(table, "read_timeout", "http", defaults.read_timeout),
        total_timeout=check.duration(table, "total_timeout", "http", defaults.total_timeout),
        max_bytes=check.typed(table, "max_bytes", "http", int, defaults.max_bytes, positive),
        max_redirects=check.typed(table, "max_redirects", "http", int, defaults.max_redirects,
                                  lambda v: None if v >= 0 else "must be zero or more"),
        allow_private_networks=check.typed(table, "allow_private_networks", "http", bool,
                                           defaults.allow_private_networks),
        global_concurrency=check.typed(table, "global_concurrency", "http", int,
                                       defaults.global_concurrency, positive),
        per_host_concurrency=check.typed(table, "per_host_concurrency", "http", int,
                                         defaults.per_host_concurrency, positive),
        max_retry_after=check.duration(table, "max_retry_after", "http", defaults.max_retry_after),
    )
    if http.per_host_concurrency > http.global_concurrency:
        check.problem("http.per_host_concurrency",
                      f"{http.per_host_concurrency} is more than global_concurrency "
                      f"({http.global_concurrency}), which caps every host too")
    if (placeholder := placeholder_contact(http.user_agent)):
        check.warning("http.user_agent", placeholder)
    return http


def _timing_warnings(http: HttpSettings, scheduler: SchedulerSettings, feeds: tuple[FeedSettings, ...],
                     check: _Checker) -> None:
    """Values valid alone that contradict each other: the daemon would quietly do other than written."""
    for name in ("connect_timeout", "read_timeout"):
        if (value := getattr(http, name)) > http.total_timeout:
            check.warning(f"http.{name}", f"{value:g}s is longer than total_timeout ({http.total_timeout:g}s), "
                                          "which ends every request first")
    shortest = min((feed.interval_s for feed in feeds), default=None)
    if shortest is None:
        return
    if scheduler.tick_s > shortest:
        check.warning("scheduler.tick", f"{scheduler.tick_s:g}s is longer than the shortest feed interval "
                                        f"({shortest}s): due feeds are looked for once a tick, so they are "
                                        "polled less often than their interval says")
    if scheduler.max_backoff_s < shortest:
        check.warning("scheduler.max_backoff", f"{scheduler.max_backoff_s}s is shorter than the shortest feed "
                                               f"interval ({shortest}s): a failing feed is never polled less "
                                               "often than usual")


def _max_interval(table: Mapping[str, Any], check: _Checker, default: float) -> float:
    """The longest wait adaptive intervals may stretch a quiet feed to (a feed's longer interval wins)."""
    seconds = check.duration(table, "max_interval", "scheduler", default)
    if seconds < 60:
        check.problem("scheduler.max_interval", "must be at least 1m, as a feed's interval must")
        return default
    return seconds


def _store_path_problem(value: str) -> str | None:
    return not_blank(value) or store_folder_problem(value)


def _residue_rules(table: Mapping[str, Any], source: str, check: _Checker) -> str | None:
    """The extra residue rules file, checked now: a bad pattern would otherwise fail every article."""
    written = check.typed(table, "residue_rules", "extraction", str, None, not_blank)
    if not written or not source:
        return written
    candidate = Path(written)
    if not candidate.is_absolute():
        candidate = Path(source).resolve().parent / candidate
    if not candidate.is_file():
        check.problem("extraction.residue_rules", f"file not found: {candidate}")
    else:
        check.elsewhere("extraction.residue_rules", residue.check_rules(candidate))
    return str(candidate)


def _region_resolver(custom: Mapping[str, tuple[str, ...]],
                     resolve: Callable[[str], str | None] | None) -> Callable[[str], str | None]:
    custom_ids = {name.lower(): name for name in custom}

    def known(name: str) -> str | None:
        if resolve is not None:
            return resolve(name)
        return custom_ids.get(name.lower(), name)
    return known


def _feeds(items: Any, check: _Checker) -> list[tuple[str, dict]]:
    if not isinstance(items, list):
        check.problem("feeds", f"expected [[feeds]] tables (double brackets, one per feed), got {toml_type(items)}")
        return []
    tables = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            tables.append((f"feeds[{i}]", item))
        else:
            check.problem(f"feeds[{i}]", "expected a [[feeds]] table")
    return tables


def _resolved_feed(i: int, entry: tuple[str, dict], known_region: Callable[[str], str | None],
                   check: _Checker, allow_private: bool, checked: bool) -> FeedSettings:
    prefix, table = entry
    check.unknown_keys(table, "feeds", prefix)
    url = check.typed(table, "url", prefix, str, "")
    if not url:
        if "url" not in table:
            check.problem(f"{prefix}.url", "missing: every feed needs a url")
    elif (error := http_url_problem(url) or (None if allow_private else private_host_problem(url))):
        check.problem(f"{prefix}.url", error)
    else:
        seen = check.feed_urls
        key = feed_identity(url)
        if key in seen:
            check.problem(f"{prefix}.url", f"duplicate feed URL (same as {seen[key]}.url)")
        else:
            seen[key] = prefix
    regions = check.region_ids(table, prefix, known_region, checked)
    interval = check.duration(table, "interval", prefix, 900.0)
    if interval < 60:
        written = table.get("interval")
        bare = "" if isinstance(written, str) else " (a bare number is seconds: write '15m' for minutes)"
        check.problem(f"{prefix}.interval", f"must be at least 1m (be polite to publishers){bare}")
    return FeedSettings(url=url.strip(), name=check.typed(table, "name", prefix, str, ""),
                        regions=tuple(regions), interval_s=int(interval))
