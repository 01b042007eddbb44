"""The validated, frozen settings the daemon runs on (read from TOML by daemon.config_file)."""

from __future__ import annotations

from dataclasses import dataclass, field

from daemon.errors import ConfigProblem

# A page that keeps trafilatura or our cleaning busy longer than this is given up and its worker
# killed: a normal page takes well under a second, and a stuck worker would hold one core for ever.
EXTRACTION_TIME_LIMIT_S = 60.0


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How the daemon talks to the web: identity, limits, politeness and the private-address guard."""

    user_agent: str = "newswatch/0.1 (+mailto:ops@example.org)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_private_networks: bool = False
    global_concurrency: int = 16
    per_host_concurrency: int = 2
    max_retry_after: float = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class FeedSettings:
    url: str
    name: str = ""
    regions: tuple[str, ...] = ()
    interval_s: int = 900


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """A webhook target. The URL may carry a token in its path and the secret signs every alert:
    neither appears when the settings are printed or logged."""

    url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)
    secret_env: str | None = None


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A watch rule: an article alerts when it matches every non-empty criterion."""

    name: str
    regions: tuple[str, ...] = ()      # region ids after resolution ("ML", "sahel", "western-africa")
    keywords: tuple[str, ...] = ()     # any keyword (whole words; case and accents folded) in title or text
    feeds: tuple[str, ...] = ()        # feed URLs
    focus_only: bool = False           # regions must be focus regions of the article
    on_update: bool = False            # fire again when an article's text is revised
    webhook: WebhookSettings | None = None
    command: tuple[str, ...] = ()      # argv run with the alert JSON on stdin
    query: str = ""                    # SQLite FTS5 query over title and text, as in the archive's search
    # apprise notification URLs (ntfy, Gotify, Slack, Matrix, mailto …); they carry tokens, so the
    # repr leaves them out and the outbox and logs name each by rule, scheme and host only.
    notify: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    tick_s: float = 30.0
    jitter: float = 0.1                # +-10 % of the interval
    max_backoff_s: int = 6 * 3600
    disable_after_errors: int = 20
    # Adaptive intervals (daemon/backoff.py): a feed that publishes nothing new is polled less often,
    # never more often than its own interval and never less often than max_interval (unless its own
    # interval is longer). feed_hints honours a feed's ttl, sy:updatePeriod and Cache-Control max-age.
    adaptive: bool = True
    max_interval_s: int = 4 * 3600
    feed_hints: bool = True
    # An entry whose page keeps failing for a passing reason (5xx, 429, timeout) holds its feed's old
    # validators; past this many tries or this long it is given up, so the feed can answer 304 again.
    # Six tries spans at least an hour and a half at the usual 15-minute interval; a day covers an outage.
    entry_max_tries: int = 6
    entry_max_wait_s: int = 24 * 3600


@dataclass(frozen=True, slots=True)
class CustomPlace:
    """A place the operator lists because GeoNames lacks it (a Sahel village in the news).

    countries holds one ISO alpha-2 code, or several for a cross-border area: the article's other
    places then pick which. lat/lon are both given or both None.
    """

    name: str
    countries: tuple[str, ...]
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    storage_path: str = "newswatch.db"
    http: HttpSettings = field(default_factory=HttpSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    custom_regions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    custom_places: tuple[CustomPlace, ...] = ()   # [places]: names the tagger matches like cities
    feeds: tuple[FeedSettings, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    residue_rules_path: str | None = None   # extra residue patterns (TOML), besides the shipped ones
    raw_retention_days: int = 30
    workers: int = 0                        # extraction processes; 0 = one per core
    extraction_time_limit_s: float = EXTRACTION_TIME_LIMIT_S   # one page's work in a worker, at most
    source_path: str = ""
    # Findings that do not stop the daemon (a placeholder contact in the user agent): check-config
    # prints them as warnings; each names its key and line like a problem does.
    warnings: tuple[ConfigProblem, ...] = ()

