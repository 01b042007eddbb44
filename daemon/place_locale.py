"""The article's locale: which countries' newspapers write the way it does.

Currency, spelling, time formats and institutions say where a story was written, which decides
between namesakes that nothing else in the article tells apart ("London" priced in dollars with
"councillors" is London, Ontario). The cues are facts of usage in daemon/data/locale_cues.toml; they
lean the choice of a meaning and never tag a country by themselves.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

CUES_FILE = Path(__file__).parent / "data" / "locale_cues.toml"


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    with CUES_FILE.open("rb") as handle:
        spec = tomllib.load(handle)
    return tuple((re.compile(cue["pattern"]), tuple(cue["countries"])) for cue in spec["cue"])


def locale_votes(text: str) -> dict[str, int]:
    """Per country, how many kinds of cue in the text point to it (each kind counts once)."""
    votes: dict[str, int] = {}
    for pattern, countries in _cues():
        if pattern.search(text):
            for code in countries:
                votes[code] = votes.get(code, 0) + 1
    return votes


def leading_locale(votes: dict[str, int], margin: int = 1) -> str | None:
    """The one country the cues favour by at least margin votes over every other, if any."""
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if not ranked or len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return None
    return ranked[0][0]
