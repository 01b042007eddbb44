"""Log capture that sees every event, whatever level an earlier test left structlog at.

A CLI test run earlier in the session configures logging at the level it was given (warning, say);
structlog keeps that configuration, and info or debug events would then never reach capture_logs."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import structlog
from structlog.testing import capture_logs


@contextmanager
def every_event_captured(processors: Iterable = ()) -> Iterator[list[dict]]:
    """capture_logs with every level let through (processors run first, as capture_logs' own), the
    configuration restored afterwards."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with capture_logs(processors=tuple(processors)) as events:
            yield events
    finally:
        structlog.configure(**saved)
