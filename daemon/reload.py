"""SIGHUP (`systemctl reload newswatch`): read the config again and apply it to the running service.

A config with any problem changes nothing: the service keeps the config in effect and logs every
problem with its key and line, as check-config prints them. A good config is applied in one step of
the event loop, so no poll sees half of it: the store's feeds and regions are made to match it as at
start (added feeds are due at once, removed ones are retired with their articles kept), and the
pipeline and the alert deliverer take the new settings. Polls in flight finish on the HTTP client
they started with. What is bound at start keeps its value and is named in config.restart_needed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import structlog

from daemon.cli_support import custom_region_names
from daemon.config_file import load_settings
from daemon.errors import ConfigError, store_failure
from daemon.feed_schedule import FeedSchedule
from daemon.fetch import Fetcher
from daemon.gazetteer import Gazetteer
from daemon.region_aliases import other_names
from daemon.settings import FeedSettings, Settings
from storage.records import Feed
from storage.store import Store

if TYPE_CHECKING:
    from daemon.scheduler import Service

log = structlog.get_logger("newswatch.reload")

# Config keys whose value the running service cannot take over: the store is open, the worker pool
# is started and the tick job is scheduled. A reload keeps their old value and says so.
RESTART_ONLY = ("storage.path", "extraction.workers", "scheduler.tick")
# Settings fields named by their config key in the reload's summary (http's fields are their keys).
_TOP_LEVEL_KEYS = {"custom_regions": "regions.custom", "custom_places": "places",
                   "residue_rules_path": "extraction.residue_rules", "raw_retention_days": "storage.raw_retention_days",
                   "extraction_time_limit_s": "extraction.time_limit", "alerts": "alerts"}
# How many feed URLs of each kind the summary names; the counts are always whole.
LISTED_FEEDS = 20


def match_store_to_config(store: Store, settings: Settings, gazetteer: Gazetteer, now: datetime) -> None:
    """Make the store's regions and feeds match the config: at start, and again at every reload."""
    store.sync_regions(gazetteer.regions())
    store.sync_region_names(other_names(gazetteer))   # "Tchad", "Côte d'Ivoire" for the region queries
    store.sync_feeds([Feed(url=f.url, name=f.name, region_hints=f.regions, interval_s=f.interval_s)
                      for f in settings.feeds], now)


def read_config(path: str, store_override: str | None = None) -> tuple[Settings, Gazetteer]:
    """The config checked as `run` checks it at start (region names resolved, alert secrets and
    programs present), with the gazetteer its custom regions and places make; raises ConfigError.

    store_override is --db: it stands for [storage] path, as it did at start."""
    known = Gazetteer.load()
    custom = custom_region_names(path)
    settings = load_settings(path, resolve_region=lambda name: custom.get(name.lower()) or known.resolve(name),
                             secrets=True, region_names=[region.name for region in known.regions()],
                             store_path=store_override)
    return settings, Gazetteer.load(settings.custom_regions, settings.custom_places)


def keep_start_bound(running: Settings, loaded: Settings) -> tuple[Settings, tuple[str, ...]]:
    """loaded with the start-bound values of running put back, and the keys of those that differed."""
    differing = (("storage.path", running.storage_path != loaded.storage_path),
                 ("extraction.workers", running.workers != loaded.workers),
                 ("scheduler.tick", running.scheduler.tick_s != loaded.scheduler.tick_s))
    kept = replace(loaded, storage_path=running.storage_path, workers=running.workers,
                   scheduler=replace(loaded.scheduler, tick_s=running.scheduler.tick_s))
    return kept, tuple(key for key, differs in differing if differs)


