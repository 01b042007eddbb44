"""`newswatch eval extraction`: newswatch's extraction against bare trafilatura, in one run.

Reads the article-extraction benchmark layout (html/<id>.html.gz and ground-truth.json with each
page's articleBody), runs both systems on every page, and scores them with daemon.textscore.
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import trafilatura

from daemon.errors import ExtractionError
from daemon.extract import process_page
from daemon.textscore import PageScore, Score, aggregate, score_page

BARE = "trafilatura (defaults)"
NEWSWATCH = "newswatch"


@dataclass(frozen=True, slots=True)
class CorpusPage:
    """One page of the evaluation corpus with its human-written article body."""

    id: str
    url: str
    body: bytes
    expected: str


@dataclass(frozen=True, slots=True)
class SystemResult:
    """How one extractor did: scores, speed, and pages it returned nothing for."""

    name: str
    score: Score
    pages_per_second: float
    empty_pages: int
    page_scores: tuple[tuple[str, PageScore], ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractionReport:
    corpus: str
    pages: int
    results: tuple[SystemResult, ...]

    def result(self, name: str) -> SystemResult:
        return next(r for r in self.results if r.name == name)

    def as_dict(self) -> dict[str, object]:
        """Plain values for `--json`."""
        return {
            "corpus": self.corpus,
            "pages": self.pages,
            "systems": [
                {"name": r.name, "precision": round(r.score.precision, 4),
                 "recall": round(r.score.recall, 4), "f1": round(r.score.f1, 4),
                 "pages_per_second": round(r.pages_per_second, 2), "empty_pages": r.empty_pages}
                for r in self.results
            ],
        }


def load_corpus(corpus_dir: str | Path) -> list[CorpusPage]:
    """Pages listed in ground-truth.json whose html/<id>.html.gz exists, in id order."""
    root = Path(corpus_dir)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = root / "html" / f"{page_id}.html.gz"
        if path.is_file():
            entry = truth[page_id]
            pages.append(CorpusPage(page_id, entry.get("url", ""), gzip.decompress(path.read_bytes()),
                                    entry.get("articleBody", "")))
    return pages


def bare_trafilatura(page: CorpusPage) -> str:
    """The baseline: trafilatura.extract with its default options on the raw bytes."""
    return trafilatura.extract(page.body) or ""


def newswatch_extraction(page: CorpusPage, extra_rules_path: str | None = None) -> str:
    """newswatch's full extraction and cleaning; a refused page counts as empty output."""
    try:
        return process_page(page.body, page.url, None, extra_rules_path).text
    except ExtractionError:
        return ""


def run_system(name: str, extractor: Callable[[CorpusPage], str], pages: list[CorpusPage],
               repeat: int = 1) -> SystemResult:
    """Score one extractor; with repeat > 1 the fastest pass counts (less noise from neighbours)."""
    return _result(name, pages, *_timed_passes(extractor, pages, repeat))


def _timed_passes(extractor: Callable[[CorpusPage], str], pages: list[CorpusPage],
                  repeat: int) -> tuple[list[str], float]:
    """The extractor's output for every page and the time of its fastest pass."""
    if pages:
        extractor(pages[0])  # warm-up: lazy imports and caches are not per-page cost
    best, outputs = float("inf"), []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        outputs = [extractor(page) for page in pages]
        best = min(best, time.perf_counter() - started)
    return outputs, best


def _result(name: str, pages: list[CorpusPage], outputs: list[str], seconds: float) -> SystemResult:
    scores = tuple((page.id, score_page(text, page.expected)) for page, text in zip(pages, outputs))
    return SystemResult(name, aggregate(s for _, s in scores), len(pages) / seconds if seconds else 0.0,
                        sum(1 for text in outputs if not text.strip()), scores)


def evaluate_extraction(corpus_dir: str | Path, *, extra_rules_path: str | None = None,
                        repeat: int = 1) -> ExtractionReport:
    """Bare trafilatura and newswatch on the same pages in the same run, their passes taken in turns
    (bare, ours, bare, ours...) so that a burst of load on a shared machine falls on both; each
    system's fastest pass counts."""
    pages = load_corpus(corpus_dir)
    systems = ((BARE, bare_trafilatura), (NEWSWATCH, lambda page: newswatch_extraction(page, extra_rules_path)))
    best = {name: ([], float("inf")) for name, _ in systems}
    for _ in range(max(1, repeat)):
        for name, extractor in systems:
            outputs, seconds = _timed_passes(extractor, pages, 1)
            if seconds < best[name][1]:
                best[name] = (outputs, seconds)
    results = tuple(_result(name, pages, *best[name]) for name, _ in systems)
    return ExtractionReport(str(corpus_dir), len(pages), results)


def format_report(report: ExtractionReport) -> str:
    """The table `newswatch eval extraction` prints."""
    lines = [f"corpus: {report.corpus} ({report.pages} pages)",
             f"{'system':<24} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8} {'empty':>6}"]
    for r in report.results:
        lines.append(f"{r.name:<24} {r.score.precision:>9.4f} {r.score.recall:>7.4f} "
                     f"{r.score.f1:>7.4f} {r.pages_per_second:>8.1f} {r.empty_pages:>6}")
    bare, ours = report.result(BARE), report.result(NEWSWATCH)
    if bare.pages_per_second:
        lines.append(f"throughput ratio newswatch/trafilatura: "
                     f"{ours.pages_per_second / bare.pages_per_second:.2f}")
    return "\n".join(lines)
