"""Alert rules in the config: secrets only when alerts are delivered, one line per problem, in line order."""

import os
import stat
import sys
from pathlib import Path

from daemon.config_file import load_settings
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
    assert found == [("alerts[0]", 8, "an alert rule needs at least one of regions, keywords, feeds")]


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
