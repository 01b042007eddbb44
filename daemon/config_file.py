"""TOML config -> validated Settings; every problem names its key and line.

Validation collects all problems before refusing, so an operator fixes a config in one pass.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from daemon.errors import ConfigError, ConfigProblem
from daemon.settings import (AlertRule, FeedSettings, HttpSettings, SchedulerSettings, Settings,
                             WebhookSettings)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}

# Every key the config may hold, by table; a key outside these is reported as unknown.
_KNOWN = {
    "": {"storage", "http", "scheduler", "extraction", "regions", "feeds", "alerts"},
    "storage": {"path", "raw_retention_days"},
    "http": {"user_agent", "connect_timeout", "read_timeout", "total_timeout", "max_bytes",
             "max_redirects", "allow_private_networks", "global_concurrency", "per_host_concurrency",
             "max_retry_after"},
    "scheduler": {"tick", "jitter", "max_backoff", "disable_after_errors"},
    "extraction": {"workers", "residue_rules"},
    "regions": {"custom"},
    "feeds": {"url", "name", "regions", "interval"},
    "alerts": {"name", "regions", "keywords", "feeds", "focus_only", "on_update", "webhook", "command"},
    "alerts.webhook": {"url", "secret", "secret_env"},
}


MAX_DURATION_S = 365 * 86400.0   # longer waits overflow date arithmetic and are surely typos


def parse_duration(value: Any) -> float:
    """'15m', '1h', '30s', '2d' or a number of seconds -> seconds; ValueError otherwise."""
    seconds = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"expected a duration such as '15m', '1h' or '30s', got {value!r}")
    if seconds <= 0:
        raise ValueError("duration must be positive")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"duration {value!r} is longer than a year")
    return seconds


class _LineIndex:
    """Maps dotted config keys ('feeds[2].url') to the line they are written on.

    tomllib gives no positions, so we scan the text once, tracking table headers and
    array-of-tables counters; good enough to point an operator at the right line.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        counters: dict[str, int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace("'", "")
                if header.group(1) == "[[":
                    counters[name] = counters.get(name, -1) + 1
                    table = f"{name}[{counters[name]}]"
                else:
                    table = name
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                name = key.group(1).strip().replace('"', "").replace("'", "")
                self.lines.setdefault(f"{table}.{name}" if table else name, number)

    def line_of(self, key: str) -> int:
        """The line of key, else of its nearest written parent, else 0."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit(".", 1)[0] if "." in key else ""
        return 0


class _Checker:
    """Collects problems while reading the parsed TOML into settings values."""

    def __init__(self, index: _LineIndex) -> None:
        self.index = index
        self.problems: list[ConfigProblem] = []
        self.feed_urls: dict[str, str] = {}   # canonical feed URL -> the key that first named it

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(key, self.index.line_of(key), message))

    def unknown_keys(self, table: Mapping[str, Any], known_as: str, prefix: str) -> None:
        for name in table:
            if name not in _KNOWN[known_as]:
                where = f"{prefix}.{name}" if prefix else name
                self.problem(where, f"unknown key (known: {', '.join(sorted(_KNOWN[known_as]))})")

    def typed(self, table: Mapping[str, Any], name: str, prefix: str, kind: type | tuple,
              default: Any, check: Callable[[Any], str | None] | None = None) -> Any:
        if name not in table:
            return default
        value, key = table[name], f"{prefix}.{name}" if prefix else name
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            wanted = " or ".join(k.__name__ for k in kinds)
            self.problem(key, f"expected {wanted}, got {type(value).__name__} {value!r}")
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
                   known_region: Callable[[str], str | None]) -> list[str]:
        """The table's "regions" list resolved to region ids; each unknown name is a problem."""
        ids = []
        for name in self.string_list(table, "regions", prefix):
            region_id = known_region(name)
            if region_id is None:
                self.problem(f"{prefix}.regions", f"unknown region {name!r}")
            else:
                ids.append(region_id)
        return ids

    def string_list(self, table: Mapping[str, Any], name: str, prefix: str) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"{prefix}.{name}", "expected a list of non-empty strings")
            return ()
        return tuple(v.strip() for v in value)


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than zero"


def _http_url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"not a valid URL ({exc}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url!r}"
    if not parts.hostname:
        return f"URL has no host: {url!r}"
    return None


def load_settings(path: str | os.PathLike, *, resolve_region: Callable[[str], str | None] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the config at path; raise ConfigError listing every problem.

    resolve_region maps a region name or id from the config to a region id (None when unknown);
    without it region names are kept as written and not checked.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigProblem("(file)", 0, f"cannot read config: {exc.strerror}")], str(path))
    except UnicodeDecodeError:
        raise ConfigError([ConfigProblem("(file)", 0, "config is not UTF-8 text")], str(path))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
        raise ConfigError([ConfigProblem("(syntax)", line, str(exc))], str(path))
    return settings_from_mapping(raw, _LineIndex(text), str(path), resolve_region=resolve_region,
                                 environ=os.environ if environ is None else environ)


