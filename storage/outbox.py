"""The store's part of alert delivery: the outbox rows written beside each article.

Rows are inserted in the article's own transaction (Store.save_article); these methods hand due
rows to the deliverer and record each attempt, so a restart loses no alert and repeats none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.records import Delivery
from storage.times import iso, parse_iso


class OutboxMixin:
    """Mixed into Store: uses its db, transaction() and time helpers."""

    def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT id, rule, article_id, target, attempts, status, next_attempt_at, last_error FROM deliveries "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            [iso(now), limit]).fetchall()
        return [Delivery(id=r[0], rule=r[1], article_id=r[2], target=r[3], payload="", attempts=r[4],
                         status=r[5], next_attempt_at=parse_iso(r[6]), last_error=r[7]) for r in rows]

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

    def deliveries(self) -> list[dict[str, Any]]:
        return list(self.db["deliveries"].rows_where(order_by="id"))


