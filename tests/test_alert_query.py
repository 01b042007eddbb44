"""Full-text alert queries: FTS5 syntax over title and text, decided as the store's own index decides."""

import re
from datetime import datetime, timezone

import pytest
from structlog.testing import capture_logs

from daemon.alerts import matching_alerts
from daemon.settings import AlertRule
from storage.alert_queries import (FTS_COLUMNS, FTS_TOKENIZE, lowercase_operators, query_matches,
                                   query_problem, typographic_quotes)
from storage.records import Article, Region, RegionTag
from storage.store import ArticleExtras, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TITLE = "Drone strike near Mopti kills three"
TEXT = ("Residents of Sévaré said a drone struck a market on Monday. The army denied that civilians "
        "were hit, and said the strike targeted a convoy of fighters heading for the border.")
TAGS = (RegionTag("ML", "country", 3, 3.0, True),)


def article(**kw) -> Article:
    values = dict(url="https://example.org/a", title=TITLE, text=TEXT, fetched_at=NOW, regions=TAGS)
    values.update(kw)
    return Article(**values)


def rule(**kw) -> AlertRule:
    values = dict(name="desk", command=("true",))
    values.update(kw)
    return AlertRule(**values)


def matches(query: str, title: str = TITLE, text: str = TEXT) -> bool:
    return query_matches(query, title, text)


def test_a_word_matches_in_the_title_or_the_text():
    assert matches("mopti") and matches("convoy")
    assert not matches("bamako")


def test_a_phrase_needs_its_words_together_and_in_order():
    assert matches('"drone strike"')
    assert not matches('"strike drone"')


def test_a_column_filter_looks_only_in_that_column():
    assert matches("title:mopti")
    assert not matches("title:convoy")
    assert matches("text:convoy")


def test_not_excludes_articles_with_the_word():
    assert matches("drone NOT football")
    assert not matches("drone NOT civilians")


def test_a_prefix_query_matches_longer_words():
    assert matches("civil*")


def test_near_matches_words_close_together_only():
    assert matches("NEAR(drone market, 3)")
    assert not matches("NEAR(drone border, 3)")


def test_accents_and_case_fold_as_in_the_archive_search():
    assert matches("SEVARE") and matches("sévaré")


def test_the_next_article_replaces_the_last_one_in_the_scratch_index():
    assert matches("mopti")
    assert not matches("mopti", "Rates held", "The central bank kept its main rate unchanged.")


def test_a_query_rule_alerts_for_a_matching_article():
    assert matching_alerts([rule(query='"drone strike" OR airstrike')], article(), None) == (("desk", "command:desk"),)


def test_a_query_rule_stays_silent_for_an_article_that_does_not_match():
    assert matching_alerts([rule(query="election")], article(), None) == ()


def test_a_query_combines_with_regions_by_and():
    assert matching_alerts([rule(regions=("NE",), query="drone")], article(), None) == ()
    assert matching_alerts([rule(regions=("ML",), query="drone")], article(), None) != ()


def test_a_query_combines_with_keywords_by_and():
    assert matching_alerts([rule(keywords=("ambush",), query="drone")], article(), None) == ()


def test_a_query_sqlite_refuses_at_runtime_matches_nothing_and_is_logged():
    with capture_logs() as logs:
        assert matching_alerts([rule(query='"unbalanced')], article(), None) == ()
    assert [(e["event"], e["rule"]) for e in logs] == [("alert.query_refused", "desk")]


@pytest.mark.parametrize("query, expected", [
    ('"drone strike', "a double quote is not closed"),
    ("url:mopti", "'url' is read as a column filter, but the index holds only title, text"),
    ("al-Shabaab", "'Shabaab' is read as a column filter"),
    ("NEAR(drone strike", "it ends too early"),
    ("NOT drone", "NOT needs a left side"),
    ("drone NEAR/3 strike", "NEAR(drone strike, 5)"),
    ("Côte d'Ivoire", "put words with ' in double quotes"),
    ("drone AND", "it ends too early"),
    ("a.b", "syntax error near \".\""),
    ("drone)", "a ) has no ( to close"),
    ("(drone", "a ( is not closed"),
    ("near(drone market, 5)", "operators are upper case: NEAR(drone market, 5)"),
    ("Near(drone market, 5)", "operators are upper case: NEAR("),
    ("OR drone", "OR needs a word or phrase on each side"),
    ("*", "a query needs at least one word; * only marks a prefix"),
    ("*drone", "* only marks a prefix, after a word's start (civil*)"),
    ("civil* *", "* only marks a prefix"),
    ("drone strike -training", "no minus operator, so -training is read as a column filter"),
    ("tittle:mopti", "did you mean title:?"),
    ("Texts:convoy", "did you mean text:?"),
    ('“drone strike"', "use straight double quotes"),
])
def test_a_malformed_query_is_explained(query, expected):
    assert expected in (query_problem(query) or "")


