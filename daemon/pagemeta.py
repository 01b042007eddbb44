"""Article metadata read from a parsed page and cleaned into plain values.

Pages declare most of it (meta tags, JSON-LD, rel=canonical); reading that directly is several
times cheaper than trafilatura's metadata pass and keeps the time and zone of dates. The values
are then normalised: titles without " | Site", authors without "By", dates as aware UTC.
"""

from __future__ import annotations

import calendar
import json
import re
import tomllib
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date.issued",
    "dc.date", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "cxenseparse:recs:publishtime", "article.published", "originalpublicationdate",
)
_EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
_AUTHOR_CHARS = 300          # longer author values are hostile or a paragraph; the regexes below see no more
_TITLE_SEPARATOR = re.compile(r"(\s+[|\-–—·•»:/]{1,2}\s+)")
_AUTHOR_SPLIT = re.compile(r"\s*[;,]\s*|\s+(?:and|und|et|y|e)\s+|\s*&\s*")
_AFFILIATION = re.compile(r"\s+[|–—-]\s+.*$")
_AUTHOR_PREFIX = re.compile(r"^(?:by|written by|words by|par|por|von|door|di|de)\s*[:\-]?\s+", re.I)
_TRAILING_SEPARATOR = re.compile(r"\s+[|\-–—·•»:/]{1,2}\s+$")
_LEADING_SEPARATOR = re.compile(r"^\s+[|\-–—·•»:/]{1,2}\s+")
_CALENDAR_WORDS = {w.casefold() for w in (*calendar.month_name, *calendar.day_name) if w}
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(?=$|[-_])")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NAMED_OFFSET = re.compile(r"\s*(?:GMT|UTC)\s*(?:([+-])(\d{1,2}):?(\d{2})?)?$", re.I)  # "… GMT-05:00"
# Arabic-Indic and Persian digits read as ASCII: datetime.fromisoformat refuses them, and the
# looser day-only search then dropped the time and zone of "٢٠٢٦-١١-١٢T10:32:00+01:00".
_ASCII_DIGITS = {ord(c): str(i) for zero in ("٠", "۰") for i, c in enumerate(chr(ord(zero) + n) for n in range(10))}


def _month_numbers() -> dict[str, int]:
    """Every written month name (daemon/data/month_names.toml) with its number."""
    table = tomllib.loads(resources.files("daemon").joinpath("data", "month_names.toml").read_text("utf-8"))
    return {name.casefold(): int(number) for number, names in table.items() for name in names}


_MONTHS = _month_numbers()
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\w)(\d{1,2})(?:er)?\.?\s+(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
    + r")\.?,?\s+(\d{4})(?:,?\s*(?:à|at|الساعة|-)?\s*(\d{1,2})\s*[:h]\s*(\d{2}))?(?!\w)", re.I)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page declares about itself, before cleaning."""

    title: str | None
    author: str | None
    site_name: str | None
    published_at: datetime | None
    canonical_url: str | None
    language: str | None


def read_page_meta(tree: HtmlElement, page_url: str, now: datetime | None = None) -> PageMeta:
    """One look at meta tags, JSON-LD and a few elements; cheap, so extraction stays fast."""
    metas = _meta_values(tree)
    linked = _json_ld_items(tree)
    return PageMeta(
        title=_first(metas, "og:title", "twitter:title") or _ld_text(linked, "headline")
        or _headline_from_title_and_h1(_element_text(tree, "//title"), _element_text(tree, "//h1")),
        author=_author(tree, metas, linked),
        site_name=_first(metas, "og:site_name", "application-name")
        or _ld_name(linked, "publisher"),
        published_at=_published(tree, metas, linked, now or datetime.now(timezone.utc)),
        canonical_url=_canonical(tree, metas, page_url),
        language=_language(tree, metas),
    )


def _headline_from_title_and_h1(title: str | None, h1: str | None) -> str | None:
    """<title> usually adds the site's name ("Headline | Site"); when the page's h1 is the title
    without that part, the h1 is the headline, whatever the site calls itself."""
    if title and h1:
        folded_title, folded_h1 = " ".join(title.split()).casefold(), " ".join(h1.split()).casefold()
        if folded_h1 != folded_title and (folded_title.startswith(folded_h1) or folded_title.endswith(folded_h1)):
            return " ".join(h1.split())
    return title or h1


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = (meta.get("content") or "").strip()
        if key and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _first(metas: dict[str, str], *keys: str) -> str | None:
    return next((metas[k] for k in keys if metas.get(k)), None)


def _element_text(tree: HtmlElement, xpath: str) -> str | None:
    found = tree.xpath(xpath)
    text = " ".join(found[0].text_content().split()) if found else ""
    return text or None


def _json_ld_items(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, nested ones (@graph, lists) flattened."""
    items: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            stack: list[Any] = [json.loads(str(script))]
        except ValueError:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                items.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return items


