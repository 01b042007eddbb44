"""Region tagging: which places an article mentions, which few it is about, and what contains them.

tag() reads only the clean title and text it is given. Names are found in one pass over the word
tokens (longest name first, by hash lookup of token n-grams in the gazetteer's index), then
disambiguated with the article's other places and the feed's hints as evidence, then weighed by
position (title, dateline, lead), place prepositions and frequency to mark the focus.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from daemon.gazetteer import Gazetteer, NameEntry, letters_only, name_key, normalize_token
from storage.records import RegionTag

MAX_CHARS = 200_000          # very long texts: tag the first 200k characters (capped work)
LEAD_CHARS = 400             # the lead: where the story usually says where it happens
BIG_CITY = 300_000           # a city this large may stand alone, without other evidence
ANCHOR_CITY = 1_000_000      # a city this large is evidence for its country when resolving others
UNIQUE_CITY = 100_000        # a city whose name exists in one country only may stand alone from here
FOCUS_SHARE = 0.6            # a focus country weighs at least this share of the top country
FOCUS_MIN = 2.0              # ... and at least this much (one plain body mention is 1.0)
MAX_FOCUS = 4

# A country named as an actor ("France said") weighs less than a place where things happen: a
# mention after a place preposition weighs LOCATIVE_WEIGHT, cities weigh as places by nature.
KIND_WEIGHT = {"country": 0.6, "alias": 0.6, "abbreviation": 0.6, "city": 1.0, "subdivision": 0.8,
               "county": 0.6, "demonym": 0.25, "government": 0.6, "region": 1.0}
LOCATIVE_WEIGHT = 1.5
TITLE_WEIGHT = 2.0           # a mention in the title or dateline counts this many times
LEAD_WEIGHT = 1.5            # ... in the lead
DEMONYM_ONLY_MIN = 2         # a country only ever named by its adjective needs this many of them
DEMONYM_CAP = 1.0            # adjectives ("French troops") add at most this much to a country
ACTOR_ONLY_SHARE = 0.6       # a country never named as a place counts this share toward focus
COHERENCE_WEIGHT = 2.0       # per name elsewhere in the article that points to the same country
COHERENCE_CAP = 3.0
COHERENT_SUPPORT = 1.0       # a weak city is taken when other names point this much to its country
DOMINANT = 2.0               # other names this strongly for one country outweigh a lone namesake
NON_CITY_SIZE = 1_000_000    # a country, state or adjective votes like a city of this size
STRONG_KINDS = frozenset({"country", "alias", "abbreviation", "subdivision", "county", "government"})
_TOKEN = re.compile(r"\w+")
_DATELINE = re.compile(r"^\s*([^\n]{2,80}?)\s*(?:\([^)\n]{1,40}\)\s*)?(?:—|–|--|-|:)\s", re.UNICODE)


@dataclass(frozen=True, slots=True)
class _Match:
    """A name found in the text: token span, character span and its possible meanings."""

    first: int
    last: int
    start: int
    end: int
    entries: tuple[NameEntry, ...]


@dataclass(frozen=True, slots=True)
class _Mention:
    """A resolved place mention with the weight it adds to its region."""

    target: str
    country: str | None
    kind: str
    weight: float
    prominent: bool        # in the title or dateline
    located: bool          # named as where something happens (place preposition, city, dateline)


class _Text:
    """The tokens of title + text with what the rules ask about them."""

    def __init__(self, title: str, text: str) -> None:
        self.doc = f"{title}\n\n{text}" if title else text
        self.title_end = len(title) if title else 0
        body_start = len(self.doc) - len(text)
        self.lead_end = body_start + LEAD_CHARS
        self.body_start = body_start
        self.dateline_end = body_start + _dateline_length(text)
        found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(self.doc)]
        self.starts = [f[0] for f in found]
        self.ends = [f[1] for f in found]
        self.words = [f[2] for f in found]
        letters = [ch for ch in self.doc if ch.isalpha()]
        lower = sum(1 for ch in letters if ch.islower())
        self.all_caps = bool(letters) and lower < 0.1 * len(letters)

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
        return self.body_start <= start < self.dateline_end


def _dateline_length(text: str) -> int:
    """Length of an opening dateline ("ABIDJAN, Ivory Coast —", "NEW DELHI:"), else 0."""
    match = _DATELINE.match(text)
    if not match or not match.group(1)[:1].isupper():
        return 0
    head = match.group(1)
    first_word = head.split(",")[0]
    if not (first_word.isupper() or "," in head) or len(head.split()) > 6:
        return 0
    return match.end()


def _find(text: _Text, gazetteer: Gazetteer) -> list[_Match]:
    """Every name in one left-to-right pass; at each capitalised token the longest name wins."""
    index, words, n = gazetteer.index, text.words, len(text.words)
    norms = [normalize_token(w) for w in words]
    matches: list[_Match] = []
    i = 0
    while i < n:
        if not text.capitalised(i):
            i += 1
            continue
        run = 1
        while run < 6 and i + run < n and text.joined(i + run - 1):
            run += 1
        for size in range(run, 0, -1):
            last = i + size - 1
            if not text.capitalised(last):
                continue
            entries = index.get(" ".join(norms[i:last + 1]) if size > 1 else norms[i])
            if entries:
                entries = _usable(entries, text, i, last)
            if entries:
                matches.append(_Match(i, last, text.starts[i], text.ends[last], entries))
                i = last
                break
        i += 1
    return matches


def _usable(entries: tuple[NameEntry, ...], text: _Text, first: int, last: int) -> tuple[NameEntry, ...]:
    """Drop meanings whose surface rules fail (abbreviation case, comma-only state abbreviations)."""
    surface = None
    kept = []
    for entry in entries:
        if entry.exact:
            surface = surface or letters_only(text.doc[text.starts[first]:text.ends[last]])
            if surface != entry.exact and not (text.all_caps and surface.upper() == entry.exact.upper()):
                continue
        if entry.after_comma and text.doc[:text.starts[first]].rstrip()[-1:] != ",":
            continue
        kept.append(entry)
    return tuple(kept)


def _word(text: _Text, i: int) -> str:
    return text.words[i] if 0 <= i < len(text.words) else ""


def _is_person(text: _Text, match: _Match, matched: set[int], gazetteer: Gazetteer) -> bool:
    """A name used as a person's ("Chad Smith", "Michael Jordan", "Mr. Paris", "Jackson said")."""
    amb = gazetteer.ambiguity
    surface = text.doc[match.start:match.end]
    is_city = all(e.kind == "city" for e in match.entries)
    is_demonym = all(e.kind == "demonym" for e in match.entries)
    if surface not in amb.person_names and not is_city and not is_demonym:
        return False
    one_word = match.first == match.last
    before, after = match.first - 1, match.last + 1
    prev_word, next_word = _word(text, before), _word(text, after)
    if prev_word in amb.person_titles and before >= 0 and text.ends[before] + 2 >= match.start:
        return True
    if text.all_caps:
        return False
    if (before >= 0 and text.spaced(before) and text.capitalised(before) and before not in matched
            and prev_word not in amb.function_words and prev_word not in amb.locatives):
        return True
    if ((surface in amb.person_names or one_word and is_city) and after < len(text.words)
            and text.spaced(match.last) and text.capitalised(after) and after not in matched
            and next_word not in amb.function_words and next_word not in amb.place_followers):
        return True
    return next_word in amb.speech_verbs and surface not in amb.governments


