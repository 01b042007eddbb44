"""Copy detection and story clustering on the labelled set, and lookup cost at archive scale.

Run: pytest tests/benchmarks/test_dedup_benchmark.py -m benchmark -s
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from daemon import dedup, stories
from daemon.dedup import Candidate, MemoryCandidates, find_copy, fingerprint
from daemon.stories import MemoryStories, StoryCandidate, assign_story, story_features, story_keys

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_dedup_set  # noqa: E402

pytestmark = pytest.mark.benchmark
CORPUS = make_dedup_set.corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is absent")


@pytest.fixture(scope="module")
def labelled() -> list[make_dedup_set.Labelled]:
    return make_dedup_set.build(CORPUS)


def _run_stream(items, copies_source, stories_source, add_copy, add_story):
    """Each article in publication order: copy verdict, then story; (verdicts, story ids, joins)."""
    verdicts, story_of, joins = [], {}, []
    for i, it in enumerate(items):
        fp = fingerprint(it.title, it.text)
        verdict = find_copy(fp, copies_source)
        features = story_features(it.title, it.text, it.published_at)
        original = story_of[verdict.duplicate_of] if verdict.duplicate_of is not None else None
        story = assign_story(features, stories_source, original)
        story_of[i] = story.story_id if story.story_id is not None else i
        if story.matched is not None:
            joins.append((i, story.matched))
        add_copy(i, fp, story_of[i], it, verdict.duplicate_of)
        add_story(i, story_of[i], features)
        verdicts.append(verdict)
    return verdicts, story_of, joins


def _copy_scores(items, verdicts) -> tuple[float, float, int, int, int]:
    """(precision, recall, true, false, gold) where gold copies have an earlier article in their group."""
    first: dict[str, int] = {}
    tp = fp = gold = 0
    for i, (it, verdict) in enumerate(zip(items, verdicts)):
        gold += it.copy_group in first
        if verdict.duplicate_of is not None:
            if items[verdict.duplicate_of].copy_group == it.copy_group:
                tp += 1
            else:
                fp += 1
        first.setdefault(it.copy_group, i)
    return tp / max(1, tp + fp), tp / max(1, gold), tp, fp, gold


def _pairwise(items, story_of, keep) -> tuple[float, float, int, int, int]:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(items)), 2):
        a, b = items[i], items[j]
        if not keep(a, b):
            continue
        gold, predicted = a.story_group == b.story_group, story_of[i] == story_of[j]
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


def _memory_stream(items):
    copies, found = MemoryCandidates(), MemoryStories()
    return _run_stream(
        items, copies, found,
        lambda i, fp, story, it, dup: copies.add(i, fp, story, it.published_at, it.title, dup),
        found.add)


@needs_corpus
def test_copy_detection_meets_its_targets(labelled):
    kinds: dict[str, int] = {}
    for it in labelled:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
    verdicts, _, _ = _memory_stream(labelled)
    precision, recall, tp, fp, gold = _copy_scores(labelled, verdicts)
    print(f"\nlabelled set: {len(labelled)} articles {kinds}")
    print(f"method: MinHash {dedup.BINS} bins over word {dedup.SHINGLE}-shingles, LSH {dedup.BANDS}x"
          f"{dedup.ROWS}; copy when jaccard >= {dedup.JACCARD_COPY} or containment >= "
          f"{dedup.CONTAINMENT_COPY} (sizes within {dedup.SIZE_RATIO}x); never when the new text is over "
          f"{dedup.GROWTH_COPY}x the stored one")
    print(f"copies: precision {precision:.4f} recall {recall:.4f} (found {tp}, wrong {fp}, gold {gold})")
    assert precision >= 0.99 and recall >= 0.95


@needs_corpus
def test_story_clustering_meets_its_targets(labelled):
    _, story_of, joins = _memory_stream(labelled)
    right = sum(labelled[i].story_group == labelled[j].story_group for i, j in joins)
    p_all, r_all, tp, fp, fn = _pairwise(labelled, story_of, lambda a, b: True)
    p_new, r_new, tp2, fp2, fn2 = _pairwise(labelled, story_of, lambda a, b: a.copy_group != b.copy_group)
    print(f"\nrule: window {stories.WINDOW}, score >= {stories.STORY_SCORE} (names + terms + "
          f"{stories.NUMBER_BONUS} number), >= {stories.MIN_SHARED} specific names, broad names weigh "
          f"{stories.BROAD_WEIGHT}")
    print(f"stories, all pairs: precision {p_all:.4f} recall {r_all:.4f} (tp {tp}, fp {fp}, fn {fn})")
    print(f"stories, pairs that are not copies of each other: precision {p_new:.4f} recall {r_new:.4f}"
          f" (tp {tp2}, fp {fp2}, fn {fn2})")
    print(f"story joins of articles that are not detected copies: {right} right, {len(joins) - right} wrong")
    assert p_all >= 0.95 and r_all >= 0.85


@needs_corpus
def test_fingerprint_of_a_thousand_word_article_takes_a_few_milliseconds(labelled):
    long_texts = [it for it in labelled if it.kind == "original" and len(it.text.split()) >= 800]
    words = sum(len(it.text.split()) for it in long_texts)
    start = time.perf_counter()
    for it in long_texts:
        fingerprint(it.title, it.text)
    per_kword = (time.perf_counter() - start) / words * 1000 * 1000
    start = time.perf_counter()
    for it in long_texts:
        story_features(it.title, it.text, it.published_at)
    features_kword = (time.perf_counter() - start) / words * 1000 * 1000
    print(f"\nfingerprint: {per_kword:.2f} ms per 1,000 words; story features: {features_kword:.2f} ms"
          f" per 1,000 words ({len(long_texts)} articles, {words} words)")
    assert per_kword < 10


# --- scale: a real SQLite file with indexed bucket tables ----------------------------------------

SCHEMA = """
CREATE TABLE prints (article_id INTEGER PRIMARY KEY, story_id INTEGER, duplicate_of INTEGER,
                     content_hash TEXT, signature BLOB, features BLOB, published_at TEXT, title TEXT);
