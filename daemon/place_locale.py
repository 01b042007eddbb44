"""The article's locale: which countries' newspapers write the way it does.

Currency, spelling, time formats and institutions say where a story was written, which decides
between namesakes that nothing else in the article tells apart ("London" priced in dollars with
"councillors" is London, Ontario). The cues are facts of usage in daemon/data/locale_cues.toml.
They lean the choice of a meaning, and they name the paper's home country: what local news that names
no place at all is about (an arrest reported in Japanese, a Brazilian ward's report). Most cues are
word-set lookups, so reading them costs a fraction of a millisecond per article.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CUES_FILE = Path(__file__).parent / "data" / "locale_cues.toml"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Cue:
    countries: tuple[str, ...]
    words: frozenset[str]            # lower-case
    exact_words: frozenset[str]
    phrases: tuple[str, ...]         # lower-case
    pattern: re.Pattern[str] | None
    votes: int = 1                   # a script written in one country only is worth two cues

    def found(self, text: str, lowered: str, words: set[str], lowered_words: set[str]) -> bool:
        return (not self.words.isdisjoint(lowered_words) or not self.exact_words.isdisjoint(words)
                or any(phrase in lowered for phrase in self.phrases)
                or self.pattern is not None and self.pattern.search(text) is not None)


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[_Cue, ...]:
    with CUES_FILE.open("rb") as handle:
        spec = tomllib.load(handle)
    return tuple(_Cue(tuple(cue["countries"]), frozenset(w.lower() for w in cue.get("words", ())),
                      frozenset(cue.get("exact_words", ())), tuple(p.lower() for p in cue.get("phrases", ())),
                      re.compile(cue["pattern"]) if "pattern" in cue else None, cue.get("votes", 1))
                 for cue in spec["cue"])


def locale_votes(text: str, words: Iterable[str] | None = None) -> dict[str, int]:
    """Per country, how many kinds of cue in the text point to it (each kind counts once).

    words are the text's word tokens when the caller has them already.
    """
    found = set(words if words is not None else _WORD.findall(text))
    lowered_words = {w.lower() for w in found}
    lowered = text.lower()
    votes: dict[str, int] = {}
    for cue in _cues():
        if cue.found(text, lowered, found, lowered_words):
            for code in cue.countries:
                votes[code] = votes.get(code, 0) + cue.votes
    return votes


def leading_locale(votes: dict[str, int], margin: int = 1) -> str | None:
    """The one country the cues favour by at least margin votes over every other, if any."""
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if not ranked or len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return None
    return ranked[0][0]
