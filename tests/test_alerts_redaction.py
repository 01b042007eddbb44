"""Webhook URLs carry their secret token in the path (Slack, Discord, Teams): the outbox rows and
the delivery logs name a webhook by rule, scheme and host only."""

import pytest

from daemon.alerts import Deliverer, webhook_label, webhook_target
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.records import Article
from storage.store import ArticleExtras
from tests.outbox_world import MALI_FOCUS, NOW, deliver, mali_store, queue

TOKEN = "T0AAAA1111/B0BBBB2222/xoxbSecretTokenValue42"


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def secret_rule(url: str, name: str = "mali-desk") -> AlertRule:
    return AlertRule(name=name, regions=("ML",), webhook=WebhookSettings(url=url, secret="k"))


def stored_text(store) -> str:
    return repr(store.deliveries())


def test_the_outbox_row_names_the_webhook_by_rule_scheme_and_host(store):
    with WebhookReceiver("k") as receiver:
        rule = secret_rule(f"{receiver.url}/{TOKEN}?token=abc123")
        queue(store, rule)
        deliver(store, [rule], NOW)
        port = receiver.server.server_address[1]
    assert store.deliveries()[0]["target"].startswith(f"webhook:mali-desk (http://127.0.0.1:{port}) #")


def test_a_delivered_alert_stores_and_logs_no_part_of_the_webhook_path_or_query(store):
    with WebhookReceiver("k") as receiver:
        rule = secret_rule(f"{receiver.url}/{TOKEN}?token=abc123")
        queue(store, rule)
        counts, logged = deliver(store, [rule], NOW)
        assert len(receiver.accepted()) == 1
    assert counts == [1] and "alert.delivered" in logged
    for secret in ("xoxbSecretTokenValue42", "abc123", "/hook"):
        assert secret not in logged and secret not in stored_text(store)


def test_a_failed_attempt_stores_and_logs_no_part_of_the_webhook_path(store):
    with WebhookReceiver("k", fail_first=1) as receiver:
        rule = secret_rule(f"{receiver.url}/{TOKEN}")
        queue(store, rule)
        counts, logged = deliver(store, [rule], NOW)
    assert counts == [0] and "alert.failed" in logged and store.deliveries()[0]["last_error"] == "http 503"
    assert "xoxbSecretTokenValue42" not in logged and "xoxbSecretTokenValue42" not in stored_text(store)


def test_an_exception_quoting_the_url_is_scrubbed_from_the_log_and_the_stored_error(store, monkeypatch):
    url = f"https://hooks.example.org/services/{TOKEN}"
    rule = secret_rule(url)
    queue(store, rule)

    async def quoting_post(self, rule, delivery, body):
        raise RuntimeError(f"cannot post to {url}")
    monkeypatch.setattr(Deliverer, "_post", quoting_post)

    counts, logged = deliver(store, [rule], NOW)
    row = store.deliveries()[0]
    assert counts == [0] and "alert.crashed" in logged
    assert row["last_error"] == "internal error: RuntimeError: cannot post to webhook:mali-desk (https://hooks.example.org)"
    assert "xoxbSecretTokenValue42" not in logged


def test_rows_queued_for_an_old_url_are_not_sent_to_the_url_now_configured(store):
    with WebhookReceiver("k") as old, WebhookReceiver("k") as new:
        queue(store, secret_rule(f"{old.url}/{TOKEN}"))
        counts, logged = deliver(store, [secret_rule(f"{new.url}/other")], NOW)
        assert new.accepted() == [] and old.accepted() == []
    assert counts == [0] and "no longer configured" in store.deliveries()[0]["last_error"]
    assert "xoxbSecretTokenValue42" not in logged + stored_text(store)


def test_a_row_holding_a_full_url_from_an_older_version_is_still_delivered_with_the_url_kept_out_of_the_log(store):
    with WebhookReceiver("k") as receiver:
        url = f"{receiver.url}/{TOKEN}"
        a = Article(url="https://example.org/a", title="t", text="x", fetched_at=NOW, regions=MALI_FOCUS)
        store.save_article(a, ArticleExtras(alerts=(("mali-desk", f"webhook:{url}"),)))
        counts, logged = deliver(store, [secret_rule(url)], NOW)
        assert len(receiver.accepted()) == 1
    assert counts == [1] and "alert.delivered" in logged and "xoxbSecretTokenValue42" not in logged


def test_a_label_keeps_scheme_host_and_port_and_drops_credentials_path_and_query():
    assert webhook_label("r", "https://user:pw@Hooks.Example.org:8443/a/b?token=x#f") == \
        "webhook:r (https://hooks.example.org:8443)"


def test_a_url_that_cannot_be_parsed_is_labelled_without_any_of_it():
    assert webhook_label("r", "https://[::1/secret") == "webhook:r (unparsable url)"


def test_two_urls_on_the_same_host_get_different_targets():
    assert webhook_target("r", "https://h.example/a") != webhook_target("r", "https://h.example/b")
