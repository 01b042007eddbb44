"""Datasette as `newswatch serve` runs it (the shipped metadata), asked in-process for a page's JSON."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from datasette.app import Datasette

from daemon.paths import shipped_config_path
from daemon.serve_setup import datasette_metadata


def datasette_json(db: Path, path: str) -> dict:
    """The JSON of a Datasette page or canned query on the store, asserting it answered 200."""
    metadata = datasette_metadata(db, shipped_config_path("datasette.json"))

    async def fetch():
        response = await Datasette([str(db)], metadata=metadata).client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


def table_rows(path: Path, table: str) -> list[tuple]:
    """Every row of a table with its rowid, in rowid order: what a migration must keep."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()
