"""Region tagging: which places an article mentions, which few it is about, and what contains them.

tag() reads only the clean title and text it is given. Names are found in one pass over the word
tokens (longest name first, by hash lookup of token n-grams in the gazetteer's index), then
disambiguated with the article's other places, how it is written (place_locale) and the feed's
hints as evidence, then weighed by position (title, dateline, lead), place prepositions, frequency
and the article's length to mark the focus. Finding lives in place_matching, meaning in
place_resolution and name_usage; this module sums and rolls up.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from daemon.gazetteer import Gazetteer
from daemon.pair_scores import PairScores, score_pairs
from daemon.place_locale import leading_locale, locale_votes
from daemon.place_matching import Text, find_names
from daemon.place_resolution import Mention, resolve_mentions
from storage.records import RegionTag

__all__ = ["PairScores", "analyse", "focus_countries", "mentioned_countries", "score_pairs", "tag"]

MAX_CHARS = 200_000          # very long texts: tag the first 200k characters (capped work)
FOCUS_SHARE = 0.6            # a focus country weighs at least this share of the top country ...
DATELINE_SHARE = 0.3         # ... or this share when the dateline names it: the reporter stands there
TITLE_SHARE = 0.4            # ... or this share when the title names it as a place or acting
FOCUS_MIN = 2.0              # ... and at least this much (one plain body mention is 1.0)
FOCUS_DENSITY = 0.115        # ... and this much per square root of the article's words: two passing
                             # mentions of a market in a long product review are no focus
MAX_FOCUS = 4
PAIR_JOINERS = ("-", "–", "/")   # "Niger-Mali", "Niger–Mali", "Niger/Mali"
HOME_VOTES = 2               # locale cues this strong make a country the paper's home ...
HOME_WEIGHT = 1.5            # ... whose mentions then weigh this much more toward focus
DEMONYM_ONLY_MIN = 2         # a country only ever named by its adjective needs this many of them
DEMONYM_CAP = 1.0            # adjectives ("French troops") add at most this much to a country
ACTOR_ONLY_SHARE = 0.6       # a country never named as a place counts this share toward focus
FOCUS_MIN_PLACED = 2         # outside the title and dateline, a focus is named as a place this often
HEADLINE_KINDS = ("custom", "subregion")   # regions whose title mention carries to their members
CIVIC_MIN = 3                # distinct words of public life that make an article local news ...
CIVIC_SOLE_COUNT = 1         # ... where one place mention of the only country named is enough
SOLE_MIN_COUNT = 3           # mentions that make the only country named a focus below FOCUS_MIN
SOLE_UNPLACED_COUNT = 4      # ... or, when none of them names it as a place, this many
ROUNDUP_COUNTRIES = 12       # an article naming this many countries ...
ROUNDUP_SHARE = 0.2          # ... none of which holds this share of their weight is a roundup: no focus
BRIEF_WORDS = 100            # an item this short (a headline with a feed summary) is about what its headline names


def tag(title: str, text: str, gazetteer: Gazetteer, hints: Sequence[str] = ()) -> tuple[RegionTag, ...]:
    """Region tags for a clean article: cities, countries, and the regions containing them.

    hints are the feed's region ids: evidence for disambiguation, never tags by themselves.
    """
    return analyse(title, text, gazetteer, hints)[1]


def analyse(title: str, text: str, gazetteer: Gazetteer,
            hints: Sequence[str] = ()) -> tuple[list[tuple[str, Mention]], tuple[RegionTag, ...]]:
    """tag()'s tags with the mentions behind them, each with its words in the text (for explaining)."""
    title, text = (title or "")[:1000], (text or "")[:MAX_CHARS]
    if not (title.strip() or text.strip()):
        return [], ()
    prepared = Text(title, text)
    votes = locale_votes(prepared.doc, prepared.words)
    mentions = resolve_mentions(prepared, find_names(prepared, gazetteer), gazetteer, hints, votes)
    home = leading_locale(votes) if max(votes.values(), default=0) >= HOME_VOTES else None
    amb = gazetteer.ambiguity
    civic = (len(amb.civic_words.intersection(map(str.lower, prepared.words)))
             + sum(phrase in prepared.doc for phrase in amb.civic_phrases)) >= CIVIC_MIN
    datelined = frozenset(m.country for m in mentions if m.country and prepared.in_dateline(m.span[0]))
    # The headline is the writer's own word on what the story is about: a country it names as a
    # place or acting ("Bénin-Niger :", "مبعوث أمريكي في نيامي") needs a smaller share of the top.
    titled = frozenset(m.country for m in mentions if m.country and m.span[0] < prepared.title_end
                       and (m.kind != "demonym" or m.acting) and not m.incidental)
    # Two countries joined by a hyphen ("the Niger-Mali border", "Bénin-Niger :") are named as a pair:
    # the story is about both, so each needs only the headline's share of the top.
    paired = frozenset(c for a, b in zip(mentions, mentions[1:]) if a.country and b.country and a.country != b.country
                       and prepared.doc[a.span[1]:b.span[0]] in PAIR_JOINERS for c in (a.country, b.country))
    tags = _tags(mentions, gazetteer, home, len(prepared.words), civic, datelined, titled | paired)
    return [(prepared.doc[m.span[0]:m.span[1]], m) for m in mentions], tags


