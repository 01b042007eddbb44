"""Where the files shipped in ``config/`` live, in a source checkout and in an installed wheel.

A checkout (or editable install) has them next to the package; the wheel force-includes
``config/`` as ``daemon/shipped_config/``. Both are looked at, in that order.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_config_path(name: str) -> Path:
    """Path of a shipped config file such as ``residue.toml``; FileNotFoundError names both places."""
    candidates = (_PACKAGE_DIR.parent / "config" / name, _PACKAGE_DIR / "shipped_config" / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"shipped config file {name!r} not found in {candidates[0]} nor in {candidates[1]}"
    )
