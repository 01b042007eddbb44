"""Finding place names in an article: tokens, title and dateline, and one pass of name lookups.

Names are found left to right over the word tokens; at each capitalised token the longest name in
the gazetteer's index wins (token n-grams looked up by hash), so "Guinea-Bissau" beats "Guinea".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from daemon.cjk_matching import cjk_names_in, has_cjk, longest_name
from daemon.gazetteer import Gazetteer
from daemon.name_index import NameEntry, letters_only, normalize_token

ALL_CAPS_SHARE = 0.9
ACRONYM_LETTERS = 4          # "NICE", "GAO": longer words in capitals are headlines, not acronyms
LEAD_CHARS = 400             # the lead: where the story usually says where it happens
MAX_NAME_TOKENS = 6
_TOKEN = re.compile(r"\w+")
_DATELINE = re.compile(r"^\s*([^\n]{2,80}?)\s*(?:\([^)\n]{1,40}\)\s*)?(?:—|–|--|-|:)\s", re.UNICODE)
# A byline and its date before the dateline: "BY JANE ROE Staff Reporter March 29, 2009 NEWARK --"
_BYLINE_DATE = re.compile(r"^[^\n]{0,150}?\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? "
                          r"\d{1,2}, (?:19|20)\d\d\s+")


@dataclass(frozen=True, slots=True)
class Match:
    """A name found in the text: token span, character span and its possible meanings."""

    first: int
    last: int
    start: int
    end: int
    entries: tuple[NameEntry, ...]


class Text:
    """The tokens of title + text with what the rules ask about them."""

    def __init__(self, title: str, text: str) -> None:
        self.doc = f"{title}\n\n{text}" if title else text
        self.title_end = len(title) if title else 0
        body_start = len(self.doc) - len(text)
        self.lead_end = body_start + LEAD_CHARS
        self.body_start = body_start
        self.dateline_start, self.dateline_end = (body_start + offset for offset in _dateline_span(text))
        found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(self.doc)]
        self.starts = [f[0] for f in found]
        self.ends = [f[1] for f in found]
        self.words = [f[2] for f in found]
        # all capitals when nine words in ten are (counted with builtins: cheap on long texts)
        worded = len(self.words) - sum(map(str.isdigit, self.words))
        self.all_caps = worded > 0 and sum(map(str.isupper, self.words)) >= ALL_CAPS_SHARE * worded

    @functools.cached_property
    def lowercase_words(self) -> frozenset[str]:
        """The words the text writes in lowercase: a capitalised one among them may be that word."""
        return frozenset(w for w in self.words if w.islower())

    @functools.cached_property
    def lowered_words(self) -> list[str]:
        """Each word lowercased once: a CJK run is one long word, so per-match lowering is quadratic."""
        return [w.lower() for w in self.words]

    @functools.cached_property
    def positions(self) -> dict[str, list[int]]:
        """Where each word stands: rules that look for a word elsewhere in the text stay linear."""
        where: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            where.setdefault(w, []).append(i)
        return where

    def char_before(self, pos: int, skip: str | None = None) -> str:
        """The character before pos once the characters in skip (whitespace when None) are passed;
        "" at the start. Scans back only over those, never copies the text before pos."""
        i = pos
        while i > 0 and (self.doc[i - 1].isspace() if skip is None else self.doc[i - 1] in skip):
            i -= 1
        return self.doc[i - 1] if i else ""

    def capitalised(self, i: int) -> bool:
        first = self.words[i][0]
        return first.isalpha() and not first.islower()

    def joined(self, i: int) -> bool:
        """Whether tokens i and i+1 may belong to one name (short gap, same line)."""
        gap = self.doc[self.ends[i]:self.starts[i + 1]]
        return len(gap) <= 2 and "\n" not in gap

    def spaced(self, i: int) -> bool:
        """Whether tokens i and i+1 are separated by exactly one space (a name continues)."""
        return self.starts[i + 1] - self.ends[i] == 1 and self.doc[self.ends[i]] == " "

    def in_dateline(self, start: int) -> bool:
        return self.dateline_start <= start < self.dateline_end


def _dateline_span(text: str) -> tuple[int, int]:
    """Where the opening dateline ("ABIDJAN, Ivory Coast —", "NEW DELHI:") stands, if any: at the
    start, or in capitals right after a dated byline. (0, 0) when there is none."""
    length = _dateline_length(text)
    if length:
        return 0, length
    byline = _BYLINE_DATE.match(text)
    if byline:
        length = _dateline_length(text[byline.end():], capitals_only=True)
        if length:
            return byline.end(), byline.end() + length
    return 0, 0


def _dateline_length(text: str, capitals_only: bool = False) -> int:
    """Length of a dateline at the start of text, else 0."""
    match = _DATELINE.match(text)
    if not match or not match.group(1)[:1].isupper():
        return 0
    head = match.group(1)
    first_word = head.split(",")[0]
    if not (first_word.isupper() or "," in head and not capitals_only) or len(head.split()) > 6:
        return 0
    return match.end()


def find_names(text: Text, gazetteer: Gazetteer) -> list[Match]:
    """Every name in one left-to-right pass; at each capitalised token the longest name wins.

    Lowercase tokens are read only when they are among the gazetteer's lowercase names (French
    adjectives of nationality).
    """
    index, first_words, words, n = gazetteer.index, gazetteer.first_words, text.words, len(text.words)
    norms: list[str | None] = [None] * n       # normalised lazily: most tokens never start a name
    lowercase = gazetteer.lowercase_names
    # CJK text has no capitals, and its tokens may open with digits or Latin letters ("13日尼日尔发生")
    capitals = [w[0].isupper() or w[0].isalpha() and not w[0].islower() or w in lowercase
                or not w.isascii() and has_cjk(w) for w in words]
    matches: list[Match] = []
    i = 0
    while i < n:
        if not capitals[i]:
            i += 1
            continue
        if has_cjk(words[i]):                     # unspaced Chinese or Japanese: names by substring
            matches.extend(_cjk_matches(text, gazetteer, i))
            i += 1
            continue
        if norms[i] is None:
            norms[i] = normalize_token(words[i])
        run = 1
        if norms[i] in first_words:               # only then can a longer name start here
            while run < MAX_NAME_TOKENS and i + run < n and text.joined(i + run - 1):
                run += 1
            for j in range(i + 1, i + run):
                if norms[j] is None:
                    norms[j] = normalize_token(words[j])
        for size in range(run, 0, -1):
            last = i + size - 1
            entries = index.get(" ".join(norms[i:last + 1]) if size > 1 else norms[i])  # type: ignore[arg-type]
            if (entries and not capitals[last] and words[last] not in gazetteer.lowercase_endings
                    and any(e.kind != "none" for e in entries)):
                continue                      # place names end capitalised; "Guinea pig" names nothing
            if entries:
                entries = _usable(entries, text, i, last, gazetteer)
            if entries:
                matches.append(Match(i, last, text.starts[i], text.ends[last], entries))
                i = last
                break
        i += 1
    return matches


def _cjk_matches(text: Text, gazetteer: Gazetteer, i: int) -> list[Match]:
    start = text.starts[i]
    return [Match(i, i, start + first, start + end, entries)
            for first, end, entries in cjk_names_in(text.words[i], gazetteer.index, longest_name())]


def _usable(entries: tuple[NameEntry, ...], text: Text, first: int, last: int,
            gazetteer: Gazetteer) -> tuple[NameEntry, ...]:
    """Drop meanings whose surface rules fail (abbreviation case, comma-only state abbreviations)."""
    surface = None
    kept = []
    for entry in entries:
        if entry.exact:
            surface = surface or letters_only(text.doc[text.starts[first]:text.ends[last]])
            if surface != entry.exact and not (text.all_caps and surface.upper() == entry.exact.upper()):
                continue
        if entry.kind == "city" and first == last and _acronym(text, first, entry, gazetteer):
            continue
        if entry.after_comma and text.char_before(text.starts[first]) != "," \
                and not _abbreviation_mid_sentence(text, last):
            continue
        kept.append(entry)
    return tuple(kept)


def _acronym(text: Text, i: int, entry: NameEntry, gazetteer: Gazetteer) -> bool:
    """ "EU", "UN", "GAO", "NICE" in ordinary text are organisations, not Eu (France), Un (India), Gao
    (Mali) or Nice.

    Only a town's own short name written in capitals is read so: "NYC" abbreviates a longer name. In
    mixed-case text a town written in capitals in the dateline or before a comma is a dateline
    ("GAO, Mali —", "ROME —").
    """
    word = letters_only(text.words[i])
    if (text.all_caps or len(word) > ACRONYM_LETTERS or not word.isupper() or text.in_dateline(text.starts[i])
            or text.doc[text.ends[i]:text.ends[i] + 1] == ","):
        return False
    region = gazetteer.region(entry.target)
    return region is not None and normalize_token(region.name) == word.lower()   # "Ūn" is "UN"


def _abbreviation_mid_sentence(text: Text, last: int) -> bool:
    """ "Fla. economist": a dotted abbreviation followed by a lowercase word cannot end a sentence."""
    after = text.doc[text.ends[last]:text.ends[last] + 3]
    return len(after) == 3 and after[:2] == ". " and after[2].islower()


def word(text: Text, i: int) -> str:
    return text.words[i] if 0 <= i < len(text.words) else ""