@pytest.mark.parametrize("query, suggested", [
    ("drone strike -training", "drone strike NOT training"),
    ("drone -training -exercise", "drone NOT training NOT exercise"),
    ("-training drone", "drone NOT training"),
])
def test_a_minus_before_a_word_suggests_not_in_a_query_that_compiles(query, suggested):
    assert f"leave words out with NOT: {suggested!r}" in query_problem(query)
    assert query_problem(suggested) is None


def test_a_close_column_is_suggested_only_when_there_is_one():
    assert "did you mean" not in query_problem("url:mopti")


def test_an_unmatched_bracket_is_not_taken_for_punctuation_to_quote():
    assert "double quotes" not in query_problem("drone)")


@pytest.mark.parametrize("query", [
    "drone", '"drone strike"', "title:drone AND text:mali", "{title text}: ambush", "- title: sport",
    "^drone", "civil*", "NEAR(drone strike, 5)", '(ambush OR "drone strike") NOT training', '"al-Shabaab"',
])
def test_a_well_formed_query_has_no_problem(query):
    assert query_problem(query) is None


def test_lower_case_operators_outside_quotes_are_pointed_out():
    assert lowercase_operators('drone and strike or "law and order"') == ["and", "or"]


def test_operators_in_mixed_case_are_pointed_out():
    assert lowercase_operators('drone Or strike nOT training "Near the border"') == ["Or", "nOT"]


def test_upper_case_operators_are_not_pointed_out():
    assert lowercase_operators("drone AND strike NOT (training OR exercise)") == []


def test_curly_double_quotes_do_not_make_a_phrase():
    assert matches("“drone strike”", text="The strike came before the drone was seen.")


def test_curly_double_quotes_and_guillemets_outside_straight_quotes_are_pointed_out():
    assert typographic_quotes('“drone strike” OR «frappe de drone» "he said “no”"') == ["“", "”", "«", "»"]


def test_a_typographic_apostrophe_matches_a_straight_one_as_both_are_separators():
    assert matches('"Côte d’Ivoire"', text="Troops crossed from Côte d'Ivoire.")
    assert matches('"Côte d\'Ivoire"', text="Troops crossed from Côte d’Ivoire.")


def test_typographic_apostrophes_and_single_quotes_are_not_pointed_out():
    assert typographic_quotes("‘drone’ OR \"Côte d’Ivoire\"") == []


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country")])
    yield store
    store.close()


def test_the_scratch_index_is_declared_like_the_stores_full_text_index(store):
    (sql,), = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchall()
    declared = re.search(r"fts5\s*\((.*)\)", sql, re.IGNORECASE | re.DOTALL).group(1)
    columns = [c.strip().strip("[]\"'") for c in declared.split(",") if "=" not in c]
    tokenize = re.search(r"tokenize\s*=\s*'([^']*)'", declared).group(1)
    assert (tuple(columns), tokenize) == (FTS_COLUMNS, FTS_TOKENIZE)


@pytest.mark.parametrize("query", [
    "mopti", '"drone strike"', "title:convoy", "text:convoy", "drone NOT civilians", "civil*", "SEVARE",
    "NEAR(drone market, 3)", "^drone", "^residents", "{title text}: border", "- text: mopti", "bamako OR market",
])
def test_an_alert_query_matches_exactly_when_the_archive_search_finds_the_article(store, query):
    article_id = store.save_article(article(), ArticleExtras())
    in_archive = store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [query]).fetchall()
    assert matches(query) == (in_archive == [(article_id,)])

