"""Deciding what each found name means: person or place, river or country, which namesake city.

Evidence is the article itself (its unambiguous places, the countries its other names point to,
"City, State" qualifiers, the dateline, how it is written: place_locale), the feed's region hints,
and how each name is used in its sentence (name_usage); namesakes ranks a name's meanings against
that evidence. Each resolved name becomes a weighted mention (title, dateline, lead and place
prepositions weigh more) for regions.tag().
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from daemon.cjk_matching import cjk_located
from daemon.gazetteer import Ambiguity, Gazetteer
from daemon.name_index import NameEntry, name_key, normalize_token
from daemon.name_usage import (after_first_name, in_compound_name, in_county_list, is_affiliation, is_celestial,
                               is_common_word, is_feature, is_locative, is_named_water, is_person, is_posting,
                               is_work_title)
from daemon.place_locale import leading_locale
from daemon.namesakes import (ANCHOR_CITY, BIG_CITY, COHERENT_SUPPORT, ArticleEvidence, city_supported,
                              country_shares, outweighed, ranked)
from daemon.place_matching import Match, Text, word

LOCAL_REPEATS = 2            # a unique town named this often and once as a place ("in Ozark") or by a
                             # name of several words ("Grand Ledge") is the town a local story is about

# A country named as an actor ("France said") weighs less than a place where things happen: a
# mention after a place preposition weighs LOCATIVE_WEIGHT, cities weigh as places by nature.
KIND_WEIGHT = {"country": 0.6, "alias": 0.6, "abbreviation": 0.6, "city": 1.0, "subdivision": 0.8,
               "county": 0.6, "demonym": 0.25, "government": 0.6, "region": 1.0}
LOCATIVE_WEIGHT = 1.5
TITLE_WEIGHT = 2.0           # a mention in the title or dateline counts this many times
LEAD_WEIGHT = 1.5            # ... in the lead
AFFILIATION_SHARE = 0.25     # a place named only as an institution's home weighs this share toward focus
LOCALE_MARGIN = 1            # the locale is clear when one country leads the cues by this many
SMALL_TOWN = 30_000          # a town this small next to a capitalised word does not make that word a place
LONE_WORD_VOTE = 0.75        # a one-word small-town name never used as a place votes this much for its country
PLAINLY_PLACES = ("in", "near", "outside")   # "in Vaughan" is the town even after "Andrew Vaughan"
COORDINATORS = frozenset({"and", "or", "et", "ou", "y", "e", "und", "و"})
RESIDENT_NOUNS = frozenset({"man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "couple",
                            "resident", "residents", "family", "native", "student", "driver"})
STRONG_KINDS = frozenset({"country", "alias", "abbreviation", "subdivision", "county", "government"})


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
    posting: bool = False      # a diplomat's posting ("ambassador to Ukraine"): mentioned, not the story


def _qualifier(text: Text, match: Match, following: Match | None) -> Match | None:
    """The "Paris, Texas" / "Lebanon, Pa." match right after this one, if any."""
    if following is None:
        return None
    gap = text.doc[match.end:following.start]
    return following if gap.strip() == "," else None


def resolve_mentions(text: Text, matches: list[Match], gazetteer: Gazetteer, hints: Sequence[str],
                     votes: dict[str, int]) -> list[Mention]:
    """Meanings for every match, using the article's unambiguous places, the hints and the locale
    cues' votes (place_locale.locale_votes) as evidence."""
    amb = gazetteer.ambiguity
    # A weak city name next to a name does not make that name a place ("Paris Hilton").
    # Nor does a small town's name ("Chad Walker": Walker, Michigan).
    matched = {i for m in matches if _makes_neighbours_places(text.doc[m.start:m.end], m.entries, amb)
               and not _capitalised_common_word(text.doc[m.start:m.end], amb) for i in range(m.first, m.last + 1)}
    kept: list[Match] = []
    persons: set[str] = set()
    for match in matches:
        if any(e.kind == "none" for e in match.entries):
            continue
        entries = match.entries
        surface = text.doc[match.start:match.end]
        if _never_a_city(surface, amb) or is_celestial(text, match, amb):
            entries = tuple(e for e in entries if e.kind != "city")
        if is_common_word(text, match):
            entries = tuple(e for e in entries if e.kind not in ("city", "subdivision", "county"))
        if word(text, match.last + 1) in amb.street_words and text.spaced(match.last):
            entries = tuple(e for e in entries if e.kind == "region")
        if is_work_title(text, match):
            entries = tuple(e for e in entries if e.kind not in ("city", "county", "subdivision"))
        if is_named_water(text, match, amb):
            entries = ()
        if in_compound_name(text, match):
            entries = ()
        if entries and in_county_list(text, match):
            entries = gazetteer.index.get(name_key(surface + " County"), ())
        if entries and is_feature(text, match, gazetteer):
            # "the Niger River"; and "Indian Lake Road", "French Creek": a local feature named by an adjective
            entries = tuple(e for e in entries if e.kind not in ("country", "alias", "demonym")
                            or e.kind == "demonym" and not word(text, match.last + 1)[:1].isupper())
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
    states: dict[tuple[str, str], set[str]] = defaultdict(set)
    for match in voting:
        key = name_key(text.doc[match.start:match.end])
        for entry in match.entries:
            if entry.admin1 and entry.country and entry.kind in ("subdivision", "county", "city"):
                states[(entry.country, entry.admin1)].add(key)
    article = ArticleEvidence(evidence, support, unique_names, local_names, repeated, votes,
                              leading_locale(votes, LOCALE_MARGIN),
                              {pair: frozenset(names) for pair, names in states.items()})

    shares: dict[str, dict[str, float]] = {}
    for position, match in enumerate(kept):
        following = kept[position + 1] if position + 1 < len(kept) else None
        key = name_key(text.doc[match.start:match.end])
        if text.doc[match.start:match.end] in persons:
            shares.setdefault(key, {})
            continue
        vote = 1.0 if _placed(text, match, following, gazetteer) else LONE_WORD_VOTE
        split = {code: share * vote for code, share in country_shares(match.entries).items()}
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


