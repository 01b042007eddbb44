"""`newswatch reprocess` when a kept raw page no longer extracts: the article keeps its stored text
and the operator is told which article fell back, and why, against a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timezone

from structlog.testing import capture_logs

from daemon import dedup
from daemon.gazetteer import Gazetteer
from daemon.reprocess import reprocess
from daemon.settings import Settings
from storage.records import Article
from storage.store import ArticleExtras, Store

T0 = datetime(2026, 9, 14, 16, 0, tzinfo=timezone.utc)
TEXT = ("Volunteers in Gao repainted the walls of the old river school over the weekend, using paint "
        "donated by a hardware shop whose owner once studied there.\n\n"
        "The headmistress said lessons would move back into the building next month, once the roof "
        "beams have been checked by an engineer from the regional works office.")
MENU_ONLY = b"<!DOCTYPE html><html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"


def test_a_raw_page_that_no_longer_extracts_is_logged_with_its_reason_and_the_text_kept(tmp_db_path):
    store = Store.open(tmp_db_path)
    title = "Volunteers repaint the river school"
    print_ = dedup.fingerprint(title, TEXT)
    article_id = store.save_article(
        Article(url="https://riverside.example/school", title=title, text=TEXT, fetched_at=T0,
                word_count=len(TEXT.split()), content_hash=print_.content_hash, simhash=print_.simhash),
        ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys, raw_html=MENU_ONLY,
                      content_type="text/html; charset=utf-8"))
    with capture_logs() as logs:
        report = reprocess(store, Settings(storage_path=str(tmp_db_path)), Gazetteer.load(), [article_id])
    kept = store.article(article_id)["text"]
    store.close()
    warnings = [e for e in logs if e["event"] == "article.raw_page_unusable"]
    assert (report.extraction_problems, kept) == (1, TEXT)
    assert [(e["log_level"], e["id"], e["url"], bool(e["reason"])) for e in warnings] \
        == [("warning", article_id, "https://riverside.example/school", True)]


# --- the summary, when the running daemon revises an article while reprocess works on it -----------

SHARED_LINE = "Share this article on Facebook"
REVISED = TEXT + "\n\nThe engineer's visit has been brought forward to Wednesday."


def test_the_summary_counts_an_article_the_running_daemon_revised_meanwhile_as_skipped(tmp_db_path):
    store = Store.open(tmp_db_path)
    title, url = "Volunteers repaint the river school", "https://riverside.example/school"
    stored = TEXT.replace("\n\n", f"\n\n{SHARED_LINE}\n\n", 1)   # re-cleaning removes the share line
    print_ = dedup.fingerprint(title, stored)
    article_id = store.save_article(
        Article(url=url, title=title, text=stored, fetched_at=T0, word_count=len(stored.split()),
                content_hash=print_.content_hash, simhash=print_.simhash),
        ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys))
    daemon_store = Store.open(tmp_db_path)   # the running daemon's own connection

    def clock_while_the_daemon_revises() -> datetime:
        """Reprocess reads its clock just before it writes: the daemon's revision lands first."""
        revised_print = dedup.fingerprint(title, REVISED)
        daemon_store.update_article(
            article_id, Article(url=url, title=title, text=REVISED, fetched_at=T0, word_count=len(REVISED.split()),
                                content_hash=revised_print.content_hash, simhash=revised_print.simhash),
            ArticleExtras(signature=revised_print.signature, dedup_keys=revised_print.bucket_keys),
            0.1, daemon_store.known_article(url))
        return T0

    report = reprocess(store, Settings(storage_path=str(tmp_db_path)), Gazetteer.load(), [article_id],
                       clock=clock_while_the_daemon_revises)
    kept = store.article(article_id)["text"]
    store.close()
    daemon_store.close()
    assert (kept, report.articles, report.skipped) == (REVISED, 0, 1)
    assert "1 skipped" in report.describe()
