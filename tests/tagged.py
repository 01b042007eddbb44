"""What the tagger makes of a text, in the shape the region tests compare."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.regions import mentioned_countries, tag


def countries_in(text: str, gazetteer: Gazetteer, title: str = "", hints: tuple[str, ...] = ()) -> set[str]:
    """The countries a text mentions or is about."""
    return mentioned_countries(tag(title, text, gazetteer, hints))
