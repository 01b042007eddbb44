"""SIGHUP, as `systemctl reload newswatch` sends it, makes the running daemon read its config again:
a good config is applied while the daemon keeps polling (feeds added and retired, alert rules
replaced), a config with a problem changes nothing and is logged naming its key and line.

The daemon tests run the real `newswatch run` against the loopback newsroom and a real webhook
receiver; the others drive daemon.reload in-process on a real store.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

from structlog.testing import capture_logs

from daemon import runtime
from daemon.alerts import Deliverer
from daemon.config_file import load_settings
from daemon.receiver import WebhookReceiver
from daemon.reload import ConfigReloader, changed_keys, feed_changes, keep_start_bound
from daemon.scheduler import Service, poll_round
from daemon.settings import FeedSettings, Settings
from tests.daemon_world import (KENYA_PARAGRAPHS, MALI_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, start_newswatch,
                                write_config)

LONG_AGO = "2000-01-01T00:00:00+00:00"


class RunningDaemon:
    """`newswatch run` in a child process, its JSON log read as it comes (the pipe never fills)."""

    def __init__(self, config: Path, env: dict | None = None) -> None:
        self.config = config
        self.process: subprocess.Popen = start_newswatch("-c", str(config), "run", env=env)
        self.events: list[dict] = []
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._lock:
                self.lines.append(line)
                if line.startswith("{"):
                    try:
                        self.events.append(json.loads(line))
                    except ValueError:
                        pass

    def logged(self, event: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e.get("event") == event]

    def wait_for(self, event: str, timeout: float = 60, after: int = 0) -> dict:
        """The first `event` logged after the first `after` of them; fails if the daemon exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.logged(event)
            if len(found) > after:
                return found[after]
            assert self.process.poll() is None, f"the daemon exited before {event}:\n{self.log_tail()}"
            time.sleep(0.1)
        raise AssertionError(f"no {event} within {timeout} s:\n{self.log_tail()}")

    def reload(self, text: str) -> None:
        self.config.write_text(text, encoding="utf-8")
        self.process.send_signal(signal.SIGHUP)

    def log_tail(self) -> str:
        with self._lock:
            return "".join(self.lines[-40:])

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; killed if it hangs."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._reader.join(timeout=5)
        return self.process.returncode


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def make_due(db: Path, *urls: str) -> None:
    """Set the feeds' next poll in the past, so the next tick polls them (their interval is 1 min)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        with conn:
            conn.executemany("UPDATE feeds SET next_poll_at = ? WHERE url = ?", [(LONG_AGO, url) for url in urls])
    finally:
        conn.close()


def wait_until(condition, timeout: float = 60, what: str = "", daemon: RunningDaemon | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}\n{daemon.log_tail() if daemon else ''}")


def one_article_feed(newsroom, outlet: str, slug: str, title: str, paragraphs: list[str]) -> str:
    newsroom.add(f"/{outlet}/{slug}", page(title, paragraphs), content_type="text/html; charset=utf-8")
    return newsroom.add(f"/{outlet}/feed.xml", rss(f"Outlet {outlet}", [
        {"title": title, "link": newsroom.url(f"/{outlet}/{slug}"), "guid": f"{outlet}-{slug}"}]),
        content_type="application/rss+xml")


def stored_titles(db: Path) -> set[str]:
    if not db.exists() or not rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'articles'")[0][0]:
        return set()
    return {title for (title,) in rows(db, "SELECT title FROM articles")}


def test_a_feed_added_to_the_config_is_polled_after_sighup_and_the_daemon_keeps_running(newsroom, tmp_path):
    mali = one_article_feed(newsroom, "a", "mali-convoy", "Convoy attacked on the road to Djenné", MALI_PARAGRAPHS)
    niger = one_article_feed(newsroom, "b", "niger-schools", "Niger to reopen schools in Tillabéri", NIGER_PARAGRAPHS)
    db = tmp_path / "newswatch.db"
    config = write_config(tmp_path / "n.toml", db, [mali])
    daemon = RunningDaemon(config)
    try:
        wait_until(lambda: "Convoy attacked on the road to Djenné" in stored_titles(db), what="first article",
                   daemon=daemon)
        daemon.reload(write_config(tmp_path / "next.toml", db, [mali, niger]).read_text(encoding="utf-8"))
        reloaded = daemon.wait_for("config.reloaded")
        assert reloaded["feeds_added"] == [niger] and reloaded["feeds_removed"] == []
        wait_until(lambda: "Niger to reopen schools in Tillabéri" in stored_titles(db),
                   what="the added feed's article", daemon=daemon)
        assert daemon.process.poll() is None
    finally:
        returncode = daemon.stop()
    assert returncode == 0, daemon.log_tail()
    assert daemon.logged("service.stopping")[0]["signal"] == "SIGTERM"


def two_feeds_running(newsroom, tmp_path):
    """A daemon polling a Mali feed and a Kenya feed, once both feeds' articles are stored."""
    mali = one_article_feed(newsroom, "a", "mali-convoy", "Convoy attacked on the road to Djenné", MALI_PARAGRAPHS)
    kenya = one_article_feed(newsroom, "b", "kenya-rates", "Kenya holds its lending rate", KENYA_PARAGRAPHS)
    db = tmp_path / "newswatch.db"
    config = write_config(tmp_path / "n.toml", db, [mali, kenya])
    daemon = RunningDaemon(config)
    try:
        wait_until(lambda: len(stored_titles(db)) == 2, what="both feeds' articles", daemon=daemon)
    except BaseException:
        daemon.stop()
        raise
    return mali, kenya, db, config, daemon


