"""apprise, loaded on first use, and a notification URL read the way apprise reads it.

Both halves of notify (how a URL is shown and scrubbed: daemon.notify_labels; whether it is usable
and sending to it: daemon.alert_notify) ask apprise about a URL's service and tokens; this is the
one place that imports apprise and keeps its log records out of the process's logging.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

NATIVE_SCHEMES = ("http", "https")   # a service's own webhook URL, e.g. https://hooks.slack.com/…


@functools.cache
def load_apprise() -> Any:
    """apprise, imported on first use (it costs ~0.2 s, which commands without notify never pay)."""
    import apprise
    logging.getLogger(apprise.LOGGER_NAME).propagate = False
    return apprise


def apprise_asset() -> Any:
    """Settings for every apprise object: named newswatch, nothing written to disk."""
    apprise = load_apprise()
    return apprise.AppriseAsset(app_id="newswatch", app_desc="newswatch alerts", storage_mode="memory",
                                result_log_disk_size=0)


@functools.cache
def apprise_schemes() -> frozenset[str]:
    """The URL schemes apprise has a plugin for, lower case."""
    return frozenset(s.lower() for s in load_apprise().NotificationManager().schemas())


def plugin_for(scheme: str) -> Any | None:
    """apprise's plugin class for an apprise scheme (None for https:// and unknown schemes)."""
    return load_apprise().NotificationManager()[scheme] if scheme in apprise_schemes() else None


def service_for(url: str) -> Any | None:
    """apprise's plugin object for url (None when apprise cannot use it)."""
    return load_apprise().Apprise.instantiate(url, asset=apprise_asset())


@dataclass(frozen=True, slots=True)
class UrlParts:
    """A URL cut at its delimiters by hand: urlsplit refuses tgram://<bot>:<token>/…, whose
    "port" is the token."""
    scheme: str
    userinfo: str
    host: str
    port: str
    path: str
    query: str
    fragment: str


def url_parts(url: str) -> UrlParts:
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
    return UrlParts(scheme.lower(), userinfo, host, port, slash + path, query, fragment)


def strings_in(value: Any) -> list[str]:
    """The strings in one of apprise's parsed values (a string, a list of them, or a dict's values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [item for item in value.values() if isinstance(item, str)]
    return []


def parsed_url(service: Any) -> dict[str, Any]:
    """apprise's own reading of a service's URL (the keyword arguments it was built from)."""
    try:
        return type(service).parse_url(service.url()) or {}
    except Exception:  # noqa: BLE001 - a plugin's url() or parse_url() may fail on its own output
        return {}
