"""A labelled set for copy detection and story clustering, generated deterministically.

Originals are the ground-truth texts of ../shared/corpus/extraction (never copied into the project).
Each gets syndicated copies with the edits outlets make (new headline, lede rewritten, a paragraph
added or cut, site clutter around the text, another byline) and one update (a small correction).
Hand-written same-event rewrites and hard negatives (same region and topic, another event) come from
data/story_events.toml; the LGL local-news articles of ../shared/corpus/geo, when present, add
hundreds of distinct stories from a few regions at their real download times (March 2009), often
several a day from one outlet: realistic negatives, labelled one story each (an assumption).
"""

from __future__ import annotations

import json
import random
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
START = datetime(2024, 3, 10, 6, 0, tzinfo=timezone.utc)
MIN_WORDS = 50          # shorter ground-truth texts are teasers, not articles
COPIES_PER_ORIGINAL = 3
SEED = 4


@dataclass(frozen=True, slots=True)
class Labelled:
    """One article of the set with its gold labels."""

    key: str
    kind: str               # original, syndicated, update, rewrite, hard_negative, local
    title: str
    text: str
    published_at: datetime
    copy_group: str         # articles in one group are copies of each other
    story_group: str        # articles in one group report the same event


def corpus_dir() -> Path | None:
    path = CORPUS.resolve()
    return path if (path / "extraction" / "ground-truth.json").exists() else None


def _title_from(url: str, text: str) -> str:
    """A headline: the URL slug when it has words, else the first words of the text."""
    segments = [s for s in urlparse(url).path.split("/") if s]
    slug = re.sub(r"\.\w+$", "", segments[-1]) if segments else ""
    words = [w for w in re.split(r"[-_]+", slug) if w.isalpha()]
    if len(words) >= 3:
        return " ".join(words).capitalize()
    return " ".join(text.split()[:10])


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text) if p.strip()]


def _rewrite_lede(paragraph: str, rng: random.Random) -> str:
    """Same facts, other words and order: clauses swapped, attributions and words dropped in."""
    clauses = [c.strip() for c in re.split(r"[,;.]", paragraph) if c.strip()]
    rng.shuffle(clauses)
    fillers = ["officials said", "it emerged", "reports say", "according to sources", "on Monday"]
    out = []
    for clause in clauses:
        words = clause.split()
        if len(words) > 6:
            cut = rng.randrange(2, len(words) - 2)
            words = words[cut:] + [rng.choice(fillers)] + words[:cut]
        out.append(" ".join(words))
    return ". ".join(out) + "."


def _clutter(body: list[str], outlet: dict, author: str, rng: random.Random, full: bool) -> str:
    """The body wrapped in an outlet's chrome: header, byline, inline teasers, share, bio, widget."""
    parts = list(outlet["header"]) + [outlet["byline"].format(author=author)]
    for i, paragraph in enumerate(body):
        parts.append(paragraph)
        if i in (1, 4) and (full or rng.random() < 0.5):
            parts.append(outlet["teasers"][0 if i == 1 else 1])
    parts.append(outlet["share"])
    if full or rng.random() < 0.5:
        parts.append(outlet["bio"].format(author=author))
    if full or rng.random() < 0.5:
        parts.extend(outlet["widget"])
    return "\n\n".join(parts)


def _syndicate(key: str, title: str, text: str, n: int, rng: random.Random, clutter: dict,
               donors: list[str]) -> tuple[str, str]:
    """A syndicated copy: headline, lede, paragraphs and chrome changed as outlets do."""
    body = _paragraphs(text)
    first_words = " ".join(body[0].split()[:9])
    new_title = rng.choice([f"{first_words}…", f"{title} – report", f"WATCH: {title.lower()}"])
    if rng.random() < 0.5:
        body[0] = _rewrite_lede(body[0], rng)
    if rng.random() < 0.35:
        donor = _paragraphs(rng.choice(donors))
        body.insert(rng.randrange(1, len(body) + 1), max(donor, key=len)[:600])
    if rng.random() < 0.35 and len(body) >= 4:
        del body[rng.randrange(1, len(body))]
    outlets = clutter["outlet"]
    outlet = outlets[(n + len(key)) % len(outlets)]
    author = rng.choice(clutter["authors"])
    return new_title, _clutter(body, outlet, author, rng, full=(n == 0))


