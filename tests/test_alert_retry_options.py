"""`alerts retry --dry-run` (what would be queued, nothing changed) and `--from-rule OLD --rule NEW`
(the failed alerts of a renamed rule queued to its new name's targets), in the store and the CLI."""

from __future__ import annotations

from contextlib import closing

import pytest
from click.testing import CliRunner

from daemon.alerts import targets_of
from daemon.cli import main
from daemon.settings import AlertRule
from storage.records import Region
from storage.store import Store
from tests.daemon_world import write_config
from tests.outbox_world import NOW, mali_store, queue

OLD_URL, NEW_URL = "json://127.0.0.1:9/old", "json://127.0.0.1:9/new"


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


def notify_rule(*urls: str, name: str = "mali-desk") -> AlertRule:
    return AlertRule(name=name, keywords=("drone",), notify=urls)


def give_up_all(store: Store, error: str = "http 401") -> None:
    """Every pending row failed as if its attempts were spent."""
    for row in store.deliveries():
        if row["status"] == "pending":
            store.mark_attempt_failed(row["id"], error, None)


def current_targets(*rules: AlertRule) -> dict[str, list[str]]:
    return {rule.name: targets_of(rule) for rule in rules}


def statuses(store: Store) -> list[tuple[str, str, str]]:
    return [(row["rule"], row["target"], row["status"]) for row in store.deliveries()]


def opened(tmp_path):
    store = Store.open(tmp_path / "n.db")
    store.sync_regions([Region("ML", "Mali", "country")])
    return closing(store)


def failed_store(tmp_path, rule: AlertRule, articles: int = 1, error: str = "http 401") -> None:
    """A store at tmp_path/n.db whose alerts of rule were all given up."""
    with opened(tmp_path) as store:
        for n in range(articles):
            queue(store, rule, url=f"https://example.org/{n}")
        give_up_all(store, error)


def rows(tmp_path) -> list[dict]:
    with opened(tmp_path) as store:
        return store.deliveries()


def config_with(tmp_path, *rules: tuple[str, str]):
    alerts = "".join(f'[[alerts]]\nname = "{name}"\nkeywords = ["drone"]\nnotify = ["{url}"]\n' for name, url in rules)
    return write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=alerts)


def invoke(*args):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False)


# --- the store ------------------------------------------------------------------------------------

def test_a_dry_run_leaves_every_outbox_row_as_it_was(store):
    queue(store, notify_rule(OLD_URL))
    give_up_all(store)
    before = store.deliveries()
    done = store.requeue_failed(current_targets(notify_rule(NEW_URL)), NOW, dry_run=True)
    assert done.queued == 1
    assert store.deliveries() == before


def test_a_dry_run_reports_what_the_retry_then_does(store):
    queue(store, notify_rule(OLD_URL), url="https://example.org/a")
    queue(store, notify_rule(OLD_URL), url="https://example.org/b")
    give_up_all(store)
    targets = current_targets(notify_rule(NEW_URL))
    planned = store.requeue_failed(targets, NOW, dry_run=True)
    assert store.requeue_failed(targets, NOW) == planned


def test_a_dry_run_step_names_the_rule_target_article_and_last_error(store):
    article_id = queue(store, notify_rule(OLD_URL))
    give_up_all(store, "http 503")
    new = notify_rule(NEW_URL)
    [step] = store.requeue_failed(current_targets(new), NOW, dry_run=True).steps
    assert (step.rule, step.target, step.article_id, step.article_title, step.last_error) == (
        "mali-desk", targets_of(new)[0], article_id, "Drone strike near Mopti", "http 503")


def test_alerts_of_a_renamed_rule_are_queued_to_the_new_names_targets(store):
    queue(store, notify_rule(OLD_URL))
    give_up_all(store)
    new = notify_rule(NEW_URL, name="sahel-desk")
    done = store.requeue_failed(current_targets(new), NOW, rule="sahel-desk", from_rule="mali-desk")
    assert (done.queued, done.replaced) == (1, 1)
    assert statuses(store)[1:] == [("sahel-desk", targets_of(new)[0], "pending")]


def test_the_old_rules_rows_are_marked_replaced_after_moving_to_the_new_name(store):
    queue(store, notify_rule(OLD_URL))
    give_up_all(store)
    store.requeue_failed(current_targets(notify_rule(NEW_URL, name="sahel-desk")), NOW, rule="sahel-desk",
                         from_rule="mali-desk")
    assert statuses(store)[0][::2] == ("mali-desk", "replaced")


def test_a_target_that_got_the_alert_under_the_old_name_does_not_get_it_again(store):
    old = notify_rule("json://127.0.0.1:9/a", "json://127.0.0.1:9/b")
    queue(store, old)
    delivered, _ = store.deliveries()
    store.mark_delivered(delivered["id"], NOW)
    give_up_all(store)
    renamed = notify_rule("json://127.0.0.1:9/a", "json://127.0.0.1:9/b", name="sahel-desk")
    done = store.requeue_failed(current_targets(renamed), NOW, rule="sahel-desk", from_rule="mali-desk")
    assert (done.queued, done.already_delivered) == (1, 1)
    assert [target for _, target, status in statuses(store) if status == "pending"] == [targets_of(renamed)[1]]


