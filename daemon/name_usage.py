"""How a found name is used in its sentence: a person, a river, a planet, an institution's home, a place.

These tests read only the tokens around one match ("Chad Smith", "the Niger River", "Jupiter's moon
Europa", "Harvard University", "in central Mali"); place_resolution weighs what they say against the
rest of the article.
"""

from __future__ import annotations

from daemon.gazetteer import Ambiguity, Gazetteer
from daemon.place_matching import Match, Text, word

_OPENING_QUOTES = frozenset("“\"'‘«")
_CLOSING_QUOTES = frozenset("”\"'’»")
_SENTENCE_GAP = " \t\"“‘'("       # passed over when asking what ends before a word

COMPOUND_LINKS = ("-on-", "-upon-", "-under-", "-super-", "-in-", "-by-", "-le-", "-la-", "-les-", "-lès-",
                  "-sur-", "-sous-", "-en-", "-de-", "-du-", "-des-", "-am-", "-an-der-")
COUNTY_LIST_REACH = 8        # words searched ahead for "counties" in "A, B and C counties"
MAX_SURNAME = 30             # longer "words" are unspaced runs of another script, not surnames
AFFILIATION_REACH = 6        # tokens back from "in X" to the institution word ("Flight Center in X")
CELESTIAL_REACH = 3          # tokens either side of "Jupiter" searched for "moon", "NASA", ...


def is_person(text: Text, match: Match, matched: set[int], gazetteer: Gazetteer) -> bool:
    """A name used as a person's ("Chad Smith", "Michael Jordan", "Mr. Paris", "Jackson said")."""
    amb = gazetteer.ambiguity
    surface = text.doc[match.start:match.end]
    is_city = all(e.kind in ("city", "county") for e in match.entries)
    is_demonym = all(e.kind == "demonym" for e in match.entries)
    one_word = match.first == match.last
    if surface not in amb.person_names and surface.title() not in amb.person_names and not is_city and not is_demonym:
        return one_word and _before_surname(text, match, matched, amb)
    before, after = match.first - 1, match.last + 1
    prev_word, next_word = word(text, before), word(text, after)
    if prev_word in amb.person_titles and before >= 0 and text.ends[before] + 2 >= match.start:
        return True
    if text.all_caps or surface.lower() == surface.upper():
        return False              # capitals say nothing in all-caps text or in scripts without case
    if (before >= 0 and text.spaced(before) and text.capitalised(before) and before not in matched
            and prev_word not in amb.function_words and prev_word not in amb.locatives
            and not (text.words[match.first].islower() and _opens_sentence(text, before))):
        return True                                 # ... but "Colloqui a Mosca": a sentence's first word
    if one_word and is_city and (after_initial(text, match.first) or before_age(text, match)
                                 or _second_half_of_double_name(text, match, matched, amb)
                                 or prev_word in amb.person_names and text.spaced(before)):   # "Chad Walker"
        return True
    if ((surface in amb.person_names or one_word and is_city) and after < len(text.words)
            and text.spaced(match.last) and text.capitalised(after) and after not in matched
            and next_word not in amb.function_words and next_word not in amb.place_followers):
        return True
    return (next_word in amb.speech_verbs and surface not in amb.governments
            and not is_locative(text, match.first, amb))          # "officials in Chad said"


def _before_surname(text: Text, match: Match, matched: set[int], amb: Ambiguity) -> bool:
    """A state's or country's name before a capitalised word that recurs on its own ("Virginia
    Giuffre ... Giuffre said"): that word is a surname, so the name is a first name."""
    after = match.last + 1
    if (after >= len(text.words) or text.all_caps or match.end != text.ends[match.last] or after in matched
            or not text.spaced(match.last) or text.doc[match.start:match.end].isupper()):
        return False              # (a name inside an unspaced CJK run ends before its word does)
    surname = text.words[after]
    if len(surname) > MAX_SURNAME or surname.isupper():
        return False
    if not surname[0].isupper() or surname in amb.function_words or surname in amb.place_followers:
        return False              # a script without case has no capitals to tell a surname by
    name, words = text.words[match.first], text.words
    # Alone: not after the same first name, and not leading a longer name ("Highway 29", "Cup Series").
    return any(i and words[i - 1] != name and not _leads_a_name(text, i) for i in text.positions[surname])


