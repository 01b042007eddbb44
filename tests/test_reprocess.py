"""Learned boilerplate end to end and `newswatch reprocess`: a loopback site of one host whose
articles carry a house promo line no residue rule knows, ingested by the real pipeline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape

import pytest
from click.testing import CliRunner

from daemon import dedup, runtime
from daemon.cli import main
from daemon.gazetteer import Gazetteer
from daemon.reprocess import reprocess
from daemon.settings import AlertRule, FeedSettings, HttpSettings, Settings, WebhookSettings
from storage.records import Article
from storage.store import ArticleExtras, Store

PROMO = "Harmattan Ledger reporting reaches you free because readers chip in each month; join them."
STORIES = [
    ("river-ferries", "Ferries halted as the river rises at Mopti", [
        "Ferry crossings at the port of Mopti were halted on Monday after the river rose for a third week, "
        "leaving traders with goods stranded on the far bank.",
        "The harbour master said boats would stay moored until the current slowed, which forecasters "
        "expect once the rains upstream ease later this month.",
        "Fishmongers moved their stalls to the upper market, where the council has set up temporary "
        "shelters for families whose houses were flooded."]),
    ("school-meals", "Kayes schools restart a meals programme", [
        "Primary schools across the Kayes region restarted a daily meals programme this week after a "
        "donor conference covered the cost of grain for the rest of the year.",
        "Head teachers said attendance had fallen sharply when the meals stopped, as parents kept "
        "children home to help in the fields instead.",
        "The education office plans to buy millet from local cooperatives so that the money stays with "
        "farmers in the villages around the schools."]),
    ("solar-clinic", "A solar grid keeps a Ségou clinic open at night", [
        "A rural clinic near Ségou now runs its maternity ward through the night thanks to a small solar "
        "grid installed by a cooperative of electricians from the town.",
        "Midwives used to deliver babies by the light of their phones when the diesel generator ran out "
        "of fuel, the clinic's director recalled.",
        "The cooperative says it has been asked to fit similar systems at four other health posts along "
        "the road to San before the hot season."]),
    ("cotton-prices", "Cotton growers wait for a price decision", [
        "Cotton growers in the south are waiting for the government to announce the season's purchase "
        "price, weeks later than usual, as fertiliser costs keep climbing.",
        "Farmer unions warned that many members would plant less cotton and more maize if the price did "
        "not cover what they had paid for inputs.",
        "The ginning company said it hoped to publish the price before planting starts, without giving a "
        "date for the announcement."]),
    ("library-reopens", "Timbuktu's manuscript library reopens its reading room", [
        "The reading room of a manuscript library in Timbuktu reopened to researchers this week after "
        "three years of restoration work on its roof and shelves.",
        "Conservators have digitised several thousand pages so far, and scholars can now consult the "
        "scans on screens instead of handling the fragile originals.",
        "Visitors must book a week ahead, and the library will open on weekday mornings while the "
        "remaining rooms are repaired."]),
    ("bus-route", "A new bus line links Bamako's outer districts", [
        "A new bus line began running between the outer districts of Bamako on Sunday, cutting the "
        "journey to the central market by almost an hour for commuters.",
        "The transport authority bought twenty buses for the route and says fares will stay at the price "
        "of a shared taxi ride for the first year of service.",
        "Drivers of the green minibuses that serve the same roads said they feared losing passengers and "
        "asked the city for a meeting about the timetable."]),
]
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def page(slug: str, title: str, paragraphs: list[str], published: datetime) -> bytes:
    body = [f"<p>{escape(p)}</p>" for p in paragraphs]
    body.insert(2, f"<p>{escape(PROMO)}</p>")   # the house line stands between two paragraphs
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | Harmattan Ledger</title>
<meta property="og:site_name" content="Harmattan Ledger">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>{escape(title)}</h1>{''.join(body)}</article></main>
<footer>Harmattan Ledger, Bamako</footer></body></html>""".encode()


