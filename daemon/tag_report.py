"""A readable account of how a text was tagged, for `newswatch tag`: an analyst asking "why Mali?".

It lists the focus and mentioned countries, the regions they roll up to, and every name the tagger
read as a place: the words in the text, the place it took them for, and the weight they carried.
"""

from __future__ import annotations

from collections.abc import Sequence

from daemon.gazetteer import Gazetteer
from daemon.place_resolution import Mention
from daemon.regions import analyse

_KIND_WORDS = {"country": "country", "alias": "country", "abbreviation": "country", "demonym": "adjective",
               "subdivision": "state or province", "county": "county", "city": "city",
               "government": "government", "region": "region"}


def report(title: str, text: str, gazetteer: Gazetteer, hints: Sequence[str] = ()) -> dict:
    """The tags of a text and the mentions behind them, as plain data (what --json prints)."""
    mentions, tags = analyse(title, text, gazetteer, hints)

    def name(region_id: str) -> str:
        region = gazetteer.region(region_id)
        return region.name if region else region_id

    countries = [t for t in tags if t.kind == "country"]
    return {
        # A focus with no mentions is the paper's home: local news that names no place (regions.py)
        "focus": [{"id": t.region_id, "name": name(t.region_id), "score": t.score, "home": not t.mentions}
                  for t in countries if t.focus],
        "mentioned": [{"id": t.region_id, "name": name(t.region_id), "score": t.score}
                      for t in countries if not t.focus],
        "regions": [{"id": t.region_id, "name": name(t.region_id), "kind": t.kind, "focus": t.focus}
                    for t in tags if t.kind not in ("country", "city")],
        "names": [_name_row(words, mention, name) for words, mention in mentions],
    }


def describe(title: str, text: str, gazetteer: Gazetteer, hints: Sequence[str] = ()) -> str:
    """The same as report(), as lines for a terminal."""
    data = report(title, text, gazetteer, hints)
    lines = ["focus:     " + (", ".join(f"{c['name']} ({c['id']})" for c in data["focus"]) or "none"),
             "mentioned: " + (", ".join(f"{c['name']} ({c['id']})" for c in data["mentioned"]) or "none"),
             "regions:   " + (", ".join(r["name"] + (" (focus)" if r["focus"] else "") for r in data["regions"])
                             or "none"),
             "names read as places:" if data["names"] else "no names read as places"]
    for country in (c for c in data["focus"] if c["home"]):
        lines.insert(1, f"           {country['name']}: no place named; local news written the way its papers write")
    for row in data["names"]:
        notes = [f"weight {row['weight']:g}"] + [note for note in row["notes"]]
        lines.append(f"  \"{row['words']}\" -> {row['place']} ({row['kind']}); " + ", ".join(notes))
    return "\n".join(lines)


def _name_row(words: str, mention: Mention, name) -> dict:
    place = name(mention.target)
    if mention.country and mention.target != mention.country:
        place = f"{place}, {name(mention.country)}"
    notes = [note for flag, note in ((mention.prominent, "in the title or dateline"),
                                     (mention.located, "named as a place"),
                                     (mention.incidental, "an affiliation or a namesake: no weight for focus"),
                                     (mention.acting, "the state or its people acting")) if flag]
    return {"words": words, "place": place, "id": mention.target, "kind": _KIND_WORDS.get(mention.kind, mention.kind),
            "weight": round(mention.weight, 3), "notes": notes}
