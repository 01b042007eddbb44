"""[[alerts]] tables -> AlertRules, with the checks that keep a rule from failing silently at runtime.

A rule that names a feed by its title, a webhook whose secret is missing or a command whose
program is not installed would never fire; each is reported with its key and line instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from daemon.config_checks import feed_identity, http_url_problem, not_blank, program_problem
from daemon.settings import AlertRule, FeedSettings, WebhookSettings

if TYPE_CHECKING:
    from daemon.config_file import _Checker

_CRITERIA = ("regions", "keywords", "feeds")


def alert_rules(items: Any, check: _Checker, known_region: Callable[[str], str | None],
                feeds: tuple[FeedSettings, ...]) -> tuple[AlertRule, ...]:
    """The config's alert rules; check collects each problem with its key."""
    if not isinstance(items, list):
        check.problem("alerts", "expected [[alerts]] tables")
        return ()
    rules, names = [], set()
    for i, table in enumerate(items):
        prefix = f"alerts[{i}]"
        if not isinstance(table, dict):
            check.problem(prefix, "expected an [[alerts]] table")
            continue
        check.unknown_keys(table, "alerts", prefix)
        name = check.typed(table, "name", prefix, str, "", not_blank)
        if "name" not in table:
            check.problem(f"{prefix}.name", "missing: every alert rule needs a name")
        elif name and name in names:
            check.problem(f"{prefix}.name", f"duplicate alert name {name!r}")
        names.add(name)
        regions = check.region_ids(table, prefix, known_region)
        rule_feeds = check.string_list(table, "feeds", prefix)
        for url in rule_feeds:
            if (problem := _rule_feed_problem(url, feeds)):
                check.problem(f"{prefix}.feeds", problem)
        keywords = check.string_list(table, "keywords", prefix)
        webhook = _webhook(table.get("webhook"), f"{prefix}.webhook", check)
        command = _command(table, prefix, check)
        if "webhook" not in table and "command" not in table:
            check.problem(prefix, "an alert rule needs an action: webhook = {…} or command = [...]")
        if not any(table.get(key) for key in _CRITERIA):   # an invalid criterion is reported on its own
            check.problem(prefix, "an alert rule needs at least one of regions, keywords, feeds")
        rules.append(AlertRule(
            name=name, regions=tuple(regions), keywords=keywords, feeds=rule_feeds,
            focus_only=check.typed(table, "focus_only", prefix, bool, False),
            on_update=check.typed(table, "on_update", prefix, bool, False),
            webhook=webhook, command=command))
    return tuple(rules)


def _rule_feed_problem(value: str, feeds: tuple[FeedSettings, ...]) -> str | None:
    """A rule's feed must be a configured feed's URL as written: alerts compare URLs exactly."""
    if any(value == feed.url for feed in feeds):
        return None
    for feed in feeds:
        if feed.name and value.casefold() == feed.name.strip().casefold():
            return f"feeds takes feed URLs; did you mean {feed.url}? ({value!r} is that feed's name)"
    identity = feed_identity(value)
    for feed in feeds:
        if feed.url and feed_identity(feed.url) == identity:
            return f"not a configured feed URL as written: {value!r}; did you mean {feed.url}?"
    return f"not a configured feed: {value!r}"


def _command(table: Mapping[str, Any], prefix: str, check: _Checker) -> tuple[str, ...]:
    """The alert's argv; its program must exist where the daemon runs, or every alert fails."""
    if "command" not in table:
        return ()
    command = check.string_list(table, "command", prefix)
    if table["command"] == []:
        check.problem(f"{prefix}.command", "must name a program to run: command = [\"program\", \"arg\"]")
    elif command and check.delivery and (problem := program_problem(command[0], check.environ)):
        check.problem(f"{prefix}.command", problem)
    return command


def _webhook(value: Any, prefix: str, check: _Checker) -> WebhookSettings | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check.problem(prefix, "expected a table: { url = \"…\", secret_env = \"…\" }")
        return None
    check.unknown_keys(value, "alerts.webhook", prefix)
    url = check.typed(value, "url", prefix, str, "")
    if "url" not in value:
        check.problem(f"{prefix}.url", "missing: a webhook needs a url")
    elif url and (error := http_url_problem(url)):
        check.problem(f"{prefix}.url", error)
    secret = check.typed(value, "secret", prefix, str, None, not_blank)
    secret_env = check.typed(value, "secret_env", prefix, str, None, not_blank)
    if "secret" not in value and "secret_env" not in value:
        check.problem(prefix, "missing secret: set secret_env (recommended) or secret")
    elif secret_env and check.environ.get(secret_env):
        secret = check.environ[secret_env]
    elif secret_env and check.delivery:
        check.problem(f"{prefix}.secret_env", f"environment variable {secret_env} is not set (the webhook secret)")
    return WebhookSettings(url=url, secret=secret, secret_env=secret_env)
