"""Alert rules in the config: secrets only when alerts are delivered, one line per problem, in line order."""

import os
import re
import stat
import sys
from pathlib import Path

import pytest

from daemon.alerts import targets_of
from daemon.config_file import load_settings
from storage.alert_queries import query_matches
from tests.config_world import problems_in, write_toml

BASE = """\
[http]
user_agent = "newswatch-test (+mailto:desk@newsroom.net)"

[[feeds]]
url = "https://news.example.org/africa/rss.xml"
name = "Example Africa"

"""

HOOK = """\
[[alerts]]
name = "sahel"
keywords = ["ambush"]
webhook = { url = "https://hooks.example.org/in", secret_env = "NEWSWATCH_HOOK_SECRET" }
"""


write = write_toml


def problems(tmp_path: Path, text: str, **kwargs) -> list[tuple[str, int, str]]:
    return problems_in(write(tmp_path, text), environ=kwargs.pop("environ", {}), **kwargs)


def test_a_command_that_delivers_no_alerts_loads_without_the_webhook_secret(tmp_path):
    settings = load_settings(write(tmp_path, BASE + HOOK), environ={}, secrets=False)
    webhook = settings.alerts[0].webhook
    assert (webhook.secret, webhook.secret_env) == (None, "NEWSWATCH_HOOK_SECRET")


def test_a_missing_webhook_secret_is_one_problem_naming_the_variable(tmp_path):
    found = problems(tmp_path, BASE + HOOK)
    assert found == [("alerts[0].webhook.secret_env", 11,
                      "environment variable NEWSWATCH_HOOK_SECRET is not set (the webhook secret)")]


def test_the_webhook_secret_is_read_from_the_environment(tmp_path):
    settings = load_settings(write(tmp_path, BASE + HOOK), environ={"NEWSWATCH_HOOK_SECRET": "k3y"})
    assert settings.alerts[0].webhook.secret == "k3y"


def test_a_webhook_with_neither_secret_nor_secret_env_is_one_problem(tmp_path):
    text = BASE + HOOK.replace(', secret_env = "NEWSWATCH_HOOK_SECRET"', "")
    assert [p[0] for p in problems(tmp_path, text, secrets=False)] == ["alerts[0].webhook"]


def test_a_webhook_url_of_the_wrong_type_is_one_problem(tmp_path):
    text = BASE + HOOK.replace('url = "https://hooks.example.org/in"', "url = 5")
    found = problems(tmp_path, text, environ={"NEWSWATCH_HOOK_SECRET": "k"})
    assert [(key, "expected str" in message) for key, _, message in found] == [("alerts[0].webhook.url", True)]


def test_an_alert_name_of_the_wrong_type_is_one_problem(tmp_path):
    text = BASE + HOOK.replace('name = "sahel"', "name = 7")
    assert [p[0] for p in problems(tmp_path, text, secrets=False)] == ["alerts[0].name"]


def test_an_invalid_criterion_is_not_also_reported_as_missing(tmp_path):
    text = BASE + HOOK.replace('keywords = ["ambush"]', 'regions = ["Atlantis"]')
    found = problems(tmp_path, text, secrets=False, resolve_region=lambda name: None)
    assert [(key, message) for key, _, message in found] == [("alerts[0].regions", "unknown region 'Atlantis'")]


def test_a_rule_without_any_criterion_still_says_which_it_needs(tmp_path):
    found = problems(tmp_path, BASE + HOOK.replace('keywords = ["ambush"]\n', ""), secrets=False)
    assert found == [("alerts[0]", 8, "an alert rule needs at least one of regions, keywords, query, feeds")]


def test_a_feed_named_by_its_title_gets_its_url_suggested(tmp_path):
    text = BASE + HOOK.replace('keywords = ["ambush"]', 'feeds = ["Example Africa"]')
    found = problems(tmp_path, text, secrets=False)
    assert found == [("alerts[0].feeds", 10, "feeds takes feed URLs; did you mean "
                      "https://news.example.org/africa/rss.xml? ('Example Africa' is that feed's name)")]