def changed_keys(running: Settings, loaded: Settings) -> tuple[str, ...]:
    """The config keys whose value differs, feeds aside (FeedChanges tells those apart)."""
    keys = [f"{table}.{f.name.removesuffix('_s')}"
            for table in ("http", "scheduler")
            for f in fields(getattr(running, table))
            if getattr(getattr(running, table), f.name) != getattr(getattr(loaded, table), f.name)]
    keys += [key for name, key in _TOP_LEVEL_KEYS.items() if getattr(running, name) != getattr(loaded, name)]
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class FeedChanges:
    """The feeds a reload adds, retires, or changes (name, region hints or interval), by URL."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


def feed_changes(running: tuple[FeedSettings, ...], loaded: tuple[FeedSettings, ...]) -> FeedChanges:
    before = {feed.url: feed for feed in running}
    after = {feed.url: feed for feed in loaded}
    return FeedChanges(added=tuple(url for url in after if url not in before),
                       removed=tuple(url for url in before if url not in after),
                       changed=tuple(url for url, feed in after.items() if url in before and before[url] != feed))


def _listed(urls: tuple[str, ...]) -> list[str]:
    """The first LISTED_FEEDS URLs, and how many more: a reload of thousands of feeds stays one line."""
    more = len(urls) - LISTED_FEEDS
    return [*urls[:LISTED_FEEDS], *([f"... and {more} more"] if more > 0 else [])]


class ConfigReloader:
    """Reads the config again when asked and applies it to a running Service, one reload at a time."""

    def __init__(self, service: Service, config_path: str, *, store_override: str | None = None) -> None:
        self.service = service
        self.config_path = config_path
        self.store_override = store_override
        self.applying: asyncio.Task | None = None
        self._closing: set[asyncio.Task] = set()   # replaced HTTP clients, closed once their polls end

    def request(self) -> None:
        """Called by the SIGHUP handler, which must not block: the reload runs as a task of its own."""
        if self.service.stopping.is_set():
            log.info("config.reload_ignored", config=self.config_path, reason="the service is stopping")
            return
        if self.applying is not None and not self.applying.done():
            log.info("config.reload_ignored", config=self.config_path,
                     reason="the previous reload is still being applied")
            return
        self.applying = asyncio.get_running_loop().create_task(self.reload(), name="config reload")

    async def reload(self) -> bool:
        """Read the config and apply it; True when the new config is in effect. Never raises: the
        service goes on with the config in effect whatever went wrong, unless the store failed."""
        log.info("config.reloading", config=self.config_path)
        try:
            # Reading and checking it takes a moment (the gazetteer): off the loop, polls go on.
            loaded, gazetteer = await asyncio.to_thread(read_config, self.config_path, self.store_override)
        except ConfigError as exc:
            log.error("config.reload_failed", config=self.config_path,
                      problems=[problem.describe(exc.path) for problem in exc.problems],
                      keys=[problem.key for problem in exc.problems],
                      action="kept running on the config in effect; fix it and reload again")
            return False
        except Exception as exc:  # noqa: BLE001 - a bug in reading must not stop the service
            log.error("config.reload_crashed", config=self.config_path, error=repr(exc), exc_info=exc,
                      action="kept running on the config in effect")
            return False
        if self.service.stopping.is_set():
            log.info("config.reload_ignored", config=self.config_path,
                     reason="the service began stopping while the config was read")
            return False
        return self._apply(loaded, gazetteer)

    def _apply(self, loaded: Settings, gazetteer: Gazetteer) -> bool:
        """Store first (the only part that can fail), then the pieces in memory; no await between."""
        pipeline, deliverer = self.service.pipeline, self.service.deliverer
        running = pipeline.settings
        settings, restart_keys = keep_start_bound(running, loaded)
        feeds = feed_changes(running.feeds, settings.feeds)
        try:
            match_store_to_config(pipeline.store, settings, gazetteer, datetime.now(timezone.utc))
        except Exception as exc:  # noqa: BLE001 - a store that takes no writes stops the service
            if (gone := store_failure(exc, pipeline.store.path)) is not None:
                log.error("store.unwritable", store=pipeline.store.path, error=str(gone), action="stopping")
                self.service.stop_for_store(gone)
            else:
                log.error("config.reload_crashed", config=self.config_path, error=repr(exc), exc_info=exc,
                          action="kept running on the config in effect")
            return False
        if settings.http != running.http:
            self._close_after_polls(pipeline.fetcher)
            pipeline.fetcher = Fetcher(settings.http)
        pipeline.settings, pipeline.gazetteer = settings, gazetteer
        pipeline.schedule = FeedSchedule(settings, pipeline.store)
        deliverer.rules = {rule.name: rule for rule in settings.alerts}
        deliverer.client.headers["User-Agent"] = settings.http.user_agent
        if restart_keys:
            log.warning("config.restart_needed", config=self.config_path, keys=list(restart_keys),
                        action="kept the values in effect; restart newswatch to apply them")
        log.info("config.reloaded", config=self.config_path, feeds=len(settings.feeds),
                 feeds_added=_listed(feeds.added), feeds_removed=_listed(feeds.removed),
                 feeds_changed=_listed(feeds.changed), alert_rules=len(settings.alerts),
                 changed=list(changed_keys(running, settings)),
                 warnings=[warning.describe(self.config_path) for warning in settings.warnings])
        return True

    def _close_after_polls(self, fetcher: Fetcher) -> None:
        """Close a replaced HTTP client once the polls in flight now, which may still use it, are done."""
        polls = list(self.service.in_flight.values())

        async def close() -> None:
            if polls:
                await asyncio.wait(polls)
            await fetcher.aclose()

        task = asyncio.get_running_loop().create_task(close(), name="close replaced HTTP client")
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """At the service's end: drop a reload still reading, close the replaced HTTP clients (their
        polls are finished or cancelled by now)."""
        if self.applying is not None and not self.applying.done():
            self.applying.cancel()
            await asyncio.gather(self.applying, return_exceptions=True)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
