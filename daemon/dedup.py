"""Copies: exact and near-duplicate detection that never scans the archive.

Method (chosen by measurement on tests/benchmarks/make_dedup_set.py; numbers in that benchmark):

* content_hash - sha256 of the body folded for case (NFKC + casefold), punctuation and whitespace.
  Bodies shorter than SHORT_TEXT_TOKENS words are hashed together with the title, so two teasers
  such as "Developing story." are not "exact copies" of each other. Empty title and text give "".
* tokens - Unicode ``\\w+`` words; scripts written without spaces (CJK, Thai...; see
  data/scripts.toml) give one token per character, so their shingles are character n-grams.
  At most MAX_TOKENS tokens are read: very long texts cost the same as long ones.
* signature - MinHash by one-permutation hashing (Li, Owen & Zhang 2012) with densification
  (Shrivastava 2017): every word 5-shingle is hashed once with blake2b-64; its top 7 bits pick one
  of 128 bins and the next 32 bits compete for that bin's minimum. Empty bins borrow the minimum
  of the first non-empty bin on a fixed pseudo-random probe path. Pure Python, about 2 ms per
  1,000-word article. The blob also carries the shingle count, a CRC32 (corruption check) and
  the fact sample (below).
* bucket_keys - LSH: the 128 bins in BANDS bands of ROWS rows, each band hashed to a signed 64-bit
  integer. Texts with fewer than MIN_SHINGLES shingles get no keys: they can only match exactly.
* verdict - the candidate with the highest estimated Jaccard J wins; it is a copy when
  J >= JACCARD_COPY, or when the estimated containment of the smaller text in the larger is
  >= CONTAINMENT_COPY and their sizes differ at most SIZE_RATIO times (a paragraph added or cut,
  clutter around the text). Either way the new text may be at most GROWTH_COPY times the stored
  one: a text that keeps the story and adds much more is an update with new reporting (the same
  story, joined by the story rule, and free to alert), not the same text again. A cut text adds
  nothing and stays a copy (1.3 missed 1 in 13 syndicated copies, whose clutter adds shingles).
  A copy points at the candidate's original (first-seen article) and carries the candidate's story,
  which is the original's: the original itself need not be among the candidates (a copy of a copy).
* facts - a sample of the facts the text states (daemon/copy_facts.py) rides in the blob: a near
  match whose facts differ in FACT_CONFLICTS places is a template (two quake reports), not a copy.
  Blobs written before facts were sampled (magic M1) carry none and are judged on similarity alone.
* simhash - a 64-bit SimHash over the distinct word tokens, stored for browsing and for tools
  that expect one; decisions use the MinHash signature.
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Protocol

import structlog

from daemon.copy_facts import FACT_CONFLICTS, FACT_SAMPLE, FactSample, fact_conflicts, fact_sample
from daemon.script_ranges import unsegmented_script

log = structlog.get_logger(__name__)

SHINGLE = 5                 # words per shingle (characters for unsegmented scripts)
BINS = 128                  # MinHash values per signature
BANDS, ROWS = 32, 4         # LSH banding: BANDS * ROWS == BINS
MIN_SHINGLES = 8            # fewer shingles than this: no bucket keys, exact match only
SHORT_TEXT_TOKENS = 25      # shorter bodies are hashed with their title
MAX_TOKENS = 20_000         # work cap for very long texts
MAX_HASH_CHARS = 400_000    # the content hash reads at most this many characters of the body
JACCARD_COPY = 0.50
CONTAINMENT_COPY = 0.75
SIZE_RATIO = 3.0
GROWTH_COPY = 1.6           # new text past this many times the stored one's shingles: an update

_SIG_MAGIC_V1, _SIG_MAGIC = b"M1", b"M2"
_SIG_HEADER = struct.Struct("<2sII")    # magic, shingle count, crc32 of everything after the header
_SIG_VALUES = struct.Struct(f"<{BINS}I")
_SIG_FACTS = struct.Struct(f"<{2 * FACT_SAMPLE}I")  # (context hash, fact hash) pairs, unused: all ones
LEGACY_SIGNATURE_BYTES = _SIG_HEADER.size + _SIG_VALUES.size
SIGNATURE_BYTES = LEGACY_SIGNATURE_BYTES + _SIG_FACTS.size
_EMPTY_BIN = 0xFFFFFFFF
_WORD = re.compile(r"\w+")
_SIGNED = 1 << 63


def fold(text: str) -> str:
    """Text folded for case, compatibility forms, punctuation and whitespace."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def tokens(text: str, limit: int = MAX_TOKENS) -> list[str]:
    """Word tokens of folded text; characters of unsegmented scripts are tokens of their own."""
    folded = unicodedata.normalize("NFKC", text[: limit * 12]).casefold()
    split = unsegmented_script()
    found: list[str] = []
    for word in _WORD.findall(folded):
        if split.search(word):
            found.extend(piece for piece in re.split(f"({split.pattern})", word) if piece)
        else:
            found.append(word)
        if len(found) >= limit:
            break
    return found[:limit]


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def to_signed64(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= _SIGNED else value


def content_hash(title: str, text: str) -> str:
    """sha256 hex of the folded body (with the title when the body is short); "" when both are empty."""
    body = fold(text[:MAX_HASH_CHARS])
    if len(body.split(" ")) < SHORT_TEXT_TOKENS:
        body = f"{fold(title)}\n{body}".strip()
    return hashlib.sha256(body.encode("utf-8")).hexdigest() if body else ""


def shingle_hashes(words: Sequence[str]) -> set[int]:
    """Distinct 64-bit hashes of the SHINGLE-token windows (one window when the text is shorter)."""
    if not words:
        return set()
    last = max(1, len(words) - SHINGLE + 1)
    return {_hash64(" ".join(words[i:i + SHINGLE])) for i in range(last)}


@lru_cache(maxsize=1)
def _probe_paths() -> tuple[tuple[int, ...], ...]:
    """For each bin, a fixed order of the other bins to borrow from when it is empty."""
    rng = random.Random(20240501)
    paths = []
    for b in range(BINS):
        others = [o for o in range(BINS) if o != b]
        rng.shuffle(others)
        paths.append(tuple(others))
    return tuple(paths)


def minhash(hashes: Iterable[int]) -> list[int]:
    """One-permutation MinHash with densification: BINS 32-bit minimums."""
    mins = [_EMPTY_BIN] * BINS
    for h in hashes:
        b, v = h >> 57, (h >> 25) & 0xFFFFFFFF
        if v < mins[b]:
            mins[b] = v
    if all(m == _EMPTY_BIN for m in mins):
        return mins
    filled = [m != _EMPTY_BIN for m in mins]
    paths = _probe_paths()
    return [m if filled[b] else mins[next(o for o in paths[b] if filled[o])]
            for b, m in enumerate(mins)]


def simhash(words: Iterable[str]) -> int:
    """Unsigned 64-bit SimHash over distinct tokens (bit i is set when most tokens' hashes set it)."""
    hashes = [_hash64(w) for w in set(words)]
    if not hashes:
        return 0
    value = 0
    for bit, column in enumerate(zip(*(format(h, "064b") for h in hashes))):
        if 2 * column.count("1") > len(hashes):
            value |= 1 << (63 - bit)
    return value


def encode_signature(values: Sequence[int], shingles: int, facts: FactSample = ()) -> bytes:
    flat = [h for pair in facts[:FACT_SAMPLE] for h in pair]
    packed = _SIG_VALUES.pack(*values) + _SIG_FACTS.pack(*flat, *[_EMPTY_BIN] * (2 * FACT_SAMPLE - len(flat)))
    return _SIG_HEADER.pack(_SIG_MAGIC, shingles, zlib.crc32(packed)) + packed


class CorruptSignature(ValueError):
    """A stored signature blob that fails its length, magic or checksum test."""


def _checked(blob: bytes) -> tuple[bytes, int, bytes]:
    """(magic, shingle count, payload) of a blob whose length, magic and checksum agree."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) not in (SIGNATURE_BYTES,
                                                                               LEGACY_SIGNATURE_BYTES):
        raise CorruptSignature("wrong length")
    magic, shingles, crc = _SIG_HEADER.unpack_from(blob)
    payload = bytes(blob[_SIG_HEADER.size:])
    expected = _SIG_MAGIC if len(blob) == SIGNATURE_BYTES else _SIG_MAGIC_V1
    if magic != expected or zlib.crc32(payload) != crc:
        raise CorruptSignature("bad magic or checksum")
    return magic, shingles, payload


def decode_signature(blob: bytes) -> tuple[tuple[int, ...], int]:
    """(MinHash values, shingle count) from a blob (either version); raises CorruptSignature."""
    _, shingles, payload = _checked(blob)
    return _SIG_VALUES.unpack_from(payload), shingles


def decode_facts(blob: bytes) -> FactSample | None:
    """The fact sample of a blob; None for blobs written before facts were sampled (M1)."""
    magic, _, payload = _checked(blob)
    if magic == _SIG_MAGIC_V1:
        return None
    flat = _SIG_FACTS.unpack_from(payload, _SIG_VALUES.size)
    return tuple((c, v) for c, v in zip(flat[::2], flat[1::2]) if (c, v) != (_EMPTY_BIN, _EMPTY_BIN))


def band_keys(values: Sequence[int]) -> tuple[int, ...]:
    """LSH keys: each band of ROWS values (and its position) hashed to a signed 64-bit integer."""
    keys = []
    for band in range(BANDS):
        chunk = struct.pack(f"<B{ROWS}I", band, *values[band * ROWS:(band + 1) * ROWS])
        keys.append(to_signed64(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little")))
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the store keeps to find an article's copies later."""

    content_hash: str          # sha256 hex of the folded text ("" for an empty article)
    simhash: int               # unsigned 64-bit
    signature: bytes           # blob: header (magic, shingle count, crc32), 128 uint32, fact sample
    bucket_keys: tuple[int, ...]  # LSH band keys (signed 64-bit); empty for very short texts


def paragraph_shingles(text: str) -> tuple[list[str], set[int]]:
    """(all tokens, shingle hashes) with shingles inside paragraphs and lines only.

    Lines shorter than a shingle (menus, "Load more", datelines) give none, and a teaser inserted
    between two paragraphs leaves the shingles of both intact.
    """
    words: list[str] = []
    hashes: set[int] = set()
    for line in text[: MAX_TOKENS * 12].splitlines():
        line_words = tokens(line, MAX_TOKENS - len(words))
        words.extend(line_words)
        if len(line_words) >= SHINGLE:
            hashes |= shingle_hashes(line_words)
        if len(words) >= MAX_TOKENS:
            break
    if not hashes:  # a text of short lines only: shingle it as one run
        hashes = shingle_hashes(words)
    return words, hashes


def fingerprint(title: str, text: str) -> Fingerprint:
    """Fingerprint of an article's clean title and body (the title does not enter the shingles)."""
    words, hashes = paragraph_shingles(text)
    values = minhash(hashes)
    keys = band_keys(values) if len(hashes) >= MIN_SHINGLES else ()
    return Fingerprint(content_hash(title, text), simhash(words),
                       encode_signature(values, len(hashes), fact_sample(text)), keys)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article that may be the original of a new one.

    duplicate_of is the stored article's own original, if it is a copy: a copy of a copy points
    at the first-seen article.
    """

    article_id: int
    story_id: int | None
    content_hash: str
    signature: bytes
    published_at: datetime | None
    title: str
    duplicate_of: int | None = None


class CandidateSource(Protocol):
    """What find_copy needs of the archive; the store implements it with indexed lookups."""

    def by_content_hash(self, content_hash: str) -> Candidate | None:
        """The first-seen article with this content hash."""

    def by_bucket_keys(self, keys: Sequence[int], limit: int = 200) -> list[Candidate]:
        """Articles sharing at least one bucket key, most shared keys first, at most limit."""


@dataclass(frozen=True, slots=True)
class CopyVerdict:
    """Whether an article copies a stored one: duplicate_of is None for an original.

    story_id is the story of the stored article matched (a copy shares its original's story), so a
    copy can join its original's story even when the original was not among the candidates."""

    duplicate_of: int | None
    similarity: float
    reason: str
    story_id: int | None = None


def similarity(a: Sequence[int], a_size: int, b: Sequence[int], b_size: int) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the smaller shingle set in the larger)."""
    jaccard = sum(x == y for x, y in zip(a, b)) / BINS
    small = min(a_size, b_size)
    if small == 0:
        return jaccard, 0.0
    shared = jaccard * (a_size + b_size) / (1 + jaccard)
    return jaccard, min(1.0, shared / small)


def is_copy(jaccard: float, containment: float, new_size: int, stored_size: int) -> bool:
    """The documented copy rule (see the module docstring); sizes are shingle counts."""
    if new_size > GROWTH_COPY * stored_size:
        return False
    if jaccard >= JACCARD_COPY:
        return True
    small, large = sorted((new_size, stored_size))
    return containment >= CONTAINMENT_COPY and small >= MIN_SHINGLES and large <= SIZE_RATIO * small


def find_copy(fp: Fingerprint, source: CandidateSource) -> CopyVerdict:
    """The stored article this one copies (exact text first, then LSH candidates), or "original".

    A candidate whose wording matches but whose facts differ (a template) is no copy; the verdict's
    reason names the closest such candidate, so the log says why a near match was refused."""
    if fp.content_hash:
        exact = source.by_content_hash(fp.content_hash)
        if exact is not None:
            return CopyVerdict(exact.duplicate_of or exact.article_id, 1.0, "exact text", exact.story_id)
    if not fp.bucket_keys:
        return CopyVerdict(None, 0.0, "original")
    values, size = decode_signature(fp.signature)
    facts = decode_facts(fp.signature)
    best: tuple[float, float, Candidate] | None = None
    template: tuple[float, int, Candidate] | None = None
    for cand in source.by_bucket_keys(fp.bucket_keys):
        try:
            other, other_size = decode_signature(cand.signature)
            other_facts = decode_facts(cand.signature)
        except CorruptSignature as exc:
            log.warning("dedup.corrupt_fingerprint", article_id=cand.article_id, reason=str(exc))
            continue
        jaccard, containment = similarity(values, size, other, other_size)
        if not is_copy(jaccard, containment, size, other_size):
            continue
        conflicts = fact_conflicts(facts, other_facts) if facts is not None and other_facts is not None else 0
        if conflicts >= FACT_CONFLICTS:
            if template is None or jaccard > template[0]:
                template = (jaccard, conflicts, cand)
            continue
        rank = (jaccard, containment, cand)
        if best is None or (jaccard, containment) > (best[0], best[1]):
            best = rank
    if best is None:
        if template is None:
            return CopyVerdict(None, 0.0, "original")
        jaccard, conflicts, cand = template
        return CopyVerdict(None, 0.0, f"original (same wording as {cand.article_id}, jaccard {jaccard:.2f}, "
                                      f"but {conflicts} facts differ: a template, not a copy)")
    jaccard, containment, cand = best
    reason = (f"near copy (jaccard {jaccard:.2f})" if jaccard >= JACCARD_COPY
              else f"near copy (containment {containment:.2f}, jaccard {jaccard:.2f})")
    return CopyVerdict(cand.duplicate_of or cand.article_id, round(jaccard, 4), reason, cand.story_id)


class MemoryCandidates(CandidateSource):
    """An in-memory CandidateSource for tests and benchmarks (the store's contract, no SQL)."""

    def __init__(self) -> None:
        self._by_hash: dict[str, Candidate] = {}
        self._buckets: dict[int, list[int]] = {}
        self._rows: dict[int, Candidate] = {}

    def add(self, article_id: int, fp: Fingerprint, story_id: int | None = None,
            published_at: datetime | None = None, title: str = "",
            duplicate_of: int | None = None) -> Candidate:
        cand = Candidate(article_id, story_id, fp.content_hash, fp.signature, published_at, title,
                         duplicate_of)
        self._rows[article_id] = cand
        if fp.content_hash:
            self._by_hash.setdefault(fp.content_hash, cand)
        for key in fp.bucket_keys:
            self._buckets.setdefault(key, []).append(article_id)
        return cand

    def __len__(self) -> int:
        return len(self._rows)

    def by_content_hash(self, content_hash: str) -> Candidate | None:
        return self._by_hash.get(content_hash)

    def by_bucket_keys(self, keys: Sequence[int], limit: int = 200) -> list[Candidate]:
        hits: dict[int, int] = {}
        for key in keys:
            for article_id in self._buckets.get(key, ()):
                hits[article_id] = hits.get(article_id, 0) + 1
        ranked = sorted(hits, key=lambda a: (-hits[a], a))[:limit]
        return [self._rows[a] for a in ranked]
