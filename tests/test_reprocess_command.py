"""`newswatch reprocess` selections that match nothing: a mistyped --host is an error that names it,
an empty --since window says which window it was."""

from __future__ import annotations

from datetime import datetime, timezone

from click.testing import CliRunner

from daemon import dedup
from daemon.cli import main
from storage.records import Article
from storage.store import ArticleExtras, Store

T0 = datetime(2026, 8, 3, 11, 15, tzinfo=timezone.utc)
TEXT = ("The ferry operator in Mopti added an evening crossing for the market week, after traders "
        "complained that the last boat left before the cattle auction had ended.")


def store_with_one_article(path) -> None:
    store = Store.open(path)
    print_ = dedup.fingerprint("An evening ferry for market week", TEXT)
    store.save_article(
        Article(url="https://www.riverport.example/ferry", title="An evening ferry for market week", text=TEXT,
                fetched_at=T0, word_count=len(TEXT.split()), content_hash=print_.content_hash,
                simhash=print_.simhash),
        ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys))
    store.close()


def run(tmp_path, db, *args):
    return CliRunner().invoke(main, ["--config", str(tmp_path / "none.toml"), "--db", str(db), "reprocess", *args])


def test_a_host_with_no_stored_article_is_an_error_that_names_it(tmp_db_path, tmp_path):
    store_with_one_article(tmp_db_path)
    result = run(tmp_path, tmp_db_path, "--host", "rivreport.example")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        1, "error: --host rivreport.example: no stored article is from this host or its subdomains")


def test_a_since_after_every_article_says_which_window_matched_nothing(tmp_db_path, tmp_path):
    store_with_one_article(tmp_db_path)
    result = run(tmp_path, tmp_db_path, "--since", "2026-09-01", "--host", "riverport.example")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0, "no stored articles fetched since 2026-09-01T00:00:00+00:00 and from riverport.example; nothing to do")
