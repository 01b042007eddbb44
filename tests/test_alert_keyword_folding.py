"""Keywords match what a reader would call the same word: accents and apostrophes are folded as the
full-text query folds them, so a rule typed on an English keyboard still fires on a French outlet."""

from datetime import datetime, timezone

import pytest

from daemon.alerts import matching_alerts
from daemon.settings import AlertRule
from storage.records import Article, RegionTag

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def article(title: str, text: str) -> Article:
    return Article(url="https://example.org/a", title=title, text=text, fetched_at=NOW,
                   regions=(RegionTag("ML", "country", 2, 2.0, True),))


def fires(keyword: str, title: str, text: str = "") -> bool:
    rule = AlertRule(name="desk", keywords=(keyword,), command=("true",))
    return matching_alerts([rule], article(title, text), None) != ()


@pytest.mark.parametrize(("keyword", "title"), [
    ("Sevare", "Des tirs signalés à Sévaré dans la nuit"),
    ("SÉVARÉ", "Curfew extended in Sevare after clashes"),
    ("Ségou", "Flooding in SEGOU displaces hundreds"),
])
def test_a_keyword_matches_the_same_word_with_or_without_its_accents(keyword, title):
    assert fires(keyword, title)


def test_a_keyword_with_a_straight_apostrophe_matches_a_typographic_one():
    assert fires("Côte d'Ivoire", "Élections en Côte d’Ivoire : le scrutin reporté")


def test_a_keyword_with_a_typographic_apostrophe_matches_a_straight_one():
    assert fires("Côte d’Ivoire", "Exports from Cote d'Ivoire fell in October")
