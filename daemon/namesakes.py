"""Which namesake a name means, given what the whole article says about where it is.

place_resolution gathers the article's evidence (its unambiguous places, the countries its names
point to, the locale cues) into an ArticleEvidence; the rules here rank a name's meanings against it
("Paris" in a story that says "Texas"), and say when a town is carried at all: by its country's
evidence, a qualifier, a dateline, its size, or its size against its namesakes abroad.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from daemon.gazetteer import Ambiguity
from daemon.name_index import NameEntry, normalize_token
from daemon.name_usage import is_locative
from daemon.place_matching import Match, Text

BIG_CITY = 300_000           # a city this large may stand alone, without other evidence
ANCHOR_CITY = 1_000_000      # a city this large is evidence for its country when resolving others
COHERENT_SUPPORT = 1.0       # a weak city is taken when other names point this much to its country
UNIQUE_CITY = 100_000        # a city whose name exists in one country only may stand alone from here
PLACED_UNIQUE_CITY = 15_000  # ... or from here when a place preposition names it one ("attack near Kidal"),
DOMINANT_RATIO = 3.0         # ... as may a town this many times the size of its namesakes abroad ("in Gao")
COHERENCE_WEIGHT = 2.0       # per name elsewhere in the article that points to the same country
COHERENCE_CAP = 3.0
DOMINANT = 2.0               # other names this strongly for one country outweigh a lone namesake
NON_CITY_SIZE = 1_000_000    # a country, state or adjective votes like a city of this size
LOCALE_WEIGHT = 1.5          # per kind of locale cue ("$", "councillors") for a namesake in that country
LOCALE_CAP = 3
FOREIGN_MARGIN = 2           # cues this much stronger for the paper's home make a mid-size foreign city doubtful
WORLD_CITY_PENALTY = 4.0     # a small town against a namesake of a million people starts this far behind
COUNTRY_NAME_PENALTY = 20.0  # more than all the evidence a town can gather
QUALIFIED = 6.0              # "Paris, Texas": a qualifier naming the town's country or state
SUBDIVISION_PRIOR = 2.5      # a state or province outranks a namesake city under ~30,000 ("Ontario", California)


@dataclass(frozen=True, slots=True)
class ArticleEvidence:
    """What the whole article says about where it is, gathered before any ambiguous name is read."""

    evidence: dict[str, float]          # countries named unambiguously, hinted or cued
    support: set[str]                   # ... and their neighbours, and countries of unique city names
    unique_names: dict[str, set[str]]   # country -> names of cities that exist only there
    local_names: set[str]               # unique names repeated and once written as a place
    repeated: set[str]                  # names (normalised) the article uses more than once
    locale: dict[str, int]              # country -> kinds of locale cue pointing to it
    home: str | None                    # the country the locale cues favour clearly, if any
    # (country, admin1) -> the names in the article that may lie in that state or province
    states: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)


def _city_prior(population: int) -> float:
    return 1.0 + 1.0 * min(max(math.log10(max(population, 1)) - 4.0, 0.0), 3.0)


def _prior(entry: NameEntry) -> float:
    if entry.kind == "city":
        return _city_prior(entry.population)
    return {"country": 3.0, "alias": 3.0, "abbreviation": 3.0, "subdivision": SUBDIVISION_PRIOR,
            "county": 2.0, "demonym": 1.0, "government": 3.0}.get(entry.kind, 0.5)


def ranked(candidates: Sequence[NameEntry], article: ArticleEvidence, qualifier: Match | None,
           others: dict[str, float], namesake: bool = False, name: str = "") -> list[tuple[NameEntry, bool]]:
    """The meanings of an ambiguous name, most likely first, each with whether a qualifier confirmed it."""
    # "London" in an article that also says "British" is London, whatever else the article names
    world_city = any(e.kind == "city" and e.population >= ANCHOR_CITY and (
        e.country in article.evidence or others.get(e.country or "", 0.0) >= COHERENT_SUPPORT) for e in candidates)

    # "via Moscow and Paris": a city of millions outranks its small namesakes (Moscow, Idaho) unless
    # the article names the small one's state or another place that may lie in it ("crashed into a
    # tree in Berlin" beside Middletown and Hartford), or is the local news of the small one's country
    metropolis = any(e.kind == "city" and e.population >= ANCHOR_CITY for e in candidates)

    # a country's name means the country, except the few that are also common town names (namesake)
    a_country = not namesake and any(e.kind in ("country", "alias") for e in candidates)

    def confirmed(entry: NameEntry) -> bool:
        return qualifier is not None and any(
            q.country == entry.country and (not q.admin1 or not entry.admin1 or q.admin1 == entry.admin1)
            for q in qualifier.entries)

    def score(entry: NameEntry) -> tuple[float, int]:
        value = _prior(entry)
        if entry.country in article.evidence:
            value += 3.0
        elif entry.country in article.support:
            value += 1.5
        value += COHERENCE_WEIGHT * min(others.get(entry.country, 0.0), COHERENCE_CAP)
        value += LOCALE_WEIGHT * min(article.locale.get(entry.country or "", 0), LOCALE_CAP)
        small = entry.kind == "city" and entry.population < UNIQUE_CITY
        if small and world_city:
            value -= WORLD_CITY_PENALTY
        elif small and metropolis and not _local(entry, article, name):
            value -= COUNTRY_NAME_PENALTY
        if entry.kind == "city" and a_country and not confirmed(entry):
            value -= COUNTRY_NAME_PENALTY    # "Mexico" is the country, "Mexico, Mo." a town
        return (value + (QUALIFIED if confirmed(entry) else 0.0), entry.population)

    scored = sorted(((score(entry), entry) for entry in candidates), key=lambda pair: pair[0], reverse=True)
    return [(entry, confirmed(entry)) for _, entry in scored]


def outweighed(country: str | None, others: dict[str, float]) -> bool:
    """Whether the article's other names point elsewhere and never to this country."""
    return others.get(country or "", 0.0) < COHERENT_SUPPORT / 2 and max(others.values(), default=0.0) >= DOMINANT


