"""Feed bytes -> entries: RSS 0.9x/1.0/2.0 and Atom via feedparser, on bytes we fetched ourselves;
JSON Feed 1 and 1.1 (a body that opens with "{" or "[") via daemon/json_feed.py.

feedparser only ever sees a BytesIO (a str or bytes argument could make it open a URL or a local
file), and documents that declare expanding entities are refused before parsing. A bozo feed that
still yields entries is used, with the reason kept.
"""

from __future__ import annotations

import io
import re
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import resolve_relative_uris

from daemon.errors import FeedParseError
from daemon.publication_dates import entry_date, first_entry_date

MAX_REASON = 200

_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_:]")
_PROLOG_MARKUP = ((b"<?", b"?>"), (b"<!--", b"-->"))   # skipped whole: their text may hold "<a"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DOCTYPE_TOKEN = re.compile(rb"<!--|<\?|[\"'\[\]>]")
_ENTITY_DECL = re.compile(rb"<!ENTITY(.*?)>", re.IGNORECASE | re.DOTALL)
# An entity that cannot expand into others: a character reference or short plain text.
_SAFE_ENTITY = re.compile(rb'\s+[\w.:-]+\s+(?:"(?:&#x?[0-9a-fA-F]+;|[^&%"<]{0,64})"'
                          rb"|'(?:&#x?[0-9a-fA-F]+;|[^&%'<]{0,64})')\s*$")
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|rdf)\b", re.IGNORECASE)
_HTML_ROOT = re.compile(rb"<!doctype\s+html|<html\b|<head\b|<body\b", re.IGNORECASE)
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "pre", "tr", "table", "section", "article", "figure", "hr"})
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                              "application/xml", "text/xml", "application/feed+json"})
FEED_LINK_SCAN_BYTES = 256 * 1024   # <link rel="alternate"> lives in the head, near the top
_LINK_TAG = re.compile(r"<(?:link|a)\b([^<>]{0,2000})>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*[{\[]")
# feedparser resolves relative references against a stand-in host (".invalid" never exists), put
# back to the feed's own afterwards: a value still on the stand-in was written relative.
STAND_IN_HOST = "feed-base.newswatch.invalid"
# Tags or entity references in text: markup to read (again, when a producer escaped it twice).
MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"
                    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item as the pipeline needs it; text fields are plain text, content_html is HTML."""

    link: str | None
    guid: str | None
    title: str
    summary: str
    content_html: str | None
    published_at: datetime | None
    author: str | None
    updated_at: datetime | None = None   # the entry's own "updated" stamp: a revision signal
    language: str | None = None          # as the feed states it (JSON Feed's "language"), e.g. "fr-ML"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    site_url: str | None
    entries: tuple[Entry, ...]
    bozo_reason: str | None
    # The feed's own word on how often to poll it (daemon/backoff.py reads them): RSS <ttl> in
    # minutes, and the syndication module's sy:updatePeriod ("hourly" …) and sy:updateFrequency.
    ttl_minutes: int | None = None
    update_period: str | None = None
    update_frequency: int | None = None


def parse_feed(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse fetched feed bytes; FeedParseError when no entries can be had (an empty valid feed is fine)."""
    if not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        raise FeedParseError(url, "empty body")
    if _JSON_START.match(body):
        # JSON Feed: feedparser reads no JSON (it calls it "malformed xml") and the XML entity check
        # does not apply. Imported here because json_feed builds on this module's Entry and ParsedFeed.
        from daemon.json_feed import parse_json_feed
        return parse_json_feed(body, url)
    if declares_expanding_entities(body):
        raise FeedParseError(url, "entity declarations refused")
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    base = _FeedBase(url)
    response_headers["content-location"] = base.stand_in
    try:
        # Links in content are resolved and scripts removed below (content_html), on markup made
        # parser-safe first: feedparser's own pass stalls on a run of unclosed comments.
        result = feedparser.parse(io.BytesIO(body), response_headers=response_headers,
                                  resolve_relative_uris=False, sanitize_html=False)
    except (RecursionError, ValueError, TypeError, LookupError, AssertionError) as exc:
        # feedparser's loose parser can trip on hostile bytes; that is bad input, not our bug
        raise FeedParseError(url, clip_reason(f"parser failure: {type(exc).__name__}")) from None
    problem = _describe(result.get("bozo_exception")) if result.get("bozo") else None
    read = tuple(_entry(raw, url, base) for raw in result.get("entries", ()))
    entries = without_build_stamps(tuple(entry for entry in read if _has_substance(entry)))
    if len(entries) < len(read):   # e.g. the stub of an item a truncated body cut after "<item>"
        problem = clip_reason(f"{problem + '; ' if problem else ''}empty entries dropped: {len(read) - len(entries)}")
    if not entries:
        if _looks_like_html(body, response_headers):
            advertised = advertised_feed_url(body, url)
            raise FeedParseError(url, clip_reason(f"not a feed (html page; it names its feed: {advertised})"
                                            if advertised else "not a feed (html page)"), advertised=advertised)
        if problem and problem.startswith("malformed xml"):
            raise FeedParseError(url, problem)
        if not result.get("version"):
            raise FeedParseError(url, "no entries")
    feed = result.get("feed", {})
    return ParsedFeed(title=_text(feed, "title"), site_url=http_link(base.restored(feed.get("link")), url),
                      entries=entries, bozo_reason=problem, ttl_minutes=_whole_number(feed.get("ttl")),
                      update_period=_word(feed.get("sy_updateperiod")),
                      update_frequency=_whole_number(feed.get("sy_updatefrequency")))