def _names_a_resident(text: Text, match: Match) -> bool:
    """ "a Lebanon woman", "the Jordan couple": a town's name used for its people, as local news does."""
    return (word(text, match.first - 1).lower() in ("a", "an", "the")
            and word(text, match.last + 1) in RESIDENT_NOUNS and text.spaced(match.last))


def _coordinated_adjectives(doc: str, mentions: list[Mention]) -> list[Mention]:
    """Two adjectives joined by "and" share the noun ("French and German troops", "les présidents
    malien et nigérien"): when one names the state acting, so does the other."""
    for i in range(len(mentions) - 1):
        first, second = mentions[i], mentions[i + 1]
        if (first.kind == second.kind == "demonym" and first.acting != second.acting
                and doc[first.span[1]:second.span[0]].strip().lower() in COORDINATORS):
            mentions[i], mentions[i + 1] = replace(first, acting=True), replace(second, acting=True)
    return mentions


def _never_a_city(surface: str, amb: Ambiguity) -> bool:
    """Words that name no town, also in capitals ("OF" in "ISLE OF PALMS —" is not Of, Turkey)."""
    return surface in amb.never_cities or _capitalised_common_word(surface, amb)


def _capitalised_common_word(surface: str, amb: Ambiguity) -> bool:
    return surface.isupper() and surface.title() in amb.never_cities


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


def _mention(text: Text, match: Match, qualifier: Match | None, article: ArticleEvidence, gazetteer: Gazetteer,
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
        meanings = [(regions[0], False)]
    else:
        # "Lebanon" is a town in Tennessee too, but not in an article that names Syria or Israel
        namesake = (surface in amb.namesake_countries or surface.title() in amb.namesake_countries) and not any(
            e.kind in ("country", "alias") and e.country in article.support for e in match.entries)
        meanings = ranked(match.entries, article, qualifier, others, namesake, name_key(surface))
    entry, confirmed = meanings[0]
    if entry.kind == "city":
        # The likeliest namesake may lack support while another meaning has it (Madrid, Colombia
        # pulled up by one mention of Colombia, Madrid, Spain a capital): take the best supported.
        carried = [(e, c) for e, c in meanings if e.kind != "city"
                   or city_supported(text, match, e, c, article, others, amb)]
        if not carried:
            return None
        entry, confirmed = carried[0]
    kind = entry.kind
    if kind == "subdivision" and surface in amb.weak_subdivision_names and not confirmed \
            and others.get(entry.country, 0.0) < COHERENT_SUPPORT:
        return None
    if (kind in ("country", "alias") and surface in amb.namesake_countries and outweighed(entry.country, others)
            and entry.country not in article.support and not is_locative(text, match.first, gazetteer.ambiguity)):
        return None
    if kind in ("country", "alias") and surface in amb.namesake_countries and _names_a_resident(text, match):
        return None               # "a Lebanon woman": of Lebanon, Pennsylvania; the country's would be "Lebanese"
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
                   (match.start, match.end), is_posting(text, match.first, gazetteer.ambiguity))


def _names_capital(text: Text, match: Match, amb: Ambiguity) -> bool:
    """"la capitale malienne", "العاصمة التشادية", "the Malian capital": the capital city, not money."""
    before = word(text, match.first - 1).lower()
    return before in amb.capital_nouns or (word(text, match.last + 1).lower() in amb.capital_nouns
                                           and before in amb.capital_articles)
