"""Extraction quality and speed on ../shared/corpus/extraction: newswatch against bare trafilatura.

Run with: pytest tests/benchmarks/test_extraction_benchmark.py -m benchmark -s
Targets (issue 3): F1 >= 0.965 and precision >= 0.960, never below bare trafilatura in the same
run, and at least 85 % of bare trafilatura's pages per second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.evaluation import BARE, NEWSWATCH, ExtractionReport, evaluate_extraction, format_report

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "extraction"

pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def report() -> ExtractionReport:
    if not (CORPUS / "ground-truth.json").is_file():
        pytest.skip(f"extraction corpus not found at {CORPUS}")
    result = evaluate_extraction(CORPUS, repeat=3)
    print("\n" + format_report(result))
    return result


def test_newswatch_reaches_the_quality_targets(report: ExtractionReport) -> None:
    score = report.result(NEWSWATCH).score
    assert score.f1 >= 0.965 and score.precision >= 0.960


def test_newswatch_is_never_below_bare_trafilatura(report: ExtractionReport) -> None:
    ours, bare = report.result(NEWSWATCH).score, report.result(BARE).score
    assert ours.f1 >= bare.f1 and ours.precision >= bare.precision


def test_newswatch_keeps_at_least_85_percent_of_bare_throughput(report: ExtractionReport) -> None:
    ours, bare = report.result(NEWSWATCH), report.result(BARE)
    assert ours.pages_per_second >= 0.85 * bare.pages_per_second
