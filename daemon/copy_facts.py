"""The facts a text states, sampled so two texts can be told apart when they share their wording.

Templates (two quake reports, two match results from one wire frame) share most of their wording
and differ in the facts it frames. Each fact (a run of tokens with a digit or a capital letter, not
a function or calendar word) is recorded by its context (two tokens either side) and its value;
the FACT_SAMPLE contexts with the lowest hashes travel in the copy-detection signature
(daemon/dedup.py). A near copy is refused when at least FACT_CONFLICTS sampled contexts shared by
both texts hold different facts: a correction changes one fact, a template changes several.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from daemon.script_ranges import unsegmented_script

FACT_SAMPLE = 24            # fact contexts kept per signature (lowest context hashes)
FACT_CONFLICTS = 3          # shared contexts holding different facts that make a template, not a copy
FACT_TOKENS = 20_000        # work cap for very long texts, as copy detection's

FactSample = tuple[tuple[int, int], ...]   # (context hash, fact hash), lowest context hashes first

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def _hash32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 32


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """Capitalised words that state no fact: openers, calendar words, titles (data/story_words.toml)."""
    data = tomllib.loads((Path(__file__).parent / "data" / "story_words.toml").read_text("utf-8"))
    return frozenset(unicodedata.normalize("NFKC", w).casefold() for w in data["not_names"])


def _flagged_tokens(line: str) -> tuple[list[str], list[bool]]:
    """A line's folded words (characters, in scripts without spaces), each flagged True when it is
    part of a fact: it holds a digit, or it is capitalised and not a function word."""
    stop, split = _function_words(), unsegmented_script()
    line = unicodedata.normalize("NFKC", line)
    raw = _WORD.findall(line)
    folded = _WORD.findall(line.casefold())
    if len(folded) == len(raw) and split.search(line) is None:   # the common case, in one pass
        return folded, [(not w.isalpha() and _DIGIT.search(w) is not None) or (w[0].isupper() and f not in stop)
                        for w, f in zip(raw, folded)]
    words: list[str] = []
    flags: list[bool] = []
    for word in raw:
        if split.search(word):
            parts = [part for part in re.split(f"({split.pattern})", word.casefold()) if part]
            words.extend(parts)
            flags.extend(_DIGIT.search(part) is not None for part in parts)
        else:
            words.append(word.casefold())
            flags.append(_DIGIT.search(word) is not None or (word[0].isupper() and words[-1] not in stop))
    return words, flags


def _masked(words: Sequence[str], flags: Sequence[bool]) -> str:
    return " ".join("\x00" if flag else word for word, flag in zip(words, flags))


def fact_sample(text: str) -> FactSample:
    """The FACT_SAMPLE (context, fact) hash pairs of lowest context hash; a fact is a run of fact
    tokens, its context the two tokens either side (facts among them masked; at least two, one a word)."""
    pairs: set[tuple[int, str]] = set()    # (context hash, the fact's words)
    seen = 0
    for line in text[: FACT_TOKENS * 12].splitlines():
        words, flags = _flagged_tokens(line)
        end = 0
        for start in [i for i, flag in enumerate(flags) if flag]:
            if start < end:            # inside the run already read
                continue
            end = start + 1
            while end < len(words) and flags[end]:
                end += 1
            lo, hi = max(0, start - 2), min(len(words), end + 2)
            if (start - lo) + (hi - end) >= 2 and not all(flags[lo:start] + flags[end:hi]):
                context = f"{_masked(words[lo:start], flags[lo:start])}\x1f{_masked(words[end:hi], flags[end:hi])}"
                pairs.add((_hash32(context), " ".join(words[start:end])))
        seen += len(words)
        if seen >= FACT_TOKENS:
            break
    return tuple(sorted({(context, _hash32(fact)) for context, fact in sorted(pairs)[:FACT_SAMPLE]}))


def fact_conflicts(a: FactSample, b: FactSample) -> int:
    """Contexts sampled whole in both texts that hold different facts (none of one's in the other)."""
    def by_context(sample: FactSample) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for context, fact in sample:
            found.setdefault(context, set()).add(fact)
        return found

    def cut(sample: FactSample) -> int:   # a full sample may hold only part of its last context's facts
        return sample[-1][0] if len(sample) >= FACT_SAMPLE else 1 << 32

    below = min(cut(a), cut(b))
    facts_a, facts_b = by_context(a), by_context(b)
    return sum(1 for c in facts_a.keys() & facts_b.keys() if c < below and not facts_a[c] & facts_b[c])
