"""The store's part of alert delivery: the outbox rows written beside each article.

Rows are inserted in the article's own transaction (Store.save_article); these methods hand due
rows to the deliverer and record each attempt, so a restart loses no alert and repeats none.
The operator's views and repairs (failed alerts grouped, re-queued to a rule's current targets)
are here too, so the outbox's statuses are written in one module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.records import Delivery
from storage.times import iso, parse_iso

# A row's status: pending (owed), delivered (done), failed (given up: attempts spent, or its target
# left the config), replaced (its target left the config and `alerts retry` queued its alert again
# to the rule's current targets).


@dataclass(frozen=True, slots=True)
class FailedAlerts:
    """The given-up alerts of one rule and target, with the newest one's error."""

    rule: str
    target: str
    count: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class RequeueStep:
    """One alert `alerts retry` queues (again): rule's target, the article, and the error its old
    row (of from_rule: the rule's name before a rename, else the rule itself) ended with."""

    rule: str
    target: str
    article_id: int
    article_title: str | None
    last_error: str | None
    from_rule: str


@dataclass(frozen=True, slots=True)
class Requeued:
    """What `alerts retry` did (or, in a dry run, would do): rows made pending (new or reset), failed
    rows it left alone because the rule's current target already has or is owed the alert, and old
    rows it marked replaced; steps lists the rows made pending."""

    queued: int = 0
    already_delivered: int = 0
    already_pending: int = 0
    replaced: int = 0
    rule_gone: tuple[tuple[str, int], ...] = ()   # (rule no longer in the config, its failed rows)
    steps: tuple[RequeueStep, ...] = ()


_COLUMNS = "id, rule, article_id, target, attempts, status, next_attempt_at, last_error"


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(id=row[0], rule=row[1], article_id=row[2], target=row[3], payload="", attempts=row[4],
                    status=row[5], next_attempt_at=parse_iso(row[6]), last_error=row[7])


