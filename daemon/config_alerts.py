"""[[alerts]] tables -> AlertRules, with the checks that keep a rule from failing silently at runtime.

A rule that names a feed by its title, a webhook whose secret is missing, a command whose
program is not installed, a full-text query SQLite cannot parse or a notification URL apprise
cannot use would never fire; each is reported with its key and line instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from daemon.alert_notify import notify_url_problem, notify_url_warnings
from daemon.config_checks import feed_identity, http_url_problem, not_blank, program_problem, toml_type
from daemon.settings import AlertRule, FeedSettings, WebhookSettings
from storage.alert_queries import lowercase_operators, query_problem, typographic_quotes

if TYPE_CHECKING:
    from daemon.config_file import _Checker

_CRITERIA = ("regions", "keywords", "query", "feeds")
_ACTIONS = ("webhook", "command", "notify")
# The keys of an [[alerts]] table, checked here so the rule's shape lives in one module.
ALERT_KEYS = frozenset({"name", *_CRITERIA, "focus_only", "on_update", *_ACTIONS})
_NOTIFY_ENTRY_KEYS = frozenset({"url_env"})


def alert_rules(items: Any, check: _Checker, known_region: Callable[[str], str | None],
                feeds: tuple[FeedSettings, ...], checked: bool = False) -> tuple[AlertRule, ...]:
    """The config's alert rules; check collects each problem with its key. checked says
    known_region is the gazetteer's (see _Checker.region_ids)."""
    if not isinstance(items, list):
        check.problem("alerts", f"expected [[alerts]] tables (double brackets, one per rule), got {toml_type(items)}")
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
        regions = check.region_ids(table, prefix, known_region, checked)
        rule_feeds = check.string_list(table, "feeds", prefix)
        for url in rule_feeds:
            if (problem := _rule_feed_problem(url, feeds)):
                check.problem(f"{prefix}.feeds", problem)
        keywords = check.string_list(table, "keywords", prefix)
        for keyword in keywords:
            if (problem := _keyword_problem(keyword)):
                check.problem(f"{prefix}.keywords", problem)
        query = _query(table, prefix, check)
        webhook = _webhook(table.get("webhook"), f"{prefix}.webhook", check)
        command = _command(table, prefix, check)
        notify = _notify(table, prefix, check)
        if not any(key in table for key in _ACTIONS):
            check.problem(prefix, "an alert rule needs an action: webhook = {…}, command = [...] or notify = [\"…\"]")
        if not any(table.get(key) for key in _CRITERIA):   # an invalid criterion is reported on its own
            check.problem(prefix, "an alert rule needs at least one of regions, keywords, query, feeds")
        rules.append(AlertRule(
            name=name, regions=tuple(regions), keywords=keywords, feeds=rule_feeds,
            focus_only=check.typed(table, "focus_only", prefix, bool, False),
            on_update=check.typed(table, "on_update", prefix, bool, False),
            webhook=webhook, command=command, query=query, notify=notify))
    return tuple(rules)


def _keyword_problem(keyword: str) -> str | None:
    """Why a keyword written in the full-text query's syntax would never match: keywords are
    searched as written, so a prefix star or phrase quotes would have to be in the article too."""
    if '"' in keyword:
        phrase = keyword.replace('"', "").strip()
        return (f"{keyword!r} would be searched with its double quotes as written: a keyword is already "
                f"matched as a whole phrase; write \"{phrase}\" without the inner quotes")
    if "*" in keyword:
        stem = keyword.strip("*").strip()
        example = (f"for words starting with {stem}, write query = '{stem}*'"
                   if keyword.endswith("*") and stem and "*" not in stem and " " not in stem
                   else "a prefix is a full-text query: query = 'civil*'")
        return (f"{keyword!r} would be searched with its * as written: keywords are whole words and take no "
                f"wildcards; {example}")
    return None