def _leads_a_name(text: Text, i: int) -> bool:
    """Whether word i is followed by a capitalised word or a number, as in "Highway 29", "Cup Series"."""
    following = word(text, i + 1)
    return bool(following) and text.spaced(i) and (following[:1].isupper() or following.isdigit())


def _opens_sentence(text: Text, index: int) -> bool:
    """Whether word index opens the title or a sentence, so its capital says nothing of a name."""
    before = text.char_before(text.starts[index], _SENTENCE_GAP)
    return not before or before in ".!?:\n"


def _second_half_of_double_name(text: Text, match: Match, matched: set[int], amb: Ambiguity) -> bool:
    """A town's name hyphened to a capitalised word that names no place ("Rose-Lynn Harlan"): the
    second half of a person's double first name, unless that word is a prefix ("Pro-Beijing")."""
    before = match.first - 1
    return (before >= 0 and before not in matched and text.doc[text.ends[before]:match.start] == "-"
            and text.capitalised(before) and not text.words[before].isupper()
            and text.words[before] not in amb.hyphen_prefixes)


def in_county_list(text: Text, match: Match) -> bool:
    """A name in a list that ends "counties" ("Navarro, Henderson and Ellis counties"): a county's
    name, not the town of another country it may also be (Navarro, Argentina)."""
    j = match.last + 1
    for _ in range(COUNTY_LIST_REACH):
        if j >= len(text.words):
            return False
        gap = text.doc[text.ends[j - 1]:text.starts[j]]
        if text.words[j] in ("counties", "Counties"):
            return gap == " "
        if gap == ", " and text.capitalised(j):
            j += 1
        elif text.words[j] == "and" and gap in (" ", ", ") and j + 1 < len(text.words) and text.capitalised(j + 1):
            j += 2
        else:
            return False
    return False


def in_compound_name(text: Text, match: Match) -> bool:
    """The first part of a hyphened place name the gazetteer lacks ("Weston-on-the-Green",
    "Ville-sur-Mer"): the village, not the town Weston."""
    return text.doc[match.end:match.end + 8].lower().startswith(COMPOUND_LINKS)


def is_work_title(text: Text, match: Match) -> bool:
    """A name standing alone in quotes (“Fargo,” 'Glasgow'): the title of a show, film or song."""
    before = text.doc[match.start - 1:match.start] if match.start else ""
    after = text.doc[match.end:match.end + 2]
    if before not in _OPENING_QUOTES:
        return False
    return after[:1] in _CLOSING_QUOTES or (after[:1] in ",.!?" and after[1:2] in _CLOSING_QUOTES)


def after_initial(text: Text, first: int) -> bool:
    """A name after a middle initial or two initials ("Matthew D. Flores", "J.M. Barrie"): a surname."""
    before = first - 1
    if not (before >= 1 and len(text.words[before]) == 1 and text.words[before].isupper()
            and text.doc[text.ends[before]:text.starts[first]] == ". " and text.capitalised(before - 1)):
        return False
    gap = text.doc[text.ends[before - 1]:text.starts[before]]
    # "J.M. Barrie" has two initials; "S.E. Paris" is a quarter of a town
    return gap == " " or gap == "." and not {text.words[before - 1], text.words[before]} <= set("NSEW")


def before_age(text: Text, match: Match) -> bool:
    """A name followed by an age ("Joshua, 4,", "Marshall, 25, of Chatham"): a person."""
    after = match.last + 1
    return (after < len(text.words) and text.words[after].isdigit() and len(text.words[after]) <= 3
            and text.doc[match.end:text.starts[after]] == ", "
            and text.doc[text.ends[after]:text.ends[after] + 1] in (",", ")"))


def after_first_name(text: Text, match: Match, matched: set[int], amb: Ambiguity) -> bool:
    """A one-word name right after a capitalised non-place word ("Andrew Vaughan", "Brian O’Connor"):
    a surname."""
    before = match.first - 1
    one_word = match.first == match.last or not any(c.isspace() for c in text.doc[match.start:match.end])
    return (one_word and before >= 0 and not text.all_caps and text.spaced(before)
            and text.capitalised(before) and before not in matched and word(text, before) not in amb.function_words
            and word(text, before) not in amb.locatives and word(text, before) not in amb.person_titles)


def is_feature(text: Text, match: Match, gazetteer: Gazetteer) -> bool:
    """A country's name used for a river, lake or basin ("the Niger River", "Lake Chad")."""
    amb = gazetteer.ambiguity
    next_word, prev_word = word(text, match.last + 1), word(text, match.first - 1)
    return ((next_word in amb.feature_words and match.last + 1 < len(text.words) and text.spaced(match.last))
            or (prev_word in amb.feature_words_before and match.first > 0 and text.spaced(match.first - 1)))