def _update(text: str, rng: random.Random) -> str:
    """A correction: one number or word changed, and a note at the end."""
    numbers = list(re.finditer(r"\b\d+\b", text))
    if numbers:
        m = rng.choice(numbers)
        text = text[:m.start()] + str(int(m.group()) + 1) + text[m.end():]
    else:
        words = list(re.finditer(r"\b\w{6,}\b", text))
        if words:
            m = rng.choice(words)
            text = text[:m.start()] + m.group()[::-1] + text[m.end():]
    return text + "\n\nCorrection: an earlier version of this article gave a wrong figure."


def _local_news(corpus: Path) -> list[tuple[str, str, str, datetime]]:
    """(key, title, text, download time) of the LGL local-news articles, if that corpus is present."""
    path = corpus / "geo" / "lgl.xml"
    if not path.exists():
        return []
    found = []
    for article in ET.parse(path).getroot().iter("article"):
        text = (article.findtext("text") or "").strip()
        if len(text.split()) >= MIN_WORDS:
            at = datetime.fromisoformat(article.findtext("dltime") or "").astimezone(timezone.utc)
            found.append((f"lgl-{article.get('docid')}", (article.findtext("title") or "").strip(), text, at))
    return found


def build(corpus: Path, with_local: bool = True) -> list[Labelled]:
    """The whole set in stream order (by publication time, then key)."""
    rng = random.Random(SEED)
    clutter = tomllib.loads((DATA / "clutter.toml").read_text("utf-8"))
    truth = json.loads((corpus / "extraction" / "ground-truth.json").read_text("utf-8"))
    originals = sorted((k[:12], v["url"], v["articleBody"]) for k, v in truth.items()
                       if len(v["articleBody"].split()) >= MIN_WORDS)
    donors = [text for _, _, text in originals]
    items: list[Labelled] = []
    span = timedelta(days=4)
    for i, (key, url, text) in enumerate(originals):
        title = _title_from(url, text)
        at = START + span * (i / len(originals))
        items.append(Labelled(key, "original", title, text, at, key, key))
        for n in range(COPIES_PER_ORIGINAL):
            t, body = _syndicate(key, title, text, n, rng, clutter, donors)
            items.append(Labelled(f"{key}-copy{n}", "syndicated", t, body,
                                  at + timedelta(minutes=rng.randrange(5, 30 * 60)), key, key))
        items.append(Labelled(f"{key}-update", "update", title, _update(text, rng),
                              at + timedelta(minutes=rng.randrange(60, 600)), key, key))
    events = tomllib.loads((DATA / "story_events.toml").read_text("utf-8"))["article"]
    for e in events:
        items.append(Labelled(e["key"], e["kind"], e["title"], e["text"],
                              datetime.fromisoformat(e["published_at"]), e["key"], e["event"]))
    if with_local:
        local = _local_news(corpus)
        for key, title, text, at in local:
            items.append(Labelled(key, "local", title, text, at, key, key))
    return sorted(_reviewed(items), key=lambda it: (it.published_at, it.key))


def _reviewed(items: list[Labelled]) -> list[Labelled]:
    """Labels corrected by eye (data/reviewed_labels.toml); one event's articles get close times."""
    reviewed = tomllib.loads((DATA / "reviewed_labels.toml").read_text("utf-8"))
    copy_of = {k: group[0] for group in reviewed["same_copy"] for k in group}
    story_of = {k: group[0] for group in reviewed["same_story"] for k in group}
    first_at = {it.key: it.published_at for it in items if it.key in story_of}
    fixed = []
    for it in items:
        root = it.copy_group
        copy_group = copy_of.get(root, root)
        story_group = story_of.get(root, copy_of.get(root, it.story_group))
        at = it.published_at
        if root in story_of and root != story_of[root]:
            rank = next(g for g in reviewed["same_story"] if root in g).index(root)
            at = first_at[story_of[root]] + timedelta(hours=3 * rank) + (at - first_at[root])
        fixed.append(Labelled(it.key, it.kind, it.title, it.text, at, copy_group, story_group))
    return fixed


if __name__ == "__main__":  # a summary of the set, for a look by eye
    found = corpus_dir()
    if found is None:
        raise SystemExit("no ../shared/corpus here")
    labelled = build(found)
    kinds: dict[str, int] = {}
    for it in labelled:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
    print(len(labelled), kinds)