def _tags(mentions: list[Mention], gazetteer: Gazetteer, home: str | None = None,
          words: int = 0, civic: bool = False, datelined: frozenset[str] = frozenset(),
          titled: frozenset[str] = frozenset()) -> tuple[RegionTag, ...]:
    """Sum mentions per region, pick the focus countries, and roll countries up to their regions."""
    score: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    adjectives: dict[str, float] = defaultdict(float)
    prominent: set[str] = set()
    located: dict[str, int] = defaultdict(int)
    incidental: dict[str, int] = defaultdict(int)
    postings: dict[str, int] = defaultdict(int)
    evidence: dict[str, float] = defaultdict(float)     # weight toward focus: affiliations left out
    city_country: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "demonym":
            weight = min(mention.weight, DEMONYM_CAP - adjectives[mention.target])
            adjectives[mention.target] += weight
            mention = replace(mention, weight=weight)
        if mention.located and mention.country:
            located[mention.country] += 1
        if mention.posting and mention.country:
            postings[mention.country] += 1
        if mention.incidental and mention.country:
            incidental[mention.country] += 1
        elif mention.country:
            evidence[mention.country] += mention.weight
        ids = [mention.target]
        if mention.kind == "city" and mention.country:
            city_country[mention.target] = mention.country
            ids.append(mention.country)
        for region_id in ids:
            score[region_id] += mention.weight
            count[region_id] += 1
            if mention.prominent:
                prominent.add(region_id)
    named = {m.country for m in mentions if m.kind != "demonym" or m.acting}
    countries = [r for r in score if len(r) == 2 and r.isupper()
                 and (r in named or r in prominent or count[r] >= DEMONYM_ONLY_MIN)]
    evident = {c: count[c] - incidental.get(c, 0) for c in countries}
    rivals = [c for c in countries if evident[c] > postings.get(c, 0)]
    floor = max(FOCUS_MIN, FOCUS_DENSITY * math.sqrt(words))
    headlined = _headlined(countries, prominent, located, gazetteer)
    grouped = _grouped(countries, prominent, gazetteer)
    focus = _focus_countries(countries, evidence, evident, prominent | headlined, located, home, floor,
                             CIVIC_SOLE_COUNT if civic else SOLE_MIN_COUNT, datelined, titled,
                             brief=words <= BRIEF_WORDS, grouped=grouped, rivals=rivals)
    if _roundup(countries, score):
        focus = set()
    if not countries and home and civic:   # no country named: the local news of the paper's own country
        countries, focus = [home], {home}
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


def _roundup(countries: list[str], score: dict[str, float]) -> bool:
    """A table of every team still in a qualifying race, a digest of the world's news: many
    countries, none standing out. Such a page is about none of them in particular, even the one its
    title picks from the table ("as Wales punches ticket")."""
    if len(countries) < ROUNDUP_COUNTRIES:
        return False
    weights = [score[c] for c in countries]
    return max(weights) < ROUNDUP_SHARE * sum(weights)


