"""Shared fixtures that build the world: a loopback newsroom, a temporary store path, the gazetteer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from daemon.gazetteer import Gazetteer
from daemon.newsroom import Newsroom

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def structlog_as_found() -> Iterator[None]:
    """A CLI test run in-process configures logging at the level it was given, and structlog keeps
    it: events a later test captures would vanish below that level. Each test leaves it as found."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    """A Newsroom on 127.0.0.1 with an ephemeral port, stopped after the test."""
    with Newsroom() as room:
        yield room


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """Loaded once for the whole run, as a process of ours loads it once."""
    return Gazetteer.load()


@pytest.fixture
def tmp_db_path(tmp_path: Path) -> Path:
    return tmp_path / "newswatch.db"


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory) -> Path:
    """Our small extraction-evaluation corpus in the benchmark's layout, built from the fixture site."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_site", FIXTURES / "site" / "make_site.py")
    make_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_site)
    return make_site.write_corpus(tmp_path_factory.mktemp("extraction_corpus"))
