"""A store with Mali in it, an article about Mopti queued against a rule, and delivery passes with
their logs: what the alert-delivery tests share."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from structlog.testing import capture_logs

from daemon.alerts import Deliverer, matching_alerts
from daemon.settings import AlertRule
from storage.records import Article, Region, RegionTag
from storage.store import ArticleExtras, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
MALI_FOCUS = (RegionTag("ML", "country", 3, 3.0, True),)


def mali_store(tmp_path) -> Iterator[Store]:
    """For a fixture: `yield from mali_store(tmp_path)`."""
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country")])
    yield store
    store.close()


def queue(store: Store, rule: AlertRule, url: str = "https://example.org/mopti",
          text: str = "Residents said a drone struck a market on Monday.") -> int:
    """Store an article about Mali with the rule's alerts in its outbox; its id."""
    article = Article(url=url, title="Drone strike near Mopti", site_name="Example News", text=text,
                      fetched_at=NOW, regions=MALI_FOCUS)
    return store.save_article(article, ArticleExtras(alerts=matching_alerts([rule], article, None)))


def deliver(store: Store, rules, *at: datetime) -> tuple[list[int], str]:
    """Delivery passes at the given times; how many each delivered, and everything they logged."""
    async def run() -> list[int]:
        deliverer = Deliverer(store, rules)
        try:
            return [await deliverer.deliver_due(moment) for moment in at]
        finally:
            await deliverer.aclose()
    with capture_logs() as logs:
        counts = asyncio.run(run())
    return counts, repr(logs)


class AnsweringReceiver:
    """A loopback webhook receiver answering every POST with one status and these headers."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        status_code, extra = status, dict(headers or {})

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(status_code)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/in/T0KEN"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