def test_moving_a_renamed_rules_alerts_twice_queues_nothing_the_second_time(store):
    queue(store, notify_rule(OLD_URL))
    give_up_all(store)
    targets = current_targets(notify_rule(NEW_URL, name="sahel-desk"))
    store.requeue_failed(targets, NOW, rule="sahel-desk", from_rule="mali-desk")
    again = store.requeue_failed(targets, NOW, rule="sahel-desk", from_rule="mali-desk")
    assert again.queued == 0


def test_a_renamed_rules_alerts_leave_other_rules_rows_alone(store):
    queue(store, notify_rule(OLD_URL))
    queue(store, notify_rule(OLD_URL, name="kenya-desk"), url="https://example.org/kenya")
    give_up_all(store)
    targets = current_targets(notify_rule(NEW_URL, name="sahel-desk"), notify_rule(NEW_URL, name="kenya-desk"))
    store.requeue_failed(targets, NOW, rule="sahel-desk", from_rule="mali-desk")
    assert [status for rule, _, status in statuses(store) if rule == "kenya-desk"] == ["failed"]


# --- the command ----------------------------------------------------------------------------------

def test_alerts_retry_dry_run_leaves_the_stores_deliveries_unchanged(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL), articles=2)
    before = rows(tmp_path)
    result = invoke("-c", str(config_with(tmp_path, ("mali-desk", NEW_URL))), "alerts", "retry", "--dry-run")
    assert result.exit_code == 0, result.output
    assert rows(tmp_path) == before


def test_alerts_retry_dry_run_prints_one_line_per_alert_with_rule_target_article_and_error(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL), articles=2, error="http 401")
    result = invoke("-c", str(config_with(tmp_path, ("mali-desk", NEW_URL))), "alerts", "retry", "--dry-run")
    lines = [line for line in result.output.splitlines() if line.startswith("would queue:")]
    target = targets_of(notify_rule(NEW_URL))[0]
    assert lines == [f"would queue: rule mali-desk to {target}: article {n} 'Drone strike near Mopti'; "
                     f"last error: http 401" for n in (1, 2)]


def test_alerts_retry_dry_run_prints_the_total_and_that_nothing_changed(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL), articles=2)
    result = invoke("-c", str(config_with(tmp_path, ("mali-desk", NEW_URL))), "alerts", "retry", "--dry-run")
    assert ("dry run: would queue 2 alerts again to the rules' current targets; 2 rows for targets no longer "
            "configured would be marked replaced; nothing changed") in result.output


def test_alerts_retry_from_rule_queues_a_renamed_rules_alerts_to_the_new_rules_target(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    config = config_with(tmp_path, ("sahel-desk", NEW_URL))
    result = invoke("-c", str(config), "alerts", "retry", "--from-rule", "mali-desk", "--rule", "sahel-desk")
    assert result.exit_code == 0, result.output
    assert "queued 1 alert again to rule sahel-desk's current targets (from rule mali-desk)" in result.output
    target = targets_of(notify_rule(NEW_URL, name="sahel-desk"))[0]
    assert [(row["rule"], row["target"], row["status"]) for row in rows(tmp_path)][1:] == [
        ("sahel-desk", target, "pending")]


def test_alerts_retry_from_rule_dry_run_names_the_old_rule_and_changes_nothing(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    before = rows(tmp_path)
    config = config_with(tmp_path, ("sahel-desk", NEW_URL))
    result = invoke("-c", str(config), "alerts", "retry", "--from-rule", "mali-desk", "--rule", "sahel-desk",
                    "--dry-run")
    assert "would queue: rule sahel-desk (from rule mali-desk) to notify:sahel-desk" in result.output
    assert rows(tmp_path) == before


def test_alerts_retry_from_rule_without_rule_is_refused(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    result = invoke("-c", str(config_with(tmp_path, ("sahel-desk", NEW_URL))), "alerts", "retry",
                    "--from-rule", "mali-desk")
    assert result.exit_code == 2 and "--from-rule mali-desk needs --rule NEW" in result.output


def test_alerts_retry_from_rule_to_a_rule_not_in_the_config_is_refused(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    result = invoke("-c", str(config_with(tmp_path, ("sahel-desk", NEW_URL))), "alerts", "retry",
                    "--from-rule", "mali-desk", "--rule", "kenya-desk")
    assert result.exit_code == 2 and "no alert rule 'kenya-desk'" in result.output


def test_alerts_retry_from_a_rule_without_failed_alerts_is_refused_naming_those_with_some(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    result = invoke("-c", str(config_with(tmp_path, ("sahel-desk", NEW_URL))), "alerts", "retry",
                    "--from-rule", "mali-dsk", "--rule", "sahel-desk")
    assert result.exit_code == 2
    assert "rule 'mali-dsk' has no failed alerts" in result.output and "(rules with failed alerts: mali-desk)" in result.output


def test_alerts_retry_from_a_rule_still_in_the_config_is_refused(tmp_path):
    failed_store(tmp_path, notify_rule(OLD_URL))
    config = config_with(tmp_path, ("mali-desk", OLD_URL), ("sahel-desk", NEW_URL))
    result = invoke("-c", str(config), "alerts", "retry", "--from-rule", "mali-desk", "--rule", "sahel-desk")
    assert result.exit_code == 2 and "rule 'mali-desk' is still in" in result.output
    assert [row["status"] for row in rows(tmp_path)] == ["failed"]
