"""Site-learned boilerplate: the pure decisions (daemon/boilerplate.py) and the counts the store
keeps for them (storage/site_lines.py), against a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from daemon import boilerplate
from daemon.boilerplate import SiteLineCount, Thresholds, known_keys, learn, line_key, strip
from storage.records import Article
from storage.site_lines import SiteLines
from storage.store import ArticleExtras, Store

PROMO = "The Harmattan Ledger is read in forty countries: tell a colleague about us today."
BODY = [
    "Water levels on the Niger river rose for a third week, and ferry crossings near the old port were halted.",
    "Traders moved their stalls to higher ground while the municipal council counted damaged houses.",
    "Forecasters expect the river to crest before the end of the month if the rains upstream ease.",
]
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def article_text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def key(line: str) -> int:
    found = line_key(line)
    assert found is not None
    return found


# --- keys -------------------------------------------------------------------------------------

def test_two_printings_differing_in_case_punctuation_and_spacing_share_a_key():
    assert line_key("Tell a colleague about us  TODAY!") == line_key("tell a colleague, about us today")


def test_different_lines_get_different_keys():
    assert line_key(BODY[0]) != line_key(BODY[1])


def test_a_line_shorter_than_min_chars_gets_no_key():
    assert line_key("Photo: Staff") is None


def test_keys_fit_in_a_signed_64_bit_sqlite_integer():
    assert -(1 << 63) <= key(PROMO) < (1 << 63)


def test_an_article_teaches_a_repeated_line_once():
    assert list(learn(article_text(PROMO, BODY[0], PROMO))) == [key(PROMO), key(BODY[0])]


def test_learn_keeps_the_first_printing_as_example():
    assert learn(article_text(PROMO))[key(PROMO)] == PROMO


# --- thresholds -------------------------------------------------------------------------------

def test_a_line_in_as_many_articles_as_min_articles_is_learned():
    # three stored articles carried it; the one being stored is the fourth
    assert known_keys({1: SiteLineCount(3, 3)}, pending=True) == {1}


def test_a_line_in_fewer_articles_than_min_articles_is_not_learned():
    assert known_keys({1: SiteLineCount(2, 2)}, pending=True) == frozenset()


def test_a_quote_that_one_follow_up_story_repeats_is_kept():
    quote = "\u201cWe will rebuild the bridge before the rains,\u201d the governor told reporters in Mopti."
    follow_up = article_text(BODY[0], quote, BODY[1])
    known = known_keys({key(quote): SiteLineCount(1, 1)}, pending=True)  # first story, then this one
    assert strip(follow_up, known) == (follow_up, ())


def test_a_line_seen_in_only_one_article_is_never_learned_whatever_the_thresholds():
    loose = Thresholds(min_articles=2, min_host_share=0.0)
    assert known_keys({1: SiteLineCount(1, 1)}, loose, pending=False) == frozenset()


def test_thresholds_refuse_learning_from_a_single_article():
    with pytest.raises(ValueError):
        Thresholds(min_articles=1)


def test_a_line_in_a_small_share_of_a_busy_hosts_articles_is_not_learned():
    # a background paragraph repeated across a story thread: 9 of the 300 articles since it appeared
    assert known_keys({1: SiteLineCount(9, 300)}, pending=True) == frozenset()


def test_a_line_in_most_of_a_hosts_articles_since_it_appeared_is_learned():
    # a promo campaign started late: all 40 articles since it began, out of thousands overall
    assert known_keys({1: SiteLineCount(40, 40)}, pending=False) == {1}


def test_a_stored_article_is_not_counted_twice_when_reprocessed():
    assert known_keys({1: SiteLineCount(3, 3)}, pending=False) == frozenset()


# --- stripping --------------------------------------------------------------------------------

def test_strip_removes_learned_lines_and_keeps_the_rest_in_order():
    text = article_text(BODY[0], PROMO, BODY[1], BODY[2])
    assert strip(text, {key(PROMO)}) == (article_text(*BODY), (PROMO,))


def test_strip_without_known_lines_returns_the_text_unchanged():
    text = article_text(BODY[0], PROMO)
    assert strip(text, frozenset()) == (text, ())


def test_learned_lines_taking_more_than_max_share_of_an_article_are_all_kept():
    short = "Ferries resumed on Tuesday."
    text = article_text(short, PROMO)   # the promo is most of this stub's words
    assert strip(text, {key(PROMO)}) == (text, ())


def test_an_article_made_only_of_learned_lines_is_never_stripped_to_nothing():
    text = article_text(*BODY)
    assert strip(text, {key(p) for p in BODY}) == (text, ())


def test_max_share_is_a_threshold_of_its_own():
    text = article_text(BODY[0], PROMO)
    assert strip(text, {key(PROMO)}, Thresholds(max_share=0.9))[0] == BODY[0]


# --- the store's counts -----------------------------------------------------------------------

def _article(n: int, text: str) -> Article:
    return Article(url=f"https://ledger.example/{n}", title=f"Story {n}", text=text,
                   fetched_at=T0 + timedelta(minutes=n), content_hash=f"h{n}")


def _save(store: Store, n: int, text: str, host: str = "ledger.example") -> int:
    lines = SiteLines(host, tuple(learn(text).items()))
    return store.save_article(_article(n, text), ArticleExtras(site_lines=lines))


@pytest.fixture
def store(tmp_db_path):
    opened = Store.open(tmp_db_path)
    yield opened
    opened.close()


def test_saving_an_article_counts_each_of_its_lines_once(store):
    _save(store, 1, article_text(PROMO, BODY[0], PROMO))
    assert store.site_line_counts("ledger.example", [key(PROMO)]) == {key(PROMO): SiteLineCount(1, 1)}


def test_counts_grow_with_distinct_articles_of_the_host(store):
    for n in range(4):
        _save(store, n, article_text(PROMO, BODY[n % 3] + f" Update {n}."))
    assert store.site_line_counts("ledger.example", [key(PROMO)])[key(PROMO)] == SiteLineCount(4, 4)


def test_a_line_first_seen_late_is_measured_against_the_articles_since(store):
    for n in range(6):
        _save(store, n, article_text(BODY[0] + f" Item {n}."))
    _save(store, 6, article_text(PROMO, BODY[1]))
    _save(store, 7, article_text(PROMO, BODY[2]))
    assert store.site_line_counts("ledger.example", [key(PROMO)])[key(PROMO)] == SiteLineCount(2, 2)


def test_counts_are_kept_per_host(store):
    _save(store, 1, article_text(PROMO), host="ledger.example")
    _save(store, 2, article_text(PROMO), host="other.example")
    assert store.site_line_counts("other.example", [key(PROMO)])[key(PROMO)].articles == 1


def test_counts_survive_reopening_the_store(tmp_db_path):
    first = Store.open(tmp_db_path)
    _save(first, 1, article_text(PROMO))
    _save(first, 2, article_text(PROMO, BODY[0]))
    first.close()
    again = Store.open(tmp_db_path)
    try:
        assert again.site_line_counts("ledger.example", [key(PROMO)])[key(PROMO)].articles == 2
    finally:
        again.close()


def test_a_save_that_fails_counts_nothing(store):
    _save(store, 1, article_text(PROMO))
    with pytest.raises(Exception, match="UNIQUE"):
        _save(store, 1, article_text(PROMO))   # the same URL again: the transaction rolls back
    assert store.site_line_counts("ledger.example", [key(PROMO)])[key(PROMO)].articles == 1


def test_an_example_is_kept_once_a_line_recurs(store):
    _save(store, 1, article_text(PROMO))
    _save(store, 2, article_text(PROMO))
    assert [(r["example"], r["articles"]) for r in store.site_lines("ledger.example")] == [(PROMO, 2)]


def test_purging_forgets_old_lines_seen_once_and_keeps_recurring_ones(store):
    _save(store, 1, article_text(PROMO, BODY[0]))
    _save(store, 2, article_text(PROMO))
    assert store.purge_site_lines(T0 + timedelta(days=1)) == 1
    assert [r["line_hash"] for r in store.site_lines(min_articles=1)] == [key(PROMO)]


def test_the_default_thresholds_are_the_documented_ones():
    assert boilerplate.THRESHOLDS == Thresholds(min_articles=4, min_chars=20, min_host_share=0.2, max_share=0.5)
