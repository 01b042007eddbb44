"""Deciding what each found name means: person or place, river or country, which namesake city.

Evidence is the article itself (its unambiguous places, the countries its other names point to,
"City, State" qualifiers, the dateline, how it is written: place_locale), the feed's region hints,
and how each name is used in its sentence (name_usage). Each resolved name becomes a weighted
mention (title, dateline, lead and place prepositions weigh more) for regions.tag().
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from daemon.cjk_matching import cjk_located
from daemon.gazetteer import Ambiguity, Gazetteer
from daemon.name_index import NameEntry, name_key, normalize_token
from daemon.name_usage import (after_first_name, is_affiliation, is_celestial, is_common_word, is_feature,
                               is_locative, is_named_water, is_person, is_work_title)
from daemon.place_locale import leading_locale
from daemon.place_matching import Match, Text, word

BIG_CITY = 300_000           # a city this large may stand alone, without other evidence
ANCHOR_CITY = 1_000_000      # a city this large is evidence for its country when resolving others
UNIQUE_CITY = 100_000        # a city whose name exists in one country only may stand alone from here
PLACED_UNIQUE_CITY = 15_000  # ... or from here when a place preposition names it one ("attack near Kidal"),
DOMINANT_RATIO = 3.0         # ... as may a town this many times the size of its namesakes abroad ("in Gao")
LOCAL_REPEATS = 2            # ... or at any size when named this often and once as a place ("in Ozark")
                             # or by a name of several words ("Grand Ledge"): the town a local story is about

# A country named as an actor ("France said") weighs less than a place where things happen: a
# mention after a place preposition weighs LOCATIVE_WEIGHT, cities weigh as places by nature.
KIND_WEIGHT = {"country": 0.6, "alias": 0.6, "abbreviation": 0.6, "city": 1.0, "subdivision": 0.8,
               "county": 0.6, "demonym": 0.25, "government": 0.6, "region": 1.0}
LOCATIVE_WEIGHT = 1.5
TITLE_WEIGHT = 2.0           # a mention in the title or dateline counts this many times
LEAD_WEIGHT = 1.5            # ... in the lead
COHERENCE_WEIGHT = 2.0       # per name elsewhere in the article that points to the same country
COHERENCE_CAP = 3.0
COHERENT_SUPPORT = 1.0       # a weak city is taken when other names point this much to its country
DOMINANT = 2.0               # other names this strongly for one country outweigh a lone namesake
NON_CITY_SIZE = 1_000_000    # a country, state or adjective votes like a city of this size
AFFILIATION_SHARE = 0.25     # a place named only as an institution's home weighs this share toward focus
LOCALE_WEIGHT = 1.5          # per kind of locale cue ("$", "councillors") for a namesake in that country
LOCALE_CAP = 3
FOREIGN_MARGIN = 2           # cues this much stronger for the paper's home make a mid-size foreign city doubtful
LOCALE_MARGIN = 1            # the locale is clear when one country leads the cues by this many
SMALL_TOWN = 30_000          # a town this small next to a capitalised word does not make that word a place
WORLD_CITY_PENALTY = 4.0     # a small town against a namesake of a million people starts this far behind
COUNTRY_NAME_PENALTY = 20.0  # more than all the evidence a town can gather
QUALIFIED = 6.0              # "Paris, Texas": a qualifier naming the town's country or state
LONE_WORD_VOTE = 0.75        # a one-word small-town name never used as a place votes this much for its country
SUBDIVISION_PRIOR = 2.5      # a state or province outranks a namesake city under ~30,000 ("Ontario", California)
PLAINLY_PLACES = ("in", "near", "outside")   # "in Vaughan" is the town even after "Andrew Vaughan"
COORDINATORS = frozenset({"and", "or", "et", "ou", "y", "e", "und", "و"})
STRONG_KINDS = frozenset({"country", "alias", "abbreviation", "subdivision", "county", "government"})


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the whole article says about where it is, gathered before any ambiguous name is read."""

    evidence: dict[str, float]          # countries named unambiguously, hinted or cued
    support: set[str]                   # ... and their neighbours, and countries of unique city names
    unique_names: dict[str, set[str]]   # country -> names of cities that exist only there
    local_names: set[str]               # unique names repeated and once written as a place
    repeated: set[str]                  # names (normalised) the article uses more than once
    locale: dict[str, int]              # country -> kinds of locale cue pointing to it
    home: str | None                    # the country the locale cues favour clearly, if any


