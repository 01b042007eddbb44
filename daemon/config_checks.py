"""Checks of single config values, each giving a message an operator can act on, or None.

They catch at check-config time what would otherwise fail only at runtime, on every poll or
every alert: a feed the address guard will refuse, a program that is not installed, a store
folder that does not exist.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}

MAX_DURATION_S = 365 * 86400.0   # longer waits overflow date arithmetic and are surely typos

# Domains reserved for examples (RFC 2606): a contact there reaches nobody.
_PLACEHOLDER_CONTACT = re.compile(
    r"(?:[\w.+-]+@)?(?<![\w.-])(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|invalid|test))\b",
    re.IGNORECASE)


def parse_duration(value: Any) -> float:
    """'15m', '1h', '30s', '2d' or a number of seconds -> seconds; ValueError otherwise."""
    seconds = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"expected a duration such as '15m', '1h' or '30s', got {value!r}")
    if seconds <= 0:
        raise ValueError("duration must be positive")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"duration {value!r} is longer than a year")
    return seconds


def positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than zero"


def not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def feed_identity(url: str) -> str:
    """Two feed URLs that differ only in case of host, a default port or a trailing slash are the same feed."""
    try:
        from daemon.urls import canonical_url
        return canonical_url(url)
    except Exception:  # the URL module is stricter; fall back to a plain comparison
        return url.strip().rstrip("/").lower()


def http_url_problem(url: str) -> str | None:
    """Why url cannot be fetched as written (scheme, host, port, spaces), or None."""
    if any(ch.isspace() for ch in url.strip()):
        return f"URL contains whitespace (encode a space as %20): {url!r}"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"not a valid URL ({exc}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url!r}"
    if not parts.hostname:
        return f"URL has no host: {url!r}"
    return None


def private_host_problem(url: str) -> str | None:
    """A URL whose host is written as a private, loopback or link-local address (or localhost):
    the fetcher's address guard refuses it on every poll unless private networks are allowed."""
    from daemon.fetch import is_blocked_address
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        kind = "is loopback"
    else:
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return None   # a name: only its resolved addresses tell, and the fetcher checks those
        if not is_blocked_address(host):
            return None
        kind = "is a private, loopback or link-local address"
    return (f"host {host} {kind}, which the fetcher refuses; "
            "set allow_private_networks = true in [http] to fetch it")


def program_problem(program: str, environ: Mapping[str, str]) -> str | None:
    """A command's program that cannot be run: not found on PATH, or a file that is not executable."""
    search_path = environ.get("PATH")
    if shutil.which(program, path=search_path):
        return None
    if os.sep in program or (os.altsep and os.altsep in program):
        if Path(program).is_file():
            return f"program {program} is not executable (chmod +x it)"
        return f"program {program} does not exist"
    return f"program {program!r} is not found on PATH"


def store_folder_problem(store_path: str) -> str | None:
    """The store file is created on first run, but never its folder: a missing folder fails every start."""
    folder = Path(store_path).expanduser().parent
    if folder.is_dir():
        return None
    if folder.exists():
        return f"{folder} is not a folder"
    return f"folder {folder} does not exist (create it; the store file itself is made on first run)"


def placeholder_contact(user_agent: str) -> str | None:
    """The example contact shipped in the user agent: publishers who want to reach us cannot."""
    match = _PLACEHOLDER_CONTACT.search(user_agent)
    if not match:
        return None
    return f"contact {match.group(0)!r} is a placeholder; put an address or URL publishers can reach"


def close_matches(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Candidates an operator may have meant: names that start with what was written (or that it
    starts with), shortest first, then look-alikes of a typo."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.strip().casefold()
    found = sorted((original for key, original in by_folded.items() if key != folded and (
        len(folded) >= 2 and key.startswith(folded) or len(key) >= 4 and folded.startswith(key))),
        key=lambda original: (len(original), original))
    found += [by_folded[key] for key in difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.75)]
    return list(dict.fromkeys(found))[:limit]
