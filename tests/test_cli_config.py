"""How the commands load the config: what only `run` needs, and what `check-config` says."""

from click.testing import CliRunner

from daemon.cli import main
from tests.daemon_world import write_config

ALERT = """
[[alerts]]
name = "sahel-watch"
regions = ["Sahel"]
webhook = { url = "https://hooks.example.org/T000/B000/XXXX", secret_env = "NEWSWATCH_TEST_UNSET_SECRET" }
"""


def invoke(*args):
    return CliRunner().invoke(main, ["--log-format", "json", *args], catch_exceptions=False)


def test_a_missing_alert_secret_stops_check_config_and_run(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"], alerts=ALERT)
    for command in (["check-config"], ["run", "--once"]):
        result = invoke("-c", str(config), *command)
        assert result.exit_code == 2 and result.output.count("NEWSWATCH_TEST_UNSET_SECRET") == 1, result.output


def test_a_missing_alert_secret_does_not_stop_the_commands_that_deliver_no_alert(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"], alerts=ALERT)
    assert invoke("-c", str(config), "run", "--once").exit_code == 2      # the daemon needs it ...
    assert invoke("-c", str(config), "export-opml").exit_code == 0       # ... managing feeds does not
    status = invoke("-c", str(config), "status")
    assert "NEWSWATCH_TEST_UNSET_SECRET" not in status.output and status.exit_code == 1   # no store yet


def test_check_config_prints_warnings_without_failing(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "check-config")
    assert result.exit_code == 0 and "warning:" in result.output and "example.org" in result.output


def test_an_unknown_region_is_reported_with_the_closest_names(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"],
                          alerts='[[alerts]]\nname = "eu"\nregions = ["EU"]\ncommand = ["true"]\n')
    result = invoke("-c", str(config), "check-config")
    assert result.exit_code == 2 and "unknown region 'EU'" in result.output and "Europe" in result.output
