"""Notification URLs as an alert action (ntfy, Gotify, Slack, Matrix, e-mail …), sent with apprise.

apprise knows each service's URL form and API; this module keeps the URLs' tokens out of sight.
A notification URL is named by rule, scheme and, only when it is a machine on the network, its
host: many services put a token or a topic in the host slot (tgram://, slack://, ntfy://topic),
so anything else is shown as "scheme://…". apprise logs URLs in full on some errors, so its
records are kept out of the process's logging and come back only as scrubbed delivery errors.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from daemon.config_checks import close_matches

NOTIFY_TIMEOUT_S = 60.0     # a whole delivery; apprise's own connect and read timeouts are shorter
TITLE_CHARS = 250
SUMMARY_CHARS = 400
_NATIVE_SCHEMES = ("http", "https")   # a service's own webhook URL, e.g. https://hooks.slack.com/…
_HIDDEN = "…"
_MIN_PIECE = 3                         # shorter pieces of a URL are not worth a reader's confusion
# A DNS name with at least one dot and a top-level label of letters only (no token has that shape
# and a dot; an ntfy topic has no dot at all).
_DNS_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_WORD_CHAR = r"A-Za-z0-9_\-"
# Query keys apprise reads for every service (URLBase.post_process_parse_url_results).
_COMMON_QUERY_KEYS = frozenset({"user", "password", "pass", "port"})


@functools.cache
def _apprise() -> Any:
    """apprise, imported on first use (it costs ~0.2 s, which commands without notify never pay)."""
    import apprise
    logging.getLogger(apprise.LOGGER_NAME).propagate = False
    return apprise


def _asset() -> Any:
    apprise = _apprise()
    return apprise.AppriseAsset(app_id="newswatch", app_desc="newswatch alerts", storage_mode="memory",
                                result_log_disk_size=0)


@functools.cache
def _schemes() -> frozenset[str]:
    return frozenset(s.lower() for s in _apprise().NotificationManager().schemas())


def _plugin(scheme: str) -> Any | None:
    """apprise's plugin class for an apprise scheme (None for https:// and unknown schemes)."""
    return _apprise().NotificationManager()[scheme] if scheme in _schemes() else None


def _service(url: str) -> Any | None:
    """apprise's plugin object for url (None when apprise cannot use it)."""
    return _apprise().Apprise.instantiate(url, asset=_asset())


@dataclass(frozen=True, slots=True)
class _UrlParts:
    """A URL cut at its delimiters by hand: urlsplit refuses tgram://<bot>:<token>/…, whose
    "port" is the token."""
    scheme: str
    userinfo: str
    host: str
    port: str
    path: str
    query: str
    fragment: str


def _url_parts(url: str) -> _UrlParts:
    scheme, _, rest = url.partition("://")
    rest, _, fragment = rest.partition("#")
    rest, _, query = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        host, _, port = hostport[1:].partition("]")
        port = port.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    return _UrlParts(scheme.lower(), userinfo, host, port, slash + path, query, fragment)


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
    parts = _url_parts(url)
    if not _network_host(parts.host):
        return ""
    if parts.scheme not in _NATIVE_SCHEMES:
        service = _service(url)
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
    if not scheme or _service(url) is None:
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


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [item for item in value.values() if isinstance(item, str)]
    return []


def _parsed(service: Any) -> dict[str, Any]:
    """apprise's own reading of a service's URL (the keyword arguments it was built from)."""
    try:
        return type(service).parse_url(service.url()) or {}
    except Exception:  # noqa: BLE001 - a plugin's url() or parse_url() may fail on its own output
        return {}


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
    parts = _url_parts(url)
    user, _, password = parts.userinfo.partition(":")
    always, maybe = {parts.userinfo, password}, {user, *parts.path.split("/"), *parts.fragment.split("/")}
    if not _shown_host(url):
        always |= {parts.host, f"{parts.host}:{parts.port}" if parts.port else "",
                   "" if parts.port.isdigit() else parts.port}
    service = _service(url) if "://" in url else None
    plugin = type(service) if service is not None else None
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if _query_value_secret(plugin, unquote(key)):
            always.add(value)
    if service is not None:
        results = _parsed(service)
        secret_keys, other_keys = _token_keys(plugin)
        # A target's sigil (@user, #channel, !room) stays readable: only the name is hidden.
        always.update(s.lstrip("@#!+") for key in secret_keys for s in _strings(results.get(key)))
        always.update(s for key in ("qsd+", "qsd-", "qsd:") for s in _strings(results.get(key)))
        maybe.update(s for key in other_keys for s in _strings(results.get(key)))
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