def country_shares(entries: Sequence[NameEntry]) -> dict[str, float]:
    """How one name's vote for the article's country splits between the countries it may name."""
    weight: dict[str, float] = {}
    for entry in entries:
        if entry.country:
            size = entry.population if entry.kind == "city" else NON_CITY_SIZE
            weight[entry.country] = max(weight.get(entry.country, 0.0), float(max(size, 1)))
    total = sum(weight.values())
    return {code: value / total for code, value in weight.items()}


def city_supported(text: Text, match: Match, entry: NameEntry, confirmed: bool, article: ArticleEvidence,
                    others: dict[str, float], amb: Ambiguity) -> bool:
    """Whether the article carries this city: its country's evidence, a qualifier, a dateline, or its size."""
    surface = text.doc[match.start:match.end]
    own = normalize_token(surface)
    unique_names = article.unique_names
    unique = own in unique_names.get(entry.country, ())
    return (entry.country in article.evidence or confirmed or text.in_dateline(match.start)
            or len(unique_names.get(entry.country, set()) - {own}) >= 1
            or others.get(entry.country, 0.0) >= COHERENT_SUPPORT
            or unique and own in article.local_names
            or unique and entry.population >= UNIQUE_CITY and not _foreign_to_home(entry.country, article)
            or (unique or _dominant(match, entry)) and entry.population >= PLACED_UNIQUE_CITY
            and is_locative(text, match.first, amb)
            and not _foreign_to_home(entry.country, article)
            or entry.population >= BIG_CITY and surface not in amb.weak_city_names
            or entry.country == article.home and (own in article.repeated or match.first != match.last
                                                  or is_locative(text, match.first, amb)))


def _local(entry: NameEntry, article: ArticleEvidence, name: str) -> bool:
    """Whether the article reads as local to this town: another of its names may lie in the town's
    state or province, or the town's country is the paper's home."""
    return bool(article.states.get((entry.country or "", entry.admin1), frozenset()) - {name}) \
        or entry.country == article.home


def _dominant(match: Match, entry: NameEntry) -> bool:
    """A town whose namesakes abroad are all far smaller: Gao, Mali (133,000 people) beside Gao,
    Burkina Faso (26,000); Kayes, Mali beside Kayes, Congo. Named as a place, it is the big one."""
    abroad = sum(e.population for e in match.entries if e.country != entry.country)
    return all(e.kind == "city" for e in match.entries) and entry.population >= DOMINANT_RATIO * abroad


def _foreign_to_home(country: str | None, article: ArticleEvidence) -> bool:
    """Whether the locale cues clearly place the paper in another country than this one."""
    home = article.home
    return (home is not None and home != country
            and article.locale.get(home, 0) - article.locale.get(country or "", 0) >= FOREIGN_MARGIN)