CREATE TABLE dedup_buckets (bucket_key INTEGER, article_id INTEGER);
CREATE TABLE story_buckets (bucket_key INTEGER, article_id INTEGER);
"""
INDEXES = """
CREATE INDEX prints_hash ON prints (content_hash);
CREATE INDEX dedup_key ON dedup_buckets (bucket_key);
CREATE INDEX story_key ON story_buckets (bucket_key);
"""


class SqliteSource:
    """The two lookup protocols over indexed tables, as the store will implement them."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def _candidates(self, ids: Sequence[int]) -> list[Candidate]:
        if not ids:
            return []
        rows = self.db.execute(
            f"SELECT article_id, story_id, content_hash, signature, published_at, title, duplicate_of "
            f"FROM prints WHERE article_id IN ({','.join('?' * len(ids))})", list(ids)).fetchall()
        by_id = {r[0]: Candidate(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]) if r[4] else None,
                                 r[5], r[6]) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _ranked(self, table: str, keys: Sequence[int], limit: int) -> list[int]:
        if not keys:
            return []
        return [r[0] for r in self.db.execute(
            f"SELECT article_id FROM {table} WHERE bucket_key IN ({','.join('?' * len(keys))}) "
            f"GROUP BY article_id ORDER BY COUNT(*) DESC, article_id LIMIT ?", [*keys, limit])]

    def by_content_hash(self, content_hash: str) -> Candidate | None:
        row = self.db.execute("SELECT article_id FROM prints WHERE content_hash = ? "
                              "ORDER BY article_id LIMIT 1", (content_hash,)).fetchone()
        return self._candidates([row[0]])[0] if row else None

    def by_bucket_keys(self, keys: Sequence[int], limit: int = 200) -> list[Candidate]:
        return self._candidates(self._ranked("dedup_buckets", keys, limit))

    def by_story_keys(self, keys: Sequence[int], limit: int = 200) -> list[StoryCandidate]:
        ids = self._ranked("story_buckets", keys, limit)
        if not ids:
            return []
        rows = self.db.execute(f"SELECT article_id, story_id, features FROM prints WHERE article_id "
                               f"IN ({','.join('?' * len(ids))})", ids).fetchall()
        return [StoryCandidate(*r) for r in rows]


def _filler(n: int, rng: random.Random, start_id: int, labelled):
    """n unrelated articles: random MinHash values and story names spread over a year of days."""
    base = labelled[0].published_at - timedelta(days=180)
    vocabulary = [f"name{i}" for i in range(50_000)]
    for article_id in range(start_id, start_id + n):
        values = [rng.getrandbits(32) for _ in range(dedup.BINS)]
        at = base + timedelta(minutes=rng.randrange(365 * 24 * 60))
        names = tuple(rng.sample(vocabulary, 10))
        features = stories.StoryFeatures(names, (3.0,) * 10, (), ("42",), ("filler",),
                                         (at - stories._EPOCH).days, at)
        yield (article_id, dedup.encode_signature(values, 300), dedup.band_keys(values), features, at)