def notify_url_problem(url: str) -> str | None:
    """Why apprise cannot send to url (None when it can), without quoting the URL's secrets."""
    if any(c.isspace() for c in url):
        return "a notification URL has no spaces (a line break or a pasted space inside the quotes?)"
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if not scheme:
        return "not a notification URL: expected service://…, e.g. ntfys://ntfy.sh/topic or tgram://bottoken/chat_id"
    if scheme not in _schemes() and scheme not in _NATIVE_SCHEMES:
        guesses = close_matches(scheme, _schemes())
        hint = f"did you mean {', '.join(g + '://' for g in guesses)}? " if guesses else ""
        return (f"apprise knows no notification service {scheme}:// ({hint}the apprise wiki lists each "
                f"service's URL; a plain HTTP endpoint is json:// or form://, or use webhook = {{…}})")
    if (problem := _port_problem(url, scheme)):
        return problem
    apprise = _apprise()
    with apprise.LogCapture(level=logging.WARNING) as captured:
        service = apprise.Apprise.instantiate(url, asset=_asset())
    if service is None and scheme in _NATIVE_SCHEMES:
        return _native_problem(url, scheme)
    if service is None:
        reasons = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines()]
        reasons = [r for r in reasons if not r.startswith(("Unparseable", "Could not load"))]
        detail = scrubbed("; ".join(reasons), url, f"{scheme}://…") if reasons else ""
        return (f"apprise cannot use this {scheme}:// URL" + (f": {detail}" if detail else "")
                + " (check its tokens and path against the apprise wiki page for the service)")
    if (missing := _missing_target(service)) is not None:
        return (f"this {scheme}:// URL names no one to notify: add the {missing} to send to (the apprise "
                f"wiki page for {type(service).service_name} shows where it goes in the URL)")
    return None