class OutboxMixin:
    """Mixed into Store: uses its db, transaction() and time helpers."""

    def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM deliveries "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            [iso(now), limit]).fetchall()
        return [_delivery(r) for r in rows]

    def announced_article(self, delivery_id: int) -> dict[str, Any] | None:
        """The article as the revision a delivery announces had it (the snapshot taken when the row
        was queued); the article as stored now when there is none (a row queued before snapshots were
        kept, for a revision since replaced). None when the row or its article is gone."""
        found = self.db.execute(
            "SELECT d.article_id, s.revision, s.url, s.title, s.published_at, s.fetched_at, s.site_name, s.feed_url, "
            "s.story_id, s.text_opening, s.regions FROM deliveries d LEFT JOIN announced_revisions s "
            "ON s.article_id = d.article_id AND s.revision = d.revision WHERE d.id = ?", [delivery_id]).fetchone()
        if found is None:
            return None
        if found[1] is None:
            return self.article(found[0])
        keys = ("id", "revision", "url", "title", "published_at", "fetched_at", "site_name", "feed_url", "story_id",
                "text", "regions")
        return dict(zip(keys, found[:10]), regions=json.loads(found[10] or "[]"))

    def mark_delivered(self, delivery_id: int, at: datetime) -> None:
        with self.transaction():
            self.db.execute("UPDATE deliveries SET status = 'delivered', delivered_at = ?, "
                            "attempts = attempts + 1, last_error = NULL WHERE id = ?", [iso(at), delivery_id])

    def mark_attempt_failed(self, delivery_id: int, error: str, next_attempt_at: datetime | None) -> None:
        """Count a failed attempt; with no next attempt time the delivery is given up as failed."""
        status = "pending" if next_attempt_at else "failed"
        with self.transaction():
            self.db.execute("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, status = ?, "
                            "next_attempt_at = ? WHERE id = ?",
                            [error[:500], status, iso(next_attempt_at), delivery_id])

    def mark_given_up(self, delivery_id: int, error: str) -> None:
        """Give a delivery up without an attempt (nothing was sent): retrying cannot help it."""
        with self.transaction():
            self.db.execute("UPDATE deliveries SET status = 'failed', last_error = ?, next_attempt_at = NULL "
                            "WHERE id = ?", [error[:500], delivery_id])

    def deliveries(self) -> list[dict[str, Any]]:
        return list(self.db["deliveries"].rows_where(order_by="id"))

    def outbox_rows(self, *, status: str | None = None, rule: str | None = None, limit: int = 50) -> list[Delivery]:
        """Outbox rows for people to read, newest first, with the given status and rule."""
        where, params = self._outbox_filter(status=status, rule=rule)
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE {where} ORDER BY id DESC LIMIT ?",
                               [*params, limit]).fetchall()
        return [_delivery(r) for r in rows]

    def failed_alerts(self) -> list[FailedAlerts]:
        """Given-up alerts per rule and target, the most recently queued first. last_error is the
        newest row's: SQLite takes a bare column from the row that max() picked."""
        rows = self.db.execute(
            "SELECT rule, target, count(*), last_error, max(id) AS newest FROM deliveries WHERE status = 'failed' "
            "GROUP BY rule, target ORDER BY newest DESC").fetchall()
        return [FailedAlerts(rule=r[0], target=r[1], count=r[2], last_error=r[3]) for r in rows]

    def requeue_failed(self, targets: Mapping[str, Sequence[str]], now: datetime, *, rule: str | None = None,
                       since: datetime | None = None, from_rule: str | None = None,
                       dry_run: bool = False) -> Requeued:
        """Queue every failed alert (of rule, queued at or after since) again, to its rule's targets
        as configured now: targets maps each configured rule to them (daemon.alerts.targets_of).
        A pending row owed to a target its rule no longer has is moved the same way: it could only fail.

        A target that already got the article's alert, or is owed it, is left as it is: (rule,
        article, target, revision) is unique, so nobody gets an alert twice. A row for a target the rule no
        longer has is marked replaced; a rule no longer configured keeps its rows failed.

        from_rule moves the alerts of a rule renamed since to rule (which it requires): a target of
        rule that got the alert under the old name counts as having it. dry_run writes nothing and
        returns the same plan: Requeued.steps lists each alert it would queue.
        """
        if from_rule is not None and rule is None:
            raise ValueError("from_rule needs rule: the rule whose targets get its alerts")
        with self.transaction():
            plan = _RequeuePlan(self._delivery_state, targets, renamed_to=rule if from_rule is not None else None)
            where, params = self._outbox_filter(rule=from_rule or rule, since=since)
            for row in self._requeue_candidates(where, params):
                plan.take(row)
            if not dry_run:
                plan.apply(self.db, now)
        return plan.outcome()

    def _requeue_candidates(self, where: str, params: list[Any]) -> list[Sequence[Any]]:
        """The failed and pending rows a retry looks at, oldest first, with their article's title."""
        return self.db.execute(
            "SELECT id, rule, article_id, target, status, last_error, "
            "(SELECT title FROM articles WHERE articles.id = deliveries.article_id), revision "
            f"FROM deliveries WHERE {where} AND status IN ('failed', 'pending') ORDER BY id", params).fetchall()

    def _delivery_state(self, rule: str, article_id: int, target: str, revision: int) -> tuple[int, str] | None:
        """(id, status) of the (rule, article, target, revision) row, or None when there is none."""
        found = self.db.execute("SELECT id, status FROM deliveries WHERE rule = ? AND article_id = ? AND target = ? "
                                "AND revision = ?", [rule, article_id, target, revision]).fetchone()
        return (found[0], found[1]) if found is not None else None

    @staticmethod
    def _outbox_filter(*, status: str | None = None, rule: str | None = None,
                       since: datetime | None = None) -> tuple[str, list[Any]]:
        where, params = ["1 = 1"], []
        for clause, value in (("status = ?", status), ("rule = ?", rule), ("created_at >= ?", iso(since))):
            if value is not None:
                where.append(clause)
                params.append(value)
        return " AND ".join(where), params


_Key = tuple[str, int, str, int]   # (rule, article id, target, revision): unique in deliveries