def test_a_feed_url_written_differently_gets_the_configured_spelling_suggested(tmp_path):
    text = BASE + HOOK.replace('keywords = ["ambush"]', 'feeds = ["https://NEWS.example.org/africa/rss.xml"]')
    (key, _, message), = problems(tmp_path, text, secrets=False)
    assert key == "alerts[0].feeds" and message.endswith("did you mean https://news.example.org/africa/rss.xml?")


def test_problems_come_out_in_the_order_of_their_lines(tmp_path):
    text = ('[storage]\npath = ""\n\n' + BASE.replace('name = "Example Africa"', 'interval = "soon"')
            + HOOK.replace('keywords = ["ambush"]', 'keywords = "ambush"')
            + '\n[extraction]\nworkers = -1\n')
    lines = [line for _, line, _ in problems(tmp_path, text, secrets=False)]
    assert lines == sorted(lines) and len(lines) == 4


def test_an_alert_command_whose_program_is_not_on_path_is_a_problem(tmp_path):
    text = BASE + HOOK.replace("webhook = {", 'command = ["newswatch-no-such-notifier", "--urgent"]\n#')
    found = problems(tmp_path, text, environ={"PATH": str(tmp_path)})
    assert found == [("alerts[0].command", 11, "program 'newswatch-no-such-notifier' is not found on PATH")]