def settings_from_mapping(raw: Mapping[str, Any], index: _LineIndex, source: str, *,
                          resolve_region: Callable[[str], str | None] | None,
                          environ: Mapping[str, str]) -> Settings:
    check = _Checker(index)
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
    defaults = HttpSettings()
    http = HttpSettings(
        user_agent=check.typed(http_t, "user_agent", "http", str, defaults.user_agent,
                               lambda v: None if v.strip() else "must not be empty"),
        connect_timeout=check.duration(http_t, "connect_timeout", "http", defaults.connect_timeout),
        read_timeout=check.duration(http_t, "read_timeout", "http", defaults.read_timeout),
        total_timeout=check.duration(http_t, "total_timeout", "http", defaults.total_timeout),
        max_bytes=check.typed(http_t, "max_bytes", "http", int, defaults.max_bytes, _positive),
        max_redirects=check.typed(http_t, "max_redirects", "http", int, defaults.max_redirects,
                                  lambda v: None if v >= 0 else "must be zero or more"),
        allow_private_networks=check.typed(http_t, "allow_private_networks", "http", bool,
                                           defaults.allow_private_networks),
        global_concurrency=check.typed(http_t, "global_concurrency", "http", int,
                                       defaults.global_concurrency, _positive),
        per_host_concurrency=check.typed(http_t, "per_host_concurrency", "http", int,
                                         defaults.per_host_concurrency, _positive),
        max_retry_after=check.duration(http_t, "max_retry_after", "http", defaults.max_retry_after),
    )
    sdef = SchedulerSettings()
    scheduler = SchedulerSettings(
        tick_s=check.duration(sched_t, "tick", "scheduler", sdef.tick_s),
        jitter=check.typed(sched_t, "jitter", "scheduler", (int, float), sdef.jitter,
                           lambda v: None if 0 <= v < 1 else "must be between 0 and 1"),
        max_backoff_s=int(check.duration(sched_t, "max_backoff", "scheduler", sdef.max_backoff_s)),
        disable_after_errors=check.typed(sched_t, "disable_after_errors", "scheduler", int,
                                         sdef.disable_after_errors, _positive),
    )

    custom = _custom_regions(tables["regions"], check, resolve_region)
    feeds = _feeds(raw.get("feeds", []), check)
    known_region = _region_resolver(custom, resolve_region)
    feeds = tuple(_resolved_feed(i, f, known_region, check) for i, f in enumerate(feeds))
    alerts = _alerts(raw.get("alerts", []), check, known_region, {f.url for f in feeds}, environ)

    residue = check.typed(extr, "residue_rules", "extraction", str, None)
    if residue and source:
        candidate = Path(residue)
        if not candidate.is_absolute():
            candidate = Path(source).resolve().parent / candidate
        if not candidate.is_file():
            check.problem("extraction.residue_rules", f"file not found: {candidate}")
        residue = str(candidate)
    settings = Settings(
        storage_path=check.typed(storage, "path", "storage", str, "newswatch.db",
                                 lambda v: None if v.strip() else "must not be empty"),
        http=http,
        scheduler=scheduler,
        custom_regions=custom,
        feeds=feeds,
        alerts=alerts,
        residue_rules_path=residue,
        raw_retention_days=check.typed(storage, "raw_retention_days", "storage", int, 30,
                                       lambda v: None if v >= 0 else "must be zero or more"),
        workers=check.typed(extr, "workers", "extraction", int, 0,
                            lambda v: None if v >= 0 else "must be zero (one per core) or more"),
        source_path=source,
    )
    if check.problems:
        raise ConfigError(check.problems, source)
    return settings


def _custom_regions(table: Mapping[str, Any], check: _Checker,
                    resolve_region: Callable[[str], str | None] | None) -> dict[str, tuple[str, ...]]:
    for name in table:
        if name != "custom":
            check.problem(f"regions.{name}", "unknown key (known: custom)")
    custom = table.get("custom", {})
    if not isinstance(custom, dict):
        check.problem("regions.custom", "expected a table of name = [country codes]")
        return {}
    result = {}
    for name, members in custom.items():
        if not isinstance(members, list) or not members or not all(isinstance(m, str) for m in members):
            check.problem(f"regions.custom.{name}", "expected a non-empty list of ISO country codes")
            continue
        codes = tuple(m.strip().upper() for m in members)
        unknown = [c for c in codes if resolve_region is not None and resolve_region(c) != c]
        if unknown:
            check.problem(f"regions.custom.{name}", f"not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}")
            continue
        result[name] = codes
    return result


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
        check.problem("feeds", "expected [[feeds]] tables")
        return []
    tables = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            tables.append((f"feeds[{i}]", item))
        else:
            check.problem(f"feeds[{i}]", "expected a [[feeds]] table")
    return tables


