"""A webhook receiver that trickles its answer cannot hold the delivery pass: each attempt has
one deadline (the deliverer's timeout), and of the answer only the status is waited for."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import timedelta

import pytest

from daemon.alerts import Deliverer
from daemon.settings import AlertRule, WebhookSettings
from storage.store import Store
from tests.outbox_world import NOW, mali_store, queue

TIMEOUT_S = 0.5
GRACE_S = 5.0   # far beyond the timeout: a pass still running by then is stuck


class TricklingReceiver:
    """A loopback receiver that sends `opening` and then one more byte every 0.1 s, never ending."""

    def __init__(self, opening: bytes) -> None:
        self.opening = opening
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(self.opening)
            while not self.closed.is_set():
                conn.sendall(b"x")
                time.sleep(0.1)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.closed.set()
        self.listener.close()


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def trickling(opening: bytes):
    receiver = TricklingReceiver(opening)
    rule = AlertRule(name="slow-desk", regions=("ML",), webhook=WebhookSettings(url=receiver.url, secret="k"))
    return receiver, rule


def one_pass(store: Store, rules: list[AlertRule]):
    async def run():
        deliverer = Deliverer(store, rules, timeout=TIMEOUT_S)
        try:
            return await asyncio.wait_for(deliverer.deliver_pass(NOW), GRACE_S)
        finally:
            await deliverer.aclose()
    return asyncio.run(run())


def one_alert_to_a_trickling_receiver(store: Store, answer_start: bytes):
    """Queue one alert for a receiver that sends answer_start and then a byte at a time; run one pass."""
    receiver, rule = trickling(answer_start)
    try:
        queue(store, rule)
        return one_pass(store, [rule])
    finally:
        receiver.close()


def test_a_receiver_trickling_its_headers_fails_the_attempt_at_the_deadline(store):
    outcome = one_alert_to_a_trickling_receiver(store, b"HTTP/1.1 200 OK\r\nX-Slow: ")
    assert (outcome.delivered, outcome.retrying) == (0, 1)


def test_an_attempt_cut_at_the_deadline_is_recorded_as_a_timeout_and_retried_with_backoff(store):
    one_alert_to_a_trickling_receiver(store, b"HTTP/1.1 200 OK\r\nX-Slow: ")
    row = store.deliveries()[0]
    assert (row["status"], row["attempts"], row["last_error"], row["next_attempt_at"]) == (
        "pending", 1, "timeout: no answer within 0.5 s", (NOW + timedelta(seconds=30)).isoformat())


def test_a_receiver_answering_200_then_trickling_its_body_has_the_alert_delivered(store):
    outcome = one_alert_to_a_trickling_receiver(store, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
    assert outcome.delivered == 1


def test_a_stalled_receiver_does_not_keep_another_rules_alert_waiting(store):
    receiver, slow = trickling(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    other = AlertRule(name="other-desk", regions=("ML",), command=("true",))
    try:
        queue(store, slow)
        queue(store, other, url="https://example.org/gao")
        one_pass(store, [slow, other])
    finally:
        receiver.close()
    assert {r["rule"]: r["status"] for r in store.deliveries()}["other-desk"] == "delivered"
