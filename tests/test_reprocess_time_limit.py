"""`newswatch reprocess` under the extraction time limit: a kept raw page that makes the extractor spin
costs its limit and its worker process, never the run. Its article keeps its stored text (re-cleaned,
as when a raw page no longer extracts), the reason is logged and counted, the other articles are
extracted again as usual, and no worker process outlives the run, even an interrupted one."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime, timedelta, timezone
from html import escape

import pytest
from click.testing import CliRunner

import daemon.reprocess as reprocess_module
from daemon import dedup
from daemon.cli import main
from daemon.extract import process_page
from daemon.gazetteer import Gazetteer
from daemon.reprocess import reprocess
from daemon.settings import Settings
from storage.records import Article
from storage.store import ArticleExtras, Store
from tests.log_capture import every_event_captured

T0 = datetime(2026, 10, 5, 7, 30, tzinfo=timezone.utc)
SPIN_S = 30.0          # how long the slow page holds its extractor: far past every limit set here
LIMIT_S = 2.0
RUN_BOUND_S = 15.0     # a worker's first start, the limit, a fresh worker and the other pages, with room
SHARE_LINE = "Share this article on Facebook"   # a line re-cleaning removes from a stored text

# (slug, title, paragraphs on the kept raw page); each article was stored with its first two only
PAGES = [
    ("borehole", "A second borehole for Ménaka's eastern quarter", [
        "Engineers from the regional water office finished a second borehole at Ménaka on Thursday, giving "
        "the eastern quarter its own pump after years of queuing at the market well.",
        "Women who used to walk an hour before dawn to fetch water said the new pump had already changed "
        "the shape of their mornings.",
        "The office plans a third borehole near the livestock market once the dry season ends and the "
        "drilling rig is free again."]),
    ("slow-page", "Night classes fill up in Kidal", [
        "Evening literacy classes at a Kidal youth centre have a waiting list for the first time, the "
        "centre's coordinator said, after a radio programme advertised them last month.",
        "Most of the new students are traders who want to keep their own accounts instead of relying on "
        "relatives to read invoices for them.",
        "Two retired teachers have offered to run a second group on Saturdays if the centre can find "
        "enough benches and lamps."]),
    ("grain-store", "A village grain store opens near Douentza", [
        "Farmers in a village near Douentza opened a shared grain store this week, where each family can "
        "keep part of its harvest until prices rise in the lean season.",
        "The store was built with bricks made on the spot and a tin roof paid for by a savings group of "
        "forty households.",
        "Its committee keeps a ledger of every sack that goes in or out and meets each Friday to settle "
        "disputes over the count."]),
]
SLOW = 1   # the index of the page that makes the extractor spin


def process_page_spinning_on_the_slow_page(body: bytes, url: str, content_type, residue_rules_path):
    """The real extraction, except that the slow page keeps it busy for SPIN_S. Sent to the worker by
    reference: the worker imports this module, so no monkeypatch needs to reach the child process."""
    if url.endswith("/slow-page"):
        time.sleep(SPIN_S)
    return process_page(body, url, content_type, residue_rules_path)


def raw_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Dune Courier'
            f'</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article>'
            f"<h1>{escape(title)}</h1>{body}</article></main><footer>Dune Courier, Gao</footer></body></html>"
            ).encode()


def stored_text(paragraphs: list[str]) -> str:
    return f"{paragraphs[0]}\n\n{SHARE_LINE}\n\n{paragraphs[1]}"


def store_pages(db_path, pages=PAGES) -> list[int]:
    """One article per page, stored with an older, shorter text than its kept raw page; oldest first."""
    store = Store.open(db_path)
    ids = []
    for n, (slug, title, paragraphs) in enumerate(pages):
        text = stored_text(paragraphs)
        print_ = dedup.fingerprint(title, text)
        ids.append(store.save_article(
            Article(url=f"https://dunes.example/news/{slug}", title=title, text=text,
                    fetched_at=T0 + timedelta(minutes=n), word_count=len(text.split()),
                    content_hash=print_.content_hash, simhash=print_.simhash),
            ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys,
                          raw_html=raw_page(title, paragraphs), content_type="text/html; charset=utf-8")))
    store.close()
    return ids


def texts_of(db_path) -> dict[int, str]:
    store = Store.open(db_path)
    try:
        return {a["id"]: a["text"] for a in store.articles()}
    finally:
        store.close()


def run_reprocess(db_path, limit_s: float = LIMIT_S):
    """reprocess over every stored article; (report, captured log events, seconds taken)."""
    store = Store.open(db_path)
    started = time.monotonic()
    try:
        with every_event_captured() as events:
            report = reprocess(store, Settings(storage_path=str(db_path), extraction_time_limit_s=limit_s),
                               Gazetteer.load(), store.article_ids())
    finally:
        store.close()
    return report, events, time.monotonic() - started


def worker_pids(events) -> list[int]:
    return [e["pid"] for e in events if e["event"] == "extraction.worker_started"]


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def spun(tmp_path_factory):
    """One reprocess run over the three pages, the middle one spinning; (ids, report, events, seconds, texts)."""
    db_path = tmp_path_factory.mktemp("spun") / "newswatch.db"
    ids = store_pages(db_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reprocess_module, "process_page", process_page_spinning_on_the_slow_page)
        report, events, seconds = run_reprocess(db_path)
    return ids, report, events, seconds, texts_of(db_path)


def test_a_page_spinning_past_the_time_limit_does_not_hold_up_the_run(spun):
    _, report, _, seconds, _ = spun
    assert seconds < RUN_BOUND_S
    assert (report.articles, report.from_raw, report.from_text, report.extraction_problems) == (3, 2, 1, 1)


def test_the_spinning_page_keeps_its_stored_text_recleaned_and_the_others_are_extracted_again(spun):
    ids, _, _, _, texts = spun
    slow = PAGES[SLOW][2]
    assert [texts[article_id] for article_id in ids] == [
        "\n\n".join(PAGES[0][2]),
        f"{slow[0]}\n\n{slow[1]}",   # its stored text, the share line gone and nothing else
        "\n\n".join(PAGES[2][2])]


def test_the_timeout_is_logged_with_its_reason_and_the_fallback(spun):
    ids, _, events, _, _ = spun
    timed_out = [e for e in events if e["event"] == "article.extraction_timed_out"]
    assert [(e["log_level"], e["id"], e["url"], e["reason"], e["limit_s"], e["fallback"]) for e in timed_out] == [
        ("warning", ids[SLOW], "https://dunes.example/news/slow-page", "extraction timed out after 2 s", LIMIT_S,
         "stored text")]
    assert LIMIT_S <= timed_out[0]["waited_s"] < SPIN_S


def test_the_summary_counts_the_timed_out_page(spun):
    _, report, _, _, _ = spun
    assert "1 raw page no longer extracts" in report.describe()


def test_the_stuck_worker_is_replaced_once_and_no_worker_outlives_the_run(spun):
    _, _, events, _, _ = spun
    pids = worker_pids(events)
    assert len(pids) == 2 and not any(is_running(pid) for pid in pids)


def test_one_worker_process_serves_every_page_of_a_run(tmp_db_path):
    many = [(f"{slug}-{n}", f"{title} ({n})", paragraphs) for n in range(3)
            for slug, title, paragraphs in (PAGES[0], PAGES[2])]
    store_pages(tmp_db_path, many)
    report, events, _ = run_reprocess(tmp_db_path)
    assert (report.from_raw, len(worker_pids(events))) == (6, 1)


def test_an_interrupted_run_leaves_no_worker_behind_and_loses_no_text(tmp_db_path, monkeypatch):
    ids = store_pages(tmp_db_path)
    before = texts_of(tmp_db_path)
    monkeypatch.setattr(reprocess_module, "process_page", process_page_spinning_on_the_slow_page)

    interrupted_at = []

    def ctrl_c(signum, frame):
        interrupted_at.append(time.monotonic())
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    store = Store.open(tmp_db_path)
    try:
        with every_event_captured() as events, pytest.raises(KeyboardInterrupt):
            signal.setitimer(signal.ITIMER_REAL, 6.0)   # the worker is up, at work on the slow page by then
            reprocess(store, Settings(storage_path=str(tmp_db_path), extraction_time_limit_s=SPIN_S * 2),
                      Gazetteer.load(), store.article_ids())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        store.close()
    assert time.monotonic() - interrupted_at[0] < 2.0   # the busy worker is killed, not waited for
    pids = worker_pids(events)
    assert len(pids) == 1 and not is_running(pids[0])
    after = texts_of(tmp_db_path)
    assert after[ids[SLOW]] == before[ids[SLOW]] and after[ids[2]] == before[ids[2]]


def test_the_command_takes_the_limit_from_the_config_and_reports_the_page(tmp_path, tmp_db_path, monkeypatch):
    store_pages(tmp_db_path)
    config = tmp_path / "newswatch.toml"
    config.write_text(f'[storage]\npath = "{tmp_db_path}"\n\n[extraction]\ntime_limit = "2s"\n', encoding="utf-8")
    monkeypatch.setattr(reprocess_module, "process_page", process_page_spinning_on_the_slow_page)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--config", str(config), "--log-level", "warning", "reprocess"])
    assert time.monotonic() - started < RUN_BOUND_S
    assert result.exit_code == 0, result.output
    assert "reprocessed 3 articles" in result.output and "1 raw page no longer extracts" in result.output


def test_the_summary_reads_as_english_for_counts_of_one() -> None:
    report = reprocess_module.ReprocessReport(articles=1, from_raw=1, from_text=0, revised=1, learned_lines_removed=1,
                                          copies=1, extraction_problems=0, seconds=0.5)
    assert report.describe() == ("reprocessed 1 article in 0.5 s (1 from raw pages, 0 from stored text): 1 text "
                                 "revised, 1 learned line removed, 1 copy, 0 raw pages no longer extract")
