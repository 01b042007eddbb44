"""Shared fixtures that build the world: a loopback newsroom and a temporary store path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.newsroom import Newsroom


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    """A Newsroom on 127.0.0.1 with an ephemeral port, stopped after the test."""
    with Newsroom() as room:
        yield room


@pytest.fixture
def tmp_db_path(tmp_path: Path) -> Path:
    return tmp_path / "newswatch.db"
