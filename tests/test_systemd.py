"""The shipped unit files pass systemd-analyze verify (where that tool exists) and say what they must."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "systemd"
UNIT_NAMES = ["newswatch.service", "newswatch-datasette.service"]


def settings(unit: str) -> dict[str, dict[str, list[str]]]:
    """section -> key -> values (a key may repeat in a unit file), comments skipped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (UNITS / unit).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


def seconds(span: str) -> float:
    """A systemd time span such as "5s", "10min" or "90" (seconds) in seconds."""
    factors = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
    return sum(float(n) * factors[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", span))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNIT_NAMES)
def test_unit_file_verifies(unit, tmp_path):
    # The unit names /opt/newswatch/venv; point it at this venv's newswatch so verify can check it.
    executable = Path(sys.executable).parent / "newswatch"
    text = (UNITS / unit).read_text().replace("/opt/newswatch/venv/bin/newswatch", str(executable))
    (tmp_path / unit).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_service_unit_restarts_on_failure_and_keeps_state():
    text = (UNITS / "newswatch.service").read_text()
    for line in ("Restart=on-failure", "StateDirectory=newswatch", "ExecStart=/opt/newswatch/venv/bin/newswatch",
                 "NoNewPrivileges=yes", "ProtectSystem=strict"):
        assert line in text


@pytest.mark.parametrize("unit", UNIT_NAMES)
def test_unit_waits_at_least_five_seconds_between_restarts(unit):
    assert seconds(settings(unit)["Service"]["RestartSec"][0]) >= 5


@pytest.mark.parametrize("unit", UNIT_NAMES)
def test_unit_keeps_retrying_for_at_least_a_minute_before_hitting_the_start_limit(unit):
    # systemd reads the start limit from [Unit]; failing starts are RestartSec apart, so the limit
    # trips after about burst x RestartSec, which must not be the ~2 s of the default limit.
    unit_settings = settings(unit)
    burst = int(unit_settings["Unit"]["StartLimitBurst"][0])
    interval = seconds(unit_settings["Unit"]["StartLimitIntervalSec"][0])
    restart = seconds(unit_settings["Service"]["RestartSec"][0])
    assert burst * restart >= 60 and interval >= burst * restart


def test_the_browser_unit_reads_the_same_config_and_secrets_as_the_daemon():
    daemon, browser = (settings(unit)["Service"] for unit in UNIT_NAMES)
    assert browser["Environment"] == daemon["Environment"]
    assert browser["EnvironmentFile"] == daemon["EnvironmentFile"] == ["-/etc/newswatch/secrets.env"]


@pytest.mark.parametrize("unit", UNIT_NAMES)
def test_unit_points_its_documentation_at_nothing_that_is_not_installed(unit):
    assert not [d for d in settings(unit)["Unit"].get("Documentation", []) if d.startswith("file:")]


def test_service_unit_reloads_the_config_with_sighup_to_the_main_process_only():
    # `systemctl reload newswatch` must reach `run` (which re-reads the config on SIGHUP), never the
    # extraction workers, and must not be a restart: in-flight polls go on.
    service = settings("newswatch.service")["Service"]
    assert service.get("ExecReload") == ["/bin/kill -HUP $MAINPID"]
