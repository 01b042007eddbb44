"""Stopping while an extraction worker is stuck on a page (a pathological document can keep a parser
busy for minutes): the stop must end within systemd's TimeoutStopSec (45 s in our unit) instead of
waiting for the worker, and must leave no worker process behind."""

from __future__ import annotations

import asyncio
import os
import time

from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import write_config


async def _stop_with_a_stuck_worker(settings) -> list[int]:
    async with runtime.pipeline_for(settings) as pipeline:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(pipeline.executor, os.getpid)
        loop.run_in_executor(pipeline.executor, time.sleep, 90)   # the "extraction" that never ends
        await asyncio.sleep(0.5)
    return [worker]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:   # a zombie is gone for our purpose
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_stuck_extraction_worker_does_not_hold_up_the_stop(tmp_path):
    settings = load_settings(write_config(tmp_path / "n.toml", tmp_path / "n.db", []), secrets=False)
    started = time.monotonic()
    workers = asyncio.run(_stop_with_a_stuck_worker(settings))
    assert time.monotonic() - started < 30
    assert not any(_alive(pid) for pid in workers)
