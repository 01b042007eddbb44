"""Configs written to a temporary folder and the problems load_settings finds in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config_file import load_settings
from daemon.errors import ConfigError


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_in(path: Path, **load_options) -> list[tuple[str, int, str]]:
    """(key, line, message) of every problem, in the order reported; the config must be refused."""
    with pytest.raises(ConfigError) as caught:
        load_settings(path, **load_options)
    return [(p.key, p.line, p.message) for p in caught.value.problems]
