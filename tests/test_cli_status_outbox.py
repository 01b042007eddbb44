"""`newswatch status` counts every row of the alert outbox: rows that `alerts retry` replaced (a rule
renamed, a target corrected) are neither delivered, pending nor failed, and must not vanish from
the totals a script reads."""

from __future__ import annotations

import json
from contextlib import closing

from click.testing import CliRunner

from daemon.cli import main
from daemon.settings import AlertRule
from storage.records import Region
from storage.store import Store
from tests.daemon_world import write_config
from tests.outbox_world import queue


def notify_rule(url: str, name: str) -> AlertRule:
    return AlertRule(name=name, keywords=("drone",), notify=(url,))


def invoke(*args):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False)


def store_with_a_replaced_alert(tmp_path) -> str:
    """An alert given up under rule mali-desk, then moved by the real `alerts retry --from-rule` to the
    renamed rule sahel-desk: one replaced row and one pending row. The store's path."""
    with closing(Store.open(tmp_path / "n.db")) as store:
        store.sync_regions([Region("ML", "Mali", "country")])
        queue(store, notify_rule("json://127.0.0.1:9/old", "mali-desk"))
        for row in store.deliveries():
            store.mark_attempt_failed(row["id"], "http 401", None)
    alerts = '[[alerts]]\nname = "sahel-desk"\nkeywords = ["drone"]\nnotify = ["json://127.0.0.1:9/new"]\n'
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", [], alerts=alerts)
    moved = invoke("-c", str(config), "alerts", "retry", "--from-rule", "mali-desk", "--rule", "sahel-desk")
    assert moved.exit_code == 0, moved.output
    with closing(Store.open(tmp_path / "n.db")) as store:
        assert sorted(row["status"] for row in store.deliveries()) == ["pending", "replaced"]
    return str(tmp_path / "n.db")


def test_status_json_counts_replaced_alerts_so_the_outbox_totals_add_up(tmp_path):
    db = store_with_a_replaced_alert(tmp_path)
    result = invoke("status", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["deliveries_replaced"] == 1
    assert sum(counts[f"deliveries_{status}"] for status in ("pending", "delivered", "failed", "replaced")) == 2


def test_status_text_names_the_replaced_alerts(tmp_path):
    db = store_with_a_replaced_alert(tmp_path)
    result = invoke("status", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith(
        "alerts 0 delivered, 1 pending, 0 failed, 1 replaced (queued again by `alerts retry`)")


def test_status_says_how_to_move_the_failed_alerts_of_a_rule_gone_from_the_config(tmp_path):
    with closing(Store.open(tmp_path / "n.db")) as store:
        store.sync_regions([Region("ML", "Mali", "country")])
        queue(store, notify_rule("json://127.0.0.1:9/old", "mali-desk"))
        for row in store.deliveries():
            store.mark_given_up(row["id"], "target no longer configured: rule 'mali-desk' is no longer in the config")
    result = invoke("status", "--db", str(tmp_path / "n.db"))
    assert result.exit_code == 0, result.output
    assert "alerts retry --from-rule mali-desk --rule NEW-NAME" in result.output
    assert "`newswatch alerts retry` queues failed alerts again" not in result.output
