"""OPML in and out: the feed-list format every reader exports, mapped to our [[feeds]] entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from lxml import etree

from daemon.settings import FeedSettings


def feeds_from_opml(data: bytes) -> list[FeedSettings]:
    """Every outline with an xmlUrl (nested folders included); ValueError for what is not OPML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise ValueError(f"not OPML (root element <{root.tag}>)")
    found, seen = [], set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        found.append(FeedSettings(url=url, name=(outline.get("title") or outline.get("text") or "").strip()))
    return found


def toml_feed_blocks(feeds: Sequence[FeedSettings]) -> str:
    """[[feeds]] tables for the config; json.dumps quotes strings the way TOML basic strings want."""
    blocks = []
    for feed in feeds:
        lines = ["[[feeds]]", f"url = {json.dumps(feed.url)}"]
        if feed.name:
            lines.append(f"name = {json.dumps(feed.name, ensure_ascii=False)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def opml_from_feeds(feeds: Sequence[FeedSettings], title: str = "newswatch feeds") -> str:
    outlines = "\n".join(
        f"    <outline type=\"rss\" text={quoteattr(f.name or f.url)} title={quoteattr(f.name or f.url)} "
        f"xmlUrl={quoteattr(f.url)}/>" for f in feeds)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n"
            f"  <head><title>{title}</title></head>\n  <body>\n{outlines}\n  </body>\n</opml>")