def is_named_water(text: Text, match: Match, amb: Ambiguity) -> bool:
    """A sea or gulf named after a country, state or city ("Gulf of Mexico", "Bay of Bengal"), or a
    river or lake named in French or Arabic ("le fleuve Niger", "بحيرة تشاد")."""
    before = word(text, match.first - 1)
    return before == "of" and word(text, match.first - 2) in amb.water_words or before.lower() in amb.water_before


def is_celestial(text: Text, match: Match, amb: Ambiguity) -> bool:
    """A planet or moon that is also a town ("Jupiter's moon Europa", "NASA's Mars rover")."""
    if text.doc[match.start:match.end] not in amb.celestial_names:
        return False
    near = range(max(match.first - CELESTIAL_REACH, 0), min(match.last + CELESTIAL_REACH + 1, len(text.words)))
    return any(text.words[i].lower() in amb.celestial_cues for i in near if not match.first <= i <= match.last)


def is_affiliation(text: Text, match: Match, amb: Ambiguity) -> bool:
    """A place named as an institution's home, not where the story happens.

    "Harvard University", "University of Pennsylvania", "Keck Observatory in Hawaii", "based in Ohio",
    and markets ("US versions of the car").
    """
    after, before = match.last + 1, match.first - 1
    if word(text, after) in amb.institution_words and text.spaced(match.last):
        return True
    if word(text, after).lower() in amb.market_words and text.spaced(match.last):
        return True                          # "US versions", "the UK price": a market
    if text.doc[match.end:match.end + 6].lower() == "-based":
        return True                          # "a London-based designer"
    if word(text, before) == "of" and word(text, before - 1) in amb.institution_words:
        return True
    # "in Greenbelt, Maryland", "University of California, San Francisco": a qualifier takes
    # the reading of the name it follows
    if before >= 0 and text.doc[text.ends[before]:text.starts[match.first]] == ", " and text.capitalised(before):
        first = before
        while first > 0 and text.capitalised(first - 1) and text.spaced(first - 1) and before - first < 3:
            first -= 1
        return is_affiliation(text, Match(first, before, text.starts[first], text.ends[before], ()), amb)
    if word(text, before) not in ("in", "at"):
        return False
    if word(text, before - 1) in amb.affiliation_verbs:
        return True
    for i in range(before - 1, max(before - 1 - AFFILIATION_REACH, -1), -1):
        if "." in text.doc[text.ends[i]:text.starts[i + 1]] or not text.capitalised(i):
            return False
        if text.words[i] in amb.institution_words:
            return True
    return False


def is_locative(text: Text, first: int, amb: Ambiguity) -> bool:
    """Whether a place preposition precedes the name ("in Mali", "in central Mali", "across the"); not
    in a diplomat's posting ("ambassador to Ukraine"), which names no place where the story happens."""
    i = first - 1
    if i >= 0 and text.doc[text.ends[i]:text.starts[first]] in ("-", "–", "—") and text.capitalised(i):
        i -= 1                                  # "across the Niger-Mali border": both are places
    for _ in range(4):
        before = word(text, i)
        if before in amb.locatives:
            return not (before in ("to", "To") and word(text, i - 1) in amb.posting_nouns)
        if before not in amb.locative_fillers:
            return False
        i -= 1
    return False


def is_posting(text: Text, first: int, amb: Ambiguity) -> bool:
    """"ambassador to Ukraine", "envoy to the Sahel", "special envoy to Kyiv": where a diplomat
    serves. The country is mentioned, but the story need not happen there."""
    i = first - 1
    while word(text, i) in amb.locative_fillers and first - i <= 4:
        i -= 1
    return word(text, i) in ("to", "To") and word(text, i - 1) in amb.posting_nouns


def is_common_word(text: Text, match: Match) -> bool:
    """A one-word name that opens a sentence or stands in the title while the text also writes it in
    lowercase: the word, not a town ("Dari" is Indonesian "from", "Deal" the noun in a title)."""
    if match.first != match.last or text.lowered_words[match.first] not in text.lowercase_words:
        return False
    if match.start < text.title_end:
        return True
    before = text.char_before(match.start, _SENTENCE_GAP)
    return not before or before in ".!?:\n"
