"""A webhook's URL (services put a token in its path) and its signing secret never show when the
settings or a rule are printed: a log line or a traceback that prints them must not leak them."""

from __future__ import annotations

from daemon.settings import AlertRule, WebhookSettings


def test_a_printed_webhook_or_rule_shows_neither_the_url_nor_the_secret() -> None:
    hook = WebhookSettings(url="https://hooks.example.net/services/T0K3N/abc", secret="s3cr3t-value",
                           secret_env="HOOK_SECRET")
    rule = AlertRule(name="sahel-watch", regions=("sahel",), webhook=hook)
    for shown in (repr(hook), str(hook), repr(rule)):
        assert "T0K3N" not in shown and "s3cr3t-value" not in shown
    assert "HOOK_SECRET" in repr(hook)      # the variable's name is no secret, and helps the operator