@dataclass(frozen=True, slots=True)
class Mention:
    """A resolved place mention with the weight it adds to its region."""

    target: str
    country: str | None
    kind: str
    weight: float
    prominent: bool        # in the title or dateline
    located: bool          # named as where something happens (place preposition, city, dateline)
    incidental: bool = False   # an institution's home or a namesake person: no evidence for focus
    acting: bool = False       # an adjective naming the state or its people ("French troops")
    span: tuple[int, int] = (0, 0)   # where the name stands in title + "\n\n" + text


def _city_prior(population: int) -> float:
    return 1.0 + 1.0 * min(max(math.log10(max(population, 1)) - 4.0, 0.0), 3.0)


def _prior(entry: NameEntry) -> float:
    if entry.kind == "city":
        return _city_prior(entry.population)
    return {"country": 3.0, "alias": 3.0, "abbreviation": 3.0, "subdivision": SUBDIVISION_PRIOR,
            "county": 2.0, "demonym": 1.0, "government": 3.0}.get(entry.kind, 0.5)


def _qualifier(text: Text, match: Match, following: Match | None) -> Match | None:
    """The "Paris, Texas" / "Lebanon, Pa." match right after this one, if any."""
    if following is None:
        return None
    gap = text.doc[match.end:following.start]
    return following if gap.strip() == "," else None


def _ranked(candidates: Sequence[NameEntry], article: _Evidence, qualifier: Match | None,
            others: dict[str, float], namesake: bool = False) -> list[tuple[NameEntry, bool]]:
    """The meanings of an ambiguous name, most likely first, each with whether a qualifier confirmed it."""
    # "London" in an article that also says "British" is London, whatever else the article names
    world_city = any(e.kind == "city" and e.population >= ANCHOR_CITY and (
        e.country in article.evidence or others.get(e.country or "", 0.0) >= COHERENT_SUPPORT) for e in candidates)

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
        if entry.kind == "city" and world_city and entry.population < UNIQUE_CITY:
            value -= WORLD_CITY_PENALTY
        if entry.kind == "city" and a_country and not confirmed(entry):
            value -= COUNTRY_NAME_PENALTY    # "Mexico" is the country, "Mexico, Mo." a town
        return (value + (QUALIFIED if confirmed(entry) else 0.0), entry.population)

    scored = sorted(((score(entry), entry) for entry in candidates), key=lambda pair: pair[0], reverse=True)
    return [(entry, confirmed(entry)) for _, entry in scored]


