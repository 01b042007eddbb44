"""Shingle overlap scores between an extracted text and a reference text.

Scores the way the article-extraction benchmark does, so our numbers compare with published
ones: 4-token shingles of ``\\w+`` tokens with counts, each page weighing the same, precision and
recall averaged over pages, F1 of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's share of matched, extra and missing shingles (they sum to 1 unless both are empty)."""

    true_positive: float
    false_positive: float
    false_negative: float

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """Precision and recall averaged over pages, and the F1 of those two averages."""

    precision: float
    recall: float
    f1: float
    pages: int


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Overlapping word n-grams with their counts; a text shorter than ``size`` is one shingle."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


def score_page(predicted: str, expected: str) -> PageScore:
    """Compare one prediction with its reference; counts are normalised so the page weighs 1."""
    got, want = shingles(predicted), shingles(expected)
    matched = sum((got & want).values())
    extra = sum((got - want).values())
    missing = sum((want - got).values())
    total = matched + extra + missing
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(matched / total, extra / total, missing / total)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean; 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def aggregate(pages: Iterable[PageScore]) -> Score:
    """Average per-page precision and recall; F1 is taken of the averages, as the benchmark does."""
    page_list = list(pages)
    if not page_list:
        return Score(0.0, 0.0, 0.0, 0)
    precision = sum(p.precision for p in page_list) / len(page_list)
    recall = sum(p.recall for p in page_list) / len(page_list)
    return Score(precision, recall, f1(precision, recall), len(page_list))