def _build(path: Path, stored: list, total: int, labelled) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    rows, dedup_rows, story_rows = [], [], []
    for article_id, it, fp, features in stored:
        rows.append((article_id, article_id, None, fp.content_hash, fp.signature,
                     stories.serialise(features), it.published_at.isoformat(), it.title))
        dedup_rows += [(k, article_id) for k in fp.bucket_keys]
        story_rows += [(k, article_id) for k in story_keys(features)]
    rng = random.Random(7)
    for article_id, sig, keys, features, at in _filler(total - len(stored), rng, len(stored), labelled):
        rows.append((article_id, article_id, None, f"filler{article_id}", sig,
                     stories.serialise(features), at.isoformat(), "filler"))
        dedup_rows += [(k, article_id) for k in keys]
        story_rows += [(k, article_id) for k in story_keys(features)]
    with db:
        db.executemany("INSERT INTO prints VALUES (?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO dedup_buckets VALUES (?,?)", dedup_rows)
        db.executemany("INSERT INTO story_buckets VALUES (?,?)", story_rows)
    db.executescript(INDEXES)
    db.execute("ANALYZE")
    return db


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure(db: sqlite3.Connection, queries, stored_group) -> dict[str, float]:
    """Per article: lookups alone (copy + story) and the whole dedup step; memory in a third pass."""
    source = SqliteSource(db)
    prepared = [(fingerprint(it.title, it.text), story_features(it.title, it.text, it.published_at), it)
                for it in queries]
    for fp, _, _ in prepared[:20]:  # warm the page cache as a running daemon has it
        find_copy(fp, source)
    lookups, found = [], 0
    for fp, features, it in prepared:
        start = time.perf_counter()
        verdict = find_copy(fp, source)
        assign_story(features, source, None)
        lookups.append(time.perf_counter() - start)
        found += verdict.duplicate_of is not None and stored_group.get(verdict.duplicate_of) == it.copy_group
    start = time.perf_counter()
    for it in queries:
        find_copy(fingerprint(it.title, it.text), source)
        assign_story(story_features(it.title, it.text, it.published_at), source, None)
    whole = (time.perf_counter() - start) / len(queries)
    peaks = []
    for fp, features, _ in prepared[:100]:
        tracemalloc.start()
        find_copy(fp, source)
        assign_story(features, source, None)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    lookups.sort()
    return {"mean_ms": statistics.fmean(lookups) * 1000, "p95_ms": lookups[int(0.95 * len(lookups))] * 1000,
            "whole_ms": whole * 1000, "peak_kb": statistics.fmean(peaks) / 1024, "rss_mb": _rss_mb(),
            "found": found}


@needs_corpus
def test_lookup_cost_at_200000_stored_is_within_twice_the_cost_at_2000(labelled, tmp_path):
    originals = [it for it in labelled if it.kind not in ("syndicated", "update")]
    queries = [it for it in labelled if it.kind in ("syndicated", "update")]
    stored = [(i, it, fingerprint(it.title, it.text), story_features(it.title, it.text, it.published_at))
              for i, it in enumerate(originals)]
    stored_group = {i: it.copy_group for i, it in enumerate(originals)}
    # Both stores are built first and then measured in turns, three rounds, keeping each size's best
    # round: on a shared machine a burst of load during one size's only pass once read as a 2.2x
    # ratio that the next run put at 1.3x.
    dbs, described = {}, {}
    for total in (2_000, 200_000):
        start = time.perf_counter()
        dbs[total] = _build(tmp_path / f"prints-{total}.db", stored, total, labelled)
        rows = dbs[total].execute("SELECT COUNT(*) FROM dedup_buckets").fetchone()[0]
        size = (tmp_path / f"prints-{total}.db").stat().st_size / 1e6
        described[total] = f"{rows} dedup bucket rows, file {size:.0f} MB, built in {time.perf_counter() - start:.0f} s"
    rounds: dict[int, list[dict[str, float]]] = {total: [] for total in dbs}
    for _ in range(3):
        for total, db in dbs.items():
            rounds[total].append(_measure(db, queries, stored_group))
    results = {}
    for total, db in dbs.items():
        results[total] = r = min(rounds[total], key=lambda m: m["mean_ms"])
        spread = ", ".join(f"{m['mean_ms']:.2f}" for m in rounds[total])
        print(f"\n{total:>7} stored ({described[total]}):"
              f" lookups {r['mean_ms']:.2f} ms per article, best of rounds {spread} (p95 {r['p95_ms']:.2f});"
              f" whole dedup step (fingerprint, features, lookups) {r['whole_ms']:.2f} ms; python peak"
              f" {r['peak_kb']:.0f} KB per lookup; process RSS {r['rss_mb']:.0f} MB; copies found"
              f" {r['found']}/{len(queries)}")
        db.close()
    ratio = results[200_000]["mean_ms"] / results[2_000]["mean_ms"]
    whole = results[200_000]["whole_ms"] / results[2_000]["whole_ms"]
    print(f"cost ratio 200,000 / 2,000 stored: lookups {ratio:.2f}, whole step {whole:.2f} (target <= 2)")
    assert ratio <= 2.0
    assert results[200_000]["found"] == results[2_000]["found"]