def notify_url_warnings(url: str) -> list[str]:
    """What apprise would quietly leave out of a usable URL: query parameters a generic HTTP
    service (json://, form://, xml://) does not send, as it sends only -name= and +name= ones.
    The values are never quoted: they are often tokens."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    plugin = _plugin(scheme)
    prefixes = {spec.get("prefix") for spec in (getattr(plugin, "template_kwargs", None) or {}).values()}
    if plugin is None or not {"-", "+"} <= prefixes:
        return []
    known = {k.lower() for k in (*plugin.template_args, *plugin.template_tokens)} | _COMMON_QUERY_KEYS
    keys = dict.fromkeys(unquote(pair.partition("=")[0]) for pair in _url_parts(url).query.split("&") if pair)
    return [f"apprise does not send the query parameter {key!r}: {scheme}:// reads only its own options "
            f"from the query and drops the rest; write -{key}=… to send it as a URL parameter or "
            f"+{key}=… as an HTTP header" for key in keys if key[:1] not in prefixes and key.lower() not in known]


def _port_problem(url: str, scheme: str) -> str | None:
    port = _url_parts(url).port
    plugin = _plugin(scheme)
    has_port = scheme in _NATIVE_SCHEMES or (plugin is not None and "port" in plugin.template_tokens)
    if has_port and port.isdigit() and not 0 < int(port) <= 65535:
        return f"port {port} is out of range: a port is 1 to 65535"
    return None


@functools.cache
def _native_services() -> dict[str, str]:
    """Domain -> service name, for services whose own https:// webhook address apprise reads
    (from each such plugin's home page: its service_url without a path)."""
    apprise = _apprise()
    base = apprise.plugins.NotifyBase.parse_native_url
    manager, services = apprise.NotificationManager(), {}
    for scheme in _schemes():
        plugin = manager[scheme]
        if getattr(plugin, "parse_native_url", base) is base or not getattr(plugin, "service_url", None):
            continue
        home = urlsplit(str(plugin.service_url))
        if home.hostname and home.path in ("", "/"):
            services[home.hostname.removeprefix("www.")] = str(plugin.service_name)
    return services


def _native_problem(url: str, scheme: str) -> str:
    host = _url_parts(url).host.lower()
    for domain, name in _native_services().items():
        if host == domain or host.endswith(f".{domain}"):
            return (f"apprise could not read this {scheme}://{host} URL as {name}'s webhook address: check "
                    f"its tokens (copy the whole URL {name} gives, nothing cut off or added)")
    return (f"apprise reads {scheme}:// only as a service's own webhook address (hooks.slack.com, "
            f"discord.com, ntfy.sh …); for another HTTP endpoint write json:// or form://, or use webhook = {{…}}")


def _missing_target(service: Any) -> str | None:
    """What a service needs and the URL lacks ("topic" for ntfys://ntfy.sh), else None. A target
    is needed when every URL form apprise documents for the service names one (a Telegram bot
    token alone is a whole URL: apprise finds its owner's chat); apprise's len() counts 1 for
    ntfy without a topic, so the targets apprise read are looked at too."""
    plugin = type(service)
    tokens = plugin.template_tokens
    needed = _needed_targets(plugin)
    if len(service) > 0:
        results = _parsed(service) if needed else {}
        if not results or any(s.strip() for key in needed for s in _strings(results.get(key))):
            return None
    names = [str(spec.get("name", name)).lower().removeprefix("target ") for name, spec in tokens.items()
             if spec.get("map_to") in needed and name not in needed]
    return " or ".join(dict.fromkeys(names)) or "target"


def _needed_targets(plugin: Any) -> list[str]:
    """The list tokens (targets, topics …) that every URL template of the plugin names."""
    tokens = plugin.template_tokens
    lists = {spec.get("map_to", name) for name, spec in tokens.items() if str(spec.get("type", "")).startswith("list:")}
    fields = [{tokens.get(n, {}).get("map_to", n) for n in re.findall(r"{(\w+)}", form)} for form in plugin.templates]
    return [key for key in sorted(lists) if fields and all(key in names for names in fields)]


def notification_message(rule_name: str, article: Mapping[str, Any]) -> tuple[str, str]:
    """(title, body) of a notification: the headline; the rule, focus regions, outlet, link and the
    opening of the text, as plain text every service can show."""
    title = (article.get("title") or article.get("url") or "")[:TITLE_CHARS]
    focus = [r["name"] or r["region_id"] for r in article.get("regions", []) if r.get("focus")]
    lines = [f"Alert: {rule_name}"]
    if focus:
        lines.append(f"Regions: {', '.join(focus)}")
    if article.get("site_name"):
        lines.append(f"Source: {article['site_name']}")
    lines.append(article["url"])
    text = (article.get("text") or "").strip()
    if text:
        summary = text[:SUMMARY_CHARS]
        lines += ["", summary + ("…" if len(text) > SUMMARY_CHARS else "")]
    return title, "\n".join(lines)


async def send_notification(url: str, title: str, body: str, *, timeout: float = NOTIFY_TIMEOUT_S) -> str | None:
    """Send one notification; None when the service accepted it, else apprise's reasons (not yet
    scrubbed: the caller knows the label to put in place of the URL's secrets)."""
    apprise = _apprise()
    sender = apprise.Apprise(asset=_asset())
    if not sender.add(url):
        return "apprise cannot use this notification URL"
    with await sender.async_notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT,
                                   timeout=timeout) as result:
        if result:
            return None
        reasons = _reasons(entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR"))
        return reasons or f"notification not sent ({result.status.name.lower()})"


def _reasons(messages: Iterable[str]) -> str:
    unique = list(dict.fromkeys(m.strip() for m in messages if m.strip()))
    return "; ".join(unique)[:400]
