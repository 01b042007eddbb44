"""Notification URLs as an alert action (ntfy, Gotify, Slack, Matrix, e-mail …), sent with apprise:
whether apprise can use a rule's notify entry (config checks), the message, and sending it.

apprise knows each service's URL form and API; what a URL is shown as and how its secrets are
scrubbed from errors lives in daemon.notify_labels, so the problems told here never quote a token.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from daemon.config_checks import close_matches
from daemon.notify_apprise import (NATIVE_SCHEMES, apprise_asset, apprise_schemes, load_apprise, parsed_url,
                                   plugin_for, strings_in, url_parts)
from daemon.notify_labels import scrubbed

NOTIFY_TIMEOUT_S = 60.0     # a whole delivery; apprise's own connect and read timeouts are shorter
TITLE_CHARS = 250
SUMMARY_CHARS = 400
# Query keys apprise reads for every service (URLBase.post_process_parse_url_results).
_COMMON_QUERY_KEYS = frozenset({"user", "password", "pass", "port"})


def notify_url_problem(url: str) -> str | None:
    """Why apprise cannot send to url (None when it can), without quoting the URL's secrets."""
    if any(c.isspace() for c in url):
        return "a notification URL has no spaces (a line break or a pasted space inside the quotes?)"
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if not scheme:
        return "not a notification URL: expected service://…, e.g. ntfys://ntfy.sh/topic or tgram://bottoken/chat_id"
    if scheme not in apprise_schemes() and scheme not in NATIVE_SCHEMES:
        guesses = close_matches(scheme, apprise_schemes())
        hint = f"did you mean {', '.join(g + '://' for g in guesses)}? " if guesses else ""
        return (f"apprise knows no notification service {scheme}:// ({hint}the apprise wiki lists each "
                f"service's URL; a plain HTTP endpoint is json:// or form://, or use webhook = {{…}})")
    if (problem := _port_problem(url, scheme)):
        return problem
    apprise = load_apprise()
    with apprise.LogCapture(level=logging.WARNING) as captured:
        service = apprise.Apprise.instantiate(url, asset=apprise_asset())
    if service is None and scheme in NATIVE_SCHEMES:
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
    plugin = plugin_for(scheme)
    prefixes = {spec.get("prefix") for spec in (getattr(plugin, "template_kwargs", None) or {}).values()}
    if plugin is None or not {"-", "+"} <= prefixes:
        return []
    known = {k.lower() for k in (*plugin.template_args, *plugin.template_tokens)} | _COMMON_QUERY_KEYS
    keys = dict.fromkeys(unquote(pair.partition("=")[0]) for pair in url_parts(url).query.split("&") if pair)
    return [f"apprise does not send the query parameter {key!r}: {scheme}:// reads only its own options "
            f"from the query and drops the rest; write -{key}=… to send it as a URL parameter or "
            f"+{key}=… as an HTTP header" for key in keys if key[:1] not in prefixes and key.lower() not in known]


def _port_problem(url: str, scheme: str) -> str | None:
    port = url_parts(url).port
    plugin = plugin_for(scheme)
    has_port = scheme in NATIVE_SCHEMES or (plugin is not None and "port" in plugin.template_tokens)
    if has_port and port.isdigit() and not 0 < int(port) <= 65535:
        return f"port {port} is out of range: a port is 1 to 65535"
    return None


@functools.cache
def _native_services() -> dict[str, str]:
    """Domain -> service name, for services whose own https:// webhook address apprise reads
    (from each such plugin's home page: its service_url without a path)."""
    apprise = load_apprise()
    base = apprise.plugins.NotifyBase.parse_native_url
    manager, services = apprise.NotificationManager(), {}
    for scheme in apprise_schemes():
        plugin = manager[scheme]
        if getattr(plugin, "parse_native_url", base) is base or not getattr(plugin, "service_url", None):
            continue
        home = urlsplit(str(plugin.service_url))
        if home.hostname and home.path in ("", "/"):
            services[home.hostname.removeprefix("www.")] = str(plugin.service_name)
    return services


def _native_problem(url: str, scheme: str) -> str:
    host = url_parts(url).host.lower()
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
        results = parsed_url(service) if needed else {}
        if not results or any(s.strip() for key in needed for s in strings_in(results.get(key))):
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
    apprise = load_apprise()
    sender = apprise.Apprise(asset=apprise_asset())
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
