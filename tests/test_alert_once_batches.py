"""One delivery pass (what `run --once` ends with) sends every alert due when it began, however many
there are, and stamps each delivery with the time it happened."""

from __future__ import annotations

import asyncio
import pytest

from daemon.alerts import Deliverer
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.store import Store
from storage.times import parse_iso
from tests.outbox_world import mali_store, queue

QUEUED = 120   # more than one batch of due rows (the store hands them out 50 at a time)


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def queue_many(store: Store, rule: AlertRule, count: int) -> None:
    for n in range(count):
        queue(store, rule, url=f"https://example.org/market-report-{n}", text=f"Market report number {n}.")


def one_pass(store: Store, rule: AlertRule):
    async def run():
        deliverer = Deliverer(store, [rule])
        try:
            return await deliverer.deliver_pass()
        finally:
            await deliverer.aclose()
    return asyncio.run(run())


def test_one_pass_delivers_every_due_alert_beyond_the_first_batch(store):
    rule = AlertRule(name="markets", regions=("ML",), command=("true",))
    queue_many(store, rule, QUEUED)
    assert one_pass(store, rule).delivered == QUEUED


def test_one_pass_leaves_no_due_alert_pending(store):
    rule = AlertRule(name="markets", regions=("ML",), command=("true",))
    queue_many(store, rule, QUEUED)
    one_pass(store, rule)
    assert [r for r in store.deliveries() if r["status"] == "pending"] == []


def test_a_pass_whose_receiver_refuses_everything_tries_each_alert_once_and_ends(store):
    with WebhookReceiver("k", fail_first=10 ** 6) as receiver:
        rule = AlertRule(name="markets", regions=("ML",), webhook=WebhookSettings(url=receiver.url, secret="k"))
        queue_many(store, rule, 60)
        outcome = one_pass(store, rule)
    assert (outcome.retrying, [r["attempts"] for r in store.deliveries()]) == (60, [1] * 60)


def test_each_delivery_is_stamped_with_its_own_time_not_the_start_of_the_pass(store):
    rule = AlertRule(name="slow-command", regions=("ML",), command=("sleep", "1.1"))
    queue_many(store, rule, 2)
    one_pass(store, rule)
    first, second = sorted(parse_iso(r["delivered_at"]) for r in store.deliveries())
    assert second > first
