"""When an article was first published, from the page's date and the feed's: both can be wrong.
The feed's is read here too, where feedparser misreads it (zone names, French, no zone)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, time as time_of_day, timedelta, timezone
from typing import Any

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=timezone.utc)


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    """A feed date outside 1990..tomorrow is a broken CMS (the epoch, a typo), not a publication date."""
    if moment is None or moment < EARLIEST_PLAUSIBLE or moment > now + timedelta(days=1):
        return None
    return moment


def earliest(page: datetime | None, feed: datetime | None) -> datetime | None:
    """The original publication date: the page's, unless the feed's is earlier (pages get re-stamped).
    A page time of exactly midnight UTC is taken for a bare day: a feed time on that day or the next wins."""
    if page and feed:
        if page.time() == time_of_day(0) and page <= feed < page + timedelta(days=2):
            return feed
        return min(page, feed)
    return page or feed


# Zone names feeds write that feedparser reads as UTC, and the RFC 822 ones it does know. Names with
# more than one meaning (IST: India, Ireland, Israel) are left out: no offset beats a wrong one.
ZONE_HOURS = {"ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2,
              "met": 1, "mest": 2, "wat": 1, "cat": 2, "eat": 3, "sast": 2, "eet": 2, "eest": 3, "msk": 3,
              "pkt": 5, "hkt": 8, "sgt": 8, "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "nzst": 12,
              "nzdt": 13, "hst": -10, "akst": -9, "akdt": -8, "est": -5, "edt": -4, "cst": -6,
              "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7}
# English and French month names and their usual abbreviations, accents removed.
MONTHS = {name: number for number, names in enumerate((
    ("jan", "january", "janv", "janvier"), ("feb", "february", "fev", "fevr", "fevrier"),
    ("mar", "march", "mars"), ("apr", "april", "avr", "avril"), ("may", "mai"), ("jun", "june", "juin"),
    ("jul", "july", "juil", "juillet"), ("aug", "august", "aou", "aout"),
    ("sep", "sept", "september", "septembre"), ("oct", "october", "octobre"),
    ("nov", "november", "novembre"), ("dec", "december", "decembre")), start=1) for name in names}
# "[weekday,] day month year [time] [zone]", the RFC 822 order in any of those languages:
# "jeu., 12 nov. 2026 10:32:00 +0100", "1er aout 2026 a 14h05", "Thu, 12 Nov 2026 10:32:00 CEST".
_DAY_MONTH_YEAR = re.compile(
    r"(?:[a-z]+\.?,?\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?,?\s+(\d{4})"
    r"(?:\s*(?:,|a|at|-)?\s*(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?"
    r"\s*(?:([+-])(\d{2}):?(\d{2})|([a-z]{1,5}))?")


def feed_date(text: object) -> datetime | None:
    """A feed's date written day-month-year, read with its zone: feedparser takes zone names it
    does not know (CEST, WAT, EAT …) for UTC, drops a date with no zone, and reads no French month
    or weekday. A date with no zone is taken as UTC; None for any other shape or an unknown zone."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()
    found = _DAY_MONTH_YEAR.fullmatch(plain)
    if not found or found.group(2) not in MONTHS:
        return None
    day, _, year, hour, minute, second, sign, zone_h, zone_m, zone_name = found.groups()
    if zone_name is not None and zone_name not in ZONE_HOURS:
        return None
    offset = (timedelta(hours=ZONE_HOURS[zone_name]) if zone_name
              else (-1 if sign == "-" else 1) * timedelta(hours=int(zone_h), minutes=int(zone_m)) if sign
              else timedelta(0))
    try:
        local = datetime(int(year), MONTHS[found.group(2)], int(day), int(hour or 0), int(minute or 0),
                         int(second or 0), tzinfo=timezone.utc)
        return local - offset
    except (ValueError, OverflowError):   # 31 June, 25:00, a year at the edge of the range
        return None


def entry_date(raw: Mapping[str, Any], key: str) -> datetime | None:
    """A feedparser entry's date field `key` ("published", "updated" …) in UTC: our reading of a
    day-month-year date (feed_date), else feedparser's."""
    # dict.get, not raw.get: feedparser maps a missing "updated" to "published" (with a deprecation
    # warning), and a publication date is no revision signal.
    field = dict.get if isinstance(raw, dict) else type(raw).get
    if (ours := feed_date(field(raw, key))) is not None:
        return ours
    parsed = field(raw, f"{key}_parsed")
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None  # feedparser's is UTC
    except (TypeError, ValueError, OverflowError):
        return None


def first_entry_date(raw: Mapping[str, Any]) -> datetime | None:
    """When the entry says it was published: its published date, else updated, else created."""
    for key in ("published", "updated", "created"):
        if (moment := entry_date(raw, key)) is not None:
            return moment
    return None