def _is_feature(text: _Text, match: _Match, gazetteer: Gazetteer) -> bool:
    """A country's name used for a river, lake or basin ("the Niger River", "Lake Chad")."""
    amb = gazetteer.ambiguity
    next_word, prev_word = _word(text, match.last + 1), _word(text, match.first - 1)
    return ((next_word in amb.feature_words and match.last + 1 < len(text.words) and text.spaced(match.last))
            or (prev_word in amb.feature_words_before and match.first > 0 and text.spaced(match.first - 1)))


def _is_locative(text: _Text, first: int, gazetteer: Gazetteer) -> bool:
    """Whether a place preposition precedes the name ("in Mali", "in central Mali", "across the")."""
    amb = gazetteer.ambiguity
    i = first - 1
    if i >= 0 and text.doc[text.ends[i]:text.starts[first]] in ("-", "–", "—") and text.capitalised(i):
        i -= 1                                  # "across the Niger-Mali border": both are places
    for _ in range(3):
        word = _word(text, i)
        if word in amb.locatives:
            return True
        if word not in amb.locative_fillers:
            return False
        i -= 1
    return False


def _city_prior(population: int) -> float:
    return 1.0 + 0.5 * min(max(math.log10(max(population, 1)) - 4.0, 0.0), 3.0)


