"""An alert command is done when it exits: a helper it leaves running in the background (holding
the stderr it inherited) must neither hold up the delivery pass nor make a delivered alert look
timed out, which would run the command, and send the alert, a second time."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta

import pytest

from daemon.alerts import Deliverer
from daemon.settings import AlertRule
from tests.outbox_world import NOW, mali_store, queue

PASS_LIMIT_S = 15.0   # far below the command's 60 s timeout, far above a command that exits at once

# Reads the alert, counts the run, and leaves a child behind that inherits stderr and outlives
# the command's timeout (its pid is written down so the test can end it).
_LEAVES_A_HELPER = """
import subprocess, sys
sys.stdin.read()
with open(sys.argv[1], "a") as runs:
    runs.write("run\\n")
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open(sys.argv[2], "w") as pid:
    pid.write(str(helper.pid))
"""


@pytest.fixture
def store(tmp_path):
    yield from mali_store(tmp_path)


@pytest.fixture
def helper_pid_file(tmp_path):
    path = tmp_path / "helper.pid"
    yield path
    if path.exists():
        try:
            os.kill(int(path.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def _pass(store, rule: AlertRule, moment) -> None:
    async def run() -> None:
        deliverer = Deliverer(store, [rule])
        try:
            await asyncio.wait_for(deliverer.deliver_pass(moment), PASS_LIMIT_S)
        finally:
            await deliverer.aclose()
    asyncio.run(run())


def test_a_command_that_exits_leaving_a_background_helper_is_delivered_at_once_and_run_once(
        store, tmp_path, helper_pid_file):
    runs = tmp_path / "runs.txt"
    rule = AlertRule(name="desk", regions=("ML",),
                     command=(sys.executable, "-c", _LEAVES_A_HELPER, str(runs), str(helper_pid_file)))
    queue(store, rule)

    _pass(store, rule, NOW)
    row = store.deliveries()[0]
    assert (row["status"], row["last_error"]) == ("delivered", None)

    _pass(store, rule, NOW + timedelta(hours=1))
    assert runs.read_text().count("run") == 1


def _alive(pid: int) -> bool:
    """Whether pid runs (a zombie waiting to be reaped has ended)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except FileNotFoundError:
        return False


def test_a_command_timing_out_is_ended_with_the_children_it_started(store, tmp_path, helper_pid_file, monkeypatch):
    monkeypatch.setattr("daemon.alert_command.COMMAND_TIMEOUT_S", 1.0, raising=False)
    rule = AlertRule(name="desk", regions=("ML",),
                     command=("sh", "-c", f"cat > /dev/null; sleep 120 & echo $! > {helper_pid_file}; wait"))
    queue(store, rule)

    _pass(store, rule, NOW)

    row = store.deliveries()[0]
    assert (row["status"], row["last_error"]) == ("pending", "command timed out after 1 s")
    pid = int(helper_pid_file.read_text())
    for _ in range(40):
        if not _alive(pid):
            break
        asyncio.run(asyncio.sleep(0.05))
    assert not _alive(pid)