def test_a_feed_removed_from_the_config_is_not_polled_after_sighup(newsroom, tmp_path):
    mali, kenya, db, config, daemon = two_feeds_running(newsroom, tmp_path)
    try:
        daemon.reload(write_config(tmp_path / "next.toml", db, [mali]).read_text(encoding="utf-8"))
        assert daemon.wait_for("config.reloaded")["feeds_removed"] == [kenya]
        polled_a, polled_b = newsroom.count("/a/feed.xml"), newsroom.count("/b/feed.xml")
        make_due(db, mali, kenya)
        wait_until(lambda: newsroom.count("/a/feed.xml") > polled_a, what="the kept feed polled", daemon=daemon)
        time.sleep(2.5)   # two more ticks: a configured feed due now would have been polled by then
        assert newsroom.count("/b/feed.xml") == polled_b
        assert rows(db, "SELECT in_config FROM feeds WHERE url = ?", (kenya,)) == [(0,)]
        assert "Kenya holds its lending rate" in stored_titles(db)   # its article stays
    finally:
        assert daemon.stop() == 0, daemon.log_tail()


def test_a_broken_config_is_refused_naming_the_key_and_the_daemon_polls_on_with_the_old_one(newsroom, tmp_path):
    mali, kenya, db, config, daemon = two_feeds_running(newsroom, tmp_path)
    try:
        # One feed fewer (which must not be applied) and a misspelt key (which refuses the whole file).
        broken = write_config(tmp_path / "next.toml", db, [mali], extra_http="max_redirect = 3").read_text(
            encoding="utf-8")
        line = broken.splitlines().index("max_redirect = 3") + 1
        daemon.reload(broken)
        failed = daemon.wait_for("config.reload_failed")
        assert "http.max_redirect" in failed["keys"]
        assert any(p.startswith(f"{config}:{line}: http.max_redirect: unknown key") for p in failed["problems"])
        assert failed["level"] == "error"
        assert rows(db, "SELECT url, in_config FROM feeds ORDER BY id") == [(mali, 1), (kenya, 1)]
        polled_a, polled_b = newsroom.count("/a/feed.xml"), newsroom.count("/b/feed.xml")
        make_due(db, mali, kenya)
        wait_until(lambda: newsroom.count("/a/feed.xml") > polled_a and newsroom.count("/b/feed.xml") > polled_b,
                   what="both feeds of the old config polled again", daemon=daemon)
        assert not daemon.logged("config.reloaded") and daemon.process.poll() is None
    finally:
        assert daemon.stop() == 0, daemon.log_tail()


def test_an_alert_rule_added_by_sighup_alerts_the_next_matching_article(newsroom, tmp_path):
    newsroom.add("/a/niger-schools", page("Niger to reopen schools in Tillabéri", NIGER_PARAGRAPHS),
                 content_type="text/html; charset=utf-8")
    mali = one_article_feed(newsroom, "a", "mali-convoy", "Convoy attacked on the road to Djenné", MALI_PARAGRAPHS)
    db = tmp_path / "newswatch.db"
    with WebhookReceiver("hook-secret") as receiver:
        config = write_config(tmp_path / "n.toml", db, [mali])
        daemon = RunningDaemon(config, env={"TEST_HOOK_SECRET": "hook-secret"})
        try:
            wait_until(lambda: "Convoy attacked on the road to Djenné" in stored_titles(db), what="first article",
                       daemon=daemon)
            rule = (f'[[alerts]]\nname = "sahel-watch"\nregions = ["Sahel"]\n'
                    f'webhook = {{ url = "{receiver.url}", secret_env = "TEST_HOOK_SECRET" }}\n')
            daemon.reload(write_config(tmp_path / "next.toml", db, [mali], alerts=rule).read_text(encoding="utf-8"))
            reloaded = daemon.wait_for("config.reloaded")
            assert reloaded["alert_rules"] == 1 and "alerts" in reloaded["changed"]
            newsroom.add("/a/feed.xml", rss("Outlet a", [
                {"title": "Convoy attacked on the road to Djenné", "link": newsroom.url("/a/mali-convoy"),
                 "guid": "a-mali-convoy"},
                {"title": "Niger to reopen schools in Tillabéri", "link": newsroom.url("/a/niger-schools"),
                 "guid": "a-niger-schools"}]), content_type="application/rss+xml")
            make_due(db, mali)
            wait_until(lambda: receiver.accepted(), timeout=60, what="an alert delivered", daemon=daemon)
            time.sleep(1)
            alerts = receiver.accepted()
        finally:
            assert daemon.stop() == 0, daemon.log_tail()
    # The article stored before the reload matched no rule then; the next one alerts under the new rule.
    assert [(a.body["rule"], a.body["article"]["title"]) for a in alerts] == [
        ("sahel-watch", "Niger to reopen schools in Tillabéri")]


