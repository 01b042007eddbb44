"""Finding place names in Chinese and Japanese text, which writes no spaces between words.

A run of CJK characters is one word token to the main matcher, so names are looked up here by
substring, left to right, longest first ("尼日利亚" before "尼日尔", "几内亚比绍" before "几内亚").
A katakana name inside a longer katakana word is no name ("マリ" in "マリオ"); for Han names, the
longer words that contain one are listed as not places in the data file, and win as longer matches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from daemon.cyrillic_cjk import names_data
from daemon.name_index import NameEntry, normalize_token

MIN_CHARS = 2                # one-character names (米, 露) are everyday words far too often
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_KATAKANA = re.compile("[\u30a0-\u30ff]")


def has_cjk(token: str) -> bool:
    """Whether a word token holds Chinese or Japanese characters (and so needs this matcher)."""
    return not token.isascii() and _CJK.search(token) is not None


@functools.lru_cache(maxsize=1)
def longest_name() -> int:
    """The most characters a CJK name in the data file has: the longest substring worth looking up."""
    data = names_data()
    names = [name for table in (*data["countries"].values(), *data["aliases"].values(), *data["subdivisions"].values())
             for values in table.values() for name in values]
    names.extend(name for table in data["cities"].values() for name in table)
    names.extend(data["skip"]["names"])
    return max((len(name) for name in names if has_cjk(name)), default=0)


def cjk_names_in(token: str, index: Mapping[str, tuple[NameEntry, ...]],
                 longest: int) -> list[tuple[int, int, tuple[NameEntry, ...]]]:
    """(start, end, entries) of every name in one token's runs of CJK characters, left to right, the
    longest at each place (Latin letters beside them are never part of a name: "Kindle書籍")."""
    found = []
    for run in _CJK_RUN.finditer(token):
        offset, chars = run.start(), run.group()
        norms = [normalize_token(ch) for ch in chars]
        i, n = 0, len(chars)
        while i < n:
            for size in range(min(longest, n - i), MIN_CHARS - 1, -1):
                entries = index.get("".join(norms[i:i + size]))
                if entries and _bounded(token, offset + i, offset + i + size):
                    found.append((offset + i, offset + i + size, entries))
                    i += size
                    break
            else:
                i += 1
    return found


def cjk_located(doc: str, start: int, end: int) -> bool:
    """Whether a CJK name at doc[start:end] is written as a place ("在尼日尔", "マリで")."""
    if not has_cjk(doc[start:end]):
        return False
    marks = names_data()["cjk"]
    return doc[start - 1:start] in marks["place_before"] or doc[end:end + 2].startswith(tuple(marks["place_after"]))


def _bounded(token: str, start: int, end: int) -> bool:
    """A katakana name stands alone: no katakana right before or after it."""
    if not _KATAKANA.match(token[start]) and not _KATAKANA.match(token[end - 1]):
        return True
    return not (start > 0 and _KATAKANA.match(token[start - 1]) or end < len(token) and _KATAKANA.match(token[end]))
