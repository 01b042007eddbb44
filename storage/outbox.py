"""The store's part of alert delivery: the outbox rows written beside each article.

Rows are inserted in the article's own transaction (Store.save_article); these methods hand due
rows to the deliverer and record each attempt, so a restart loses no alert and repeats none.
The operator's views and repairs (failed alerts grouped, re-queued to a rule's current targets)
are here too, so the outbox's statuses are written in one module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
class Requeued:
    """What `alerts retry` did: rows made pending (new or reset), failed rows it left alone because
    the rule's current target already has or is owed the alert, and old rows it marked replaced."""

    queued: int = 0
    already_delivered: int = 0
    already_pending: int = 0
    replaced: int = 0
    rule_gone: tuple[tuple[str, int], ...] = ()   # (rule no longer in the config, its failed rows)


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
                       since: datetime | None = None) -> Requeued:
        """Queue every failed alert (of rule, queued at or after since) again, to its rule's targets
        as configured now: targets maps each configured rule to them (daemon.alerts.targets_of).
        A pending row owed to a target its rule no longer has is moved the same way: it could only fail.

        A target that already got the article's alert, or is owed it, is left as it is: (rule,
        article, target) is unique, so nobody gets an alert twice. A row for a target the rule no
        longer has is marked replaced; a rule no longer configured keeps its rows failed.
        """
        where, params = self._outbox_filter(rule=rule, since=since)
        queued: set[int] = set()
        delivered: set[int] = set()
        pending: set[int] = set()
        replaced = 0
        gone: dict[str, int] = {}
        with self.transaction():
            rows = self.db.execute(f"SELECT id, rule, article_id, target, status FROM deliveries WHERE {where} "
                                   "AND status IN ('failed', 'pending') ORDER BY id", params).fetchall()
            for row_id, rule_name, article_id, old_target, status in rows:
                current = targets.get(rule_name)
                if status == "pending" and (current is None or old_target in current or row_id in queued):
                    continue   # still owed to a configured target (or to a rule retrying cannot help)
                if current is None:
                    gone[rule_name] = gone.get(rule_name, 0) + 1
                    continue
                for target in current:
                    outcome, target_id = self._requeue_to(rule_name, article_id, target, now)
                    if target_id in queued:
                        continue
                    {"queued": queued, "delivered": delivered, "pending": pending}[outcome].add(target_id)
                if old_target not in current:
                    self.db.execute("UPDATE deliveries SET status = 'replaced', next_attempt_at = NULL WHERE id = ?",
                                    [row_id])
                    replaced += 1
        return Requeued(queued=len(queued), already_delivered=len(delivered), already_pending=len(pending),
                        replaced=replaced, rule_gone=tuple(sorted(gone.items())))

    def _requeue_to(self, rule: str, article_id: int, target: str, now: datetime) -> tuple[str, int]:
        """Make (rule, article, target) pending unless it was delivered or is pending already:
        ("queued" | "delivered" | "pending", its row id). A reset row keeps its id, which receivers
        de-duplicate on."""
        found = self.db.execute("SELECT id, status FROM deliveries WHERE rule = ? AND article_id = ? AND target = ?",
                                [rule, article_id, target]).fetchone()
        if found is None:
            cursor = self.db.execute(
                "INSERT INTO deliveries (rule, article_id, target, status, attempts, created_at, next_attempt_at) "
                "VALUES (?, ?, ?, 'pending', 0, ?, ?)", [rule, article_id, target, iso(now), iso(now)])
            return "queued", cursor.lastrowid
        row_id, status = found
        if status in ("delivered", "pending"):
            return status, row_id
        self.db.execute("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                        "last_error = NULL WHERE id = ?", [iso(now), row_id])
        return "queued", row_id

    @staticmethod
    def _outbox_filter(*, status: str | None = None, rule: str | None = None,
                       since: datetime | None = None) -> tuple[str, list[Any]]:
        where, params = ["1 = 1"], []
        for clause, value in (("status = ?", status), ("rule = ?", rule), ("created_at >= ?", iso(since))):
            if value is not None:
                where.append(clause)
                params.append(value)
        return " AND ".join(where), params
