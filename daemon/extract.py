"""Article text and metadata from a fetched page: decode, extract with trafilatura, clean.

process_page runs in worker processes, so it is a top-level function and loads residue rules
once per process. Bad input (not HTML, empty, a paywall, broken markup) never escapes as
anything but ExtractionError with a short reason the pipeline records.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from daemon.clean import Cleaned, ResidueRules, clean, hygiene, load_rules, word_count
from daemon.decoding import decode_body, slim_html
from daemon.errors import ExtractionError
from daemon.pagemeta import clean_author, clean_site_name, clean_title, read_page_meta

MAX_RAW_BYTES = 16_000_000    # looked at at all (the fetcher caps bodies too)
MAX_INPUT_BYTES = 2_000_000   # after scripts, inline data and comments go, pages are cut here
MIN_WORDS = 30                # less clean text than this is no article (paywall, cookie wall, stub)
TEASER_LINK_MAX_CHARS = 160   # a same-site link standing alone as a paragraph up to this long
# trafilatura's fast mode keeps most article text; when its output looks noisy (the cleaner had
# to remove this share of the words, or one table row holds most of the text) a precision-mode
# pass gets a second say, kept when it still has this share of the words.
NOISY_REMOVED_SHARE = 0.25
NOISY_TABLE_SHARE = 0.5
SECOND_OPINION_MIN_SHARE = 0.3

_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
_SNIFF_TYPES = {"", "text/plain", "application/octet-stream", "binary/octet-stream"}
_SIGNATURES = (
    (b"%PDF-", "application/pdf"), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"), (b"PK\x03\x04", "application/zip"), (b"\x1f\x8b", "application/gzip"),
    (b"ID3", "audio/mpeg"), (b"OggS", "audio/ogg"), (b"\x00\x00\x01\x00", "image/x-icon"),
)
_HTML_HINT = re.compile(rb"<(?:!doctype|html|head|body|p|div|article|meta|title)\b", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "pre", "table", "tr", "section", "article", "figure", "figcaption", "dd", "dt"}

_rules_cache: dict[str | None, ResidueRules] = {}


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one page yields: clean body text plus cleaned metadata."""

    title: str | None
    author: str | None
    published_at: datetime | None   # aware UTC
    site_name: str | None
    language: str | None
    text: str                       # clean body, paragraphs separated by one blank line
    canonical_url: str | None       # from rel=canonical / og:url, absolute
    removed: tuple[str, ...] = ()   # residue the cleaner removed (for logs and evaluation)


def rules_for(extra_rules_path: str | None) -> ResidueRules:
    """Residue rules, loaded once per process and extra file."""
    key = str(Path(extra_rules_path).resolve()) if extra_rules_path else None
    if key not in _rules_cache:
        _rules_cache[key] = load_rules(key)
    return _rules_cache[key]


def process_page(body: bytes, url: str, content_type: str | None = None,
                 extra_rules_path: str | None = None) -> Extracted:
    """Extract, clean and describe one fetched page; ExtractionError says why when it can't."""
    rules = rules_for(extra_rules_path)
    if not body or not body.strip():
        raise ExtractionError(url, "empty page")
    _refuse_non_html(body, url, content_type)
    page = decode_body(_slimmed(body[:MAX_RAW_BYTES])[:MAX_INPUT_BYTES], content_type)
    host = (urlsplit(url).hostname or "").lower() or None
    try:
        tree = load_html(page)
        if tree is None:
            raise ExtractionError(url, "no html tree")
        meta = read_page_meta(tree, url)
        _drop_teaser_links(tree, url, host)
        raw_text = _trafilatura_text(tree, url, fast=True)
    except ExtractionError:
        raise
    except Exception as exc:  # third-party parsing of hostile input: record, don't crash
        raise ExtractionError(url, f"extractor failed: {type(exc).__name__}") from exc
    if not raw_text.strip():
        raise ExtractionError(url, "no article text found")
    site_name = _tidy(clean_site_name(meta.site_name))
    title = _tidy(clean_title(meta.title, site_name, host))
    raw_text = hygiene(raw_text)
    cleaned = clean(raw_text, rules, title=title, host=host)
    if _looks_noisy(raw_text, cleaned):
        cleaned = _second_opinion(tree, url, cleaned, rules, title, host)
    words = word_count(cleaned.text)
    if words < MIN_WORDS:
        wall = rules.walls is not None and rules.walls.search(raw_text)
        raise ExtractionError(url, f"paywall or cookie wall only ({words} words)" if wall
                              else f"too little text ({words} words)")
    return Extracted(
        title=title,
        author=_tidy(clean_author(meta.author, site_name)),
        published_at=meta.published_at,
        site_name=site_name,
        language=meta.language,
        text=cleaned.text,
        canonical_url=meta.canonical_url,
        removed=cleaned.removed,
    )


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> str:
    """Main text as plain lines; bare_extraction works on its own copy of the tree."""
    document = bare_extraction(tree, url=url, fast=fast, favor_precision=not fast,
                               include_comments=False)
    return (document.text or "") if document is not None else ""


