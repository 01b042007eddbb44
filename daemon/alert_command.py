"""The `command` alert action: run the rule's program with the alert JSON on stdin.

An alert sent by a command counts as delivered when the command exits 0. What it leaves behind
must not change that: a helper it starts in the background may hold the stderr it inherited open
for as long as it likes, and a chatty command's output must not fill the daemon's memory.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from collections.abc import Sequence
from typing import IO

COMMAND_TIMEOUT_S = 60.0
COMMAND_ERROR_CHARS = 200   # of a failed command's stderr, the end goes into the error


async def run_command(argv: Sequence[str], body: bytes) -> str | None:
    """Run argv with body on stdin: None once it exited 0, else why the alert is not sent.

    Its stderr goes to a temporary file, not a pipe: waiting for a pipe's end would wait for any
    background helper holding it, take a delivered alert for a timeout and run the command again.
    The file also bounds what a chatty command costs: only its end is read back. On a timeout the
    command's whole process group is killed, so a `sh -c` does not leave its stalled child behind.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=errors,
                start_new_session=True)
        except OSError as exc:
            return f"command failed to start: {exc.strerror}"
        try:
            # With stdin the only pipe, communicate returns once the command has exited.
            await asyncio.wait_for(process.communicate(body), timeout=COMMAND_TIMEOUT_S)
        except asyncio.TimeoutError:
            _kill_group(process.pid)
            await process.wait()
            return f"command timed out after {COMMAND_TIMEOUT_S:g} s"
        if process.returncode != 0:
            return f"command exited {process.returncode}: {_stderr_end(errors)}"
    return None


def _stderr_end(errors: IO[bytes]) -> str:
    """The last COMMAND_ERROR_CHARS of what a command wrote to stderr, as text."""
    size = errors.seek(0, os.SEEK_END)
    errors.seek(max(0, size - 4 * COMMAND_ERROR_CHARS))
    return errors.read().decode(errors="replace")[-COMMAND_ERROR_CHARS:].strip()


def _kill_group(pid: int) -> None:
    """Kill a timed-out command and every process it started (the group of its own session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
