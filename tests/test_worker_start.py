"""The extraction workers are up before the first poll starts.

The pool starts its workers on demand, and the first start boots the forkserver (trafilatura and
the gazetteer: seconds on a busy machine) inside submit(), which the event loop calls. Started at
the first article, that froze the loop while other pages were in flight, and their fetches ran out
their total timeout though the pages had long arrived: articles skipped as "page fetch: total
timeout" for nothing. Under load the end-to-end notification test failed that way.
"""

from __future__ import annotations

import asyncio

from structlog.testing import capture_logs

from daemon import runtime
from daemon.config_file import load_settings
from tests.daemon_world import write_config


async def _workers_at_entry(settings) -> list[bool]:
    async with runtime.pipeline_for(settings) as pipeline:
        processes = list((getattr(pipeline.executor, "_processes", None) or {}).values())
        return [process.is_alive() for process in processes]


def test_the_workers_are_running_before_the_pipeline_is_handed_out(tmp_path):
    settings = load_settings(str(write_config(tmp_path / "n.toml", tmp_path / "n.db", [])))
    with capture_logs() as events:
        alive = asyncio.run(_workers_at_entry(settings))
    assert alive == [True] * settings.workers        # the config asks for one worker
    (started,) = [e for e in events if e["event"] == "workers.started"]
    assert started["count"] == settings.workers and started["ms"] >= 0