def resolve_mentions(text: Text, matches: list[Match], gazetteer: Gazetteer, hints: Sequence[str],
                     votes: dict[str, int]) -> list[Mention]:
    """Meanings for every match, using the article's unambiguous places, the hints and the locale
    cues' votes (place_locale.locale_votes) as evidence."""
    amb = gazetteer.ambiguity
    # A weak city name next to a name does not make that name a place ("Paris Hilton").
    # Nor does a small town's name ("Chad Walker": Walker, Michigan).
    matched = {i for m in matches if _makes_neighbours_places(text.doc[m.start:m.end], m.entries, amb)
               for i in range(m.first, m.last + 1)}
    kept: list[Match] = []
    persons: set[str] = set()
    for match in matches:
        if any(e.kind == "none" for e in match.entries):
            continue
        entries = match.entries
        surface = text.doc[match.start:match.end]
        if surface in amb.never_cities or is_celestial(text, match, amb):
            entries = tuple(e for e in entries if e.kind != "city")
        if is_common_word(text, match):
            entries = tuple(e for e in entries if e.kind not in ("city", "subdivision", "county"))
        if word(text, match.last + 1) in amb.street_words and text.spaced(match.last):
            entries = tuple(e for e in entries if e.kind == "region")
        if is_work_title(text, match):
            entries = tuple(e for e in entries if e.kind not in ("city", "county", "subdivision"))
        if is_named_water(text, match, amb):
            entries = ()
        if entries and is_feature(text, match, gazetteer):
            entries = tuple(e for e in entries if e.kind not in ("country", "alias"))
        if entries and is_person(text, match, matched, gazetteer):
            if all(e.kind in ("city", "county") for e in entries) and after_first_name(text, match, matched, amb):
                persons.add(surface)
            entries = ()
        if entries:
            kept.append(Match(match.first, match.last, match.start, match.end, entries))

    anchors: dict[str, float] = defaultdict(float)
    unique_names: dict[str, set[str]] = defaultdict(set)
    name_counts: dict[str, int] = defaultdict(int)
    placed_names: set[str] = set()
    surface_counts: dict[str, int] = defaultdict(int)
    # A name once used as a person's ("Kathleen Wynne ... Wynne said") is no evidence anywhere.
    voting = [m for m in kept if text.doc[m.start:m.end] not in persons]
    for match in voting:
        countries = {e.country for e in match.entries if e.country}
        surface = text.doc[match.start:match.end]
        surface_counts[normalize_token(surface)] += 1
        if (len(countries) == 1 and all(e.kind == "city" for e in match.entries)
                and surface not in amb.weak_city_names):
            unique_names[next(iter(countries))].add(normalize_token(surface))
            name_counts[normalize_token(surface)] += 1
            if (match.first != match.last or word(text, match.first - 1) in PLAINLY_PLACES
                    or text.in_dateline(match.start)):
                placed_names.add(normalize_token(surface))
        strong = [e for e in match.entries if e.kind in STRONG_KINDS or
                  e.kind == "city" and e.population >= ANCHOR_CITY and surface not in amb.weak_city_names]
        if len(countries) == 1 and strong:
            anchors[next(iter(countries))] += 1.0
    hinted = _hinted_countries(hints, gazetteer) | gazetteer.context_countries(text.doc)
    local_names = {name for name, n in name_counts.items() if n >= LOCAL_REPEATS and name in placed_names}
    # a country whose only own town is one lone word ("Walker") is no support for its namesakes
    placed_unique = {c for c, names in unique_names.items() if names & placed_names or len(names) >= 2}
    support = set(hinted) | placed_unique | {n for c in anchors for n in gazetteer.neighbours.get(c, ())}
    evidence = dict(anchors)
    for code in hinted:
        evidence.setdefault(code, 0.5)
    repeated = {name for name, n in surface_counts.items() if n >= 2}
    article = _Evidence(evidence, support, unique_names, local_names, repeated, votes,
                        leading_locale(votes, LOCALE_MARGIN))

    shares: dict[str, dict[str, float]] = {}
    for position, match in enumerate(kept):
        following = kept[position + 1] if position + 1 < len(kept) else None
        key = name_key(text.doc[match.start:match.end])
        if text.doc[match.start:match.end] in persons:
            shares.setdefault(key, {})
            continue
        vote = 1.0 if _placed(text, match, following, gazetteer) else LONE_WORD_VOTE
        split = {code: share * vote for code, share in _country_shares(match.entries).items()}
        previous = shares.get(key, {})
        shares[key] = {code: max(share, previous.get(code, 0.0)) for code, share in split.items()}
    coherence: dict[str, float] = defaultdict(float)
    for split in shares.values():
        for code, share in split.items():
            coherence[code] += share
    mentions: list[Mention] = []
    for position, match in enumerate(kept):
        following = kept[position + 1] if position + 1 < len(kept) else None
        own = shares[name_key(text.doc[match.start:match.end])]
        others = {code: total - own.get(code, 0.0) for code, total in coherence.items()}
        mention = _mention(text, match, _qualifier(text, match, following), article, gazetteer, others)
        if mention is not None and text.doc[match.start:match.end] in persons and mention.kind in ("city", "county") \
                and word(text, match.first - 1) not in PLAINLY_PLACES and not mention.prominent:
            # A town name once used as a person's ("Andrew Vaughan ... Vaughan said") is most
            # likely that person again: no evidence of where the story is, and no mention at all
            # unless the article's other names point to that country too.
            if others.get(mention.country or "", 0.0) < COHERENT_SUPPORT:
                continue
            mention = replace(mention, weight=mention.weight * AFFILIATION_SHARE, prominent=False,
                              located=False, incidental=True)
        if mention is not None:
            mentions.append(mention)
    return _coordinated_adjectives(text.doc, mentions)


