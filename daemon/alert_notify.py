"""Notification URLs as an alert action (ntfy, Gotify, Slack, Matrix, e-mail …), sent with apprise.

apprise knows each service's URL form and API; this module keeps the URLs' tokens out of sight.
A notification URL is named by rule, scheme and host as apprise's privacy view shows them (it
masks a host that is really a token, as in slack:// or tgram://), never by its path, query or
user:password. apprise logs URLs in full on some errors, so its records are kept out of the
process's logging and come back only as scrubbed delivery errors.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from daemon.config_checks import close_matches

NOTIFY_TIMEOUT_S = 60.0     # a whole delivery; apprise's own connect and read timeouts are shorter
TITLE_CHARS = 250
SUMMARY_CHARS = 400
_NATIVE_SCHEMES = ("http", "https")   # a service's own webhook URL, e.g. https://hooks.slack.com/…


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


def _service(url: str) -> Any | None:
    """apprise's plugin object for url (None when apprise cannot use it)."""
    return _apprise().Apprise.instantiate(url, asset=_asset())


def _host(netloc_host: str | None, port: int | None) -> str:
    host = netloc_host or ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


@functools.lru_cache(maxsize=512)
def notify_label(rule_name: str, url: str) -> str:
    """How a notification URL is shown: "notify:<rule> (<scheme>://<host>)". The host comes from
    apprise's privacy view, which masks hosts that hold a token; a native https:// service URL
    shows its domain (hooks.slack.com)."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    service = _service(url) if scheme else None
    if service is None:
        return f"notify:{rule_name} (unusable url)"
    try:
        if scheme in _NATIVE_SCHEMES:
            parts = urlsplit(url)
        else:
            parts = urlsplit(service.url(privacy=True))
        host = _host(parts.hostname, parts.port)
    except ValueError:
        host = ""
    return f"notify:{rule_name} ({scheme}://{host})"


def secret_parts(url: str, label: str) -> list[str]:
    """Pieces of url that may hold a token, longest first, to replace in any text shown: the URL,
    its user:password, path and each path segment, query and each query value, and its host and
    port (tgram://<bot>:<token>/…) unless the label shows them."""
    parts = [url]
    try:
        split = urlsplit(url)
        userinfo, _, hostport = split.netloc.rpartition("@")
        parts += [userinfo, *userinfo.split(":"), split.path, split.query]
        parts += [segment for segment in split.path.split("/") if len(segment) >= 4]
        parts += [value for _, value in parse_qsl(split.query) if len(value) >= 4]
        parts += [piece for piece in (hostport, *hostport.split(":")) if piece.lower() not in label.lower()]
    except ValueError:
        pass
    return sorted({p for p in parts if len(p) > 1}, key=len, reverse=True)


def scrubbed(text: str, url: str, label: str) -> str:
    """text with every piece of url that may hold a token replaced by the URL's label."""
    for part in secret_parts(url, label):
        text = text.replace(part, label)
    return text


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
    apprise = _apprise()
    with apprise.LogCapture(level=logging.WARNING) as captured:
        service = apprise.Apprise.instantiate(url, asset=_asset())
    if service is None and scheme in _NATIVE_SCHEMES:
        return (f"apprise reads {scheme}:// only as a service's own webhook address (hooks.slack.com, "
                f"discord.com, ntfy.sh …); for another HTTP endpoint write json:// or form://, or use webhook = {{…}}")
    if service is None:
        reasons = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines()]
        reasons = [r for r in reasons if not r.startswith(("Unparseable", "Could not load"))]
        detail = scrubbed("; ".join(reasons), url, f"{scheme}://…") if reasons else ""
        return (f"apprise cannot use this {scheme}:// URL" + (f": {detail}" if detail else "")
                + " (check its tokens and path against the apprise wiki page for the service)")
    if len(service) == 0:
        return f"this {scheme}:// URL names no one to notify (a topic, channel, room or address)"
    return None


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
