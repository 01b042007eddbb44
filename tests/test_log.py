"""Logging setup: request URLs (which may carry a feed's or a webhook's token) never reach the
journal through httpx's own standard-library logging."""

import io
import logging

import httpx
import pytest
import structlog

from daemon import log as logconf

TOKEN = "feedtoken9f8e7d6c"


@pytest.fixture
def library_loggers():
    """httpx and httpcore loggers as a fresh process has them (no level set); they and structlog's
    configuration are restored afterwards, so later tests see logging as they found it."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    saved, saved_structlog = [logger.level for logger in loggers], structlog.get_config()
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
    yield loggers
    for logger, level in zip(loggers, saved):
        logger.setLevel(level)
    structlog.configure(**saved_structlog)


def fetch_with_token(newsroom) -> None:
    newsroom.add("/private/feed.xml", b"<rss/>", "application/rss+xml")
    with httpx.Client() as client:
        assert client.get(newsroom.url(f"/private/feed.xml?token={TOKEN}")).status_code == 200


def test_setup_sets_the_httpx_and_httpcore_loggers_to_warning(library_loggers):
    logconf.configure("json", "info", stream=io.StringIO())
    assert [logger.level for logger in library_loggers] == [logging.WARNING, logging.WARNING]


def test_left_alone_httpx_logs_the_full_request_url_at_info(library_loggers, newsroom, caplog):
    caplog.set_level(logging.DEBUG)
    fetch_with_token(newsroom)
    assert any(TOKEN in r.getMessage() and r.levelno == logging.INFO and r.name == "httpx" for r in caplog.records)


def test_after_setup_a_request_url_with_a_token_is_never_logged_even_at_debug(library_loggers, newsroom, caplog):
    logconf.configure("json", "debug", stream=io.StringIO())
    caplog.set_level(logging.DEBUG)
    fetch_with_token(newsroom)
    assert TOKEN not in caplog.text and not [r for r in caplog.records if r.name.startswith(("httpx", "httpcore"))]