def _ld_text(items: list[dict[str, Any]], key: str) -> str | None:
    return next((str(i[key]).strip() for i in items if isinstance(i.get(key), str) and i[key].strip()), None)


def _ld_name(items: list[dict[str, Any]], key: str) -> str | None:
    names = []
    for item in items:
        value = item.get(key)
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                names.append(entry["name"].strip())
            elif isinstance(entry, str) and not entry.startswith("http"):
                names.append(entry.strip())
        if names:
            return "; ".join(n for n in names if n) or None
    return None


def _author(tree: HtmlElement, metas: dict[str, str], linked: list[dict[str, Any]]) -> str | None:
    value = _first(metas, "author", "article:author", "parsely-author", "sailthru.author", "byl",
                   "dc.creator", "dcterms.creator")
    if value and not value.startswith("http"):
        return value
    value = _ld_name(linked, "author")
    if value:
        return value
    for xpath in ("//*[@itemprop='author']", "//a[@rel='author']", "//*[@rel='author']",
                  "//*[contains(@class, 'byline')]"):
        text = _element_text(tree, xpath)
        if text and len(text.split()) <= 8:
            return text
    return None


def _canonical(tree: HtmlElement, metas: dict[str, str], page_url: str) -> str | None:
    """rel=canonical, else og:url, made absolute; None if neither is a web address."""
    links = [link.get("href", "") for link in tree.iter("link")
             if "canonical" in (link.get("rel") or "").lower().split()]
    for value in (*links, metas.get("og:url", "")):
        value = value.strip()
        if value:
            absolute = urljoin(page_url, value)
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return None