def _coordinated_adjectives(doc: str, mentions: list[Mention]) -> list[Mention]:
    """Two adjectives joined by "and" share the noun ("French and German troops", "les présidents
    malien et nigérien"): when one names the state acting, so does the other."""
    for i in range(len(mentions) - 1):
        first, second = mentions[i], mentions[i + 1]
        if (first.kind == second.kind == "demonym" and first.acting != second.acting
                and doc[first.span[1]:second.span[0]].strip().lower() in COORDINATORS):
            mentions[i], mentions[i + 1] = replace(first, acting=True), replace(second, acting=True)
    return mentions


def _makes_neighbours_places(surface: str, entries: Sequence[NameEntry], amb: Ambiguity) -> bool:
    """Whether a name next to a capitalised word makes that word part of a place name.

    Not a first name ("George Bush"), a weak city name ("Paris Hilton") or a small town ("Chad
    Walker": Walker, Michigan).
    """
    if surface in amb.never_cities and surface in amb.person_names:
        return False
    return not all(e.kind == "city" and (e.population < SMALL_TOWN or surface in amb.weak_city_names)
                   for e in entries)


def _placed(text: Text, match: Match, following: Match | None, gazetteer: Gazetteer) -> bool:
    """Whether a name reads as a place by itself: not a lone capitalised word that is also a small town.

    "MORRIS LAMONT/Sun Media" holds three US town names; only names written as places (after "in",
    qualified, in the dateline, of several words, large or not a city) vote for a country.
    """
    if match.first != match.last or any(e.kind != "city" or e.population >= BIG_CITY for e in match.entries):
        return True
    return (is_locative(text, match.first, gazetteer.ambiguity) or text.in_dateline(match.start)
            or _qualifier(text, match, following) is not None)


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


