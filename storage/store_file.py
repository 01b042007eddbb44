"""Where a store lives and whether a file is one of ours, decided before a byte is written to it.

A mistyped path must not grow a tree of folders, and a SQLite file of another application must
not gain our tables: both are refused with a message that says which.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.errors import StoreError
from storage.schema import migrations


def check_store_location(path: Path, create: bool) -> None:
    """A missing folder or (for the reading commands) a missing file is named as such, not left
    for SQLite to report as "unable to open database file"."""
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"{path}: the folder {folder} does not exist (newswatch does not create folders; "
                         f"create it or fix the store path)")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no store here")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(f"{path}: cannot create the store: the folder {folder} is not writable")


def applied_migrations(db: Database, path: str, create: bool) -> set[str]:
    """The newswatch migrations already applied, read without writing anything; StoreError for a
    database of another application (tables but none of ours) or, when create is False, an empty one."""
    tables = set(db.table_names())
    applied = {m.name for m in migrations.applied(db)}
    if not applied and (tables or not create):
        found = f"its tables: {', '.join(sorted(tables)[:5])}" if tables else "it has no tables"
        raise StoreError(f"{path}: not a newswatch store ({found}); left unchanged")
    return applied


def database_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """SQLite says "unable to open database file" or "readonly database" for permission trouble
    too (WAL needs its side files next to the store): say which permission is missing."""
    if "unable to open" in str(exc) or "readonly" in str(exc):
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return f"{path}: the folder {path.parent} is not writable (the store needs its -wal and -shm files there)"
        if path.exists() and not os.access(path, os.W_OK):
            return f"{path}: the store file is not writable by this user"
    return f"{path}: not a usable SQLite database ({exc})"
