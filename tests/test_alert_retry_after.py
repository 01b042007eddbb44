"""A webhook receiver that answers 429 or 503 with Retry-After is not asked again sooner than it
said (within the 6 h cap); the backoff alone decides otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from daemon.settings import AlertRule, WebhookSettings
from storage.times import parse_iso
from tests.outbox_world import NOW, AnsweringReceiver, deliver, mali_store, queue


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def _one_attempt(store, status: int, headers: dict[str, str]) -> dict:
    receiver = AnsweringReceiver(status, headers)
    try:
        rule = AlertRule(name="desk", regions=("ML",), webhook=WebhookSettings(url=receiver.url, secret="k"))
        queue(store, rule)
        deliver(store, [rule], NOW)
    finally:
        receiver.close()
    return store.deliveries()[0]


def _wait(row: dict) -> timedelta:
    return parse_iso(row["next_attempt_at"]) - NOW


@pytest.mark.parametrize("status", [429, 503])
def test_a_receivers_retry_after_puts_the_next_attempt_off(store, status: int) -> None:
    row = _one_attempt(store, status, {"Retry-After": "1800"})
    assert row["status"] == "pending"
    assert row["last_error"] == f"http {status} (Retry-After 1800 s)"
    assert _wait(row) == timedelta(seconds=1800)


def test_a_retry_after_beyond_six_hours_is_capped(store) -> None:
    row = _one_attempt(store, 429, {"Retry-After": str(3 * 24 * 3600)})
    assert _wait(row) == timedelta(hours=6)


def test_without_retry_after_the_backoff_decides(store) -> None:
    row = _one_attempt(store, 503, {})
    assert (row["last_error"], _wait(row)) == ("http 503", timedelta(seconds=30))