def feed(base: str, stories) -> bytes:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{base}/news/{slug}</link><guid>{slug}</guid>"
        f"<pubDate>{(T0 + timedelta(hours=i)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for i, (slug, title, _) in enumerate(stories))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harmattan Ledger'
            f"</title><link>{base}/</link><description>News</description>{items}</channel></rss>").encode()


def site_settings(db_path, newsroom, stories=STORIES) -> Settings:
    base = newsroom.url("").rstrip("/")
    newsroom.add("/feed.xml", feed(base, stories), content_type="application/rss+xml; charset=utf-8")
    for i, (slug, title, paragraphs) in enumerate(stories):
        newsroom.add(f"/news/{slug}", page(slug, title, paragraphs, T0 + timedelta(hours=i)),
                     content_type="text/html; charset=utf-8")
    # a rule that matches every article, and fires on updates too: reprocessing must still not fire it
    rule = AlertRule(name="everything", on_update=True,
                     webhook=WebhookSettings(url=newsroom.url("/hook"), secret="s"))
    return Settings(storage_path=str(db_path), feeds=(FeedSettings(url=newsroom.url("/feed.xml"),
                                                                   name="Harmattan Ledger"),),
                    alerts=(rule,), http=HttpSettings(allow_private_networks=True, connect_timeout=2,
                                                      read_timeout=5, total_timeout=10))


@pytest.fixture
def ingested(newsroom, tmp_db_path):
    """The site ingested once by the real pipeline; yields (settings, store)."""
    settings = site_settings(tmp_db_path, newsroom)
    runtime.run(runtime.run_once(settings, use_processes=False))
    store = Store.open(tmp_db_path)
    yield settings, store
    store.close()


def texts(store: Store) -> list[str]:
    return [a["text"] for a in store.articles()]


def run_reprocess(settings: Settings, store: Store, **select):
    return reprocess(store, settings, Gazetteer.load(settings.custom_regions), store.article_ids(**select))


def test_the_site_is_stored_whole(ingested):
    _, store = ingested
    assert len(store.articles()) == len(STORIES)


def test_the_house_line_is_learned_for_the_host(ingested):
    _, store = ingested
    learned = {r["example"]: r["articles"] for r in store.site_lines("127.0.0.1")}
    assert learned[PROMO] == len(STORIES)


def test_the_house_line_is_absent_from_articles_stored_after_it_was_learned(ingested):
    _, store = ingested
    assert [PROMO in text for text in texts(store)] == [True, True, True, False, False, False]


def test_learning_removes_nothing_but_the_house_line(ingested):
    _, store = ingested
    later = store.articles()[3:]
    by_title = {title: paragraphs for _, title, paragraphs in STORIES}
    assert all(a["text"] == "\n\n".join(by_title[a["title"]]) for a in later)


def test_a_copy_of_an_article_is_not_counted_as_one_more_article_with_the_line(newsroom, tmp_db_path):
    reposted = ("river-ferries-again", STORIES[0][1], STORIES[0][2])   # the same story under a second URL
    settings = site_settings(tmp_db_path, newsroom, [*STORIES, reposted])
    runtime.run(runtime.run_once(settings, use_processes=False))
    store = Store.open(tmp_db_path)
    copies = sum(a["duplicate_of"] is not None for a in store.articles())
    learned = {r["example"]: r["articles"] for r in store.site_lines("127.0.0.1")}
    store.close()
    assert (copies, learned[PROMO]) == (1, len(STORIES))


def test_reprocess_removes_the_house_line_from_the_first_articles(ingested):
    settings, store = ingested
    run_reprocess(settings, store)
    assert not any(PROMO in text for text in texts(store))


def test_reprocess_keeps_ids_and_urls(ingested):
    settings, store = ingested
    before = [(a["id"], a["url"]) for a in store.articles()]
    run_reprocess(settings, store)
    assert [(a["id"], a["url"]) for a in store.articles()] == before


