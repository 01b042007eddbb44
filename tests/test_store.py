"""The store: migrations, one transaction per article, feeds state, skips, outbox, fingerprints lookups."""

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from storage.errors import StoreError
from storage.records import Article, Feed, FetchLog, Region, RegionTag, Skip
from storage.schema import known_migration_names
from storage.store import ArticleExtras, Store, to_signed64, to_unsigned64

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "newswatch.db")
    store.sync_regions([Region("ML", "Mali", "country", "western-africa"), Region("western-africa", "Western Africa",
                                                                                 "subregion", "africa"),
                        Region("africa", "Africa", "continent")])
    store.sync_feeds([Feed(url="https://example.org/rss", name="Example", region_hints=("ML",))], NOW)
    yield store
    store.close()


def article(url="https://example.org/a", **kw) -> Article:
    values = dict(title="Title", text="Body text here.", fetched_at=NOW, feed_id=1, content_hash="h1",
                  simhash=2**64 - 5, regions=(RegionTag("ML", "country", 3, 2.5, True),))
    values.update(kw)
    return Article(url=url, **values)


def test_a_new_store_has_the_data_contract_tables(store):
    assert {"feeds", "articles", "regions", "article_regions", "articles_fts"} <= set(store.db.table_names())


def test_reopening_applies_no_migration_twice(tmp_path):
    Store.open(tmp_path / "n.db").close()
    again = Store.open(tmp_path / "n.db")
    applied = [name for (name,) in again.db.execute("SELECT name FROM _sqlite_migrations")]
    assert sorted(applied) == sorted(known_migration_names())


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    Store.open(tmp_path / "n.db").close()
    conn = sqlite3.connect(tmp_path / "n.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('newswatch', '9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer newswatch"):
        Store.open(tmp_path / "n.db")


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path):
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store.open(tmp_path / "junk.db")


def test_saved_article_keeps_its_tags_fingerprint_and_new_story(store):
    article_id = store.save_article(article(), ArticleExtras(dedup_keys=(7, 8), signature=b"sig"))
    row = store.article(article_id)
    assert row["story_id"] == article_id
    assert to_unsigned64(row["simhash"]) == 2**64 - 5
    assert row["regions"][0]["name"] == "Mali" and row["regions"][0]["focus"] == 1
    assert row["focus_regions"] == '["Mali"]'
    assert [p.article_id for p in store.prints_by_dedup_keys([8])] == [article_id]


def test_a_failed_save_leaves_nothing_behind(store, monkeypatch):
    def refused(*_args) -> None:      # a write that fails after the article row and its tags are in
        raise sqlite3.IntegrityError("constraint failed")
    monkeypatch.setattr(store, "_count_site_lines", refused)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(article(), ArticleExtras(alerts=(("rule", "webhook:x"),), dedup_keys=("k1",)))
    for table in ("articles", "deliveries", "dedup_buckets", "article_fingerprints"):
        assert store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_known_article_by_url_or_by_guid_in_the_same_feed(store):
    store.save_article(article(guid="g-1"))
    assert store.known_article("https://example.org/a") is not None
    assert store.known_article("https://example.org/other", 1, "g-1") is not None
    assert store.known_article("https://example.org/other", 2, "g-1") is None


def test_full_text_search_finds_title_and_text(store):
    store.save_article(article(title="Floods in Niamey", text="The river rose overnight."))
    hits = store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'river'").fetchall()
    assert len(hits) == 1


def test_due_feeds_follow_next_poll_time_and_skip_disabled(store):
    feed = store.due_feeds(NOW)[0]
    store.record_poll(replace(feed, next_poll_at=NOW + timedelta(hours=1)),
                      FetchLog(feed_id=feed.id, url=feed.url, at=NOW, status="ok"))
    assert store.due_feeds(NOW) == []
    assert len(store.due_feeds(NOW + timedelta(hours=2))) == 1
    store.set_feed_enabled(feed.url, False, "paywalled")
    assert store.due_feeds(NOW + timedelta(hours=2)) == []


def test_feeds_removed_from_the_config_stop_being_polled_but_stay(store):
    store.sync_feeds([Feed(url="https://other.example/rss")], NOW)
    assert [f.url for f in store.due_feeds(NOW)] == ["https://other.example/rss"]
    assert len(store.feeds()) == 2


def test_a_repeated_skip_is_counted_not_duplicated(store):
    skip = Skip(url="", reason="no link", feed_id=1, guid="g9")
    store.record_skip(skip, NOW)
    store.record_skip(skip, NOW + timedelta(minutes=15))
    rows = store.skipped()
    assert len(rows) == 1 and rows[0]["times"] == 2


