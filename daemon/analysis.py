"""The text-only work on a clean article: fingerprint, story features and region tags.

It depends on nothing but the text, so it runs in the worker processes next to extraction:
on two cores, doing it on the event-loop thread made the single writer the bottleneck
(about 10 ms of parent CPU per article, as much as extraction itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from daemon import dedup, stories
from daemon.gazetteer import Gazetteer
from daemon.regions import tag
from daemon.settings import CustomPlace
from storage.records import RegionTag

_gazetteers: dict[tuple, Gazetteer] = {}


@dataclass(frozen=True, slots=True)
class Analysis:
    fingerprint: dedup.Fingerprint
    features: stories.StoryFeatures
    tags: tuple[RegionTag, ...]


def gazetteer_for(custom_regions: tuple[tuple[str, tuple[str, ...]], ...],
                  places: tuple[CustomPlace, ...] = ()) -> Gazetteer:
    """One gazetteer per process and custom-region and place set (loading it costs most of a second)."""
    key = (custom_regions, places)
    if key not in _gazetteers:
        _gazetteers[key] = Gazetteer.load(dict(custom_regions), places)
    return _gazetteers[key]


def analyse(title: str, text: str, published_at: datetime | None, hints: Sequence[str],
            custom_regions: tuple[tuple[str, tuple[str, ...]], ...],
            places: tuple[CustomPlace, ...] = ()) -> Analysis:
    """A picklable top-level function for the process pool (the gazetteer is cached per process)."""
    return Analysis(
        fingerprint=dedup.fingerprint(title, text),
        features=stories.story_features(title, text, published_at),
        tags=tag(title, text, gazetteer_for(custom_regions, places), hints=tuple(hints)),
    )