def _tidy(field: str | None) -> str | None:
    """A title, author or site name through the same hygiene as the text: a stray control character
    or lone surrogate from a page's metadata must not reach storage."""
    return hygiene(field) or None if field else None


def _looks_noisy(raw_text: str, cleaned: Cleaned) -> bool:
    raw_words, kept_words = word_count(raw_text), word_count(cleaned.text)
    if not raw_words or not kept_words:
        return False
    if (raw_words - kept_words) / raw_words >= NOISY_REMOVED_SHARE:
        return True
    largest = max(cleaned.text.split("\n\n"), key=len)
    return largest.startswith("|") and word_count(largest) >= NOISY_TABLE_SHARE * kept_words


def _second_opinion(tree: lxml.html.HtmlElement, url: str, first: Cleaned, rules: ResidueRules,
                    title: str | None, host: str | None) -> Cleaned:
    """trafilatura's precision mode on a noisy page; its text wins unless it lost the article."""
    try:
        text = _trafilatura_text(tree, url, fast=False)
    except Exception:  # the first pass worked: a failing second opinion changes nothing
        return first
    second = clean(hygiene(text), rules, title=title, host=host)
    enough = max(MIN_WORDS, SECOND_OPINION_MIN_SHARE * word_count(first.text))
    return second if word_count(second.text) >= enough else first


def text_from_feed_html(html_or_text: str, url: str, extra_rules_path: str | None = None) -> str:
    """Clean text from a feed entry's content or summary, for when the page itself fails."""
    rules = rules_for(extra_rules_path)
    host = (urlsplit(url).hostname or "").lower() or None
    text = _fragment_text(html_or_text or "")
    return clean(hygiene(text), rules, host=host).text


def _slimmed(body: bytes) -> bytes:
    """Scripts, inline data and comments carry no article text but can be most of a huge page."""
    return slim_html(body) if len(body) > MAX_INPUT_BYTES else body


def _refuse_non_html(body: bytes, url: str, content_type: str | None) -> None:
    mime = (content_type or "").split(";")[0].strip().lower()
    head = body[:1024].lstrip()
    for signature, sniffed in _SIGNATURES:
        if head.startswith(signature):
            raise ExtractionError(url, f"not html: {sniffed}")
    if mime in _HTML_TYPES or mime.endswith("+xml"):
        return
    if mime not in _SNIFF_TYPES:
        raise ExtractionError(url, f"not html: {mime}")
    if b"\x00" in head or not _HTML_HINT.search(body[:4096]):
        raise ExtractionError(url, f"not html: {mime or 'unknown content'}")


def _same_site(href: str, page_url: str, host: str | None) -> bool:
    target = urlsplit(urljoin(page_url, href))
    other = (target.hostname or "").lower().removeprefix("www.")
    own = (host or "").removeprefix("www.")
    return bool(own) and other == own and target.path.strip("/") != urlsplit(page_url).path.strip("/")


def _drop_teaser_links(tree: lxml.html.HtmlElement, page_url: str, host: str | None) -> None:
    """A paragraph that is nothing but a link to another story of the same site is a teaser."""
    for paragraph in tree.iter("p"):
        links = paragraph.findall(".//a[@href]")
        if len(links) != 1:
            continue
        text = " ".join(paragraph.text_content().split())
        link_text = " ".join(links[0].text_content().split())
        if text and len(text) <= TEASER_LINK_MAX_CHARS and link_text == text \
                and _same_site(links[0].get("href", ""), page_url, host):
            paragraph.drop_tree()


def _fragment_text(source: str) -> str:
    if "<" not in source:
        return html_lib.unescape(source)
    try:
        root = lxml.html.fragment_fromstring(source, create_parent="div")
    except (ParserError, ValueError):
        return html_lib.unescape(re.sub(r"<[^>]*>", " ", source))
    for junk in root.xpath(".//script|.//style|.//noscript"):
        junk.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    return root.text_content()