def test_an_alert_is_queued_once_per_rule_article_and_target(store):
    article_id = store.save_article(article(), ArticleExtras(alerts=(("r", "webhook:u"), ("r", "webhook:u"))))
    due = store.due_deliveries(NOW)
    assert [(d.rule, d.article_id) for d in due] == [("r", article_id)]
    store.mark_attempt_failed(due[0].id, "http 500", NOW + timedelta(minutes=1))
    assert store.due_deliveries(NOW) == []
    store.mark_delivered(due[0].id, NOW)
    assert store.deliveries()[0]["status"] == "delivered" and store.deliveries()[0]["attempts"] == 2


def test_raw_pages_are_kept_compressed_and_purged_after_retention(store):
    article_id = store.save_article(article(), ArticleExtras(raw_html=b"<html>page</html>", content_type="text/html"))
    assert store.raw_page(article_id) == (b"<html>page</html>", "text/html")
    assert store.purge_raw_pages(NOW + timedelta(days=31)) == 1
    assert store.raw_page(article_id) is None


def test_signed_conversion_round_trips():
    for value in (0, 1, 2**63 - 1, 2**63, 2**64 - 1):
        assert to_unsigned64(to_signed64(value)) == value


def test_naive_datetimes_are_refused(store):
    with pytest.raises(ValueError, match="naive"):
        store.save_article(article(fetched_at=datetime(2026, 1, 1)))


def test_the_same_url_under_the_other_scheme_is_a_known_article(store):
    store.save_article(article(guid="g-1"))
    assert store.known_article("http://example.org/a", twin="https://example.org/a") is not None
    assert store.known_article("http://example.org/a") is None


def test_a_store_is_not_created_when_asked_to_open_an_existing_one(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        Store.open(tmp_path / "n.db", create=False)
    assert not (tmp_path / "n.db").exists()


def test_a_missing_folder_is_an_error_and_is_not_created(tmp_path):
    with pytest.raises(StoreError, match=f"the folder {tmp_path / 'missing'} does not exist"):
        Store.open(tmp_path / "missing" / "n.db")
    assert not (tmp_path / "missing").exists()


def test_another_applications_database_is_refused_even_when_creating_and_left_unchanged(tmp_path):
    conn = sqlite3.connect(tmp_path / "other.db")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = (tmp_path / "other.db").read_bytes()
    with pytest.raises(StoreError, match=r"not a newswatch store \(its tables: notes\)"):
        Store.open(tmp_path / "other.db")
    assert (tmp_path / "other.db").read_bytes() == before


def test_an_empty_file_becomes_a_store_when_creating(tmp_path):
    (tmp_path / "n.db").write_bytes(b"")
    store = Store.open(tmp_path / "n.db")
    assert "articles" in store.db.table_names()
    store.close()


def open_as_unprivileged(path) -> str:
    """Store.open's error for path, seen by a user who may not write there: root writes anywhere, so
    as root a forked child drops to nobody first (the modules are loaded already)."""
    import os
    if os.geteuid() != 0:
        try:
            Store.open(path).close()
        except StoreError as exc:
            return str(exc)
        return ""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        message = ""
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            Store.open(path).close()
        except StoreError as exc:
            message = str(exc)
        except BaseException as exc:  # noqa: BLE001 - anything else is reported to the parent, never raised here
            message = f"unexpected {exc!r}"
        finally:
            os.write(write_end, message.encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(child, 0)
    return message


@pytest.mark.parametrize("existing", [False, True], ids=["new store", "existing store"])
def test_a_store_in_an_unwritable_folder_says_the_folder_is_not_writable(existing):
    import os
    import shutil
    import tempfile
    from pathlib import Path
    folder = Path(tempfile.mkdtemp(prefix="newswatch-readonly-"))   # outside pytest's root-only tmp tree
    try:
        if existing:
            Store.open(folder / "n.db").close()
            os.chmod(folder / "n.db", 0o666)
        os.chmod(folder, 0o555)
        assert f"the folder {folder} is not writable" in open_as_unprivileged(folder / "n.db")
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_a_store_file_that_is_not_writable_and_needs_its_schema_says_so():
    import os
    import shutil
    import tempfile
    from pathlib import Path
    folder = Path(tempfile.mkdtemp(prefix="newswatch-readonly-"))
    try:
        (folder / "n.db").write_bytes(b"")
        os.chmod(folder, 0o777)
        os.chmod(folder / "n.db", 0o444)
        message = open_as_unprivileged(folder / "n.db")
        assert message == f"{folder / 'n.db'}: the store file is not writable by this user"
    finally:
        shutil.rmtree(folder)
