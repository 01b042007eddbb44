"""SIGHUP, which operators send out of habit to make a daemon re-read its config: newswatch reads the
config only at start, so it stops cleanly as on SIGTERM and says why, instead of dying on the spot
with nothing in the journal."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

from tests.daemon_world import rss, start_newswatch, stop_newswatch, write_config


def test_sighup_stops_the_daemon_cleanly_and_says_the_config_is_read_at_start_only(newsroom, tmp_path):
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", []), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    process = start_newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and newsroom.count("/a/feed.xml") == 0:
        time.sleep(0.2)
    time.sleep(0.5)
    stderr = stop_newswatch(process, signal.SIGHUP)
    assert process.returncode == 0, stderr[-2000:]
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    stopping = [e for e in events if e["event"] == "service.stopping"]
    assert stopping and stopping[0]["signal"] == "SIGHUP" and "read only at start" in stopping[0]["note"]
    assert events[-1]["event"] == "service.stopped"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM feeds WHERE last_status = 'ok'").fetchone() == (1,)
    finally:
        conn.close()