def _query(table: Mapping[str, Any], prefix: str, check: _Checker) -> str:
    """The rule's full-text query, compiled by SQLite's FTS5 now so a typo is a config problem,
    not an alert that silently never fires."""
    query = check.typed(table, "query", prefix, str, "", not_blank)
    if query and (problem := query_problem(query)):
        check.problem(f"{prefix}.query", problem)
        return ""
    if query and (words := lowercase_operators(query)):
        check.warning(f"{prefix}.query", f"{', '.join(repr(w) for w in words)} is searched as a word: FTS5 "
                      f"operators are upper case (AND, OR, NOT, NEAR)")
    if query and (marks := typographic_quotes(query)):
        check.warning(f"{prefix}.query", f"{' and '.join(marks)} do not make a phrase: FTS5 reads them as spaces, "
                      f"so the words are searched separately, in any order; use straight double quotes "
                      f"(\"drone strike\")")
    return query


def _notify(table: Mapping[str, Any], prefix: str, check: _Checker) -> tuple[str, ...]:
    """The rule's notification URLs, each written out or read from the environment ({ url_env = … }).

    Like a command's program, whether apprise can use a URL is checked by the commands that
    deliver alerts (run, check-config); a problem names the entry and the line it is written on.
    """
    if "notify" not in table:
        return ()
    key, value = f"{prefix}.notify", table["notify"]
    if not isinstance(value, list):
        check.problem(key, 'expected a list of notification URLs: notify = ["ntfys://ntfy.sh/topic"]')
        return ()
    if not value:
        check.problem(key, 'the list is empty: name at least one notification URL, e.g. '
                      'notify = ["ntfys://ntfy.sh/topic"], or remove notify')
        return ()
    lines = check.index.item_lines(key, len(value))
    urls: dict[str, int] = {}
    for j, entry in enumerate(value):
        report = _EntryReport(check, f"{key}[{j}]", lines[j])
        url = _notify_entry(entry, report, check)
        if not url:
            continue
        source = f"the URL in {entry['url_env']}: " if isinstance(entry, dict) else ""
        if url in urls:
            report(f"the same notification URL as notify[{urls[url]}]")
        elif check.delivery and (error := notify_url_problem(url)):
            report(source + error)
        else:
            urls[url] = j
            for warning in notify_url_warnings(url) if check.delivery else ():
                report.warn(source + warning)
    return tuple(urls)


class _EntryReport:
    """Reports a problem (or a warning) of notify[j] on the line the entry is written on."""

    def __init__(self, check: _Checker, key: str, line: int) -> None:
        self.check, self.key = check, key
        if line:   # the index learns the entry's line, so the report is placed and ordered by it
            check.index.lines.setdefault(key, line)

    def __call__(self, message: str) -> None:
        self.check.problem(self.key, message)

    def warn(self, message: str) -> None:
        self.check.warning(self.key, message)


def _notify_entry(entry: Any, report: _EntryReport, check: _Checker) -> str:
    """One notify entry's URL ("" when it has none to use: a problem, or an unset variable that
    only the commands that deliver alerts need)."""
    if isinstance(entry, str):
        if not entry.strip():
            report("an empty notification URL")
        return entry.strip()
    if not isinstance(entry, dict):
        report('expected a URL string or { url_env = "NAME" }')
        return ""
    for name in entry:
        if name not in _NOTIFY_ENTRY_KEYS:
            report(f"unknown key {name!r} (known: {', '.join(sorted(_NOTIFY_ENTRY_KEYS))})")
    name = entry.get("url_env")
    if not isinstance(name, str) or not name.strip():
        report('expected { url_env = "NAME" }: the environment variable that holds the URL')
        return ""
    if check.environ.get(name, "").strip():
        return check.environ[name].strip()
    if check.delivery and name in check.environ:
        report(f"environment variable {name} is blank (it should hold a notification URL)")
    elif check.delivery:
        report(f"environment variable {name} is not set (a notification URL)")
    return ""


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
        check.problem(prefix, f"expected a table: {{ url = \"…\", secret_env = \"…\" }}, got {toml_type(value)}")
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
