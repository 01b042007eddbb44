"""Which alert rules an article matches, and the outbox targets each rule sends to.

Kept apart from delivery (daemon/alerts.py) because ingestion and reprocessing ask only this: it
reads the article's regions, feed, words and full-text query, never the network.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import structlog

from daemon.notify_labels import notify_label
from daemon.settings import AlertRule
from storage.alert_queries import QueryError, query_matches
from storage.records import Article
from storage.webhook_targets import webhook_target

log = structlog.get_logger("newswatch.alerts")


@dataclass(frozen=True, slots=True)
class Match:
    rule: str
    target: str   # webhook_target(...), notify_target(...) or "command:<rule name>"


# Apostrophes a keyboard or a CMS may put where a straight one was typed ("Côte d’Ivoire").
_APOSTROPHES = str.maketrans({mark: "'" for mark in "\u2019\u2018\u02bc\u2032`\u00b4"})


def folded(text: str) -> str:
    """text as keywords compare it: apostrophes straightened, accents dropped, case folded, so
    "Sevare" finds "Sévaré" and "Côte d'Ivoire" finds "Côte d’Ivoire", as the full-text query
    (unicode61) and the place names already do."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for any of the keywords as whole words, to search folded text with."""
    if not keywords:
        return None
    alternatives = sorted((re.escape(folded(k.strip())).replace(r"\ ", r"\s+") for k in keywords),
                          key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def rule_matches(rule: AlertRule, article: Article, region_ids: set[str], focus_ids: set[str],
                 feed_url: str | None, *, folded_words: tuple[str, str] | None = None) -> bool:
    """True when the article meets every criterion the rule sets (regions, feeds, keywords, query);
    the full-text query, the dearest, is tried last. folded_words is the article's (title, text)
    already folded (matching_alerts folds them once for every rule)."""
    if rule.regions:
        pool = focus_ids if rule.focus_only else region_ids
        if not pool.intersection(rule.regions):
            return False
    if rule.feeds and feed_url not in rule.feeds:
        return False
    pattern = _keyword_pattern(rule.keywords)
    if pattern is not None:
        title, text = folded_words or (folded(article.title or ""), folded(article.text or ""))
        if not (pattern.search(title) or pattern.search(text)):
            return False
    if rule.query:
        try:
            return query_matches(rule.query, article.title or "", article.text or "")
        except QueryError as exc:   # check-config refuses such a query; a rule built in code may not
            log.error("alert.query_refused", rule=rule.name, error=str(exc))
            return False
    return True


def notify_target(rule_name: str, url: str) -> str:
    """The outbox key of a rule's notification URL: its label plus the same short hash of the full
    URL as webhook_target's, so a changed URL is told apart without storing it."""
    return f"{notify_label(rule_name, url)} #{webhook_target(rule_name, url).rpartition(' #')[2]}"


def targets_of(rule: AlertRule) -> list[str]:
    targets = []
    if rule.webhook is not None:
        targets.append(webhook_target(rule.name, rule.webhook.url))
    if rule.command:
        targets.append(f"command:{rule.name}")
    targets.extend(dict.fromkeys(notify_target(rule.name, url) for url in rule.notify))
    return targets


def matching_alerts(rules: Sequence[AlertRule], article: Article, feed_url: str | None,
                    *, is_update: bool = False, alerted_before: Collection[str] | None = None
                    ) -> tuple[tuple[str, str], ...]:
    """(rule, target) pairs to put in the outbox for a stored article.

    A copy (duplicate_of set) never alerts: its original did. A revision (is_update) alerts like a
    new article for a rule that never alerted for it, so a story revised to name the place a rule
    watches still reaches its reader; on_update decides only whether a rule alerts again.
    alerted_before names the rules that already alerted for the article (any outbox row); None,
    not known, counts every rule as having alerted.
    """
    if article.duplicate_of is not None:
        return ()
    region_ids = {t.region_id for t in article.regions}
    focus_ids = {t.region_id for t in article.regions if t.focus}
    found = []
    words = ((folded(article.title or ""), folded(article.text or ""))
             if any(rule.keywords for rule in rules) else None)
    for rule in rules:
        if is_update and not rule.on_update and (alerted_before is None or rule.name in alerted_before):
            continue
        if rule_matches(rule, article, region_ids, focus_ids, feed_url, folded_words=words):
            found.extend((rule.name, target) for target in targets_of(rule))
    return tuple(found)
