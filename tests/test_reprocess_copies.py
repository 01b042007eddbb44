"""Copies and stories on `newswatch reprocess`: a copy joins its original's story even when it only
resembles another copy of that original (a copy of a copy), against a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from daemon import dedup, stories
from daemon.gazetteer import Gazetteer
from daemon.reprocess import reprocess
from daemon.settings import Settings
from storage.records import Article
from storage.store import ArticleExtras, Store

T0 = datetime(2026, 10, 5, 7, 30, tzinfo=timezone.utc)

# An agency report (two paragraphs), a paper's run of it with one paragraph of its own added, and,
# days later, a newsletter that reruns only the paper's added paragraph. The added paragraph shares
# no shingle with the agency report, so the newsletter's text has no bucket key in common with it.
STRIKE = (
    "Workers at the cement plant outside Kati downed tools on Tuesday morning, saying the owners had "
    "not paid overtime since the start of the dry season and had cut the bus that carried them from town. "
    "The managing director told the union that wages would be settled once a delayed shipment of clinker "
    "reached the depot and the kilns could run at full speed again.\n\n"
    "Union delegates answered that they had heard the same promise twice already and would keep the gates "
    "closed until a written schedule of payments was signed.")
INSPECTOR = (
    "A regional labour inspector drove out after lunch and spent an hour with both sides in the canteen, "
    "after which she said talks would resume at the prefecture on Thursday with a mediator chosen by the "
    "ministry, and that lorry drivers queuing at the gate should go home for now.")
AGENCY, PAPER, NEWSLETTER = STRIKE, f"{STRIKE}\n\n{INSPECTOR}", INSPECTOR


def save(store: Store, slug: str, text: str, published: datetime, *, duplicate_of: int | None = None,
         story_id: int | None = None) -> int:
    """Store an article with the fingerprint and story features ingestion gives it."""
    title = "Cement workers strike over unpaid overtime"
    print_ = dedup.fingerprint(title, text)
    features = stories.story_features(title, text, published)
    return store.save_article(
        Article(url=f"https://{slug}.example/strike", title=title, text=text, fetched_at=published,
                published_at=published, word_count=len(text.split()), content_hash=print_.content_hash,
                simhash=print_.simhash, duplicate_of=duplicate_of, story_id=story_id),
        ArticleExtras(signature=print_.signature, dedup_keys=print_.bucket_keys,
                      story_features=stories.serialise(features), story_keys=stories.story_keys(features)))


def rows(store: Store) -> dict[int, tuple[int | None, int | None]]:
    return {a["id"]: (a["duplicate_of"], a["story_id"]) for a in store.articles()}


def test_a_copy_verdict_carries_the_story_of_the_copy_it_matched():
    archive = dedup.MemoryCandidates()
    archive.add(1, dedup.fingerprint("", AGENCY), story_id=1)
    archive.add(2, dedup.fingerprint("", PAPER), story_id=1, duplicate_of=1)
    verdict = dedup.find_copy(dedup.fingerprint("", NEWSLETTER), archive)
    assert (verdict.duplicate_of, verdict.story_id) == (1, 1)


def test_reprocess_keeps_a_copy_of_a_copy_in_its_originals_story(tmp_db_path):
    agency_print, paper_print, newsletter_print = (dedup.fingerprint("", t) for t in (AGENCY, PAPER, NEWSLETTER))
    assert set(newsletter_print.bucket_keys) & set(paper_print.bucket_keys)      # the fixture still sets
    assert not set(newsletter_print.bucket_keys) & set(agency_print.bucket_keys)  # the trap it is about
    store = Store.open(tmp_db_path)
    agency = save(store, "agency", AGENCY, T0)
    save(store, "paper", PAPER, T0 + timedelta(hours=3), duplicate_of=agency, story_id=agency)
    newsletter = save(store, "newsletter", NEWSLETTER, T0 + timedelta(days=4), duplicate_of=agency,
                      story_id=agency)
    reprocess(store, Settings(storage_path=str(tmp_db_path)), Gazetteer.load(), store.article_ids())
    after = rows(store)
    store.close()
    assert after[newsletter] == (agency, agency)


def test_reprocessing_twice_leaves_copies_and_stories_as_the_first_run_left_them(tmp_db_path):
    store = Store.open(tmp_db_path)
    agency = save(store, "agency", AGENCY, T0)
    save(store, "paper", PAPER, T0 + timedelta(hours=3), duplicate_of=agency, story_id=agency)
    save(store, "newsletter", NEWSLETTER, T0 + timedelta(days=4), duplicate_of=agency, story_id=agency)
    settings, gazetteer = Settings(storage_path=str(tmp_db_path)), Gazetteer.load()
    reprocess(store, settings, gazetteer, store.article_ids())
    first = rows(store)
    reprocess(store, settings, gazetteer, store.article_ids())
    second = rows(store)
    store.close()
    assert second == first == {i: (None if i == agency else agency, agency) for i in first}


def test_reprocessing_one_host_takes_the_articles_copies_along_to_its_new_original_and_story(tmp_db_path):
    """The paper's run of the agency report was stored as an original (say, before the agency's copy
    was fetched) and an aggregator copied it; reprocessing only the paper makes it a copy of the agency
    report, and the aggregator's copy must follow it into the agency report's story."""
    store = Store.open(tmp_db_path)
    agency = save(store, "agency", AGENCY, T0)
    paper = save(store, "paper", AGENCY, T0 + timedelta(hours=1))
    store.db.execute("UPDATE articles SET story_id = id WHERE id IN (?, ?)", [agency, paper])
    aggregator = save(store, "aggregator", AGENCY, T0 + timedelta(hours=2), duplicate_of=paper, story_id=paper)
    follow_up = save(store, "radio", INSPECTOR, T0 + timedelta(hours=5), story_id=paper)
    store.db.commit()
    reprocess(store, Settings(storage_path=str(tmp_db_path)), Gazetteer.load(), [paper])
    after = rows(store)
    store.close()
    assert after[paper] == (agency, agency)
    assert after[aggregator] == (agency, agency)
    assert after[follow_up] == (None, agency)     # the story the paper founded went with it
