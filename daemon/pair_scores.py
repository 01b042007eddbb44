"""Precision, recall and F1 over (article, country) pairs: how the region benchmarks score tagging."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairScores:
    """Precision, recall and F1 over (article, country) pairs, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def score_pairs(gold: dict[str, set[str]], predicted: dict[str, set[str]]) -> PairScores:
    """Micro-averaged scores over (article, country) pairs; articles missing from predicted count as empty."""
    tp = fp = fn = 0
    for article in gold.keys() | predicted.keys():
        expected, found = gold.get(article, set()), predicted.get(article, set())
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, tp, fp, fn)