def _language(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    """Primary language subtag ("en", "fr") from <html lang>, content-language or og:locale."""
    for value in (tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
                  metas.get("content-language"), metas.get("og:locale")):
        match = _LANGUAGE.match((value or "").strip())
        if match:
            return match.group(0).lower()
    return None


def _published(tree: HtmlElement, metas: dict[str, str], linked: list[dict[str, Any]],
               now: datetime) -> datetime | None:
    """The declared publication time; htmldate's quick search of the page when none is declared."""
    candidates = [metas[k] for k in _PUBLISHED_META if k in metas]
    candidates += [str(i["datePublished"]) for i in linked if i.get("datePublished")]
    candidates += [str(v) for v in tree.xpath("//*[@itemprop='datePublished']/@datetime")]
    candidates += [str(v) for v in tree.xpath("(//time[@datetime])[1]/@datetime")]
    for value in candidates:
        moment = parse_datetime(value, now)
        if moment is not None:
            return moment
    try:
        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate on hostile markup: no date is an acceptable answer
        return None
    return parse_datetime(found, now) if found else None


def parse_datetime(value: str | None, now: datetime | None = None) -> datetime | None:
    """ISO 8601, RFC 2822 or a bare day, as aware UTC; None when unreadable or implausible."""
    text = (value or "").strip()
    if not text:
        return None
    moment = _parse_any(text)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # "9999-12-31T23:59:59-05:00" is past the last datetime once in UTC
        return None
    now = now or datetime.now(timezone.utc)
    if moment < _EARLIEST or moment > now + timedelta(days=1):
        return None
    return moment


def _parse_any(text: str) -> datetime | None:
    text = text.translate(_ASCII_DIGITS)
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    iso = _NAMED_OFFSET.sub(lambda m: f"{m[1] or '+'}{int(m[2] or 0):02d}:{m[3] or '00'}", iso, count=1)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    match = _ISO_DATE.search(text)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return _day_month_year(text)


def _day_month_year(text: str) -> datetime | None:
    """A written date, "12 novembre 2026 à 10h32" or "١٢ نوفمبر ٢٠٢٦", local time taken as UTC."""
    match = _DAY_MONTH_YEAR.search(text)
    if not match:
        return None
    hour, minute = (int(match[4]), int(match[5])) if match[4] else (0, 0)
    try:
        return datetime(int(match[3]), _MONTHS[match[2].casefold()], int(match[1]), hour, minute)
    except ValueError:
        return None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _names_site(segment: str, site_name: str | None, host: str | None, exact: bool = False) -> bool:
    """A title segment that is the outlet's name (or starts with it: "RT World News")."""
    squashed = _squash(segment)
    if not squashed or len(segment.split()) > 6:
        return False
    names = [_squash(site_name or "")]
    if host:
        names.append(host.lower().removeprefix("www.").split(".")[0].replace("-", ""))
    short = len(segment.split()) <= 4 and not exact
    for name in filter(None, names):
        if squashed == name or (short and (squashed.startswith(name) or name.startswith(squashed))
                                and min(len(name), len(squashed)) >= 2):
            return True
        if len(name) >= 4 and name in squashed and short:
            return True
    return False


def clean_title(title: str | None, site_name: str | None, host: str | None) -> str | None:
    """The headline without the site's name before or after it (" | Site", "Site - ")."""
    if not title:
        return None
    title = " ".join(title.split())
    if site_name and len(title) > len(site_name) + 3:
        title = _strip_site_name(title, site_name)
    parts = _TITLE_SEPARATOR.split(title)  # [segment, separator, segment, ...]
    while len(parts) > 1 and _names_site(parts[-1], site_name, host):
        parts = parts[:-2]
    while len(parts) > 1 and _names_site(parts[0], site_name, host, exact=True):
        parts = parts[2:]
    return "".join(parts).strip() or None


def _strip_site_name(title: str, site_name: str) -> str:
    """Handles site names that contain a separator themselves ("Site - Tagline")."""
    folded, name = title.casefold(), site_name.casefold()
    if folded.endswith(name):
        head = _TRAILING_SEPARATOR.sub("", title[:len(title) - len(name)], count=1)
        if len(head) < len(title) - len(name):
            return head.strip()
    if folded.startswith(name):
        tail = _LEADING_SEPARATOR.sub("", title[len(name):], count=1)
        if len(tail) < len(title) - len(name):
            return tail.strip()
    return title


def clean_author(author: str | None, site_name: str | None = None) -> str | None:
    """Names only: no "By", no e-mail, no site name; several authors joined by "; "."""
    if not author:
        return None
    names: list[str] = []
    author = " ".join(author.split())[:_AUTHOR_CHARS]
    for name in _AUTHOR_SPLIT.split(_EMAIL.sub("", author)):
        name = _AUTHOR_PREFIX.sub("", " ".join(name.split()))
        name = _AFFILIATION.sub("", name).strip(" ,|-–—:")
        words = name.split()
        while words and words[-1].casefold() in _CALENDAR_WORDS:
            words.pop()
        name = " ".join(words)
        if not name or not re.search(r"[^\W\d_]", name) or len(name.split()) > 5:
            continue
        if site_name and _squash(name) == _squash(site_name):
            continue
        if name not in names:
            names.append(name)
    return "; ".join(names) or None


def clean_site_name(site_name: str | None) -> str | None:
    """The outlet's name as the page gives it, trimmed; None when empty."""
    value = " ".join((site_name or "").split())
    return value or None