def _headlined(countries: list[str], prominent: set[str], located: dict[str, int],
               gazetteer: Gazetteer) -> set[str]:
    """Countries named as places inside a region the title names ("Fishermen return to Lake Chad
    islands" ... "officials in Chad"): the headline carries to them, a second mention is not needed."""
    regions = {r for r in prominent if (region := gazetteer.region(r)) is not None and region.kind in HEADLINE_KINDS}
    return {c for c in countries if located.get(c) and regions.intersection(gazetteer.containing(c))}


def _grouped(countries: list[str], prominent: set[str], gazetteer: Gazetteer) -> set[str]:
    """The members of a group the title names ("ECOWAS gives the Alliance of Sahel States more time")
    when the text names every one of them: the story is about each member alike."""
    groups = [gazetteer.members(r) for r in prominent
              if (region := gazetteer.region(r)) is not None and region.kind in HEADLINE_KINDS]
    return {c for members in groups if members and members <= set(countries) for c in members}


def _focus_countries(countries: list[str], score: dict[str, float], count: dict[str, int],
                     prominent: set[str], located: dict[str, int], home: str | None,
                     floor: float = FOCUS_MIN, sole_count: int = SOLE_MIN_COUNT,
                     datelined: frozenset[str] = frozenset(),
                     titled: frozenset[str] = frozenset(), brief: bool = False,
                     grouped: set[str] = frozenset(), rivals: list[str] | None = None) -> set[str]:
    """The few countries the article is about: heavy enough, near the top, not one stray mention.

    home is the paper's own country by its locale cues: where its stories happen unless they say
    otherwise, its institutions acting without the country being named ("the Senate"). Its
    mentions weigh more, without raising the bar for the others. A datelined country ("NEW DELHI:")
    is where the story was reported: it stays a focus beside a heavier country the story is about
    ("deportees return home from the US"). A country the title names as a place or acting
    (titled) is the writer's own word on what the story is about: it too needs a smaller share. In a
    brief (a headline with a line of summary, a flash, a page we could not fetch) the headline is
    most of the story: a country it names is a focus without the weight a long article would give it.
    A group the title names whose members the text names one by one (grouped) is about each of them.
    """
    if not countries:
        return set()
    weight = {c: score[c] * (1.0 if located.get(c) or c == home else ACTOR_ONLY_SHARE) for c in countries}
    top = max(weight.values())
    if home in weight:
        weight[home] *= HOME_WEIGHT
    # A country the article names several times, once as a place, and no other country beside it is
    # what the article is about even when every mention is light (a parliament's day in brief).
    # The same holds, with more mentions asked, when it is never placed: a show "of Korea" with
    # "Korean" dances throughout. Countries named only as an institution's home or a diplomat's
    # posting are no rivals: "the former US ambassador to Ukraine" in a story of US politics.
    rivals = countries if rivals is None else rivals
    only = rivals[0] if rivals else countries[0]
    sole = len(rivals) == 1 and (count[only] >= sole_count and bool(located.get(only))
                                 or count[only] >= SOLE_UNPLACED_COUNT)
    share = {c: DATELINE_SHARE if c in datelined else TITLE_SHARE if c in titled else FOCUS_SHARE for c in countries}
    alone = {only} if sole else set()
    chosen = [c for c in countries
              if c in grouped
              or ((weight[c] >= floor or c in alone or (brief and c in titled)) and weight[c] >= share[c] * top
                  and (count[c] >= 2 or c in prominent or c in alone)
                  and (c in alone or c in prominent or c == home or located.get(c, 0) >= FOCUS_MIN_PLACED))]
    chosen.sort(key=lambda c: -weight[c])
    return set(chosen[:MAX_FOCUS])


def mentioned_countries(tags: Iterable[RegionTag]) -> set[str]:
    """ISO codes of every country tagged (mentioned or focus)."""
    return {t.region_id for t in tags if t.kind == "country"}


def focus_countries(tags: Iterable[RegionTag]) -> set[str]:
    """ISO codes of the countries an article is mainly about."""
    return {t.region_id for t in tags if t.kind == "country" and t.focus}
