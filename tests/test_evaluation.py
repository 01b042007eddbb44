"""The extraction evaluation (daemon/evaluation.py) and its shingle scoring (daemon/textscore.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.evaluation import (BARE, NEWSWATCH, ExtractionReport, evaluate_extraction, format_report,
                               load_corpus)
from daemon.textscore import aggregate, score_page, shingles

REFERENCE = "The council met on Tuesday and agreed to repair the old bridge before the rains."


def test_identical_text_scores_full_precision_and_recall() -> None:
    page = score_page(REFERENCE, REFERENCE)
    assert (page.precision, page.recall) == (1.0, 1.0)


def test_extra_text_lowers_precision_but_not_recall() -> None:
    page = score_page(REFERENCE + " Subscribe to our newsletter for more stories like this one.", REFERENCE)
    assert page.recall == 1.0 and page.precision < 1.0


def test_missing_text_lowers_recall_but_not_precision() -> None:
    page = score_page("The council met on Tuesday and agreed", REFERENCE)
    assert page.precision == 1.0 and page.recall < 1.0


def test_empty_prediction_scores_zero() -> None:
    assert score_page("", REFERENCE).precision == 0.0


def test_shingles_are_four_word_tokens_with_counts() -> None:
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2


def test_each_page_weighs_the_same_and_f1_is_taken_of_the_averages() -> None:
    short = score_page("one two three four five", "one two three four five")
    long_ = score_page("w " * 50, "z " * 50)
    score = aggregate([short, long_])
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)


def test_fixture_corpus_loads_every_page_with_its_truth(fixture_corpus: Path) -> None:
    pages = load_corpus(fixture_corpus)
    assert len(pages) == 4 and all(page.body.startswith(b"<!DOCTYPE html>") and page.expected for page in pages)


@pytest.fixture(scope="module")
def report(fixture_corpus: Path) -> ExtractionReport:
    return evaluate_extraction(fixture_corpus)


def test_evaluation_reports_both_systems_on_every_page(report: ExtractionReport) -> None:
    assert [r.name for r in report.results] == [BARE, NEWSWATCH] and report.pages == 4


def test_evaluation_measures_pages_per_second(report: ExtractionReport) -> None:
    assert all(r.pages_per_second > 0 for r in report.results)


def test_newswatch_is_more_precise_than_bare_trafilatura_on_the_fixture(report: ExtractionReport) -> None:
    assert report.result(NEWSWATCH).score.precision > report.result(BARE).score.precision


def test_newswatch_keeps_the_fixture_articles(report: ExtractionReport) -> None:
    assert report.result(NEWSWATCH).score.recall >= 0.99


def test_report_table_names_both_systems_and_the_throughput_ratio(report: ExtractionReport) -> None:
    table = format_report(report)
    print(table)
    assert BARE in table and NEWSWATCH in table and "throughput ratio" in table


def test_report_as_dict_rounds_the_scores(report: ExtractionReport) -> None:
    systems = report.as_dict()["systems"]
    assert [s["name"] for s in systems] == [BARE, NEWSWATCH] and 0 < systems[1]["f1"] <= 1