def test_reprocess_records_a_revision_only_for_changed_texts(ingested):
    settings, store = ingested
    report = run_reprocess(settings, store)
    revised = [a["id"] for a in store.articles() if a["revision"]]
    assert (report.revised, revised) == (3, [a["id"] for a in store.articles()[:3]])


def test_reprocess_extracts_again_from_the_kept_raw_pages(ingested):
    settings, store = ingested
    assert run_reprocess(settings, store).from_raw == len(STORIES)


def test_reprocess_fires_no_alert(ingested):
    settings, store = ingested
    before = [(d["id"], d["status"], d["attempts"]) for d in store.deliveries()]
    run_reprocess(settings, store)
    assert [(d["id"], d["status"], d["attempts"]) for d in store.deliveries()] == before


def test_reprocessing_twice_changes_nothing_more(ingested):
    settings, store = ingested
    run_reprocess(settings, store)
    assert run_reprocess(settings, store).revised == 0


def test_reprocess_counts_no_line_again(ingested):
    settings, store = ingested
    run_reprocess(settings, store)
    assert {r["example"]: r["articles"] for r in store.site_lines("127.0.0.1")}[PROMO] == len(STORIES)


def test_articles_without_a_raw_page_are_recleaned_from_their_stored_text(ingested):
    settings, store = ingested
    store.purge_raw_pages(datetime.now(timezone.utc) + timedelta(days=1))
    report = run_reprocess(settings, store)
    assert (report.from_text, any(PROMO in text for text in texts(store))) == (len(STORIES), False)


def test_reprocess_selects_by_host(ingested):
    _, store = ingested
    assert (len(store.article_ids(host="127.0.0.1")), store.article_ids(host="elsewhere.example")) \
        == (len(STORIES), [])


def test_reprocess_selects_by_fetch_time(ingested):
    _, store = ingested
    assert store.article_ids(since=datetime.now(timezone.utc) + timedelta(hours=1)) == []


# --- dedup on reprocessing --------------------------------------------------------------------

def _save(store: Store, n: int, text: str) -> int:
    title = "Ferries halted as the river rises"
    print_ = dedup.fingerprint(title, text)
    return store.save_article(
        Article(url=f"https://ledger.example/{n}", title=title, text=text, fetched_at=T0 + timedelta(minutes=n),
                word_count=len(text.split()), content_hash=print_.content_hash, simhash=print_.simhash),
        ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys))


def test_an_original_never_becomes_a_copy_of_its_own_copy(tmp_db_path):
    store = Store.open(tmp_db_path)
    text = "\n\n".join(STORIES[0][2])
    first, second = _save(store, 1, text), _save(store, 2, text)
    run_reprocess(Settings(storage_path=str(tmp_db_path)), store)
    rows = {a["id"]: a["duplicate_of"] for a in store.articles()}
    store.close()
    assert rows == {first: None, second: first}


# --- the command --------------------------------------------------------------------------------

def test_the_command_reprocesses_a_store_and_says_what_it_did(ingested, tmp_db_path, tmp_path):
    _, store = ingested
    store.close()
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_db_path),
                                       "--log-level", "warning", "reprocess", "--host", "127.0.0.1"])
    assert result.exit_code == 0 and "reprocessed 6 articles" in result.output


def test_the_command_refuses_a_host_that_is_not_a_host_name(tmp_db_path, tmp_path):
    Store.open(tmp_db_path).close()
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.toml"), "--db", str(tmp_db_path),
                                       "reprocess", "--host", "not a host"])
    assert result.exit_code == 2 and result.output.startswith("error: --host")


def test_the_command_says_when_there_is_no_store(tmp_path):
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.toml"), "--db",
                                       str(tmp_path / "missing.db"), "reprocess"])
    assert result.exit_code == 1 and "no store at" in result.output