def _prior(entry: NameEntry) -> float:
    if entry.kind == "city":
        return _city_prior(entry.population)
    return {"country": 3.0, "alias": 3.0, "abbreviation": 3.0, "subdivision": 2.0,
            "county": 2.0, "demonym": 1.0}.get(entry.kind, 0.5)


def _qualifier(text: _Text, match: _Match, following: _Match | None) -> _Match | None:
    """The "Paris, Texas" / "Lebanon, Pa." match right after this one, if any."""
    if following is None:
        return None
    gap = text.doc[match.end:following.start]
    return following if gap.strip() == "," else None


def _choose(match: _Match, candidates: Sequence[NameEntry], anchors: dict[str, float],
            support: set[str], qualifier: _Match | None, others: dict[str, float]) -> tuple[NameEntry, bool]:
    """The most likely meaning of an ambiguous name, and whether a qualifier confirmed it."""
    def score(entry: NameEntry) -> tuple[float, int]:
        value = _prior(entry)
        if entry.country in anchors:
            value += 3.0
        elif entry.country in support:
            value += 1.5
        value += COHERENCE_WEIGHT * min(others.get(entry.country, 0.0), COHERENCE_CAP)
        confirmed = qualifier is not None and any(
            q.country == entry.country and (not q.admin1 or not entry.admin1 or q.admin1 == entry.admin1)
            for q in qualifier.entries)
        return (value + (6.0 if confirmed else 0.0), entry.population)

    best = max(candidates, key=score)
    return best, score(best)[0] >= _prior(best) + 6.0


def _resolve(text: _Text, matches: list[_Match], gazetteer: Gazetteer,
             hints: Sequence[str]) -> list[_Mention]:
    """Meanings for every match, using the article's unambiguous places and the hints as evidence."""
    amb = gazetteer.ambiguity
    matched = {i for m in matches for i in range(m.first, m.last + 1)}
    kept: list[_Match] = []
    for match in matches:
        if any(e.kind == "none" for e in match.entries):
            continue
        entries = match.entries
        surface = text.doc[match.start:match.end]
        if surface in amb.never_cities:
            entries = tuple(e for e in entries if e.kind != "city")
        if _word(text, match.last + 1) in amb.street_words and text.spaced(match.last):
            entries = tuple(e for e in entries if e.kind == "region")
        if entries and _is_feature(text, match, gazetteer):
            entries = tuple(e for e in entries if e.kind not in ("country", "alias"))
        if entries and _is_person(text, match, matched, gazetteer):
            entries = ()
        if entries:
            kept.append(_Match(match.first, match.last, match.start, match.end, entries))

    anchors: dict[str, float] = defaultdict(float)
    unique_names: dict[str, set[str]] = defaultdict(set)
    for match in kept:
        countries = {e.country for e in match.entries if e.country}
        surface = text.doc[match.start:match.end]
        if (len(countries) == 1 and all(e.kind == "city" for e in match.entries)
                and surface not in amb.weak_city_names):
            unique_names[next(iter(countries))].add(normalize_token(surface))
        strong = [e for e in match.entries if e.kind in STRONG_KINDS or
                  e.kind == "city" and e.population >= ANCHOR_CITY and surface not in amb.weak_city_names]
        if len(countries) == 1 and strong:
            anchors[next(iter(countries))] += 1.0
    hinted = _hinted_countries(hints, gazetteer)
    support = set(hinted) | set(unique_names) | {n for c in anchors for n in gazetteer.neighbours.get(c, ())}
    evidence = dict(anchors)
    for code in hinted:
        evidence.setdefault(code, 0.5)

    shares = {}
    for match in kept:
        shares.setdefault(name_key(text.doc[match.start:match.end]), _country_shares(match.entries))
    coherence: dict[str, float] = defaultdict(float)
    for split in shares.values():
        for code, share in split.items():
            coherence[code] += share
    mentions: list[_Mention] = []
    for position, match in enumerate(kept):
        following = kept[position + 1] if position + 1 < len(kept) else None
        own = shares[name_key(text.doc[match.start:match.end])]
        others = {code: total - own.get(code, 0.0) for code, total in coherence.items()}
        mention = _mention(text, match, _qualifier(text, match, following), evidence, support,
                           unique_names, gazetteer, others)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _outweighed(country: str | None, others: dict[str, float]) -> bool:
    """Whether the article's other names point elsewhere and never to this country."""
    return others.get(country or "", 0.0) < COHERENT_SUPPORT / 2 and max(others.values(), default=0.0) >= DOMINANT


