"""Canonical URLs: one spelling per article, so the same story reached through tracking links,
mobile/AMP variants or sloppy slashes is recognised before any page is fetched.

canonical_url is an identity, not a fetch target: fetch the link the feed gave, store the canonical.
Every rule is idempotent (canonical_url(canonical_url(u)) == canonical_url(u)).
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit, quote

DEFAULT_PORTS = {"http": 80, "https": 443}

# RFC 3986: escapes of these characters mean the same as the characters themselves.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_QUERY_KEY_SAFE = "!$'()*+,;:@/?-._~"
_QUERY_VALUE_SAFE = _QUERY_KEY_SAFE + "="
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INVISIBLE = re.compile(r"[\t\r\n]")
_BAD_HOST_CHARS = re.compile(r"[\s<>\"{}|\\^`%/?#@]")


@dataclass(frozen=True, slots=True)
class UrlRules:
    """The data-file rules: query parameters and host labels that never change the article."""

    tracking_params: frozenset[str]
    tracking_prefixes: tuple[str, ...]
    source_label_params: frozenset[str]
    amp_params: frozenset[str]
    session_path_params: frozenset[str]
    host_prefixes: frozenset[str]

    def drops_param(self, name: str, value: str | None = None) -> bool:
        key = unquote_plus(name).strip().lower()
        if key in self.source_label_params:  # "ref=rss" is a referrer; "ref=2024-0311" names an article
            return not any(char.isdigit() for char in unquote_plus(value or ""))
        return (key in self.tracking_params or key in self.amp_params
                or key.startswith(self.tracking_prefixes))


@cache
def url_rules() -> UrlRules:
    """Load daemon/data/url_rules.toml once."""
    text = resources.files("daemon").joinpath("data", "url_rules.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    lower = lambda items: frozenset(i.lower() for i in items)  # noqa: E731
    return UrlRules(
        tracking_params=lower(raw["tracking_params"]) | lower(raw["tracking_params_at_internet"]),
        tracking_prefixes=tuple(p.lower() for p in raw["tracking_prefixes"]),
        source_label_params=lower(raw["source_label_params"]),
        amp_params=lower(raw["amp_params"]),
        session_path_params=lower(raw["session_path_params"]),
        host_prefixes=lower(raw["host_prefixes"]),
    )


def canonical_url(url: str, base: str | None = None) -> str:
    """The one spelling of url that names its article; ValueError for anything but http(s)."""
    rules = url_rules()
    url = _INVISIBLE.sub("", url).strip()
    if base is not None:
        url = urljoin(_INVISIBLE.sub("", base).strip(), url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"unsupported scheme {scheme!r}" if scheme else "not an absolute URL")
    host = _canonical_host(parts.hostname or "", rules)
    try:
        port = parts.port
    except ValueError:
        raise ValueError("invalid port") from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, _canonical_path(parts.path, rules), _canonical_query(parts.query, rules),
                       _canonical_fragment(parts.fragment)))


def host_of(url: str) -> str:
    """The canonical host of url (no port, no www./m. prefix): the key for per-host limits and rules."""
    return urlsplit(canonical_url(url)).hostname or ""


def is_above(candidate: str, article: str) -> bool:
    """Whether canonical URL candidate is the site's home page or a section above article's path: a
    CMS template's rel=canonical, which would give every article one URL, not the article's own."""
    declared, own = urlsplit(candidate), urlsplit(article)
    if declared.query or declared.fragment or declared.netloc != own.netloc:
        return False
    above = [s for s in declared.path.split("/") if s]
    below = [s for s in own.path.split("/") if s]
    return not above or (len(above) < len(below) and below[:len(above)] == above)


def is_downgrade(from_url: str, to_url: str) -> bool:
    """True for a redirect hop that leaves https for plain http (transport security lost on the way)."""
    return urlsplit(from_url).scheme.lower() == "https" and urlsplit(to_url).scheme.lower() == "http"


def origin_of(url: str) -> str:
    """scheme://host[:port] of url: enough to name a hop in a log without its path, query or credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme.lower()}://{host}{port}"


def scheme_twin(url: str) -> str:
    """The same canonical URL under the other web scheme: a site that serves both serves one article.

    "http://example.org/a" <-> "https://example.org/a"; a URL of another scheme is its own twin.
    """
    for one, other in (("https://", "http://"), ("http://", "https://")):
        if url.startswith(one):
            return other + url[len(one):]
    return url


def _canonical_host(host: str, rules: UrlRules) -> str:
    host = host.strip().rstrip(".").lower()
    if not host or _BAD_HOST_CHARS.search(host):
        raise ValueError("missing or invalid host")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    labels = ".".join(_idna_label(label) for label in host.split(".")).strip(".").split(".")
    if "" in labels:  # IDNA can turn ideographic full stops into dots: check after encoding
        raise ValueError("missing or invalid host")
    while len(labels) > 2 and labels[0] in rules.host_prefixes:
        labels.pop(0)
    return ".".join(labels)


def _idna_label(label: str) -> str:
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return label  # not encodable: keep it lower-cased, which is stable on a second pass


def _normalise_escapes(text: str, safe: str) -> str:
    """Percent-encode what must be, upper-case escapes, decode escapes of unreserved characters."""
    text = _LONE_PERCENT.sub("%25", quote(text, safe=safe + "%"))

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def _canonical_path(path: str, rules: UrlRules) -> str:
    segments: list[str] = []
    for segment in _normalise_escapes(path, _PATH_SAFE).split("/"):
        segment = _without_session(segment, rules)
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return "/" + "/".join(_without_amp(segments))


def _without_session(segment: str, rules: UrlRules) -> str:
    """Drop ";jsessionid=…"-style parameters: a server session, not the article."""
    name, *params = segment.split(";")
    if not params:
        return segment
    kept = [p for p in params if p.partition("=")[0].lower() not in rules.session_path_params]
    return ";".join([name, *kept])


def _canonical_fragment(fragment: str) -> str:
    """Fragments only move within a page, except hashbang ("#!/story/101"), where they name the article."""
    return _normalise_escapes(fragment, _QUERY_VALUE_SAFE + "/?") if fragment.startswith("!") else ""


def _without_amp(segments: list[str]) -> list[str]:
    """Drop /amp/ segments and .amp / .amp.html name suffixes until none is left."""
    changed = True
    while changed:
        changed = False
        if "amp" in segments:
            segments = [s for s in segments if s != "amp"]
            changed = True
        if segments:
            last = segments[-1]
            if last.endswith(".amp.html") and len(last) > len(".amp.html"):
                segments[-1], changed = last[: -len(".amp.html")] + ".html", True
            elif last.endswith(".amp") and len(last) > len(".amp"):
                segments[-1], changed = last[: -len(".amp")], True
    return segments


def _canonical_query(query: str, rules: UrlRules) -> str:
    pairs: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, eq, value = part.partition("=")
        key = _normalise_escapes(key, _QUERY_KEY_SAFE)
        if not key or rules.drops_param(key, value if eq else None):
            continue
        pairs.append((key, _normalise_escapes(value, _QUERY_VALUE_SAFE) if eq else None))
    pairs.sort(key=lambda kv: (kv[0], kv[1] is not None, kv[1] or ""))
    return "&".join(k if v is None else f"{k}={v}" for k, v in pairs)
