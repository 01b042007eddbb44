"""Alert rules, signatures, and delivery from the outbox to a real loopback webhook receiver."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from daemon.alerts import Deliverer, matching_alerts, next_attempt, sign, verify, webhook_target
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.records import Article, Region, RegionTag
from storage.store import ArticleExtras, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SAHEL_TAGS = (RegionTag("ML", "country", 3, 3.0, True), RegionTag("sahel", "custom", 3, 3.0, True),
              RegionTag("FR", "country", 1, 0.5, False))


def article(**kw) -> Article:
    values = dict(url="https://example.org/a", title="Drone strike near Mopti", text="An ambush was reported.",
                  fetched_at=NOW, regions=SAHEL_TAGS)
    values.update(kw)
    return Article(**values)


def rule(**kw) -> AlertRule:
    values = dict(name="sahel", webhook=WebhookSettings(url="http://127.0.0.1:9/hook", secret="k"))
    values.update(kw)
    return AlertRule(**values)


def test_a_rule_on_a_region_matches_an_article_tagged_with_it():
    assert matching_alerts([rule(regions=("sahel",))], article(), None) == (
        ("sahel", webhook_target("sahel", "http://127.0.0.1:9/hook")),)


def test_focus_only_rule_ignores_a_mere_mention():
    assert matching_alerts([rule(regions=("FR",), focus_only=True)], article(), None) == ()
    assert matching_alerts([rule(regions=("FR",))], article(), None) != ()


def test_keywords_match_whole_words_case_insensitively():
    assert matching_alerts([rule(keywords=("DRONE STRIKE",))], article(), None) != ()
    assert matching_alerts([rule(keywords=("strik",))], article(), None) == ()


def test_every_criterion_must_hold():
    assert matching_alerts([rule(regions=("sahel",), keywords=("election",))], article(), None) == ()


def test_feed_criterion_compares_the_feed_url():
    r = rule(feeds=("https://feeds.example/rss",))
    assert matching_alerts([r], article(), "https://feeds.example/rss") != ()
    assert matching_alerts([r], article(), "https://other.example/rss") == ()


def test_a_copy_never_alerts():
    assert matching_alerts([rule(regions=("sahel",))], article(duplicate_of=4), None) == ()


def test_an_update_alerts_only_when_the_rule_asks():
    assert matching_alerts([rule(regions=("sahel",))], article(), None, is_update=True) == ()
    assert matching_alerts([rule(regions=("sahel",), on_update=True)], article(), None, is_update=True) != ()


def test_signatures_verify_and_detect_tampering():
    signature = sign("secret", "1700000000", b'{"a":1}')
    assert verify("secret", "1700000000", b'{"a":1}', signature)
    assert not verify("secret", "1700000000", b'{"a":2}', signature)
    assert not verify("other", "1700000000", b'{"a":1}', signature)


def test_retries_back_off_and_give_up():
    assert next_attempt(0, NOW) == NOW + timedelta(seconds=30)
    assert next_attempt(3, NOW) == NOW + timedelta(seconds=240)
    assert next_attempt(11, NOW) is None


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country"), Region("sahel", "Sahel", "custom"),
                        Region("FR", "France", "country")])
    yield store
    store.close()


def deliver_once(store, rules) -> int:
    """One delivery pass at NOW with a fresh deliverer; how many were delivered."""
    async def run() -> int:
        deliverer = Deliverer(store, rules)
        try:
            return await deliverer.deliver_due(NOW)
        finally:
            await deliverer.aclose()
    return asyncio.run(run())


def queue(store, r: AlertRule) -> int:
    a = article()
    return store.save_article(a, ArticleExtras(alerts=matching_alerts([r], a, None)))


def test_delivery_posts_a_signed_payload_once(store):
    with WebhookReceiver("k") as receiver:
        r = rule(regions=("sahel",), webhook=WebhookSettings(url=receiver.url, secret="k"))
        article_id = queue(store, r)

        async def deliver_twice():
            deliverer = Deliverer(store, [r])
            first = await deliverer.deliver_due(NOW)
            second = await deliverer.deliver_due(NOW + timedelta(hours=1))
            await deliverer.aclose()
            return first, second

        assert asyncio.run(deliver_twice()) == (1, 0)
        got = receiver.accepted()
    assert len(got) == 1
    assert got[0].body["article"]["id"] == article_id
    assert {r["id"] for r in got[0].body["article"]["regions"]} == {"ML", "sahel", "FR"}


def test_a_failing_receiver_is_retried_later_and_then_delivered(store):
    with WebhookReceiver("k", fail_first=1) as receiver:
        r = rule(regions=("sahel",), webhook=WebhookSettings(url=receiver.url, secret="k"))
        queue(store, r)

        async def attempts():
            deliverer = Deliverer(store, [r])
            results = [await deliverer.deliver_due(NOW + timedelta(seconds=s)) for s in (0, 1, 3600)]
            await deliverer.aclose()
            return results

        assert asyncio.run(attempts()) == [0, 0, 1]
        assert len(receiver.accepted()) == 1
    assert store.deliveries()[0]["attempts"] == 2


def test_a_wrong_secret_is_rejected_by_the_receiver_and_kept_pending(store):
    with WebhookReceiver("right") as receiver:
        r = rule(regions=("sahel",), webhook=WebhookSettings(url=receiver.url, secret="wrong"))
        queue(store, r)

        assert deliver_once(store, [r]) == 0
    row = store.deliveries()[0]
    assert row["status"] == "pending" and row["last_error"] == "http 401"


def test_a_command_action_gets_the_json_on_stdin(store, tmp_path):
    out = tmp_path / "alert.json"
    r = rule(regions=("sahel",), webhook=None, command=("sh", "-c", f"cat > {out}"))
    queue(store, r)

    assert deliver_once(store, [r]) == 1
    assert '"rule": "sahel"' in out.read_text()


def test_a_delivery_that_raises_is_recorded_and_does_not_block_the_others(store):
    with WebhookReceiver("k") as receiver:
        bad = rule(name="bad", regions=("sahel",), webhook=WebhookSettings(url="https://xn--/in", secret="k"))
        good = rule(name="good", regions=("sahel",), webhook=WebhookSettings(url=receiver.url, secret="k"))
        a = article()
        store.save_article(a, ArticleExtras(alerts=matching_alerts([bad, good], a, None)))

        assert deliver_once(store, [bad, good]) == 1
    rows = {r["rule"]: r for r in store.deliveries()}
    assert rows["good"]["status"] == "delivered"
    assert rows["bad"]["status"] == "pending" and rows["bad"]["last_error"].startswith(("internal error", "connection"))
