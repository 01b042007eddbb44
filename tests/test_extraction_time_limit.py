"""Extraction is time-limited: a page that keeps a worker busy past the limit costs that worker (killed
with its pool, which is replaced), is recorded as skipped for a passing reason, and stalls nothing else."""

import asyncio
import dataclasses
import sqlite3
import time

import pytest
from structlog.testing import capture_logs

import daemon.entry_ingest as entry_ingest_module
from daemon import runtime
from daemon.config_file import load_settings
from daemon.extract import process_page
from daemon.settings import Settings
from tests.config_world import problems_in, write_toml
from tests.daemon_world import KENYA_PARAGRAPHS, NIGER_PARAGRAPHS, page, rss, write_config


def sleep_then_answer(seconds: float) -> str:
    """Stands in for a parser spinning on a pathological page (or, when short, for a normal page)."""
    time.sleep(seconds)
    return f"slept {seconds}"


def process_page_stuck_on_kenya(body: bytes, url: str, content_type, residue_rules_path):
    """The real extraction, except that the Kenya page never finishes. The worker runs this function
    because it is sent by reference and the worker imports this module: no patch needs to reach the
    forkserver, whose workers know nothing of the test process's monkeypatches."""
    if url.endswith("/kenya"):
        time.sleep(600)
    return process_page(body, url, content_type, residue_rules_path)


def test_work_past_the_limit_times_out_promptly_and_a_new_pool_takes_the_next_work():
    from concurrent.futures import ProcessPoolExecutor

    from daemon.pipeline import Pipeline

    pools = []

    def new_pool():
        pools.append(ProcessPoolExecutor(1, mp_context=runtime.worker_context()))
        return pools[-1]

    settings = Settings(extraction_time_limit_s=1.0)
    pipeline = Pipeline(settings, None, None, None, new_pool(), replace_executor=new_pool)
    try:
        assert asyncio.run(pipeline._in_worker(sleep_then_answer, 0)) == "slept 0"   # the worker is started
        first_workers = list(pools[0]._processes.values())
        started = time.monotonic()
        with pytest.raises(entry_ingest_module.WorkTimedOut) as timed_out:
            asyncio.run(pipeline._in_worker(sleep_then_answer, 60))
        assert time.monotonic() - started < 10
        assert timed_out.value.limit_s == 1.0 and timed_out.value.work == "sleep_then_answer"
        assert len(pools) == 2 and pipeline.executor is pools[1]
        assert len(first_workers) == 1
        first_workers[0].join(5)
        assert not first_workers[0].is_alive()   # killed, not left sleeping for a minute
        assert asyncio.run(pipeline._in_worker(sleep_then_answer, 0)) == "slept 0"
    finally:
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)


def test_work_caught_in_a_pool_killed_for_another_page_is_retried_not_lost():
    from concurrent.futures import ProcessPoolExecutor

    from daemon.pipeline import Pipeline

    pools = []

    def new_pool():
        pools.append(ProcessPoolExecutor(2, mp_context=runtime.worker_context()))
        return pools[-1]

    pipeline = Pipeline(Settings(extraction_time_limit_s=3.0), None, None, None, new_pool(),
                        replace_executor=new_pool)

    async def later(delay_s: float, seconds: float):
        await asyncio.sleep(delay_s)
        return await pipeline._in_worker(sleep_then_answer, seconds)

    async def both(stuck_s: float, slow_s: float):
        """The slow work starts 1.5 s after the stuck one: still running when the stuck one's 3 s are up."""
        return await asyncio.gather(pipeline._in_worker(sleep_then_answer, stuck_s), later(1.5, slow_s),
                                    return_exceptions=True)

    try:
        assert asyncio.run(both(0.5, 0.5)) == ["slept 0.5", "slept 0.5"]   # two workers started
        stuck, slow = asyncio.run(both(60, 2.0))
        assert isinstance(stuck, entry_ingest_module.WorkTimedOut)
        assert slow == "slept 2.0"   # its worker was killed at 3 s with the stuck one's; it ran again
        assert len(pools) == 2
    finally:
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)


def test_a_page_stuck_in_extraction_is_skipped_for_a_passing_reason_and_its_feed_mate_stored(
        newsroom, tmp_path, monkeypatch):
    newsroom.add("/niger", page("Niger schools", NIGER_PARAGRAPHS), content_type="text/html")
    newsroom.add("/kenya", page("Kenya rates", KENYA_PARAGRAPHS), content_type="text/html")
    feed = newsroom.add("/feed.xml", rss("F", [{"title": "a", "link": newsroom.url("/niger"), "guid": "1"},
                                               {"title": "b", "link": newsroom.url("/kenya"), "guid": "2"}]),
                        content_type="application/rss+xml")
    monkeypatch.setattr(entry_ingest_module, "process_page", process_page_stuck_on_kenya)
    settings = dataclasses.replace(load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", [feed])),
                                   extraction_time_limit_s=3.0, workers=2)
    started = time.monotonic()
    with capture_logs() as events:
        results = asyncio.run(runtime.run_once(settings, use_processes=True))
    assert time.monotonic() - started < 30
    assert (results[0].stored, results[0].skipped) == (1, 1)
    conn = sqlite3.connect(tmp_path / "n.db")
    assert conn.execute("SELECT url FROM articles").fetchall() == [(newsroom.url("/niger"),)]
    assert conn.execute("SELECT url, reason, detail FROM skipped_entries").fetchall() == [
        (newsroom.url("/kenya"), "extraction timed out",
         "page: extraction timed out after 3 s; feed content too short (0 words)")]
    # a passing reason: the feed keeps its old validators so that the next poll tries the page again
    assert conn.execute("SELECT etag, last_modified FROM feeds").fetchone() == (None, None)
    timed_out = [e for e in events if e["event"] == "article.extraction_timed_out"]
    assert [(e["url"], e["limit_s"]) for e in timed_out] == [(newsroom.url("/kenya"), 3.0)]
    assert timed_out[0]["waited_s"] >= 3.0
    killed = [e["killed"] for e in events if e["event"] == "workers.stuck_killed"]
    assert len(killed) == 1 and killed[0] >= 1


def test_the_time_limit_is_read_from_the_extraction_table(tmp_path):
    path = write_toml(tmp_path, '[storage]\npath = "n.db"\n\n[extraction]\ntime_limit = "90s"\n')
    assert load_settings(path, environ={}).extraction_time_limit_s == 90.0
    assert load_settings(write_toml(tmp_path, '[storage]\npath = "n.db"\n'),
                         environ={}).extraction_time_limit_s == 60.0


def test_a_time_limit_that_is_no_duration_is_refused_naming_its_key_and_line(tmp_path):
    path = write_toml(tmp_path, '[storage]\npath = "n.db"\n\n[extraction]\ntime_limit = "0s"\n')
    (key, line, message), = problems_in(path, environ={})
    assert (key, line) == ("extraction.time_limit", 5) and "positive" in message
