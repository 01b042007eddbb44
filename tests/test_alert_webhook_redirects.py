"""A webhook receiver that answers with a redirect (the service moved, or http:// went https://)
is not followed, since a signed alert goes only where the config says; the error says so and
where the receiver points, so the operator can correct the URL, without quoting its path."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from daemon.alerts import Deliverer
from daemon.settings import AlertRule, WebhookSettings
from tests.outbox_world import NOW, AnsweringReceiver, mali_store, queue


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def _deliver(store, status: int, location: str | None) -> tuple[dict, str]:
    receiver = AnsweringReceiver(status, {"Location": location} if location is not None else {})
    rule = AlertRule(name="desk", regions=("ML",), webhook=WebhookSettings(url=receiver.url, secret="k"))
    queue(store, rule)

    async def run() -> None:
        deliverer = Deliverer(store, [rule])
        try:
            await deliverer.deliver_due(NOW)
        finally:
            await deliverer.aclose()
    try:
        with capture_logs() as logs:
            asyncio.run(run())
    finally:
        receiver.close()
    return store.deliveries()[0], repr(logs)


def test_a_redirect_is_recorded_as_not_followed_naming_where_it_points(store):
    row, _ = _deliver(store, 308, "https://hooks.example.net/services/S3CRET-PATH")
    assert row["status"] == "pending"
    assert row["last_error"] == ("http 308: redirect to https://hooks.example.net not followed "
                                 "(a signed alert goes only to the configured url: put the new address in webhook.url)")


def test_a_redirect_error_never_quotes_the_path_it_points_to(store):
    row, logs = _deliver(store, 301, "https://hooks.example.net/services/S3CRET-PATH?token=S3CRET-QUERY")
    assert "hooks.example.net" in row["last_error"] and "hooks.example.net" in logs
    assert "S3CRET" not in row["last_error"] and "S3CRET" not in logs


def test_a_redirect_to_a_relative_location_names_the_receivers_own_host(store):
    row, _ = _deliver(store, 307, "/in/elsewhere")
    assert row["last_error"].startswith("http 307: redirect to http://127.0.0.1:")
