"""The shipped unit files pass systemd-analyze verify (where that tool exists)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "systemd"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", ["newswatch.service", "newswatch-datasette.service"])
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
