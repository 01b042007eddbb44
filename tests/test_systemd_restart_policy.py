"""A config error must not put the daemon's unit into a restart loop: `run` exits 2 for problems only
an operator can fix (the config, a missing store folder, another daemon on the store), and systemd
must take that exit as final instead of starting it again every RestartSec until the start limit."""

from __future__ import annotations

from tests.daemon_world import newswatch
from tests.test_systemd import settings


def test_a_bad_config_exits_2_and_the_unit_does_not_restart_on_exit_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[storage]\npath = "x.db"\n[[feeds]]\nurl = "ftp://example.org/feed"\n', encoding="utf-8")
    assert newswatch("-c", str(config), "run").returncode == 2
    service = settings("newswatch.service")["Service"]
    prevented = " ".join(service.get("RestartPreventExitStatus", [])).split()
    assert "2" in prevented
    # systemd honours RestartPreventExitStatus for the main process only: a config check run as
    # ExecStartPre that fails would be restarted all the same (`run` checks the config itself).
    assert not service.get("ExecStartPre")
