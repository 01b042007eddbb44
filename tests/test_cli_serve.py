"""`newswatch serve` for real: Datasette answers on loopback and stops with the process that was started."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from storage.store import Store
from tests.daemon_world import REPO


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(tmp_path):
    """A running `newswatch serve` on a free loopback port, in its own session so that whatever it
    leaves behind can be killed by its group id at the end."""
    Store.open(tmp_path / "archive.db").close()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "daemon", "--log-format", "json", "serve", "--db",
                                str(tmp_path / "archive.db"), "--port", str(port)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert wait_until(lambda: answers(port) or process.poll() is not None, 30) and answers(port), \
            process.stderr.read().decode() if process.poll() is not None else "serve never answered"
        yield process, port
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def test_sigterm_to_serve_stops_datasette(served):
    process, port = served
    process.send_signal(signal.SIGTERM)
    assert wait_until(lambda: not answers(port), 5)
    assert process.wait(timeout=5) is not None


def test_serve_refuses_another_applications_database_without_changing_it(tmp_path):
    import sqlite3
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = subprocess.run([sys.executable, "-m", "daemon", "serve", "--db", str(other), "--port", str(free_port())],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not a newswatch store" in result.stderr
    assert other.read_bytes() == before
