"""Site-learned boilerplate: lines a host prints in many of its articles are its clutter, not news.

Rules (daemon/clean.py) catch clutter one article alone shows. A house promo line, a standard
byline, a "most read" teaser or a legal tail only shows itself by recurring, so every stored
article's lines are counted per host (table site_lines), and a line counts as learned, and is
removed from that host's articles, when all of these hold (Thresholds, defaults in brackets):

* min_articles [4]: it appeared in at least this many distinct articles of the host, this one
  included. A line of one article is never removed on these grounds, and a quote that a
  follow-up story repeats once (two articles) is kept.
* min_chars [20]: its normalised form has at least this many characters. Shorter lines are
  left to the rules: too generic to learn safely ("Photo: AFP").
* min_host_share [0.2]: it appeared in at least this share of the host's articles counted since
  it first appeared. A promo line runs in most articles; a background paragraph repeated across a
  story thread runs in a few of a busy site's articles and stays.
* min_volume [20] and small_host_share [0.8]: while the host has counted fewer than min_volume
  articles since the line first appeared, the line must be in at least small_host_share of them.
  On a small site a story thread alone passes min_host_share (a background paragraph in 4 of 7
  articles); a promo line runs in nearly all. Story ids are not known yet when lines are stripped.
* max_share [0.5]: learned lines may take at most this share of an article's words; past it the
  article is kept whole (a stub page or a notice the site prints often is not stripped to nothing).

A line is normalised (NFKC, case folded, punctuation dropped, spaces collapsed) and hashed to a
signed 64-bit key, so the store indexes integers, and a line is counted at most once per article,
when the article is first saved; copies found by dedup are not counted (the same story under
another URL is not one more article carrying the line).
The counts live in the store (storage/site_lines.py); this module decides on plain values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from daemon.clean import word_count
from storage.site_lines import SiteLineCount

__all__ = ["SiteLineCount", "Thresholds", "THRESHOLDS", "known_keys", "learn", "line_key", "normalise", "strip"]

EXAMPLE_MAX_CHARS = 300   # the example of a line kept for browsing is cut here

_NOT_WORD = re.compile(r"[^\w]+")
_LIST_MARK = re.compile(r"^(?:[-–—•*·▪►»|]+)\s*")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a recurring line counts as a host's boilerplate (see the module docstring)."""

    min_articles: int = 4
    min_chars: int = 20
    min_host_share: float = 0.2
    min_volume: int = 20
    small_host_share: float = 0.8
    max_share: float = 0.5

    def __post_init__(self) -> None:
        if self.min_articles < 2:  # one article alone never teaches a line
            raise ValueError("min_articles must be at least 2")
        if not (0.0 <= self.min_host_share <= 1.0 and 0.0 < self.max_share < 1.0):
            raise ValueError("min_host_share must be in [0, 1] and max_share in (0, 1)")
        if not 0.0 <= self.small_host_share <= 1.0 or self.min_volume < 0:
            raise ValueError("small_host_share must be in [0, 1] and min_volume at least 0")

    def host_share(self, host_articles: int) -> float:
        """The share of the host's articles a line must reach, stricter while the host is small."""
        if host_articles < self.min_volume:
            return max(self.min_host_share, self.small_host_share)
        return self.min_host_share


THRESHOLDS = Thresholds()


def normalise(paragraph: str) -> str:
    """The form two printings of one line share: NFKC, case folded, words only, single spaces."""
    folded = unicodedata.normalize("NFKC", _LIST_MARK.sub("", paragraph.strip())).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


def line_key(paragraph: str, thresholds: Thresholds = THRESHOLDS) -> int | None:
    """The paragraph's 64-bit key (signed, as SQLite stores integers); None when too short to learn."""
    form = normalise(paragraph)
    if len(form) < thresholds.min_chars:
        return None
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def learn(text: str, thresholds: Thresholds = THRESHOLDS) -> dict[int, str]:
    """What one article teaches: its learnable lines by key, each once (the first printing as example)."""
    lines: dict[int, str] = {}
    for paragraph in _paragraphs(text):
        key = line_key(paragraph, thresholds)
        if key is not None and key not in lines:
            lines[key] = paragraph[:EXAMPLE_MAX_CHARS]
    return lines


def known_keys(counts: Mapping[int, SiteLineCount], thresholds: Thresholds = THRESHOLDS, *,
               pending: bool) -> frozenset[int]:
    """The keys that count as learned. pending: the article at hand is not counted yet, so it is
    added to both numbers (the pipeline, before the save); reprocessing looks at counted articles."""
    extra = 1 if pending else 0
    learned = set()
    for key, count in counts.items():
        articles, span = count.articles + extra, count.host_articles_since + extra
        if articles >= thresholds.min_articles and span > 0 \
                and articles / span >= thresholds.host_share(span):
            learned.add(key)
    return frozenset(learned)


def strip(text: str, known: Iterable[int], thresholds: Thresholds = THRESHOLDS) -> tuple[str, tuple[str, ...]]:
    """The text without its learned lines, and the lines removed; the text is returned unchanged
    when nothing is learned or when the learned lines would take more than max_share of it."""
    known = known if isinstance(known, (set, frozenset)) else frozenset(known)
    if not known:
        return text, ()
    kept: list[str] = []
    removed: list[str] = []
    for paragraph in _paragraphs(text):
        (removed if line_key(paragraph, thresholds) in known else kept).append(paragraph)
    if not removed:
        return text, ()
    total = word_count(text)
    if not kept or sum(word_count(p) for p in removed) > thresholds.max_share * total:
        return text, ()
    return "\n\n".join(kept), tuple(removed)