def _name_before(target: str, rule: str, old_rule: str) -> str | None:
    """rule's target as it was keyed under old_rule before a rename; a webhook's or notification
    URL's hash is of the URL alone, and a command is taken to be the rule's own one."""
    for kind in ("webhook", "notify"):
        if target.startswith(prefix := f"{kind}:{rule} ("):
            return f"{kind}:{old_rule} (" + target[len(prefix):]
    return f"command:{old_rule}" if target == f"command:{rule}" else None


class _RequeuePlan:
    """What a retry does, worked out before anything is written so that a dry run reports exactly it.
    states holds each (rule, article, target) row as the plan leaves it: (id or None, status)."""

    def __init__(self, lookup: Callable[[str, int, str, int], tuple[int, str] | None],
                 targets: Mapping[str, Sequence[str]], *, renamed_to: str | None) -> None:
        self._lookup = lookup
        self._targets = targets
        self._renamed_to = renamed_to
        self._states: dict[_Key, tuple[int | None, str]] = {}
        self._queued: dict[_Key, tuple[int | None, RequeueStep]] = {}   # -> (row to reset or None to insert, step)
        self._delivered: set[_Key] = set()
        self._pending: set[_Key] = set()
        self._replaced: list[int] = []
        self._gone: dict[str, int] = {}

    def _state(self, key: _Key) -> tuple[int | None, str]:
        if key not in self._states:
            self._states[key] = self._lookup(*key) or (None, "absent")
        return self._states[key]

    def take(self, row: Sequence[Any]) -> None:
        """Plan one failed or pending row (id, rule, article_id, target, status, last_error, title,
        revision); a revision's alert is requeued as that revision's, apart from the first alert's."""
        row_id, old_rule, article_id, old_target, status, last_error, title, revision = row
        rule = self._renamed_to or old_rule
        current = self._targets.get(rule)
        if status == "pending" and (current is None or (rule == old_rule and old_target in current)
                                    or (old_rule, article_id, old_target, revision) in self._queued):
            return   # still owed to a configured target (or to a rule retrying cannot help)
        if current is None:
            self._gone[old_rule] = self._gone.get(old_rule, 0) + 1
            return
        for target in current:
            key = (rule, article_id, target, revision)
            if key in self._queued:
                continue
            existing, state = self._state(key)
            before = _name_before(target, rule, old_rule) if rule != old_rule else None
            if state == "delivered" or (before and self._state((old_rule, article_id, before, revision))[1]
                                        == "delivered"):
                self._delivered.add(key)
                continue
            if state == "pending":
                self._pending.add(key)
                continue
            self._states[key] = (existing, "pending")
            self._queued[key] = (existing, RequeueStep(rule=rule, target=target, article_id=article_id,
                                                       article_title=title, last_error=last_error,
                                                       from_rule=old_rule))
        if rule != old_rule or old_target not in current:
            self._states[(old_rule, article_id, old_target, revision)] = (row_id, "replaced")
            self._replaced.append(row_id)

    def apply(self, db: Any, now: datetime) -> None:
        """Write the plan. A reset row keeps its id, which receivers de-duplicate on."""
        for (_, _, _, revision), (existing, step) in self._queued.items():
            if existing is None:
                db.execute("INSERT INTO deliveries (rule, article_id, target, revision, status, attempts, "
                           "created_at, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
                           [step.rule, step.article_id, step.target, revision, iso(now), iso(now)])
            else:
                db.execute("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                           "last_error = NULL WHERE id = ?", [iso(now), existing])
        for row_id in self._replaced:
            db.execute("UPDATE deliveries SET status = 'replaced', next_attempt_at = NULL WHERE id = ?", [row_id])

    def outcome(self) -> Requeued:
        return Requeued(queued=len(self._queued), already_delivered=len(self._delivered),
                        already_pending=len(self._pending), replaced=len(self._replaced),
                        rule_gone=tuple(sorted(self._gone.items())),
                        steps=tuple(step for _, step in self._queued.values()))
