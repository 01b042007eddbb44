"""Finding shipped config files (daemon/paths.py) in a checkout and in a wheel layout."""

from __future__ import annotations

import pytest

from daemon.paths import shipped_config_path


def test_shipped_residue_rules_are_found() -> None:
    assert shipped_config_path("residue.toml").name == "residue.toml"


def test_missing_file_error_names_both_places() -> None:
    with pytest.raises(FileNotFoundError) as caught:
        shipped_config_path("no-such-file.toml")
    assert "config" in str(caught.value) and "shipped_config" in str(caught.value)
