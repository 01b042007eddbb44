"""`newswatch demo`: a loopback newsroom ingested end to end into a demo store, with no internet.

It starts the newsroom and a webhook receiver on 127.0.0.1, runs one full poll (fetch, extract,
clean, dedup, tag, store, alert), and prints what happened and how to browse it. The feeds are
polled in a fixed order (demo_site.poll_phases), so every run reports the same copies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from daemon import runtime
from daemon.demo_site import feed_paths, poll_phases, routes
from daemon.newsroom import Newsroom
from daemon.pipeline import PollResult
from daemon.receiver import WebhookReceiver
from daemon.scheduler import poll_round
from daemon.settings import AlertRule, FeedSettings, HttpSettings, Settings, WebhookSettings
from storage.store import Store

DEMO_SECRET = "demo-secret-not-for-production"
REGION_HINTS = {"/sahel-courier/feed.xml": ("ML", "NE", "BF"), "/west-africa-wire/feed.xml": ("SN", "ML"),
                "/continental-review/feed.xml": ()}


def demo_settings(db_path: str, newsroom: Newsroom, hook_url: str) -> Settings:
    feeds = tuple(FeedSettings(url=newsroom.url(path), name=name, regions=REGION_HINTS.get(path, ()),
                               interval_s=900) for path, name in feed_paths())
    rule = AlertRule(name="sahel-watch", regions=("sahel",), keywords=(), webhook=WebhookSettings(
        url=hook_url, secret=DEMO_SECRET))
    return Settings(storage_path=db_path, feeds=feeds, alerts=(rule,),
                    http=HttpSettings(user_agent="newswatch-demo (+mailto:demo@example.org)",
                                      allow_private_networks=True, connect_timeout=2, read_timeout=5,
                                      total_timeout=10),
                    custom_regions={"Sahel": ("ML", "NE", "BF", "TD", "MR")})


def run_demo(db_path: str, echo: Callable[[str], None] = print, dated_as_of: datetime | None = None) -> int:
    """Ingest the demo newsroom into db_path and print the summary; 0, or 1 when db_path holds other
    articles. dated_as_of dates the articles as news of the days before it (`newswatch demo` gives
    the current time, so its queries for the last days find them); None keeps the data file's dates."""
    if not _replaceable(db_path):
        echo(f"error: {db_path} holds articles that are not the demo's; choose another --db "
             f"(the demo starts from an empty store)")
        return 1
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    with Newsroom() as newsroom, WebhookReceiver(DEMO_SECRET) as receiver:
        serve(newsroom, dated_as_of)
        settings = demo_settings(db_path, newsroom, receiver.url)
        results = runtime.run(ingest_in_order(settings, [[newsroom.url(p) for p in phase]
                                                         for phase in poll_phases()]))
        alerts = receiver.accepted()
    elapsed = time.monotonic() - started
    store = Store.open(db_path)
    try:
        report(store, results, alerts, elapsed, db_path, echo)
    finally:
        store.close()
    return 0


def serve(newsroom: Newsroom, dated_as_of: datetime | None = None) -> None:
    """Register every demo feed and page on the loopback newsroom (dated as run_demo says)."""
    for route in routes(newsroom.url("").rstrip("/"), now=dated_as_of):
        newsroom.add(route.path, route.body, content_type=route.content_type)


async def ingest_in_order(settings: Settings, phases: list[list[str]], *,
                          use_processes: bool = True) -> list[PollResult]:
    """Poll the feed URLs phase by phase, then deliver the alerts.

    A phase starts only once every poll of the one before has returned, and a poll returns only
    after all its entries are stored: the order is enforced, not left to response timing (a fixed
    delay on the syndicating outlet was not enough on a busy machine).
    """
    async with runtime.pipeline_for(settings, use_processes=use_processes) as pipeline:
        feeds = {f.url: f for f in pipeline.store.feeds()}
        results: list[PollResult] = []
        for phase in phases:
            results += await poll_round(pipeline, [feeds[url] for url in phase])
        await runtime.deliver_due_alerts(pipeline, settings)
        return results


def _replaceable(db_path: str) -> bool:
    """Only an absent file, an empty store or a previous demo store may be wiped by the demo."""
    if not Path(db_path).exists():
        return True
    try:
        store = Store.open(db_path)
    except Exception:  # noqa: BLE001 - not a store at all: not ours to delete
        return False
    try:
        urls = [row["url"] for row in store.articles()]
    finally:
        store.close()
    return all(url.startswith("http://127.0.0.1:") for url in urls)


def _counted(n: int, one: str, many: str) -> str:
    """'1 copy', '9 copies': the summary reads as English."""
    return f"{n} {one if n == 1 else many}"


def report(store: Store, results, alerts, elapsed: float, db_path: str, echo: Callable[[str], None]) -> None:
    summary = store.summary()
    articles = {a["id"]: a for a in store.articles()}
    echo(f"newswatch demo: {_counted(len(results), 'feed', 'feeds')} polled in {elapsed:.1f} s")
    echo(f"  articles stored: {summary.articles} ({_counted(summary.originals, 'original', 'originals')}, "
         f"{_counted(summary.copies, 'copy', 'copies')}) in {_counted(summary.stories, 'story', 'stories')}")
    for article in articles.values():
        if article["duplicate_of"]:
            original = articles[article["duplicate_of"]]
            echo(f"  copy found: \"{article['title']}\" ({article['site_name']}) is a copy of "
                 f"\"{original['title']}\" ({original['site_name']})")
    echo("  top focus regions: " + ", ".join(f"{name} ({n})" for _, name, n in summary.top_regions))
    for article in articles.values():
        focus = [r["name"] or r["region_id"] for r in store.article(article["id"])["regions"]
                 if r["focus"] and r["kind"] == "country"]
        echo(f"    [{article['id']}] {article['title'][:70]} -> {', '.join(focus) or '-'}"
             f"{'  (from the feed: page missing)' if article['source'] == 'feed' else ''}")
    for skip in store.skipped():
        echo(f"  skipped: {skip['url'] or skip['guid']}: {skip['reason']} ({skip['detail']})")
    echo(f"  alerts delivered to the loopback webhook (signature checked): {len(alerts)}")
    echo("")
    echo(f"Browse it:  newswatch serve --db {db_path}    (then open http://127.0.0.1:8001/)")
