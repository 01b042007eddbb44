"""Signed delivery of the alert outbox (which articles match a rule is daemon.alert_rules).

Delivery reads the outbox in the store
(rows written in the same transaction as the article), so a restart loses no alert, and marks each
delivery done once its receiver answered 2xx, so nothing is delivered twice in normal operation.
Receivers can also de-duplicate on the X-Newswatch-Delivery id: delivery is at-least-once.
Webhook URLs often carry their secret token in the path (Slack, Discord, Teams), so the outbox
and the logs name a webhook by rule, scheme and host only (see webhook_target); notification URLs
(apprise, daemon.notify_labels) the same way (see notify_target).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import structlog

from daemon.alert_command import run_command
from daemon.alert_notify import notification_message, send_notification
from daemon.alert_rules import Match, folded, matching_alerts, notify_target, rule_matches, targets_of
from daemon.fetch import parse_retry_after
from daemon.notify_labels import notify_label, scrubbed
from daemon.settings import AlertRule
from storage.records import Delivery
from storage.webhook_targets import redacted_text, shown_target, webhook_label, webhook_target

# webhook_label, webhook_target and shown_target live in storage (its migration rewrites old
# stores' URLs into the same keys), rule matching in alert_rules; all are re-exported here, where
# callers have always found them.
__all__ = ["DELIVERY_HEADER", "MAX_ATTEMPTS", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "AlertTrouble", "Deliverer",
           "DeliveryPass", "Match", "folded", "matching_alerts", "next_attempt", "notify_target", "payload",
           "rule_matches", "shown_target", "sign", "targets_of", "verify", "webhook_label", "webhook_target"]

log = structlog.get_logger("newswatch.alerts")

SIGNATURE_HEADER = "X-Newswatch-Signature"
DELIVERY_HEADER = "X-Newswatch-Delivery"
TIMESTAMP_HEADER = "X-Newswatch-Timestamp"
MAX_ATTEMPTS = 12
FIRST_RETRY_S = 30.0
MAX_RETRY_S = 6 * 3600.0
RESPONSE_READ_BYTES = 4096   # of a receiver's answer only the status counts; a little body is read, politely


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed "sha256=" (timestamp binds against replay)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(rule: str, delivery_id: int, article: Mapping[str, Any]) -> bytes:
    """The JSON body a receiver gets: the rule, and the article with its regions."""
    text = article.get("text") or ""
    body = {
        "rule": rule, "delivery_id": delivery_id,
        "article": {
            "id": article["id"], "url": article["url"], "title": article["title"],
            "published_at": article.get("published_at"), "fetched_at": article.get("fetched_at"),
            "site_name": article.get("site_name"), "feed_url": article.get("feed_url"),
            "story_id": article.get("story_id"), "revision": article.get("revision", 0),
            "summary": text[:500],
            "regions": [{"id": r["region_id"], "name": r["name"], "kind": r["kind"], "focus": bool(r["focus"])}
                        for r in article.get("regions", [])],
        },
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def next_attempt(attempts_so_far: int, now: datetime) -> datetime | None:
    """Exponential backoff (30 s, 1 m, 2 m … capped at 6 h); None once MAX_ATTEMPTS are spent."""
    if attempts_so_far + 1 >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=min(FIRST_RETRY_S * 2 ** attempts_so_far, MAX_RETRY_S))


@dataclass(frozen=True, slots=True)
class AlertTrouble:
    """Rows of one delivery pass that failed alike: the same (redacted) target and error."""

    target: str
    error: str
    gave_up: bool       # given up as failed, not retried
    count: int


@dataclass(frozen=True, slots=True)
class DeliveryPass:
    """What one delivery pass did with the rows it took: delivered, to be retried, given up."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    troubles: tuple[AlertTrouble, ...] = ()