def _country_shares(entries: Sequence[NameEntry]) -> dict[str, float]:
    """How one name's vote for the article's country splits between the countries it may name."""
    weight: dict[str, float] = {}
    for entry in entries:
        if entry.country:
            size = entry.population if entry.kind == "city" else NON_CITY_SIZE
            weight[entry.country] = max(weight.get(entry.country, 0.0), float(max(size, 1)))
    total = sum(weight.values())
    return {code: value / total for code, value in weight.items()}


def _hinted_countries(hints: Iterable[str], gazetteer: Gazetteer) -> set[str]:
    countries: set[str] = set()
    for hint in hints:
        region = gazetteer.region(hint)
        if region is None:
            continue
        if region.kind == "country":
            countries.add(region.id)
        elif region.kind == "city" and region.parent_id:
            countries.add(region.parent_id)
        else:
            countries.update(gazetteer.members(region.id))
    return countries


def _mention(text: _Text, match: _Match, qualifier: _Match | None, evidence: dict[str, float],
             support: set[str], unique_names: dict[str, set[str]], gazetteer: Gazetteer,
             others: dict[str, float]) -> _Mention | None:
    """One match -> one weighted mention, or None when the evidence does not carry a weak city."""
    amb = gazetteer.ambiguity
    surface = text.doc[match.start:match.end]
    prominent = match.start < text.title_end or text.in_dateline(match.start)
    regions = [e for e in match.entries if e.kind == "region"]
    if regions:
        entry, confirmed = regions[0], False
    else:
        entry, confirmed = _choose(match, match.entries, evidence, support, qualifier, others)
    kind = entry.kind
    if kind == "subdivision" and surface in amb.weak_subdivision_names and not confirmed \
            and others.get(entry.country, 0.0) < COHERENT_SUPPORT:
        return None
    if (kind in ("country", "alias") and surface in amb.namesake_countries and _outweighed(entry.country, others)
            and not _is_locative(text, match.first, gazetteer)):
        return None
    if kind == "city":
        own = normalize_token(surface)
        unique = own in unique_names.get(entry.country, ())
        supported = (entry.country in evidence or confirmed or text.in_dateline(match.start)
                     or len(unique_names.get(entry.country, set()) - {own}) >= 1
                     or others.get(entry.country, 0.0) >= COHERENT_SUPPORT
                     or unique and entry.population >= UNIQUE_CITY
                     or entry.population >= BIG_CITY and surface not in amb.weak_city_names)
        if not supported:
            return None
        next_word = _word(text, match.last + 1)
        possessive = text.doc[match.end:match.end + 2] in ("'s", "’s")
        if surface in amb.governments and (next_word in amb.speech_verbs or possessive):
            kind = "government"
    located = kind in ("city", "subdivision", "county") or text.in_dateline(match.start)
    weight = KIND_WEIGHT[kind]
    if kind not in ("demonym", "government") and _is_locative(text, match.first, gazetteer):
        weight, located = max(weight, LOCATIVE_WEIGHT), True
    if match.start < text.title_end or text.in_dateline(match.start):
        weight *= TITLE_WEIGHT
    elif match.start < text.lead_end:
        weight *= LEAD_WEIGHT
    target = entry.country if kind == "government" else entry.target
    return _Mention(target, entry.country, kind, weight, prominent, located)


def tag(title: str, text: str, gazetteer: Gazetteer, hints: Sequence[str] = ()) -> tuple[RegionTag, ...]:
    """Region tags for a clean article: cities, countries, and the regions containing them.

    hints are the feed's region ids: evidence for disambiguation, never tags by themselves.
    """
    title, text = (title or "")[:1000], (text or "")[:MAX_CHARS]
    if not (title.strip() or text.strip()):
        return ()
    prepared = _Text(title, text)
    mentions = _resolve(prepared, _find(prepared, gazetteer), gazetteer, hints)
    return _tags(mentions, gazetteer)


