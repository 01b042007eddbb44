"""The operator's side of the alert outbox: failed alerts shown by status, rows for a target no
longer configured given up at once, `alerts retry` / `alerts list`, and run --once's alert outcomes."""

from __future__ import annotations

import asyncio
import json
from contextlib import closing
from datetime import timedelta

import pytest
from click.testing import CliRunner

from daemon.alerts import Deliverer, targets_of
from daemon.cli import main
from daemon.receiver import WebhookReceiver
from daemon.settings import AlertRule, WebhookSettings
from storage.records import Region
from storage.store import Store
from tests.daemon_world import newswatch, write_config
from tests.outbox_world import NOW, deliver, mali_store, queue


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def hook_rule(url: str, name: str = "mali-desk") -> AlertRule:
    return AlertRule(name=name, regions=("ML",), webhook=WebhookSettings(url=url, secret="k"))


def give_up_all(store: Store, error: str = "http 401") -> None:
    """Every pending row failed as if its 12 attempts were spent."""
    for row in store.deliveries():
        if row["status"] == "pending":
            store.mark_attempt_failed(row["id"], error, None)


def statuses(store: Store) -> list[tuple[str, str]]:
    return [(row["target"], row["status"]) for row in store.deliveries()]


def opened(tmp_path):
    """The store at tmp_path/n.db (Mali known), closed when the with block ends."""
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country")])
    return closing(store)


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False, env=env)


# --- the store's view of failed alerts -----------------------------------------------------------

