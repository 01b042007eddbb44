"""How the outbox names a webhook without storing its URL: rule, scheme and host, and a hash.

Webhook URLs often carry their secret token in the path (Slack, Discord, Teams). These pure
functions live in storage, not in daemon.alerts, because the store's migration rewrites the full
URLs older versions wrote into the same keys the deliverer computes for new rows. A target is a
stored key: changing webhook_target's output would leave queued rows matching no webhook.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def webhook_label(rule_name: str, url: str) -> str:
    """How a webhook is shown: rule name, scheme and host (port kept), never the path, query or
    user:password, which is where services put their secret token."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        parts, host, port = None, "", None
    if parts is None or not parts.scheme or not host:
        return f"webhook:{rule_name} (unparsable url)"
    host = f"[{host}]" if ":" in host else host
    return f"webhook:{rule_name} ({parts.scheme}://{host}{f':{port}' if port else ''})"


def webhook_target(rule_name: str, url: str) -> str:
    """The outbox key of a rule's webhook: its label plus a short hash of the full URL, so a URL
    changed in the config is told apart (old rows are not sent to it) without storing the URL."""
    return f"{webhook_label(rule_name, url)} #{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def shown_target(rule_name: str, target: str) -> str:
    """A target safe to log or report: stores written before webhook_target hold "webhook:<url>"."""
    kind, _, where = target.partition(":")
    if kind == "webhook" and "://" in where.split(" ", 1)[0]:
        return webhook_label(rule_name, where)
    return target


def legacy_webhook_url(rule_name: str, target: str) -> str | None:
    """The full URL in a target written before targets were redacted ("webhook:<url>"), else None.

    A redacted target starts with "webhook:<rule> (", so a rule whose name looks like a URL is
    not mistaken for one.
    """
    kind, _, where = target.partition(":")
    if kind != "webhook" or where.startswith(f"{rule_name} (") or not _URL_START.match(where):
        return None
    return where


def redacted_text(text: str, rule_name: str, url: str) -> str:
    """text with url, its path and query and any user:password in it replaced by the webhook's
    label: an error message may quote the URL it failed on."""
    try:
        parts = urlsplit(url)
        secrets = [url, parts.path + (f"?{parts.query}" if parts.query else ""), parts.query,
                   parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""]
    except ValueError:
        secrets = [url]
    for secret in sorted((p for p in secrets if len(p) > 1), key=len, reverse=True):
        text = text.replace(secret, webhook_label(rule_name, url))
    return text