def _tags(mentions: list[_Mention], gazetteer: Gazetteer) -> tuple[RegionTag, ...]:
    """Sum mentions per region, pick the focus countries, and roll countries up to their regions."""
    score: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    adjectives: dict[str, float] = defaultdict(float)
    prominent: set[str] = set()
    located: set[str] = set()
    city_country: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "demonym":
            weight = min(mention.weight, DEMONYM_CAP - adjectives[mention.target])
            adjectives[mention.target] += weight
            mention = _Mention(mention.target, mention.country, mention.kind, weight,
                               mention.prominent, mention.located)
        if mention.located and mention.country:
            located.add(mention.country)
        ids = [mention.target]
        if mention.kind == "city" and mention.country:
            city_country[mention.target] = mention.country
            ids.append(mention.country)
        for region_id in ids:
            score[region_id] += mention.weight
            count[region_id] += 1
            if mention.prominent:
                prominent.add(region_id)
    named = {m.country for m in mentions if m.kind != "demonym"}
    countries = [r for r in score if len(r) == 2 and r.isupper()
                 and (r in named or r in prominent or count[r] >= DEMONYM_ONLY_MIN)]
    focus = _focus_countries(countries, score, count, prominent, located)
    direct = {r for r in score if r not in city_country and not _is_country_code(r)}
    rolled: dict[str, float] = defaultdict(float)
    rolled_count: dict[str, int] = defaultdict(int)
    rolled_focus: set[str] = set()
    for code in countries:
        for region_id in gazetteer.containing(code):
            rolled[region_id] += score[code]
            rolled_count[region_id] += count[code]
            if code in focus:
                rolled_focus.add(region_id)
    tags = []
    for code in countries:
        tags.append(RegionTag(code, "country", count[code], round(score[code], 3), code in focus))
    for city, code in city_country.items():
        is_focus = code in focus and score[city] >= FOCUS_SHARE * score[code]
        tags.append(RegionTag(city, "city", count[city], round(score[city], 3), is_focus))
    for region_id in direct | set(rolled):
        region = gazetteer.region(region_id)
        if region is None:
            continue
        total = score.get(region_id, 0.0) + rolled.get(region_id, 0.0)
        is_focus = region_id in rolled_focus or (not focus and region_id in prominent)
        tags.append(RegionTag(region_id, region.kind, count.get(region_id, 0) + rolled_count.get(region_id, 0),
                              round(total, 3), is_focus))
    return tuple(sorted(tags, key=lambda t: (-t.score, t.region_id)))


def _is_country_code(region_id: str) -> bool:
    return len(region_id) == 2 and region_id.isupper()


def _focus_countries(countries: list[str], score: dict[str, float], count: dict[str, int],
                     prominent: set[str], located: set[str]) -> set[str]:
    """The few countries the article is about: heavy enough, near the top, not one stray mention."""
    if not countries:
        return set()
    weight = {c: score[c] * (1.0 if c in located else ACTOR_ONLY_SHARE) for c in countries}
    top = max(weight.values())
    chosen = [c for c in countries
              if weight[c] >= FOCUS_MIN and weight[c] >= FOCUS_SHARE * top and (count[c] >= 2 or c in prominent)]
    chosen.sort(key=lambda c: -weight[c])
    return set(chosen[:MAX_FOCUS])


def mentioned_countries(tags: Iterable[RegionTag]) -> set[str]:
    """ISO codes of every country tagged (mentioned or focus)."""
    return {t.region_id for t in tags if t.kind == "country"}


def focus_countries(tags: Iterable[RegionTag]) -> set[str]:
    """ISO codes of the countries an article is mainly about."""
    return {t.region_id for t in tags if t.kind == "country" and t.focus}


@dataclass(frozen=True, slots=True)
class PairScores:
    """Precision, recall and F1 over (article, country) pairs, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def score_pairs(gold: dict[str, set[str]], predicted: dict[str, set[str]]) -> PairScores:
    """Micro-averaged scores over (article, country) pairs; articles missing from predicted count as empty."""
    tp = fp = fn = 0
    for article in gold.keys() | predicted.keys():
        expected, found = gold.get(article, set()), predicted.get(article, set())
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, tp, fp, fn)