class Deliverer:
    """Sends due outbox rows: webhooks over HTTP (signed), commands with the JSON on stdin,
    notification URLs through apprise."""

    def __init__(self, store: Any, rules: Sequence[AlertRule], *, timeout: float = 10.0,
                 user_agent: str = "newswatch") -> None:
        self.store = store
        self.timeout = timeout
        self.rules = {r.name: r for r in rules}
        self._reported_gone: set[tuple[str, str]] = set()
        self._asked_to_wait: dict[int, float] = {}   # delivery id -> a receiver's Retry-After, in seconds
        self.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                        headers={"User-Agent": user_agent})

    async def aclose(self) -> None:
        await self.client.aclose()

    async def deliver_due(self, now: datetime | None = None, should_stop=lambda: False) -> int:
        """Attempt every due delivery once (stopping between deliveries when asked); return how many
        were delivered. One bad row is counted as a failed attempt, never a block on the others."""
        return (await self.deliver_pass(now, should_stop)).delivered

    async def deliver_pass(self, now: datetime | None = None, should_stop=lambda: False) -> DeliveryPass:
        """deliver_due, telling what became of every row it took: `run --once` reports it.

        Takes batches until no row due when the pass began is left: a row retried in the pass is due
        only later, and a row is never taken twice. Each delivery is stamped with the time it ended
        (now, when given, fixes the clock)."""
        started = now or datetime.now(timezone.utc)
        counts = {"delivered": 0, "retrying": 0, "failed": 0}
        troubles: dict[tuple[str, str, bool], int] = {}
        taken: set[int] = set()
        while not should_stop():
            batch = [d for d in self.store.due_deliveries(started) if d.id not in taken]
            if not batch:
                break
            for delivery in batch:
                if should_stop():
                    break
                taken.add(delivery.id)
                await self._deliver_one(delivery, now, counts, troubles)
        return DeliveryPass(**counts, troubles=tuple(
            AlertTrouble(target=t, error=e, gave_up=g, count=n) for (t, e, g), n in troubles.items()))

    async def _deliver_one(self, delivery: Delivery, now: datetime | None, counts: dict[str, int],
                           troubles: dict[tuple[str, str, bool], int]) -> None:
        """Attempt one row and record the outcome in the store, counts and troubles."""
        target = shown_target(delivery.rule, delivery.target)
        gone = None
        try:
            gone = self._gone(delivery)
            error = gone if gone is not None else await self._attempt(delivery)
        except Exception as exc:  # noqa: BLE001 - e.g. an URL httpx refuses; recorded as the attempt's error
            # The message and traceback are scrubbed: an exception may quote the webhook URL.
            log.error("alert.crashed", rule=delivery.rule, target=target, error=self._scrub(repr(exc), delivery),
                      traceback=self._scrub("".join(traceback.format_exception(exc)), delivery))
            error = f"internal error: {type(exc).__name__}: {exc}"
        now = now or datetime.now(timezone.utc)
        if gone is not None:
            self.store.mark_given_up(delivery.id, gone)
            self._report_gone(delivery, target, gone)
            counts["failed"] += 1
            troubles[(target, gone, True)] = troubles.get((target, gone, True), 0) + 1
        elif error is None:
            self.store.mark_delivered(delivery.id, now)
            counts["delivered"] += 1
            log.info("alert.delivered", rule=delivery.rule, article=delivery.article_id,
                     target=target, attempts=delivery.attempts + 1)
        else:
            error = self._scrub(error, delivery)
            retry_at = _not_before(next_attempt(delivery.attempts, now), now,
                                   self._asked_to_wait.pop(delivery.id, None))
            self.store.mark_attempt_failed(delivery.id, error, retry_at)
            counts["retrying" if retry_at else "failed"] += 1
            key = (target, error, retry_at is None)
            troubles[key] = troubles.get(key, 0) + 1
            log.warning("alert.failed", rule=delivery.rule, article=delivery.article_id,
                        target=target, error=error, attempts=delivery.attempts + 1,
                        retry_at=retry_at.isoformat() if retry_at else None,
                        gave_up=retry_at is None)

    def _gone(self, delivery: Delivery) -> str | None:
        """Why a row can never be delivered as the config stands (its rule, or its target in the
        rule, is gone), else None. Retrying such a row for 15 hours would only hide it; the
        message names only redacted targets, so it is stored and logged as it is."""
        rule = self.rules.get(delivery.rule)
        if rule is None:
            return f"target no longer configured: rule {delivery.rule!r} is no longer in the config"
        kind = delivery.target.partition(":")[0]
        # "webhook:<url>": a row queued before targets were redacted, still owed to the same URL.
        if kind == "webhook" and rule.webhook is not None and delivery.target in (
                webhook_target(rule.name, rule.webhook.url), f"webhook:{rule.webhook.url}"):
            return None
        if kind == "command" and rule.command and delivery.target == f"command:{rule.name}":
            return None
        if kind == "notify" and self._notify_url(rule, delivery.target) is not None:
            return None
        return f"target no longer configured: rule {rule.name!r} now sends to {', '.join(targets_of(rule))}"

    def _report_gone(self, delivery: Delivery, target: str, reason: str) -> None:
        """One warning per rule and target a process gives rows up for, not one per row."""
        if (delivery.rule, delivery.target) in self._reported_gone:
            log.debug("alert.given_up", rule=delivery.rule, article=delivery.article_id, target=target)
            return
        self._reported_gone.add((delivery.rule, delivery.target))
        # A rule still configured lost a target: retry under its own name. A rule gone from the config
        # was most often renamed: its rows must be moved to the new name.
        hint = (f"`newswatch alerts retry --rule {delivery.rule}` queues them again to the rule's current targets"
                if delivery.rule in self.rules else
                f"if the rule was renamed, `newswatch alerts retry --from-rule {delivery.rule} --rule NEW-NAME` "
                f"queues them again under its new name")
        log.warning("alert.target_gone", rule=delivery.rule, article=delivery.article_id, target=target,
                    error=reason, gave_up=True, hint=hint)

    async def _attempt(self, delivery: Delivery) -> str | None:
        """Send one row whose rule and target are configured (_gone said so): its error, or None
        once its receiver took it."""
        rule = self.rules[delivery.rule]
        article = self.store.announced_article(delivery.id)
        if article is None:
            return f"article {delivery.article_id} not found"
        body = payload(rule.name, delivery.id, article)
        kind = delivery.target.partition(":")[0]
        if kind == "webhook":
            return await self._post(rule, delivery, body)
        if kind == "command":
            return await run_command(rule.command, body)
        url = self._notify_url(rule, delivery.target)
        assert url is not None   # _gone found it
        return await send_notification(url, *notification_message(rule.name, article))

    def _scrub(self, text: str, delivery: Delivery) -> str:
        """text with the delivery's webhook URL, its path and query and any user:password in it
        replaced by the webhook's label."""
        rule = self.rules.get(delivery.rule)
        legacy = shown_target(delivery.rule, delivery.target) != delivery.target
        urls = [delivery.target.partition(":")[2]] if legacy else []
        if rule is not None and rule.webhook is not None:
            urls.append(rule.webhook.url)
        for url in urls:
            text = redacted_text(text, delivery.rule, url)
        for url in rule.notify if rule is not None else ():   # apprise may quote any part of the URL
            text = scrubbed(text, url, notify_label(delivery.rule, url))
        return text

    @staticmethod
    def _notify_url(rule: AlertRule, target: str) -> str | None:
        """The configured notification URL an outbox row is owed to (None once it left the config).

        Matched by the rule and the URL's hash, not the whole label: how a label shows a host may be
        made stricter between versions, and rows queued under the old label are still owed."""
        digest = target.rpartition(" #")[2]
        return next((url for url in rule.notify if target.startswith(f"notify:{rule.name} (")
                     and notify_target(rule.name, url).rpartition(" #")[2] == digest), None)

    async def _post(self, rule: AlertRule, delivery: Delivery, body: bytes) -> str | None:
        assert rule.webhook is not None
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
                   DELIVERY_HEADER: str(delivery.id),
                   SIGNATURE_HEADER: sign(rule.webhook.secret or "", stamp, body)}
        # httpx's timeout is per read: a receiver dripping bytes would hold the pass for ever, so
        # the whole attempt has one deadline. Once the status arrived, the body cannot change it.
        status, location, retry_after = None, None, None
        try:
            async with asyncio.timeout(self.timeout):
                async with self.client.stream("POST", rule.webhook.url, content=body, headers=headers) as response:
                    status, location = response.status_code, response.headers.get("location")
                    retry_after = response.headers.get("retry-after")
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read >= RESPONSE_READ_BYTES:
                            break
        except (TimeoutError, httpx.TimeoutException):
            if status is None:
                return f"timeout: no answer within {self.timeout:g} s"
        except httpx.HTTPError as exc:
            if status is None:
                return f"connection failed: {type(exc).__name__}"
        if 200 <= status < 300:
            return None
        if 300 <= status < 400 and location:
            return f"http {status}: {_redirect_reason(rule.webhook.url, location)}"
        if status in (429, 503) and (wait := parse_retry_after(retry_after, cap=MAX_RETRY_S)) is not None:
            self._asked_to_wait[delivery.id] = wait
            return f"http {status} (Retry-After {wait:.0f} s)"
        return f"http {status}"


def _not_before(retry_at: datetime | None, now: datetime, wait_s: float | None) -> datetime | None:
    """The backoff's next attempt, or later when the receiver asked for a longer wait (429 or 503
    with Retry-After); a row out of attempts stays given up."""
    if retry_at is None or wait_s is None:
        return retry_at
    return max(retry_at, now + timedelta(seconds=wait_s))


def _redirect_reason(url: str, location: str) -> str:
    """Why a redirected alert was not sent on, naming where the receiver points by scheme and host
    only: a new address may carry a token in its path, as the configured one may."""
    try:
        moved = urlsplit(urljoin(url, location.strip()))
        where = f"{moved.scheme}://{moved.netloc.rpartition('@')[2]}" if moved.scheme and moved.netloc else ""
    except ValueError:
        where = ""
    return (f"redirect to {where or 'an unreadable Location'} not followed (a signed alert goes only to the "
            f"configured url: put the new address in webhook.url)")
