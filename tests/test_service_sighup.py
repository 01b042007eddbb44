"""SIGHUP, which operators send to make a daemon re-read its config (`systemctl reload newswatch`):
newswatch reads the config again and keeps running, instead of dying on the spot with nothing in the
journal; only SIGTERM stops it (tests/test_config_reload.py covers what a reload changes)."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

from tests.daemon_world import rss, start_newswatch, stop_newswatch, write_config


def test_sighup_reloads_the_config_and_the_daemon_keeps_running_until_sigterm(newsroom, tmp_path):
    feed = newsroom.add("/a/feed.xml", rss("Outlet A", []), content_type="application/rss+xml")
    db = tmp_path / "newswatch.db"
    process = start_newswatch("-c", str(write_config(tmp_path / "n.toml", db, [feed])), "run")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and newsroom.count("/a/feed.xml") == 0:
        time.sleep(0.2)
    time.sleep(0.5)
    process.send_signal(signal.SIGHUP)
    time.sleep(3)   # the reload reads the config and applies it within a second or two
    assert process.poll() is None, "SIGHUP stopped the daemon"
    stderr = stop_newswatch(process, signal.SIGTERM)
    assert process.returncode == 0, stderr[-2000:]
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    reloaded = [e for e in events if e["event"] == "config.reloaded"]
    assert len(reloaded) == 1 and reloaded[0]["feeds_added"] == reloaded[0]["feeds_removed"] == []
    assert reloaded[0]["changed"] == []
    stopping = [e for e in events if e["event"] == "service.stopping"]
    assert len(stopping) == 1 and stopping[0]["signal"] == "SIGTERM"
    assert events[-1]["event"] == "service.stopped"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM feeds WHERE last_status = 'ok'").fetchone() == (1,)
    finally:
        conn.close()
