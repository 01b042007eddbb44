"""export-opml then import-opml --write gives back the same feed list: URLs, names, region hints
and intervals (an OPML file is how an operator moves a feed list to a new machine)."""

from __future__ import annotations

from daemon.config_file import load_settings
from tests.daemon_world import newswatch

CONFIG = """
[storage]
path = "{db}"

[regions.custom]
Sahel = ["ML", "NE", "BF", "TD", "MR"]

[[feeds]]
url = "https://sahel.example.org/rss.xml"
name = "Sahel Desk & Co"
regions = ["Sahel", "Burkina Faso"]
interval = "1h"

[[feeds]]
url = "https://plain.example.org/feed"
name = "Plain"
"""


def _feeds(path):
    return [(f.url, f.name, f.regions, f.interval_s) for f in load_settings(path, secrets=False).feeds]


def test_export_then_import_keeps_names_region_hints_and_intervals(tmp_path):
    source = tmp_path / "old.toml"
    source.write_text(CONFIG.format(db=tmp_path / "old.db"), encoding="utf-8")
    exported = newswatch("-c", str(source), "export-opml")
    assert exported.returncode == 0, exported.stderr
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout, encoding="utf-8")
    target = tmp_path / "new.toml"
    target.write_text(f'[storage]\npath = "{tmp_path / "new.db"}"\n\n[regions.custom]\n'
                      'Sahel = ["ML", "NE", "BF", "TD", "MR"]\n', encoding="utf-8")
    imported = newswatch("-c", str(target), "import-opml", str(opml), "--write")
    assert imported.returncode == 0, imported.stderr
    assert _feeds(target) == _feeds(source)