def test_the_summary_counts_failed_alerts(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    give_up_all(store)
    summary = store.summary()
    assert (summary.deliveries_failed, summary.deliveries_pending, summary.deliveries_delivered) == (1, 0, 0)


def test_failed_alerts_are_grouped_per_rule_and_target_with_the_newest_error(store):
    rule = hook_rule("http://127.0.0.1:9/old")
    queue(store, rule, url="https://example.org/1")
    give_up_all(store, "http 500")
    queue(store, rule, url="https://example.org/2")
    give_up_all(store, "http 401")
    [group] = store.failed_alerts()
    assert (group.rule, group.target, group.count, group.last_error) == (
        "mali-desk", targets_of(rule)[0], 2, "http 401")


# --- a target no longer configured ---------------------------------------------------------------

def test_a_row_for_a_url_no_longer_configured_is_given_up_at_once_naming_the_rules_current_target(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    new = hook_rule("http://127.0.0.1:9/new")
    deliver(store, [new], NOW)
    [row] = store.deliveries()
    assert (row["status"], row["attempts"]) == ("failed", 0)
    assert row["last_error"] == f"target no longer configured: rule 'mali-desk' now sends to {targets_of(new)[0]}"


def test_a_row_whose_rule_left_the_config_is_given_up_at_once(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    deliver(store, [hook_rule("http://127.0.0.1:9/old", name="other")], NOW)
    [row] = store.deliveries()
    assert row["status"] == "failed"
    assert row["last_error"] == "target no longer configured: rule 'mali-desk' is no longer in the config"


def test_the_warning_for_a_rule_gone_from_the_config_says_how_to_move_its_rows_to_a_renamed_rule(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    _, logged = deliver(store, [hook_rule("http://127.0.0.1:9/old", name="sahel-desk")], NOW)
    assert "alerts retry --from-rule mali-desk --rule NEW-NAME" in logged


def test_the_warning_for_a_target_gone_from_a_rule_says_to_retry_under_its_own_name(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    _, logged = deliver(store, [hook_rule("http://127.0.0.1:9/new")], NOW)
    assert "alerts retry --rule mali-desk` queues them again" in logged


def test_rows_given_up_for_the_same_stale_target_are_warned_about_once(store):
    rule = hook_rule("http://127.0.0.1:9/old")
    for n in range(3):
        queue(store, rule, url=f"https://example.org/{n}")
    _, logged = deliver(store, [hook_rule("http://127.0.0.1:9/new")], NOW)
    assert logged.count("alert.target_gone") == 1
    assert [row["status"] for row in store.deliveries()] == ["failed"] * 3


def test_a_pass_reports_delivered_retrying_and_failed_rows_apart(store):
    with WebhookReceiver("k") as good, WebhookReceiver("other") as refusing:
        rules = [hook_rule(good.url, "good"), hook_rule(refusing.url, "refusing"),
                 hook_rule("http://127.0.0.1:9/new", "moved")]
        for rule in rules:
            queue(store, rule if rule.name != "moved" else hook_rule("http://127.0.0.1:9/old", "moved"),
                  url=f"https://example.org/{rule.name}")

        async def one_pass():
            deliverer = Deliverer(store, rules)
            try:
                return await deliverer.deliver_pass(NOW)
            finally:
                await deliverer.aclose()
        outcome = asyncio.run(one_pass())
    assert (outcome.delivered, outcome.retrying, outcome.failed) == (1, 1, 1)
    moved = f"target no longer configured: rule 'moved' now sends to {targets_of(rules[2])[0]}"
    assert {(t.error, t.gave_up) for t in outcome.troubles} == {("http 401", False), (moved, True)}


# --- re-queuing failed alerts --------------------------------------------------------------------

def current_targets(*rules: AlertRule) -> dict[str, list[str]]:
    return {rule.name: targets_of(rule) for rule in rules}


def test_a_failed_alert_queued_again_reaches_the_rules_corrected_url(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    give_up_all(store)
    with WebhookReceiver("k") as receiver:
        fixed = hook_rule(receiver.url)
        done = store.requeue_failed(current_targets(fixed), NOW)
        counts, _ = deliver(store, [fixed], NOW + timedelta(seconds=1))
        assert len(receiver.accepted()) == 1
    assert (done.queued, done.replaced, counts) == (1, 1, [1])
    assert [status for _, status in statuses(store)] == ["replaced", "delivered"]


def test_a_retry_never_queues_an_alert_again_for_a_target_that_already_got_it(store):
    old, new = hook_rule("http://127.0.0.1:9/old"), hook_rule("http://127.0.0.1:9/new")
    queue(store, old)
    give_up_all(store)
    store.requeue_failed(current_targets(new), NOW)
    [_, queued] = store.deliveries()
    store.mark_delivered(queued["id"], NOW)
    store.db.execute("UPDATE deliveries SET status = 'failed' WHERE id = 1")   # the old row given up again
    done = store.requeue_failed(current_targets(new), NOW)
    assert (done.queued, done.already_delivered) == (0, 1)
    assert statuses(store)[1] == (targets_of(new)[0], "delivered")


def test_a_retry_resets_a_failed_row_whose_target_is_still_configured_keeping_its_id(store):
    rule = hook_rule("http://127.0.0.1:9/same")
    queue(store, rule)
    give_up_all(store)
    done = store.requeue_failed(current_targets(rule), NOW)
    [row] = store.deliveries()
    assert (done.queued, done.replaced) == (1, 0)
    assert (row["id"], row["status"], row["attempts"], row["last_error"]) == (1, "pending", 0, None)


def test_a_retry_leaves_the_failed_alerts_of_a_rule_no_longer_configured_as_they_are(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    give_up_all(store)
    done = store.requeue_failed(current_targets(hook_rule("http://127.0.0.1:9/x", name="other")), NOW)
    assert (done.queued, done.rule_gone) == (0, (("mali-desk", 1),))
    assert [status for _, status in statuses(store)] == ["failed"]


def test_a_retry_since_a_moment_takes_only_alerts_queued_from_then(store):
    rule = hook_rule("http://127.0.0.1:9/same")
    queue(store, rule, url="https://example.org/early")
    store.db.execute("UPDATE deliveries SET created_at = ? WHERE id = 1", [(NOW - timedelta(days=2)).isoformat()])
    queue(store, rule, url="https://example.org/late")
    give_up_all(store)
    done = store.requeue_failed(current_targets(rule), NOW, since=NOW - timedelta(days=1))
    assert done.queued == 1
    assert [status for _, status in statuses(store)] == ["failed", "pending"]


# --- the commands --------------------------------------------------------------------------------

ALERT = '[[alerts]]\nname = "mali-desk"\nkeywords = ["drone"]\nnotify = ["{url}"]\n'


def failed_store(tmp_path, url: str, articles: int = 1, error: str = "http 401") -> AlertRule:
    """A store at tmp_path/n.db whose alerts to url were all given up; the rule they were for."""
    rule = AlertRule(name="mali-desk", keywords=("drone",), notify=(url,))
    with opened(tmp_path) as store:
        for n in range(articles):
            queue(store, rule, url=f"https://example.org/{n}")
        give_up_all(store, error)
    return rule


def test_status_shows_failed_alerts_with_their_count_target_and_last_error(tmp_path):
    rule = failed_store(tmp_path, "json://127.0.0.1:9/old", articles=3)
    lines = invoke("--db", str(tmp_path / "n.db"), "status").output.splitlines()
    assert lines[0].endswith("alerts 0 delivered, 0 pending, 3 failed")
    assert lines[1] == f"  failed:   3 alerts of rule mali-desk to {targets_of(rule)[0]} (last: http 401)"


def test_status_json_carries_the_failed_count_and_each_rule_and_target(tmp_path):
    rule = failed_store(tmp_path, "json://127.0.0.1:9/old", articles=2)
    status = json.loads(invoke("--db", str(tmp_path / "n.db"), "status", "--json").output)
    assert status["deliveries_failed"] == 2
    assert status["failed_alerts"] == [{"rule": "mali-desk", "target": targets_of(rule)[0], "count": 2,
                                        "last_error": "http 401"}]


def test_status_lists_at_most_ten_rule_and_target_pairs_of_failed_alerts(tmp_path):
    with opened(tmp_path) as store:
        for n in range(12):
            queue(store, hook_rule(f"http://127.0.0.1:9/{n}", name=f"rule-{n}"), url=f"https://example.org/{n}")
        give_up_all(store)
    lines = invoke("--db", str(tmp_path / "n.db"), "status").output.splitlines()
    failed = [line for line in lines if line.startswith("  failed:")]
    assert len(failed) == 11 and failed[-1].startswith("  failed:   … and 2 more")


def test_alerts_retry_queues_failed_alerts_to_the_corrected_url_from_the_config(tmp_path):
    failed_store(tmp_path, "json://127.0.0.1:9/old", articles=3)
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=ALERT.format(url="json://127.0.0.1:9/new"))
    result = invoke("-c", str(config), "alerts", "retry")
    assert result.exit_code == 0, result.output
    assert "queued 3 alerts again to the rules' current targets" in result.output
    fixed = AlertRule(name="mali-desk", keywords=("drone",), notify=("json://127.0.0.1:9/new",))
    with opened(tmp_path) as store:
        assert [(t, s) for t, s in statuses(store) if s == "pending"] == [(targets_of(fixed)[0], "pending")] * 3


def test_alerts_retry_refuses_when_a_rules_notification_url_comes_from_an_unset_variable(tmp_path):
    failed_store(tmp_path, "json://127.0.0.1:9/old")
    alert = '[[alerts]]\nname = "mali-desk"\nkeywords = ["drone"]\nnotify = [{ url_env = "TEST_UNSET_URL" }]\n'
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=alert)
    result = invoke("-c", str(config), "alerts", "retry", env={"TEST_UNSET_URL": ""})
    assert result.exit_code == 2
    assert "its notification URL comes from TEST_UNSET_URL, which is not set here" in result.output
    with opened(tmp_path) as store:
        assert [status for _, status in statuses(store)] == ["failed"]


def test_alerts_retry_for_a_rule_not_in_the_config_is_refused(tmp_path):
    failed_store(tmp_path, "json://127.0.0.1:9/old")
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=ALERT.format(url="json://127.0.0.1:9/new"))
    result = invoke("-c", str(config), "alerts", "retry", "--rule", "kenya")
    assert result.exit_code == 2 and "no alert rule 'kenya'" in result.output


def test_alerts_list_failed_shows_only_failed_rows_with_redacted_targets(tmp_path):
    token = "tk_0a1b2c3d4e5f"
    rule = failed_store(tmp_path, f"json://127.0.0.1:9/{token}")
    with opened(tmp_path) as store:
        queue(store, rule, url="https://example.org/pending")
    result = invoke("--db", str(tmp_path / "n.db"), "alerts", "list", "--failed")
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[1].split()[:4] == ["1", "failed", "1", "1"]
    assert targets_of(rule)[0] in lines[1] and lines[1].endswith("http 401") and token not in result.output


def test_run_once_reports_alerts_it_gave_up_and_still_exits_0(tmp_path):
    failed_store(tmp_path, "json://127.0.0.1:9/old")
    with opened(tmp_path) as store:
        store.db.execute("UPDATE deliveries SET status = 'pending', next_attempt_at = '2000-01-01T00:00:00+00:00'")
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=ALERT.format(url="json://127.0.0.1:9/new"))
    result = newswatch("-c", str(config), "run", "--once")
    assert result.returncode == 0, result.stderr
    assert "0 feeds failed; alerts 0 delivered, 0 retrying, 1 failed" in result.stderr
    assert "  alert failed: notify:mali-desk (json://127.0.0.1:9) #" in result.stderr
    assert "target no longer configured: rule 'mali-desk' now sends to notify:mali-desk" in result.stderr


def test_alerts_retry_reminds_that_a_running_daemon_keeps_the_targets_it_started_with(tmp_path):
    import os
    failed_store(tmp_path, "json://127.0.0.1:9/old")
    (tmp_path / "n.db.lock").write_text(f"{os.getpid()}\n")   # as `run` writes it while it holds the lock
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=ALERT.format(url="json://127.0.0.1:9/new"))
    result = invoke("-c", str(config), "alerts", "retry")
    assert f"note: `newswatch run` (pid {os.getpid()}) sends them with the targets it read" in result.output


def test_a_retry_moves_alerts_still_pending_for_a_url_the_rule_no_longer_has(store):
    queue(store, hook_rule("http://127.0.0.1:9/old"))
    new = hook_rule("http://127.0.0.1:9/new")
    done = store.requeue_failed(current_targets(new), NOW)
    assert (done.queued, done.replaced) == (1, 1)
    assert statuses(store) == [(targets_of(hook_rule("http://127.0.0.1:9/old"))[0], "replaced"),
                               (targets_of(new)[0], "pending")]


def test_a_retry_leaves_alerts_pending_for_a_configured_target_alone(store):
    rule = hook_rule("http://127.0.0.1:9/same")
    queue(store, rule)
    store.mark_attempt_failed(1, "http 500", NOW + timedelta(minutes=5))
    done = store.requeue_failed(current_targets(rule), NOW)
    [row] = store.deliveries()
    assert (done.queued, row["status"], row["attempts"]) == (0, "pending", 1)