def _city_supported(text: Text, match: Match, entry: NameEntry, confirmed: bool, article: _Evidence,
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


def _dominant(match: Match, entry: NameEntry) -> bool:
    """A town whose namesakes abroad are all far smaller: Gao, Mali (133,000 people) beside Gao,
    Burkina Faso (26,000); Kayes, Mali beside Kayes, Congo. Named as a place, it is the big one."""
    abroad = sum(e.population for e in match.entries if e.country != entry.country)
    return all(e.kind == "city" for e in match.entries) and entry.population >= DOMINANT_RATIO * abroad


def _foreign_to_home(country: str | None, article: _Evidence) -> bool:
    """Whether the locale cues clearly place the paper in another country than this one."""
    home = article.home
    return (home is not None and home != country
            and article.locale.get(home, 0) - article.locale.get(country or "", 0) >= FOREIGN_MARGIN)


def _mention(text: Text, match: Match, qualifier: Match | None, article: _Evidence, gazetteer: Gazetteer,
             others: dict[str, float]) -> Mention | None:
    """One match -> one weighted mention, or None when the evidence does not carry a weak city."""
    amb = gazetteer.ambiguity
    surface = text.doc[match.start:match.end]
    prominent = match.start < text.title_end or text.in_dateline(match.start)
    regions = [e for e in match.entries if e.kind == "region"]
    if regions and surface in amb.guarded_region_names and not (
            gazetteer.members(regions[0].target) & article.evidence.keys()):
        return None                   # "AES-256": the Sahel states' acronym only beside one of them
    if regions:
        ranked = [(regions[0], False)]
    else:
        # "Lebanon" is a town in Tennessee too, but not in an article that names Syria or Israel
        namesake = (surface in amb.namesake_countries or surface.title() in amb.namesake_countries) and not any(
            e.kind in ("country", "alias") and e.country in article.support for e in match.entries)
        ranked = _ranked(match.entries, article, qualifier, others, namesake)
    entry, confirmed = ranked[0]
    if entry.kind == "city":
        # The likeliest namesake may lack support while another meaning has it (Madrid, Colombia
        # pulled up by one mention of Colombia, Madrid, Spain a capital): take the best supported.
        carried = [(e, c) for e, c in ranked if e.kind != "city"
                   or _city_supported(text, match, e, c, article, others, amb)]
        if not carried:
            return None
        entry, confirmed = carried[0]
    kind = entry.kind
    if kind == "subdivision" and surface in amb.weak_subdivision_names and not confirmed \
            and others.get(entry.country, 0.0) < COHERENT_SUPPORT:
        return None
    if (kind in ("country", "alias") and surface in amb.namesake_countries and _outweighed(entry.country, others)
            and entry.country not in article.support and not is_locative(text, match.first, gazetteer.ambiguity)):
        return None
    if kind == "city":
        next_word = word(text, match.last + 1)
        possessive = text.doc[match.end:match.end + 2] in ("'s", "’s")
        if surface in amb.governments and (next_word in amb.speech_verbs or possessive):
            kind = "government"
    territory = kind == "demonym" and (word(text, match.last + 1).lower() in amb.territory_nouns
                                       or word(text, match.first - 1).lower() in amb.territory_nouns
                                       or _names_capital(text, match, amb))
    if territory:
        kind = "country"          # "Malian territory", "الأراضي السودانية", "the Malian capital": a place
    located = kind in ("city", "subdivision", "county") or text.in_dateline(match.start)
    weight = KIND_WEIGHT[kind]
    if territory or kind not in ("demonym", "government") and (
            is_locative(text, match.first, gazetteer.ambiguity) or name_key(surface) in gazetteer.arabic_in_forms
            or cjk_located(text.doc, match.start, match.end)):
        weight, located = max(weight, LOCATIVE_WEIGHT), True
    incidental = kind != "demonym" and is_affiliation(text, match, amb)
    if incidental:
        weight, located = weight * AFFILIATION_SHARE, False
    if match.start < text.title_end or text.in_dateline(match.start):
        weight *= TITLE_WEIGHT
    elif match.start < text.lead_end:
        weight *= LEAD_WEIGHT
    target = entry.country if kind == "government" else entry.target
    # "French troops", "l'armée malienne", "القوات الفرنسية": the state's noun before or after the adjective
    acting = kind == "demonym" and (word(text, match.last + 1).lower() in amb.state_nouns
                                    or word(text, match.first - 1).lower() in amb.state_nouns
                                    or surface.endswith("s") and not surface.endswith("ss"))   # "Palestinians"
    return Mention(target, entry.country, kind, weight, prominent, located, incidental, acting,
                   (match.start, match.end))


def _names_capital(text: Text, match: Match, amb: Ambiguity) -> bool:
    """"la capitale malienne", "العاصمة التشادية", "the Malian capital": the capital city, not money."""
    before = word(text, match.first - 1).lower()
    return before in amb.capital_nouns or (word(text, match.last + 1).lower() in amb.capital_nouns
                                           and before in amb.capital_articles)