def _resolved_feed(i: int, entry: tuple[str, dict], known_region: Callable[[str], str | None],
                   check: _Checker) -> FeedSettings:
    prefix, table = entry
    check.unknown_keys(table, "feeds", prefix)
    url = check.typed(table, "url", prefix, str, "")
    if not url:
        if "url" not in table:
            check.problem(f"{prefix}.url", "missing: every feed needs a url")
    elif (error := _http_url_problem(url)):
        check.problem(f"{prefix}.url", error)
    else:
        seen = check.feed_urls
        key = _feed_identity(url)
        if key in seen:
            check.problem(f"{prefix}.url", f"duplicate feed URL (same as {seen[key]}.url)")
        else:
            seen[key] = prefix
    regions = check.region_ids(table, prefix, known_region)
    interval = check.duration(table, "interval", prefix, 900.0)
    if interval < 60:
        check.problem(f"{prefix}.interval", "must be at least 1m (be polite to publishers)")
    return FeedSettings(url=url.strip(), name=check.typed(table, "name", prefix, str, ""),
                        regions=tuple(regions), interval_s=int(interval))


def _feed_identity(url: str) -> str:
    """Two feed URLs that differ only in case of host, a default port or a trailing slash are the same feed."""
    try:
        from daemon.urls import canonical_url
        return canonical_url(url)
    except Exception:  # the URL module is stricter; fall back to a plain comparison
        return url.strip().rstrip("/").lower()


def _alerts(items: Any, check: _Checker, known_region: Callable[[str], str | None],
            feed_urls: set[str], environ: Mapping[str, str]) -> tuple[AlertRule, ...]:
    if not isinstance(items, list):
        check.problem("alerts", "expected [[alerts]] tables")
        return ()
    rules, names = [], set()
    for i, table in enumerate(items):
        prefix = f"alerts[{i}]"
        if not isinstance(table, dict):
            check.problem(prefix, "expected an [[alerts]] table")
            continue
        check.unknown_keys(table, "alerts", prefix)
        name = check.typed(table, "name", prefix, str, "")
        if not name.strip():
            check.problem(f"{prefix}.name", "missing: every alert rule needs a name")
        elif name in names:
            check.problem(f"{prefix}.name", f"duplicate alert name {name!r}")
        names.add(name)
        regions = check.region_ids(table, prefix, known_region)
        feeds = check.string_list(table, "feeds", prefix)
        for url in feeds:
            if url not in feed_urls:
                check.problem(f"{prefix}.feeds", f"not a configured feed: {url!r}")
        keywords = check.string_list(table, "keywords", prefix)
        webhook = _webhook(table.get("webhook"), f"{prefix}.webhook", check, environ)
        command = check.string_list(table, "command", prefix) if "command" in table else ()
        if webhook is None and not command:
            check.problem(prefix, "an alert rule needs an action: webhook = {…} or command = [...]")
        if not (regions or keywords or feeds):
            check.problem(prefix, "an alert rule needs at least one of regions, keywords, feeds")
        rules.append(AlertRule(
            name=name, regions=tuple(regions), keywords=keywords, feeds=feeds,
            focus_only=check.typed(table, "focus_only", prefix, bool, False),
            on_update=check.typed(table, "on_update", prefix, bool, False),
            webhook=webhook, command=command))
    return tuple(rules)


def _webhook(value: Any, prefix: str, check: _Checker, environ: Mapping[str, str]) -> WebhookSettings | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check.problem(prefix, "expected a table: { url = \"…\", secret_env = \"…\" }")
        return None
    check.unknown_keys(value, "alerts.webhook", prefix)
    url = check.typed(value, "url", prefix, str, "")
    if not url:
        check.problem(f"{prefix}.url", "missing: a webhook needs a url")
    elif (error := _http_url_problem(url)):
        check.problem(f"{prefix}.url", error)
    secret = check.typed(value, "secret", prefix, str, None)
    secret_env = check.typed(value, "secret_env", prefix, str, None)
    if secret_env and not environ.get(secret_env):
        check.problem(f"{prefix}.secret_env", f"environment variable {secret_env} is not set (the webhook secret)")
    elif secret_env:
        secret = environ[secret_env]
    if not secret:
        check.problem(prefix, "missing secret: set secret_env (recommended) or secret")
    return WebhookSettings(url=url, secret=secret, secret_env=secret_env)