def declares_expanding_entities(body: bytes) -> bool:
    """True when the prolog declares an entity that could expand (into others, or from outside)."""
    head = body[:4096]
    data = body.replace(b"\x00", b"") if b"\x00" in head else body  # UTF-16/32 to ASCII-ish
    return any(not _SAFE_ENTITY.match(decl) for decl in _ENTITY_DECL.findall(_prolog(data)))


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element. Comments, processing instructions and the DOCTYPE (with
    its internal subset's quoted values) are stepped over whole, so no "<a" inside them ends it."""
    at = 0
    while (at := data.find(b"<", at)) >= 0:
        if _ROOT_ELEMENT.match(data, at):
            return data[:at]
        closer = next((end for start, end in _PROLOG_MARKUP if data.startswith(start, at)), None)
        if closer is not None:
            end = data.find(closer, at + 2)
            at = end + len(closer) if end >= 0 else -1
        elif _DOCTYPE.match(data, at):
            at = _doctype_end(data, at)
        else:
            at += 1
        if at < 0:
            break
    return data


def _doctype_end(data: bytes, at: int) -> int:
    """Where the DOCTYPE starting at `at` ends (past its ">"), or -1 when it never does."""
    in_subset = False
    at += len(b"<!DOCTYPE")
    while token := _DOCTYPE_TOKEN.search(data, at):
        mark, at = token.group(), token.end()
        if mark in (b"<!--", b"<?"):
            closer = b"-->" if mark == b"<!--" else b"?>"
            end = data.find(closer, at)
            at = end + len(closer) if end >= 0 else -1
        elif mark in (b'"', b"'"):
            end = data.find(mark, at)
            at = end + 1 if end >= 0 else -1
        elif mark == b"[":
            in_subset = True
        elif mark == b"]":
            in_subset = False
        elif not in_subset:      # ">" outside the internal subset
            return at
        if at < 0:
            return -1
    return -1


class _FeedBase:
    """The feed URL with its host swapped for STAND_IN_HOST, and the way back."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.stand_in = urlunsplit((parts.scheme, STAND_IN_HOST, parts.path, parts.query, ""))
        self._stand_in_origin = f"{parts.scheme}://{STAND_IN_HOST}"
        self._origin = f"{parts.scheme}://{parts.netloc}"

    def written_relative(self, value: object) -> bool:
        return isinstance(value, str) and value.strip().startswith(self._stand_in_origin)

    def restored(self, value: object) -> Any:
        return value.replace(self._stand_in_origin, self._origin) if isinstance(value, str) else value


def _entry(raw: Mapping[str, Any], url: str, base: _FeedBase) -> Entry:
    link = raw.get("link")
    # feedparser lets a permalink guid stand in for a missing <link>; one written relative ("12345",
    # "post-77") is an id, not an address, and must not make us fetch a page the feed never named.
    if raw.get("guidislink") and link == raw.get("id") and base.written_relative(link):
        link = None
    return Entry(
        link=http_link(base.restored(link), url),
        guid=(base.restored(raw.get("id")) or "").strip() or None,
        title=_text(raw, "title"),
        summary=_text(raw, "summary"),
        content_html=base.restored(_content_html(raw)),
        published_at=first_entry_date(raw),
        author=_text(raw, "author") or None,
        updated_at=entry_date(raw, "updated"),
    )


def _has_substance(entry: Entry) -> bool:
    """Whether there is anything to ingest or to name in a skip: an empty <item/> has neither."""
    return bool(entry.link or entry.guid or entry.title or entry.summary or entry.content_html)


def without_build_stamps(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Entries with their updated stamps dropped when all of them (two or more) carry the same one:
    that is the feed's build time, not a revision of each entry, and must not re-fetch every page."""
    stamps = {entry.updated_at for entry in entries}
    if len(entries) < 2 or len(stamps) != 1 or None in stamps:
        return entries
    return tuple(replace(entry, updated_at=None) for entry in entries)


def http_link(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = urljoin(base, link.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None


def _text(raw: Mapping[str, Any], key: str) -> str:
    """A field as plain text: markup removed when feedparser says the field is HTML."""
    value = raw.get(key)
    if not isinstance(value, str):
        return ""
    detail = raw.get(f"{key}_detail") or {}
    if "html" in str(detail.get("type", "")):
        return field_text(value)
    return tidy_text(value)


def _content_html(raw: Mapping[str, Any]) -> str | None:
    for item in raw.get("content") or ():
        if "html" in str(item.get("type", "")) and str(item.get("value", "")).strip():
            return content_markup(str(item["value"]), str(item.get("base") or ""))
    return None


def content_markup(markup: str, base: str) -> str:
    """An entry's HTML as the pipeline keeps it: links made absolute against `base`, scripts and
    other dangerous markup removed (feedparser's resolver and sanitizer, on parser-safe markup)."""
    kind = "text/html"
    return _sanitize_html(resolve_relative_uris(parser_safe_markup(markup), base, "utf-8", kind), "utf-8", kind)


def _whole_number(value: object) -> int | None:
    """A count the feed states as text ("60"); None when it is missing or not a whole number."""
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _word(value: object) -> str | None:
    text = value.strip().lower() if isinstance(value, str) else ""
    return text or None


def _describe(exc: object) -> str | None:
    """A short stable reason for feedparser's bozo exception."""
    if exc is None:
        return None
    message = str(exc).removeprefix("<unknown>:")
    if isinstance(exc, xml.sax.SAXException):
        return clip_reason(f"malformed xml: {message}")
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown):
        return clip_reason(f"encoding: {message}")
    if isinstance(exc, feedparser.NonXMLContentType):
        return clip_reason(f"content type: {message}")
    return clip_reason(f"{type(exc).__name__}: {message}")


def _looks_like_html(body: bytes, headers: Mapping[str, str]) -> bool:
    head = body[:4096].replace(b"\x00", b"")
    if _FEED_ROOT.search(head):
        return False
    return bool(_HTML_ROOT.search(head)) or "html" in headers.get("content-type", "").lower()


def advertised_feed_url(body: bytes, url: str) -> str | None:
    """The absolute http(s) URL of the first RSS/Atom/JSON feed an HTML page advertises with
    <link rel="alternate" type="application/rss+xml" href="…">, so the operator is told what to
    put in the config instead of the page's URL; None when the page names none.

    A bounded regular expression, not HTMLParser: that one slows quadratically on runs of
    unclosed tags, and this runs on pages nobody vetted."""
    text = body[:FEED_LINK_SCAN_BYTES].decode("utf-8", errors="replace")
    for tag in _LINK_TAG.finditer(text):
        values = {name.lower(): unescape(value.strip("\"'")) for name, value in _ATTRIBUTE.findall(tag.group(1))}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in _FEED_LINK_TYPES:
            absolute = http_link(values.get("href"), url)
            if absolute and absolute != url:
                return absolute
    return None


def clip_reason(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def tidy_text(text: str) -> str:
    """Collapse runs of spaces, keep paragraph breaks as blank lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data.replace("\n", " "))


def field_text(markup: str) -> str:
    """Plain text of a title or summary given as HTML. Many producers escape it twice
    ("&amp;lt;b&amp;gt;", "&amp;#8217;"): text that still holds markup once read is read once more."""
    text = html_to_text(markup)
    if not MARKUP.search(text):
        return text
    return "\n\n".join(filter(None, (html_to_text(paragraph) for paragraph in text.split("\n\n"))))


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, one blank line between blocks."""
    if "<" not in markup:
        return tidy_text(unescape(markup))
    collector = _TextCollector()
    collector.feed(parser_safe_markup(markup))
    collector.close()
    return tidy_text("".join(collector.parts))


def parser_safe_markup(markup: str) -> str:
    """The fragment with what makes HTML parsers stall or raise turned harmless, before html.parser
    or feedparser's sanitizer sees it. Both look for the end of every construct that never ends all
    the way to the end of the text, so a stranger's run of "<!--" or "<?" takes quadratic time (a
    100 kB run: many seconds), and html.parser raises on a marked section ("<![x"). So comments are
    removed (one never closed hides the rest, as in a browser), "<![" is text, and so is every "<"
    after the last ">". Linear in the fragment."""
    kept, at = [], 0
    while (opener := markup.find("<!--", at)) >= 0:
        kept.append(markup[at:opener])
        closer = markup.find("-->", opener + 2)
        at = closer + 3 if closer >= 0 else len(markup)
    kept.append(markup[at:])
    text = "".join(kept).replace("<![", "&lt;![")
    last_close = text.rfind(">") + 1
    return text[:last_close] + text[last_close:].replace("<", "&lt;")
