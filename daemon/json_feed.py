"""JSON Feed 1 and 1.1 bytes -> the same ParsedFeed and Entry values feeds.py makes from RSS and Atom.

feedparser does not read JSON Feed, so parse_feed hands bodies that open with "{" here. The reading
is our own and defensive: the body is a stranger's, so every field is checked for its type, and a
field of the wrong type counts as missing rather than failing the feed. HTML content goes through
the same relative-link resolution and sanitizing feedparser applies to RSS content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from html import escape
from typing import Any


from daemon.errors import FeedParseError
from daemon.feeds import (MARKUP, Entry, ParsedFeed, clip_reason, content_markup, field_text, html_to_text,
                          http_link, tidy_text, without_build_stamps)
from daemon.publication_dates import feed_date

# The spec's version URLs are https://jsonfeed.org/version/1 and …/1.1; some generators write
# "http:" or "www.", which name the same format and are accepted.
_VERSION_URL = re.compile(r"\Ahttps?://(?:www\.)?jsonfeed\.org/version/", re.IGNORECASE)


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """A JSON Feed document as a ParsedFeed; FeedParseError says why when it is not one.

    Items the pipeline can still use are kept even when they break the spec (no id: no guid, as for
    an RSS item without one); what was wrong is told in bozo_reason. Only an item that is not a JSON
    object is dropped, since there is nothing in it to ingest."""
    document = _decoded(body, url)
    if not isinstance(document, dict):
        raise FeedParseError(url, f"not a feed (json: the top level is {_kind(document)}, "
                                  "not a JSON Feed object)")
    version = document.get("version")
    if not isinstance(version, str) or not _VERSION_URL.match(version.strip()):
        stated = ("no \"version\"" if version is None else f"\"version\" is {json.dumps(version[:60])}"
                  if isinstance(version, str) else f"\"version\" is {_kind(version)}")
        raise FeedParseError(url, f"not a feed (json: {stated}; a JSON Feed names "
                                  "https://jsonfeed.org/version/1 or /1.1)")
    items = document.get("items")
    if not isinstance(items, list):
        stated = "no \"items\"" if items is None else f"\"items\" is {_kind(items)}"
        raise FeedParseError(url, f"not a feed (json: {stated}, a JSON Feed needs a list)")
    site_url = http_link(document.get("home_page_url"), url)
    base = site_url or url   # relative item URLs are read against the site, else the feed itself
    feed_authors = _author_names(document)
    feed_language = _plain(document.get("language")).strip() or None
    entries, without_id, not_objects = [], 0, 0
    for item in items:
        if not isinstance(item, dict):
            not_objects += 1
            continue
        entry = _entry(item, base, feed_authors, feed_language)
        without_id += entry.guid is None
        entries.append(entry)
    return ParsedFeed(title=_text(document.get("title")), site_url=site_url,
                      entries=without_build_stamps(tuple(entries)), bozo_reason=_notes(without_id, not_objects))


def _decoded(body: bytes, url: str) -> object:
    """The JSON value in the body, or FeedParseError naming where and why it is malformed."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedParseError(url, f"malformed json: not UTF-8 (byte 0x{body[exc.start]:02x} at offset "
                                  f"{exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedParseError(url, clip_reason(f"malformed json: {exc.msg} (line {exc.lineno}, column {exc.colno})")) from None
    except RecursionError:
        # the standard parser recurses once per nested array or object; a hostile body nests
        # thousands deep to exhaust the stack
        raise FeedParseError(url, "malformed json: nested deeper than the parser allows") from None
    except ValueError as exc:   # e.g. an integer thousands of digits long
        raise FeedParseError(url, clip_reason(f"malformed json: {exc}")) from None


def _entry(item: Mapping[str, Any], base: str, feed_authors: str | None, feed_language: str | None) -> Entry:
    content_html = _content_html(item, base)
    return Entry(
        # url is the item's own page; external_url (a link post's subject) stands in when the item
        # has no page of its own, so the item is still ingested instead of skipped for "no link".
        link=http_link(item.get("url"), base) or http_link(item.get("external_url"), base),
        guid=_item_id(item.get("id")),
        title=_text(item.get("title")),
        summary=_text(item.get("summary")) or tidy_text(_plain(item.get("content_text")))
        or (html_to_text(content_html) if content_html else ""),
        content_html=content_html,
        published_at=_moment(item.get("date_published")) or _moment(item.get("date_modified")),
        author=_author_names(item) or feed_authors,
        updated_at=_moment(item.get("date_modified")),
        language=_plain(item.get("language")).strip() or feed_language,
    )


def _item_id(value: object) -> str | None:
    """The spec asks for a string id and tells readers to turn a number into one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return (value.strip() or None) if isinstance(value, str) else None


def _content_html(item: Mapping[str, Any], base: str) -> str | None:
    """The item's HTML with links made absolute and scripts removed, as feedparser does for RSS;
    a text-only item's content_text as escaped paragraphs, so the feed-content fallback has its
    whole text rather than only the summary."""
    markup = _plain(item.get("content_html"))
    if markup.strip():
        return content_markup(markup, base)
    paragraphs = [part for part in tidy_text(_plain(item.get("content_text"))).split("\n\n") if part]
    return "".join(f"<p>{escape(part)}</p>" for part in paragraphs) or None


def _author_names(owner: Mapping[str, Any]) -> str | None:
    """Names from 1.1's "authors" list, else 1.0's single "author" object, joined with commas."""
    authors = owner.get("authors")
    if not isinstance(authors, list):
        authors = [owner.get("author")]
    names = [tidy_text(author["name"]) for author in authors
             if isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"].strip()]
    return ", ".join(names) or None


def _moment(value: object) -> datetime | None:
    """An RFC 3339 stamp as UTC to the second, like feedparser's dates; no offset is taken as UTC.
    Some producers write the RSS form instead ("Thu, 12 Nov 2026 10:32:00 +0100"): read too."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().upper())
    except ValueError:
        return feed_date(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc).replace(microsecond=0)
    except OverflowError:   # year 1 with a positive offset falls before datetime.min
        return None


def _text(value: object) -> str:
    """Plain text of a field the spec calls text; markup a producer put there anyway is removed, and
    entity references (WordPress writes "Mali&#8217;s") are resolved."""
    text = _plain(value)
    return field_text(text) if MARKUP.search(text) else tidy_text(text)


def _plain(value: object) -> str:
    return value if isinstance(value, str) else ""


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _notes(without_id: int, not_objects: int) -> str | None:
    notes = []
    if without_id:
        notes.append(f"{without_id} item(s) without an id, kept without a guid")
    if not_objects:
        notes.append(f"{not_objects} item(s) not a JSON object, dropped")
    return clip_reason("json feed: " + "; ".join(notes)) if notes else None
