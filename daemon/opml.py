"""OPML in and out: the feed-list format every reader exports, mapped to our [[feeds]] entries.

Region hints and intervals have no OPML attribute: they travel in attributes of our own namespace
(OPML 2.0 allows namespaced extras, and other readers ignore them), so an exported list imports
back as the same feeds.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from daemon.config_checks import http_url_problem
from daemon.config_checks import feed_identity
from daemon.settings import FeedSettings

NEWSWATCH_NS = "urn:newswatch:opml"
_REGIONS = f"{{{NEWSWATCH_NS}}}regions"
_INTERVAL = f"{{{NEWSWATCH_NS}}}interval"
DEFAULT_INTERVAL_S = next(f.default for f in fields(FeedSettings) if f.name == "interval_s")


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What an OPML list adds to a config, and what it leaves out with the reason for each."""

    new: tuple[FeedSettings, ...]
    skipped: tuple[tuple[str, str], ...]   # (url as in the OPML, why it was left out)


def feeds_from_opml(data: bytes) -> list[FeedSettings]:
    """Every outline with an xmlUrl (nested folders included), repeats too (plan_import names each
    one it skips, so a feed listed in two folders is reported, not dropped unseen); ValueError for
    what is not OPML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise ValueError(f"not OPML (root element <{root.tag}>)")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        found.append(FeedSettings(url=url, name=_outline_name(outline),
                                  regions=_listed_regions(outline.get(_REGIONS)),
                                  interval_s=_interval_s(outline.get(_INTERVAL))))
    return found


def _outline_name(outline) -> str:
    """The outline's title as people read it. Many readers escape titles twice ("A &amp;amp; B" in
    the file), so the parsed text still holds HTML entities: they are resolved once more."""
    return html.unescape(outline.get("title") or outline.get("text") or "").strip()


def _listed_regions(value: str | None) -> tuple[str, ...]:
    """Region names as export-opml lists them: comma-separated (names such as "Burkina Faso" hold spaces)."""
    return tuple(name.strip() for name in (value or "").split(",") if name.strip())


def _interval_s(value: str | None) -> int:
    """An exported interval in whole seconds; anything else keeps the default (the config check
    then judges the value as it judges any interval)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_INTERVAL_S


def plan_import(found: Iterable[FeedSettings], configured_urls: Iterable[str],
                url_problem: Callable[[str], str | None] = http_url_problem) -> OpmlImport:
    """Keep the OPML feeds the config check would accept: absolute http(s) URLs that are not the
    same feed as a configured feed or an earlier entry of the list. Same means what the config
    check compares (host case, default port, trailing slash), and http:// next to https:// too:
    one site's feed under both schemes would be polled twice. url_problem is the config check's
    verdict on a URL (None when it is acceptable)."""
    seen = {_same_feed_key(url): f"already in the config as {url}" for url in configured_urls}
    new, skipped = [], []
    for feed in found:
        if (problem := url_problem(feed.url)):
            skipped.append((feed.url, problem))
            continue
        key = _same_feed_key(feed.url)
        if key in seen:
            skipped.append((feed.url, seen[key]))
            continue
        seen[key] = f"the same feed as {feed.url} earlier in the list"
        new.append(feed)
    return OpmlImport(tuple(new), tuple(skipped))


def _same_feed_key(url: str) -> str:
    return feed_identity(url).split("://", 1)[-1]


def toml_feed_blocks(feeds: Sequence[FeedSettings]) -> str:
    """[[feeds]] tables for the config; json.dumps quotes strings the way TOML basic strings want."""
    blocks = []
    for feed in feeds:
        lines = ["[[feeds]]", f"url = {json.dumps(feed.url)}"]
        if feed.name:
            lines.append(f"name = {json.dumps(feed.name, ensure_ascii=False)}")
        if feed.regions:
            lines.append(f"regions = {json.dumps(list(feed.regions), ensure_ascii=False)}")
        if feed.interval_s != DEFAULT_INTERVAL_S:
            lines.append(f"interval = {json.dumps(_duration_text(feed.interval_s))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _duration_text(seconds: int) -> str:
    """The interval as an operator writes it in the config: "1h", "15m", or seconds when uneven."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def opml_from_feeds(feeds: Sequence[FeedSettings], title: str = "newswatch feeds") -> str:
    """The feed list as OPML 2.0; region hints and intervals ride in the newswatch namespace."""
    outlines = "\n".join(
        f"    <outline type=\"rss\" text={quoteattr(f.name or f.url)} title={quoteattr(f.name or f.url)} "
        f"xmlUrl={quoteattr(f.url)}{_extras(f)}/>" for f in feeds)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\" xmlns:newswatch="
            f"{quoteattr(NEWSWATCH_NS)}>\n"
            f"  <head><title>{escape(title)}</title></head>\n  <body>\n{outlines}\n  </body>\n</opml>")


def _extras(feed: FeedSettings) -> str:
    extras = f" newswatch:interval=\"{feed.interval_s}\""
    if feed.regions:
        extras += f" newswatch:regions={quoteattr(', '.join(feed.regions))}"
    return extras
