"""`newswatch run`: its exit codes for a round where every feed failed, its refusal of a store
folder that does not exist, and one daemon per store (two real processes)."""

import signal
import subprocess
import time

import pytest

from daemon.newsroom import Newsroom
from tests.daemon_world import newswatch, rss, start_newswatch, write_config


@pytest.fixture
def newsroom():
    with Newsroom() as room:
        yield room


def good_feed(newsroom: Newsroom) -> str:
    return newsroom.add("/ok/feed.xml", rss("Outlet", []), content_type="application/rss+xml")


def test_run_once_exits_1_when_every_polled_feed_failed(tmp_path, newsroom):
    feeds = [newsroom.add_fault("/gone/feed.xml", "status", status=404),
             newsroom.add_fault("/error/feed.xml", "status", status=500)]
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", feeds)
    result = newswatch("-c", str(config), "run", "--once")
    assert result.returncode == 1, result.stderr
    assert "polled 2 feeds: 0 articles stored, 0 copies, 0 skipped, 2 feeds failed" in result.stderr


def test_run_once_exits_0_when_some_feeds_worked(tmp_path, newsroom):
    feeds = [good_feed(newsroom), newsroom.add_fault("/gone/feed.xml", "status", status=404)]
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", feeds)
    result = newswatch("-c", str(config), "run", "--once")
    assert result.returncode == 0, result.stderr
    assert "1 feed failed" in result.stderr


def test_run_in_a_store_folder_that_does_not_exist_is_refused_and_not_created(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    result = newswatch("-c", str(config), "run", "--once", "--db", str(tmp_path / "missing" / "n.db"))
    assert result.returncode == 2
    assert f"the folder {tmp_path / 'missing'} does not exist" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_run_accepts_db_after_the_command(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "config.db", [])
    result = newswatch("-c", str(config), "run", "--once", "--db", str(tmp_path / "chosen.db"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "chosen.db").exists() and not (tmp_path / "config.db").exists()


def wait_for_lock_holder(lock, process, seconds=30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if lock.exists() and lock.read_text().strip():
            return lock.read_text().strip()
        time.sleep(0.1)
    raise AssertionError(f"the first run never took the lock: {process.poll()}")


def test_a_second_run_on_the_same_store_is_refused_naming_the_first(tmp_path, newsroom):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [good_feed(newsroom)])
    first = start_newswatch("-c", str(config), "run")
    try:
        holder = wait_for_lock_holder(tmp_path / "n.db.lock", first)
        second = newswatch("-c", str(config), "run", "--once", timeout=60)
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            first.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            first.kill()
            first.communicate()
    assert holder == str(first.pid)
    assert second.returncode == 2
    assert f"another `newswatch run` (pid {first.pid}) is already using the store" in second.stderr


def test_the_lock_is_free_again_once_the_first_run_has_ended(tmp_path, newsroom):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [good_feed(newsroom)])
    assert newswatch("-c", str(config), "run", "--once").returncode == 0
    again = newswatch("-c", str(config), "run", "--once")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "n.db.lock").read_text() == ""
