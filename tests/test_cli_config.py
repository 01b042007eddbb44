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


def test_without_db_a_missing_folder_in_the_configs_store_path_stops_check_config(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "missing" / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "check-config")
    assert result.exit_code == 2 and f"storage.path: folder {tmp_path / 'missing'} does not exist" in result.output


def test_with_db_the_configs_store_folder_is_not_checked_by_check_config(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "missing" / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "--db", str(tmp_path / "here.db"), "check-config")
    assert result.exit_code == 0 and f"store {tmp_path / 'here.db'})" in result.output, result.output


def test_with_db_after_the_command_run_ignores_the_configs_missing_store_folder(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "missing" / "n.db", [])
    result = invoke("-c", str(config), "run", "--once", "--db", str(tmp_path / "here.db"))
    assert result.exit_code == 0 and (tmp_path / "here.db").is_file() and not (tmp_path / "missing").exists()


def test_check_config_names_the_missing_folder_of_the_db_store_in_effect(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    result = invoke("-c", str(config), "--db", str(tmp_path / "elsewhere" / "n.db"), "check-config")
    assert result.exit_code == 2 and f"the folder {tmp_path / 'elsewhere'} does not exist" in result.output
    assert "storage.path" not in result.output


def test_with_db_a_store_path_that_is_not_a_string_is_still_a_config_problem(tmp_path):
    config = write_config(tmp_path / "n.toml", tmp_path / "n.db", ["https://a.example/rss"])
    config.write_text(config.read_text(encoding="utf-8").replace(f'path = "{tmp_path / "n.db"}"', "path = 5"),
                      encoding="utf-8")
    result = invoke("-c", str(config), "--db", str(tmp_path / "here.db"), "check-config")
    assert result.exit_code == 2 and "storage.path: expected str, got int 5" in result.output, result.output
