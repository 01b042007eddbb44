"""How a notification URL is shown and how its secrets are kept out of what is shown.

A notification URL is named by rule, scheme and, only when it is a machine on the network, its
host: many services put a token or a topic in the host slot (tgram://, slack://, ntfy://topic),
so anything else is shown as "scheme://…". apprise logs URLs in full on some errors, so its
records come back only as delivery errors scrubbed here. Kept apart from checking and sending
(daemon.alert_notify) because the outbox's keys and every log line depend on these labels.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any
from urllib.parse import unquote

from daemon.notify_apprise import NATIVE_SCHEMES, parsed_url, service_for, strings_in, url_parts

_HIDDEN = "…"
_MIN_PIECE = 3                         # shorter pieces of a URL are not worth a reader's confusion
# A DNS name with at least one dot and a top-level label of letters only (no token has that shape
# and a dot; an ntfy topic has no dot at all).
_DNS_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_WORD_CHAR = r"A-Za-z0-9_\-"


def _network_host(host: str) -> bool:
    """Whether host names a machine: an IP address, localhost, or a dotted DNS name."""
    host = host.lower()
    if host == "localhost" or _DNS_NAME.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=512)
def _shown_host(url: str) -> str:
    """url's host and port as a label may show them, else "". apprise must read the slot as a host
    (its plugin has a host token) that identifies the server rather than a target (url_identifier,
    which apprise keeps free of targets: ntfy://<topic> has none), and it must look like one."""
    parts = url_parts(url)
    if not _network_host(parts.host):
        return ""
    if parts.scheme not in NATIVE_SCHEMES:
        service = service_for(url)
        if service is None or "host" not in type(service).template_tokens:
            return ""
        identity = getattr(service, "url_identifier", None)
        if identity is False or (isinstance(identity, (tuple, list))
                                 and parts.host.lower() not in {str(v).lower().strip("[]") for v in identity if v}):
            return ""
    host = f"[{parts.host}]" if ":" in parts.host else parts.host
    return f"{host}:{parts.port}" if parts.port.isdigit() else host


@functools.lru_cache(maxsize=512)
def notify_label(rule_name: str, url: str) -> str:
    """How a notification URL is shown: "notify:<rule> (<scheme>://<host>)" when its host is a
    server (ntfys://ntfy.sh, https://hooks.slack.com), else "notify:<rule> (<scheme>://…)"."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if not scheme or service_for(url) is None:
        return f"notify:{rule_name} (unusable url)"
    return f"notify:{rule_name} ({scheme}://{_shown_host(url) or _HIDDEN})"


def _looks_secret(piece: str) -> bool:
    """A piece of a URL that reads like a token or an id rather than a word: long, or digits with
    letters, or a long number, or mixed case inside."""
    has_digit = any(c.isdigit() for c in piece)
    has_letter = any(c.isalpha() for c in piece)
    mixed_case = any(c.isupper() for c in piece[1:]) and any(c.islower() for c in piece)
    return (len(piece) >= 16 or (len(piece) >= 6 and has_digit and has_letter)
            or (len(piece) >= 6 and piece.isdigit()) or (len(piece) >= 8 and mixed_case))


def _token_keys(plugin: Any) -> tuple[set[str], set[str]]:
    """(keys whose values are always secret: targets and private tokens, keys of other tokens)."""
    tokens, args = plugin.template_tokens, plugin.template_args
    secret, other = set(), set()
    for name, spec in [*tokens.items(), *args.items()]:
        key = spec.get("map_to", name)
        if spec.get("private") or str(spec.get("type", "")).startswith("list:") or key == "targets":
            secret.add(key)
        elif name in tokens:
            other.add(key)
    return secret, other - {"host", "port", "schema", "fullpath", "path"}


def _query_value_secret(plugin: Any | None, key: str) -> bool:
    """A query value is shown only when apprise declares its key an ordinary option (not a token,
    not a target, not private); any other value may be a credential (custom headers included)."""
    spec = plugin.template_args.get(key.lower()) if plugin is not None else None
    if spec is None or key[:1] in "+-:":   # undeclared, or a custom header, parameter or payload field
        return True
    return bool(spec.get("private") or "alias_of" in spec or spec.get("map_to") in plugin.template_tokens
                or spec.get("map_to") == "targets")


def _secret_pieces(url: str) -> tuple[set[str], set[str]]:
    """(pieces of url to hide wherever they appear, pieces to hide when they read like a token):
    user:password, a host that is not a server, topics, targets and tokens as apprise reads them,
    query values that are not plain options, and path segments."""
    parts = url_parts(url)
    user, _, password = parts.userinfo.partition(":")
    always, maybe = {parts.userinfo, password}, {user, *parts.path.split("/"), *parts.fragment.split("/")}
    if not _shown_host(url):
        always |= {parts.host, f"{parts.host}:{parts.port}" if parts.port else "",
                   "" if parts.port.isdigit() else parts.port}
    service = service_for(url) if "://" in url else None
    plugin = type(service) if service is not None else None
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if _query_value_secret(plugin, unquote(key)):
            always.add(value)
    if service is not None:
        results = parsed_url(service)
        secret_keys, other_keys = _token_keys(plugin)
        # A target's sigil (@user, #channel, !room) stays readable: only the name is hidden.
        always.update(s.lstrip("@#!+") for key in secret_keys for s in strings_in(results.get(key)))
        always.update(s for key in ("qsd+", "qsd-", "qsd:") for s in strings_in(results.get(key)))
        maybe.update(s for key in other_keys for s in strings_in(results.get(key)))
    always |= {unquote(piece) for piece in always}
    maybe = {unquote(piece) for piece in maybe} | maybe
    return ({p for p in always if len(p) >= _MIN_PIECE},
            {p for p in maybe - always if len(p) >= _MIN_PIECE and _looks_secret(p)})


def _piece_pattern(piece: str) -> str:
    """A token is hidden wherever it appears (bot<token> in an API URL); a word-like piece only
    as a whole word, so "desk" is not cut out of "desk-alerts"."""
    escaped = re.escape(piece)
    if piece.isdigit():
        return rf"(?<!\d){escaped}(?!\d)"
    if _looks_secret(piece):
        return escaped
    return rf"(?<![{_WORD_CHAR}]){escaped}(?![{_WORD_CHAR}]|\.[A-Za-z0-9])"


@functools.lru_cache(maxsize=512)
def _scrubber(url: str, label: str) -> re.Pattern[str]:
    always, maybe = _secret_pieces(url)
    pieces = sorted(always | maybe, key=len, reverse=True)
    # Labels already in the text (this URL's, or another of the rule's) are kept as they are.
    rule = label[len("notify:"):].rpartition(" (")[0] if label.startswith("notify:") else ""
    kept = rf"(?:notify|webhook):{re.escape(rule)} \([^()]*\)" if rule else re.escape(label)
    alternatives = [rf"(?P<url>{re.escape(url)})", rf"(?P<kept>{kept})"]
    if pieces:
        alternatives.append("(?P<piece>" + "|".join(_piece_pattern(p) for p in pieces) + ")")
    return re.compile("|".join(alternatives), re.IGNORECASE)


def scrubbed(text: str, url: str, label: str) -> str:
    """text with url itself replaced by its label and every other piece of it that may be a
    secret by "…", in one pass (a label put in is never scrubbed again); words stay."""
    def replace(match: re.Match[str]) -> str:
        return label if match.group("url") else match.group(0) if match.group("kept") else _HIDDEN
    return _scrubber(url, label).sub(replace, text)
