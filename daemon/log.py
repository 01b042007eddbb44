"""structlog set up once at start: JSON lines for machines, readable key=value lines on a terminal.

Named log.py, not logging.py, so it never shadows the standard library.
"""

from __future__ import annotations

import logging
import sys

import structlog

# Libraries that log every request's full URL at INFO or DEBUG through standard logging: feed,
# page and webhook URLs may carry tokens, so only their warnings may reach the journal.
QUIET_LIBRARIES = ("httpx", "httpcore")


def configure(fmt: str = "auto", level: str = "info", stream=None) -> None:
    """fmt: "json", "console" or "auto" (console on a terminal, JSON otherwise, e.g. under systemd).

    The QUIET_LIBRARIES stay at WARNING whatever the level, "debug" included.
    """
    stream = stream or sys.stderr
    if fmt == "auto":
        fmt = "console" if getattr(stream, "isatty", lambda: False)() else "json"
    renderer = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
