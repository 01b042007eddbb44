"""The running daemon after the clock was set back: a feed whose next poll was written while the
clock ran years ahead (a bad hardware clock at boot, later corrected) is polled now, not years later."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone

from tests.daemon_world import newswatch, rss, start_newswatch, stop_newswatch, write_config


def _sql(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_a_feed_scheduled_years_ahead_by_a_wrong_clock_is_polled_at_once(newsroom, tmp_path):
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", []), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    config = write_config(tmp_path / "n.toml", db, [feed], tick="1s")
    assert newswatch("-c", str(config), "run", "--once").returncode == 0
    # The last poll ran while the clock said 2035: its next poll was set a few minutes after that.
    _sql(db, "UPDATE feeds SET next_poll_at = ?, last_polled_at = ?",
         "2035-03-01T10:01:00+00:00", "2035-03-01T10:00:00+00:00")
    newsroom.clear_requests()
    process = start_newswatch("-c", str(config), "run")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and newsroom.count("/a/feed.xml") == 0:
        time.sleep(0.2)
    time.sleep(1)   # let the poll record its new schedule
    stderr = stop_newswatch(process)
    assert process.returncode == 0, stderr[-2000:]
    assert newsroom.count("/a/feed.xml") == 1
    assert '"feed.next_poll_beyond_reach"' in stderr
    (next_poll,), = _sql(db, "SELECT next_poll_at FROM feeds")
    assert datetime.fromisoformat(next_poll) < datetime(2030, 1, 1, tzinfo=timezone.utc)