# --- in-process: what a reload keeps, and when it is ignored ------------------------------------------

def test_settings_bound_at_start_keep_their_value_and_are_named():
    running = Settings(storage_path="a.db", workers=1)
    loaded = replace(Settings(storage_path="b.db", workers=4, raw_retention_days=7),
                     scheduler=replace(running.scheduler, tick_s=5.0, jitter=0.2))
    kept, restart = keep_start_bound(running, loaded)
    assert restart == ("storage.path", "extraction.workers", "scheduler.tick")
    assert (kept.storage_path, kept.workers, kept.scheduler.tick_s) == ("a.db", 1, running.scheduler.tick_s)
    assert (kept.raw_retention_days, kept.scheduler.jitter) == (7, 0.2)
    assert changed_keys(running, kept) == ("scheduler.jitter", "storage.raw_retention_days")


def test_feed_changes_tell_added_removed_and_changed_feeds_apart():
    running = (FeedSettings("http://a/x"), FeedSettings("http://b/x"), FeedSettings("http://c/x", interval_s=900))
    loaded = (FeedSettings("http://a/x"), FeedSettings("http://c/x", interval_s=1800), FeedSettings("http://d/x"))
    changes = feed_changes(running, loaded)
    assert (changes.added, changes.removed, changes.changed) == (("http://d/x",), ("http://b/x",), ("http://c/x",))


async def _with_reloader(settings, scenario):
    async with runtime.pipeline_for(settings, use_processes=False) as pipeline:
        deliverer = Deliverer(pipeline.store, settings.alerts, user_agent=settings.http.user_agent)
        service = Service(pipeline, deliverer)
        reloader = ConfigReloader(service, settings.source_path)
        try:
            return await scenario(service, reloader)
        finally:
            await reloader.aclose()
            await deliverer.aclose()


def test_a_reload_asked_for_while_one_is_being_applied_is_ignored_with_a_log_line(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "newswatch.db", [])
    settings = load_settings(config, secrets=False)

    async def twice(service, reloader):
        reloader.request()
        first = reloader.applying
        reloader.request()   # the first has not even started: the signal came twice
        same = reloader.applying is first
        return same, await first

    with capture_logs() as logs:
        same, applied = asyncio.run(_with_reloader(settings, twice))
    assert same and applied
    ignored = [e for e in logs if e["event"] == "config.reload_ignored"]
    assert len(ignored) == 1 and "still being applied" in ignored[0]["reason"]
    assert len([e for e in logs if e["event"] == "config.reloaded"]) == 1


def test_a_reload_asked_for_while_stopping_is_ignored_with_a_log_line(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "newswatch.db", [])
    settings = load_settings(config, secrets=False)

    async def stopping(service, reloader):
        service.stopping.set()
        reloader.request()
        return reloader.applying

    with capture_logs() as logs:
        assert asyncio.run(_with_reloader(settings, stopping)) is None
    assert [e["reason"] for e in logs if e["event"] == "config.reload_ignored"] == ["the service is stopping"]


def test_a_changed_user_agent_reaches_the_next_poll_after_a_reload(newsroom, tmp_path):
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", []), content_type="application/rss+xml")
    config = write_config(tmp_path / "n.toml", tmp_path / "newswatch.db", [feed])
    settings = load_settings(config, secrets=False)

    async def reload_then_poll(service, reloader):
        before = service.pipeline.fetcher
        config.write_text(config.read_text(encoding="utf-8").replace(
            "newswatch-test (+mailto:test@example.org)", "newswatch-reloaded (+mailto:test@example.org)"),
            encoding="utf-8")
        with capture_logs() as logs:
            assert await reloader.reload()
        await poll_round(service.pipeline, service.pipeline.store.feeds())
        return before is not service.pipeline.fetcher, logs

    replaced, logs = asyncio.run(_with_reloader(settings, reload_then_poll))
    assert replaced
    assert newsroom.requests[-1].headers["user-agent"] == "newswatch-reloaded (+mailto:test@example.org)"
    assert [e["changed"] for e in logs if e["event"] == "config.reloaded"] == [["http.user_agent"]]