def test_an_alert_command_that_is_not_executable_is_a_problem(tmp_path):
    script = tmp_path / "notify.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    text = BASE + HOOK.replace("webhook = {", f'command = ["{script}"]\n#')
    (key, _, message), = problems(tmp_path, text)
    assert key == "alerts[0].command" and "not executable" in message


def test_an_alert_command_found_on_path_loads(tmp_path):
    program = Path(sys.executable)
    text = BASE + HOOK.replace("webhook = {", f'command = ["{program.name}", "-c", "pass"]\n#')
    settings = load_settings(write(tmp_path, text), environ={"PATH": str(program.parent) + os.pathsep + "/usr/bin"})
    assert settings.alerts[0].command == (program.name, "-c", "pass")


def test_a_command_that_delivers_no_alerts_does_not_look_for_the_alert_program(tmp_path):
    text = BASE + HOOK.replace("webhook = {", 'command = ["newswatch-no-such-notifier"]\n#')
    settings = load_settings(write(tmp_path, text), environ={"PATH": str(tmp_path)}, secrets=False)
    assert settings.alerts[0].command == ("newswatch-no-such-notifier",)


QUERY = """\
[[alerts]]
name = "sahel"
query = '"drone strike" OR ambush'
command = ["true"]
"""

NOTIFY = """\
[[alerts]]
name = "desk"
keywords = ["ambush"]
notify = [
  "ntfys://ntfy.sh/desk-alerts",
  "json://127.0.0.1:8080/in/tk_5ecret0123",
]
"""


def test_a_query_alone_is_a_criterion(tmp_path):
    settings = load_settings(write(tmp_path, BASE + QUERY), environ={}, secrets=False)
    assert settings.alerts[0].query == '"drone strike" OR ambush'


@pytest.mark.parametrize("query, message_part", [
    ('\'"drone strike\'', "a double quote is not closed"),
    ("'url:mopti'", "'url' is read as a column filter"),
    ("'NEAR(drone strike'", "ends too early"),
])
def test_a_malformed_query_is_one_problem_with_its_key_and_line(tmp_path, query, message_part):
    text = BASE + QUERY.replace("""'"drone strike" OR ambush'""", query)
    (key, line, message), = problems(tmp_path, text, secrets=False)
    assert (key, line) == ("alerts[0].query", 10) and message_part in message


def test_a_query_of_the_wrong_type_is_one_problem(tmp_path):
    text = BASE + QUERY.replace("""'"drone strike" OR ambush'""", '["drone"]')
    assert [p[0] for p in problems(tmp_path, text, secrets=False)] == ["alerts[0].query"]


def test_a_lower_case_operator_in_a_query_is_a_warning_with_its_line(tmp_path):
    text = BASE + QUERY.replace("OR ambush", "or ambush")
    settings = load_settings(write(tmp_path, text), environ={}, secrets=False)
    assert [(w.key, w.line) for w in settings.warnings] == [("alerts[0].query", 10)]
    assert "'or' is searched as a word" in settings.warnings[0].message


def test_notify_alone_is_an_action(tmp_path):
    settings = load_settings(write(tmp_path, BASE + NOTIFY), environ={})
    assert settings.alerts[0].notify == ("ntfys://ntfy.sh/desk-alerts", "json://127.0.0.1:8080/in/tk_5ecret0123")


def test_a_rule_without_any_action_names_notify_among_the_choices(tmp_path):
    text = BASE + NOTIFY.split("notify")[0]
    (key, _, message), = problems(tmp_path, text, secrets=False)
    assert key == "alerts[0]" and "notify = [" in message


def test_an_unknown_notification_service_is_a_problem_on_the_line_of_its_entry(tmp_path):
    text = BASE + NOTIFY.replace("ntfys://", "ntfi://")
    (key, line, message), = problems(tmp_path, text)
    assert (key, line) == ("alerts[0].notify[0]", 12)
    assert "apprise knows no notification service ntfi://" in message and "ntfy://" in message


def test_a_notification_url_apprise_cannot_use_is_a_problem_that_never_quotes_its_token(tmp_path):
    text = BASE + NOTIFY.replace('"ntfys://ntfy.sh/desk-alerts"', '"discord://tk_5ecret0123"')
    (key, line, message), = problems(tmp_path, text)
    assert (key, line) == ("alerts[0].notify[0]", 12) and "discord://" in message
    assert "tk_5ecret0123" not in message


def test_a_plain_https_url_is_pointed_to_json_or_a_webhook(tmp_path):
    text = BASE + NOTIFY.replace("ntfys://ntfy.sh/desk-alerts", "https://alerts.example.org/in")
    (_, _, message), = problems(tmp_path, text)
    assert "json://" in message and "webhook" in message


def test_a_notification_url_listed_twice_is_a_problem_on_the_second_line(tmp_path):
    text = BASE + NOTIFY.replace('"json://127.0.0.1:8080/in/tk_5ecret0123"', '"ntfys://ntfy.sh/desk-alerts"')
    assert problems(tmp_path, text) == [("alerts[0].notify[1]", 13, "the same notification URL as notify[0]")]


def test_notify_that_is_not_a_list_is_one_problem(tmp_path):
    text = BASE + '[[alerts]]\nname = "desk"\nkeywords = ["ambush"]\nnotify = "ntfys://ntfy.sh/desk-alerts"\n'
    assert [p[:2] for p in problems(tmp_path, text)] == [("alerts[0].notify", 11)]


def test_a_notification_url_is_read_from_the_environment(tmp_path):
    text = BASE + NOTIFY.replace('"json://127.0.0.1:8080/in/tk_5ecret0123"', '{ url_env = "DESK_URL" }')
    settings = load_settings(write(tmp_path, text), environ={"DESK_URL": "json://127.0.0.1:9/in/tk_env"})
    assert settings.alerts[0].notify[1] == "json://127.0.0.1:9/in/tk_env"


def test_a_missing_notification_url_variable_is_a_problem_naming_it(tmp_path):
    text = BASE + NOTIFY.replace('"json://127.0.0.1:8080/in/tk_5ecret0123"', '{ url_env = "DESK_URL" }')
    assert problems(tmp_path, text) == [
        ("alerts[0].notify[1]", 13, "environment variable DESK_URL is not set (a notification URL)")]


def test_a_bad_url_in_the_environment_names_the_variable(tmp_path):
    text = BASE + NOTIFY.replace('"json://127.0.0.1:8080/in/tk_5ecret0123"', '{ url_env = "DESK_URL" }')
    (key, _, message), = problems(tmp_path, text, environ={"DESK_URL": "slak://tk_5ecret0123"})
    assert key == "alerts[0].notify[1]" and message.startswith("the URL in DESK_URL: ")
    assert "tk_5ecret0123" not in message


def test_a_command_that_delivers_no_alerts_neither_needs_the_variable_nor_checks_the_urls(tmp_path):
    text = BASE + NOTIFY.replace('"json://127.0.0.1:8080/in/tk_5ecret0123"', '{ url_env = "DESK_URL" }')
    settings = load_settings(write(tmp_path, text.replace("ntfys://", "ntfi://")), environ={}, secrets=False)
    assert settings.alerts[0].notify == ("ntfi://ntfy.sh/desk-alerts",)


def test_an_unknown_key_in_a_rule_lists_query_and_notify_among_the_known(tmp_path):
    (key, _, message), = problems(tmp_path, BASE + QUERY + 'querry = "x"\n', secrets=False)
    assert key == "alerts[0].querry" and "notify" in message and "query" in message


def test_the_shipped_example_rules_load_once_uncommented(tmp_path):
    shipped = (Path(__file__).resolve().parents[1] / "config" / "newswatch.toml").read_text(encoding="utf-8")
    head, _, alerts = shipped.partition("# --- alerts")
    rules = "\n".join(line[2:] for line in alerts.splitlines() if re.match(r"# (\[\[|\w+ = |  |\])", line))
    environ = {"NEWSWATCH_HOOK_SECRET": "k", "PATH": os.environ.get("PATH", ""),
               "NEWSWATCH_SLACK_URL": "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
               "NEWSWATCH_MAIL_URL": "mailtos://desk:pw@mail.example.org?to=desk@example.org"}
    settings = load_settings(write(tmp_path, head + rules), environ=environ)
    notify_rule = next(rule for rule in settings.alerts if rule.notify)
    assert notify_rule.query and len(notify_rule.notify) == 3
    assert all("pw@" not in target and "A1BRTD4JD" not in target for target in targets_of(notify_rule))


def test_curly_quotes_in_a_query_are_a_warning_with_its_line(tmp_path):
    text = BASE + QUERY.replace('"drone strike"', "“drone strike”")
    settings = load_settings(write(tmp_path, text), environ={}, secrets=False)
    assert [(w.key, w.line) for w in settings.warnings] == [("alerts[0].query", 10)]
    assert "use straight double quotes" in settings.warnings[0].message


def test_a_mixed_case_operator_in_a_query_is_a_warning(tmp_path):
    text = BASE + QUERY.replace("OR ambush", "Or ambush")
    settings = load_settings(write(tmp_path, text), environ={}, secrets=False)
    assert [w.message.startswith("'Or' is searched as a word") for w in settings.warnings] == [True]


def test_a_query_with_straight_quotes_and_upper_case_operators_has_no_warning(tmp_path):
    assert load_settings(write(tmp_path, BASE + QUERY), environ={}, secrets=False).warnings == ()


@pytest.mark.parametrize("line", [
    """query = '''"Côte d'Ivoire"'''""",        # the form the README recommends
    """query = "\\"Côte d'Ivoire\\"\"""",
])
def test_a_phrase_with_an_apostrophe_loads_and_matches_the_article(tmp_path, line):
    text = BASE + QUERY.replace("""query = '"drone strike" OR ambush'""", line)
    settings = load_settings(write(tmp_path, text), environ={}, secrets=False)
    query = settings.alerts[0].query
    assert (query, settings.warnings) == ('"Côte d\'Ivoire"', ())
    assert query_matches(query, "Border reopens", "Traders crossed back into Côte d'Ivoire on Monday.")
    assert not query_matches(query, "Border reopens", "Ivoire d'or, a Côte de Beaune, won the prize.")


def test_a_phrase_with_an_apostrophe_cannot_sit_in_a_single_quoted_toml_string(tmp_path):
    text = BASE + QUERY.replace("""'"drone strike" OR ambush'""", """'"Côte d'Ivoire"'""")
    assert [(key, line) for key, line, _ in problems(tmp_path, text, secrets=False)] == [("(syntax)", 10)]


def notify_problems(tmp_path: Path, entries: str, environ: dict | None = None) -> list[tuple[str, int, str]]:
    """The problems of a rule whose notify list is written as entries (the list's first line is line 11)."""
    text = BASE + f'[[alerts]]\nname = "desk"\nkeywords = ["ambush"]\nnotify = {entries}\n'
    return problems(tmp_path, text, environ=environ or {})


@pytest.mark.parametrize("url", ["ntfy://", "ntfys://ntfy.sh", "ntfys://ntfy.sh/"])
def test_an_ntfy_url_without_a_topic_is_a_problem(tmp_path, url):
    (key, _, message), = notify_problems(tmp_path, f'["{url}"]')
    assert key == "alerts[0].notify[0]" and "names no one to notify" in message and "topic" in message


def test_a_telegram_url_without_a_chat_is_not_a_problem(tmp_path):
    """apprise finds the bot owner's chat itself: a bot token alone is a whole Telegram URL."""
    text = BASE + NOTIFY.replace("ntfys://ntfy.sh/desk-alerts", "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    assert load_settings(write(tmp_path, text), environ={}).alerts[0].notify[0].startswith("tgram://")


def test_a_malformed_native_slack_url_is_said_to_be_unreadable_not_foreign(tmp_path):
    (_, _, message), = notify_problems(tmp_path, '["https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD"]')
    assert "could not read" in message and "Slack" in message and "token" in message
    assert "json://" not in message and "A1BRTD4JD" not in message


def test_a_query_parameter_json_drops_is_a_warning_naming_the_forms_it_sends(tmp_path):
    text = BASE + NOTIFY.replace("/in/tk_5ecret0123", "/sahel?token=tk_5ecret0123")
    settings = load_settings(write(tmp_path, text), environ={})
    (warning,) = settings.warnings
    assert (warning.key, warning.line) == ("alerts[0].notify[1]", 13)
    assert "'token'" in warning.message and "-token=" in warning.message and "+token=" in warning.message
    assert "tk_5ecret0123" not in warning.message


def test_query_parameters_in_json_forms_are_not_warned_about(tmp_path):
    text = BASE + NOTIFY.replace("/in/tk_5ecret0123", "/sahel?-token=tk_5ecret0123&+X-Key=k&method=PUT")
    assert load_settings(write(tmp_path, text), environ={}).warnings == ()


def test_each_entry_of_a_multiline_list_is_reported_on_its_own_line_in_order(tmp_path):
    entries = '[\n  "ntfi://ntfy.sh/a",\n  { url = "ntfy://x/y" },\n  "",\n  42,\n  "slak://T1/B2/C3",\n]'
    found = [(key, line) for key, line, _ in notify_problems(tmp_path, entries)]
    assert found == [("alerts[0].notify[0]", 12), ("alerts[0].notify[1]", 13), ("alerts[0].notify[1]", 13),
                     ("alerts[0].notify[2]", 14), ("alerts[0].notify[3]", 15), ("alerts[0].notify[4]", 16)]


def test_an_empty_notify_list_is_said_to_be_empty(tmp_path):
    (key, _, message), = notify_problems(tmp_path, "[]")
    assert key == "alerts[0].notify" and "empty" in message and "expected a list" not in message


def test_a_blank_url_variable_is_said_to_be_blank_not_unset(tmp_path):
    (_, _, message), = notify_problems(tmp_path, '[{ url_env = "DESK_URL" }]', environ={"DESK_URL": "  \n"})
    assert message == "environment variable DESK_URL is blank (it should hold a notification URL)"


def test_a_port_out_of_range_is_a_problem(tmp_path):
    (key, _, message), = notify_problems(tmp_path, '["json://127.0.0.1:99999/x"]')
    assert key == "alerts[0].notify[0]" and "port 99999" in message and "65535" in message
