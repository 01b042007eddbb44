"""Notification URLs (apprise) as an alert action: through the outbox, retried, sent once, tokens unseen.

apprise's json:// posts {"title", "message", "type"} to a loopback receiver here: nothing leaves
the machine. (daemon.receiver.WebhookReceiver checks newswatch's signature, which apprise does
not send, so these tests record plain POSTs instead.)
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from daemon.alert_notify import notification_message
from daemon.alerts import notify_target
from daemon.newsroom import Newsroom
from daemon.notify_labels import notify_label, scrubbed
from daemon.settings import AlertRule
from storage.records import Region
from storage.store import Store
from storage.times import iso
from tests.daemon_world import newswatch, populate, write_config
from tests.outbox_world import NOW, deliver, queue

TOKEN = "tk_9f8e7d6c5b4a39281706"


class NotifyReceiver:
    """A loopback HTTP server that records each POST's path and body (parsed when it is JSON); it
    can answer 500 to the first N requests to exercise retries."""

    def __init__(self, *, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.received: list[tuple[str, dict | bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    failing = receiver.fail_first > 0
                    receiver.fail_first -= failing
                    if not failing:
                        is_json = self.headers.get("Content-Type", "").startswith("application/json")
                        receiver.received.append((self.path, json.loads(body) if is_json else body))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="notify-receiver", daemon=True)

    def url(self, scheme: str = "json") -> str:
        host, port = self.server.server_address[:2]
        return f"{scheme}://{host}:{port}/in/{TOKEN}"

    def __enter__(self) -> "NotifyReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country"), Region("FR", "France", "country")])
    yield store
    store.close()


def notify_rule(*urls: str, name: str = "mali-desk") -> AlertRule:
    return AlertRule(name=name, regions=("ML",), notify=urls)


def test_each_notification_url_of_a_matching_rule_gets_one_outbox_row(store):
    rule = notify_rule("json://127.0.0.1:9/a", "form://127.0.0.1:9/b")
    queue(store, rule)
    assert [r["target"] for r in store.deliveries()] == [notify_target(rule.name, url) for url in rule.notify]


def test_a_notification_reaches_the_service_once_with_headline_and_link(store):
    with NotifyReceiver() as receiver:
        rule = notify_rule(receiver.url())
        queue(store, rule)
        counts, _ = deliver(store, [rule], NOW, NOW + timedelta(hours=1))
    assert counts == [1, 0]
    (path, body), = receiver.received
    assert path == f"/in/{TOKEN}" and body["title"] == "Drone strike near Mopti"
    assert "https://example.org/mopti" in body["message"] and "Mali" in body["message"]


def test_a_form_url_posts_the_notification_as_a_form(store):
    with NotifyReceiver() as receiver:
        rule = notify_rule(receiver.url("form"))
        queue(store, rule)
        assert deliver(store, [rule], NOW)[0] == [1]
    (_, body), = receiver.received
    assert parse_qs(body.decode())["title"] == ["Drone strike near Mopti"]


def test_a_failing_service_is_retried_with_backoff_and_then_delivered(store):
    with NotifyReceiver(fail_first=1) as receiver:
        rule = notify_rule(receiver.url())
        queue(store, rule)
        counts, _ = deliver(store, [rule], NOW)
        failed = store.deliveries()[0]
        counts += deliver(store, [rule], NOW + timedelta(seconds=1), NOW + timedelta(seconds=30))[0]
    assert counts == [0, 0, 1]
    assert failed["status"] == "pending" and "500" in failed["last_error"]
    assert failed["next_attempt_at"] == iso(NOW + timedelta(seconds=30))
    assert len(receiver.received) == 1 and store.deliveries()[0]["attempts"] == 2


def test_a_delivered_notification_is_not_sent_again_after_a_restart(tmp_path):
    with NotifyReceiver() as receiver:
        rule = notify_rule(receiver.url())
        for _ in range(2):   # two daemon lifetimes on the same store file
            store = Store.open(tmp_path / "n.db")
            if not store.deliveries():
                store.sync_regions([Region("ML", "Mali", "country"), Region("FR", "France", "country")])
                queue(store, rule)
            deliver(store, [rule], NOW + timedelta(hours=1))
            store.close()
    assert len(receiver.received) == 1


def test_one_failing_url_does_not_hold_back_the_others_of_the_rule(store):
    with NotifyReceiver() as receiver:
        rule = notify_rule("json://127.0.0.1:1/closed", receiver.url())
        queue(store, rule)
        assert deliver(store, [rule], NOW)[0] == [1]
    statuses = sorted(r["status"] for r in store.deliveries())
    assert statuses == ["delivered", "pending"]


def test_the_outbox_never_holds_the_url_or_its_token(store):
    with NotifyReceiver(fail_first=1) as receiver:
        rule = notify_rule(receiver.url())
        queue(store, rule)
        deliver(store, [rule], NOW)
    stored = repr(store.deliveries())
    assert TOKEN not in stored and "/in/" not in stored and "500" in stored


def test_delivery_logs_never_show_the_token_on_success_or_failure(store):
    with NotifyReceiver(fail_first=1) as receiver:
        rule = notify_rule(receiver.url())
        queue(store, rule)
        _, logs = deliver(store, [rule], NOW, NOW + timedelta(minutes=1))
    assert "alert.failed" in logs and "alert.delivered" in logs
    assert TOKEN not in logs and "notify:mali-desk (json://127.0.0.1:" in logs


def test_a_refused_connection_is_recorded_without_the_token(store):
    rule = notify_rule(f"json://127.0.0.1:1/in/{TOKEN}")
    queue(store, rule)
    _, logs = deliver(store, [rule], NOW)
    row = store.deliveries()[0]
    assert row["status"] == "pending" and row["last_error"] and TOKEN not in row["last_error"]
    assert TOKEN not in logs


def test_apprise_records_never_reach_a_handler_on_the_root_logger(store):
    """apprise logs URLs in full (at debug level, and on some errors); a handler the process puts on
    the root logger must not see them. (pytest's caplog attaches to non-propagating loggers too,
    so a plain handler is used here.)"""
    seen: list[str] = []

    class Keeper(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(f"{record.name}: {record.getMessage()}")

    root, keeper = logging.getLogger(), Keeper(logging.DEBUG)
    old_level = root.level
    root.addHandler(keeper)
    root.setLevel(logging.DEBUG)
    try:
        rule = notify_rule(f"json://127.0.0.1:1/in/{TOKEN}")
        queue(store, rule)
        deliver(store, [rule], NOW)
    finally:
        root.removeHandler(keeper)
        root.setLevel(old_level)
    assert not [line for line in seen if TOKEN in line]


def test_a_url_removed_from_the_config_is_not_sent_to(store):
    with NotifyReceiver() as receiver:
        queue(store, notify_rule(receiver.url()))
        deliver(store, [notify_rule(receiver.url() + "-new")], NOW)
    assert receiver.received == []
    assert "no longer configured" in store.deliveries()[0]["last_error"]


def test_a_host_that_holds_a_token_is_masked_in_the_label():
    label = notify_label("r", "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321")
    assert label.startswith("notify:r (tgram://") and "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in label


def test_a_native_service_url_is_labelled_by_its_domain():
    url = "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    assert notify_label("r", url) == "notify:r (https://hooks.slack.com)"


def test_a_rules_repr_never_shows_its_notification_urls():
    assert TOKEN not in repr(notify_rule(f"ntfys://ntfy.sh/{TOKEN}"))


def test_the_message_carries_rule_focus_regions_outlet_link_and_opening():
    article = {"title": "Drone strike near Mopti", "url": "https://example.org/mopti", "site_name": "Example News",
               "text": "Residents said a drone struck a market. " * 30,
               "regions": [{"region_id": "ML", "name": "Mali", "focus": 1},
                           {"region_id": "FR", "name": "France", "focus": 0}]}
    title, body = notification_message("mali-desk", article)
    assert title == "Drone strike near Mopti"
    assert body.splitlines()[:4] == ["Alert: mali-desk", "Regions: Mali", "Source: Example News",
                                     "https://example.org/mopti"]
    assert body.endswith("…") and len(body) < 600


def test_run_once_sends_a_notification_for_each_article_its_query_matches(tmp_path):
    with Newsroom() as newsroom, NotifyReceiver() as receiver:
        feeds = populate(newsroom)
        alerts = ('[[alerts]]\nname = "desk"\nquery = \'convoy OR "reopen schools"\'\n'
                  'notify = [{ url_env = "TEST_NOTIFY_URL" }]\n')
        config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [feeds["good"], feeds["second"]],
                              alerts=alerts)
        result = newswatch("-c", str(config), "run", "--once", env={"TEST_NOTIFY_URL": receiver.url()})
    assert result.returncode == 0, result.stderr
    titles = sorted(body["title"] for _, body in receiver.received)
    # The Mali convoy story and the Niger schools one; the convoy's copy never alerts, Kenya does not match.
    assert len(titles) == 2 and "Niger to reopen schools in Tillabéri" in titles, result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_a_token_in_the_host_and_port_slots_is_scrubbed_from_an_error():
    url = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321"
    label = notify_label("r", url)
    shown = scrubbed("Failed to send to bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw (chat 987654321).", url, label)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in shown and "987654321" not in shown


TOPIC = "newswatch-sahel-desk-TOPICSECRET"


def test_an_ntfy_topic_in_the_host_slot_is_never_in_the_label():
    assert notify_label("kenya", f"ntfy://{TOPIC}") == "notify:kenya (ntfy://…)"


def test_an_ntfy_server_is_shown_in_the_label_but_never_its_topic():
    assert notify_label("r", "ntfys://ntfy.example.org/desk-alerts") == "notify:r (ntfys://ntfy.example.org)"


def test_a_token_with_a_dot_in_the_host_slot_is_not_taken_for_a_host():
    assert notify_label("r", "pbul://o.gn5kj6nfhv736i3jwx4pqr") == "notify:r (pbul://…)"


def test_a_host_that_holds_a_token_is_not_shown_even_masked():
    label = notify_label("r", "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321")
    assert label == "notify:r (tgram://…)"


def test_the_outbox_never_holds_an_ntfy_topic(store):
    queue(store, notify_rule(f"ntfy://{TOPIC}"))
    assert TOPIC.lower() not in repr(store.deliveries()).lower()


def test_an_ntfy_topic_is_scrubbed_from_an_error_whatever_its_case():
    url = f"ntfy://{TOPIC}"
    shown = scrubbed(f"Failed to send ntfy notification to topic '{TOPIC.lower()}': error=403.", url,
                     notify_label("r", url))
    assert TOPIC.lower() not in shown.lower() and "topic '…': error=403." in shown


def test_ordinary_words_in_a_path_stay_readable_in_an_error():
    url = "json://127.0.0.1:18602/error/send"
    message = "Failed to send JSON POST notification: Internal Server Error., error=500."
    assert scrubbed(message, url, notify_label("r", url)) == message


def test_a_whole_url_in_an_error_becomes_its_label():
    url = f"json://127.0.0.1:18602/in/{TOKEN}"
    label = notify_label("r", url)
    assert scrubbed(f"Could not reach {url}.", url, label) == f"Could not reach {label}."


def test_a_target_named_like_the_rule_is_replaced_once_not_inside_the_label():
    url = "ntfys://ntfy.example.org/kenya"
    label = notify_label("kenya", url)
    shown = scrubbed(f"{label}: topic 'kenya' refused", url, label)
    assert shown == "notify:kenya (ntfys://ntfy.example.org): topic '…' refused"


def test_scrubbing_an_already_scrubbed_text_changes_nothing():
    url = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/55555/SECRETCHAT"
    once = scrubbed("sending Telegram:@SECRETCHAT notification to bot 123456789", url, notify_label("kenya", url))
    assert once == "sending Telegram:@… notification to bot …"
    assert scrubbed(once, url, notify_label("kenya", url)) == once


def test_a_custom_header_value_is_scrubbed_from_an_error():
    url = "json://127.0.0.1:18602/in?+X-Desk-Key=kq7rx2wd"
    assert "kq7rx2wd" not in scrubbed("header X-Desk-Key: kq7rx2wd refused", url, notify_label("r", url))


def test_a_stored_delivery_error_keeps_its_words_when_the_path_is_words(store):
    with NotifyReceiver(fail_first=1) as receiver:
        host, port = receiver.server.server_address[:2]
        rule = notify_rule(f"json://{host}:{port}/error/send")
        queue(store, rule)
        deliver(store, [rule], NOW)
    error = store.deliveries()[0]["last_error"]
    assert "Internal server error" in error and "error=500" in error and "notify:" not in error


def test_a_row_queued_under_an_older_label_is_still_owed_to_its_url(store):
    with NotifyReceiver() as receiver:
        rule = notify_rule(receiver.url())
        queue(store, rule)
        digest = store.deliveries()[0]["target"].rpartition(" #")[2]
        store.db.execute("UPDATE deliveries SET target = ?", [f"notify:{rule.name} (json://old-label) #{digest}"])
        counts, _ = deliver(store, [rule], NOW)
    assert counts == [1] and len(receiver.received) == 1
