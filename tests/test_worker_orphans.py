"""A daemon killed outright (kill -9, a crash) leaves no extraction worker behind.

The workers ignore SIGTERM (the daemon decides when they stop) and wait on their queue: orphaned,
they lived for ever, a few hundred MB each, holding the daemon's stdout and stderr open, so a
supervisor reading those pipes never saw them close."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.daemon_world import MALI_PARAGRAPHS, page, rss, start_newswatch, write_config


def _descendants(pid: int) -> set[int]:
    """Every process whose chain of parents leads to pid, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_workers_die_with_a_daemon_killed_outright(newsroom, tmp_path) -> None:
    story = newsroom.add("/a/story", page("Convoy attacked near Gao", MALI_PARAGRAPHS),
                         content_type="text/html; charset=utf-8")
    feed = newsroom.add("/a/feed.xml", rss("A", [{"title": "Convoy", "link": story, "guid": "a1"}]),
                        content_type="application/rss+xml")
    daemon = start_newswatch("-c", str(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed])), "run")
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and newsroom.count("/a/story") == 0:
            time.sleep(0.2)
        workers = _descendants(daemon.pid)
        assert workers, "the daemon started no worker"
    finally:
        os.kill(daemon.pid, signal.SIGKILL)
        daemon.wait(10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:              # do not leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert left == []
