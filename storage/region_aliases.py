"""The other names of regions ("Côte d'Ivoire", "Tchad", "مالي"), where the browsing queries find them.

regions.name is one name per region; region_other_names holds the rest the gazetteer knows, one row
per (region, name), replaced whole at each sync: it is the gazetteer's current list, so a name
dropped from the data files stops finding its region. region_other_name_index is their full-text
twin, spelt like region_name_index (each name between the same marker words, the same tokenizer), so
the canned queries look a typed name up in both with one phrase; triggers on region_other_names keep
it current whoever writes the table. A sibling index rather than more rows in region_name_index:
that one's triggers clear a region's entries whenever the region is renamed, and would take its
other names with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlite_utils import Database

from storage.errors import StoreError
from storage.region_names import NAME_BEGINS, NAME_ENDS

OTHER_NAMES = "region_other_names"
OTHER_NAME_INDEX = "region_other_name_index"


class RegionName(NamedTuple):
    """One other name of a region: the id it stands for and the name as written."""

    region_id: str
    name: str


def _indexed_words(row: str) -> str:
    return f"'{NAME_BEGINS} ' || {row}.name || ' {NAME_ENDS}'"


def create_other_names(db: Database) -> None:
    """The table, its full-text index and the triggers between them; safe to run again."""
    if not db[OTHER_NAMES].exists():
        db[OTHER_NAMES].create({"region_id": str, "name": str}, pk=("region_id", "name"),
                               not_null={"region_id", "name"}, foreign_keys=[("region_id", "regions", "id")])
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {OTHER_NAME_INDEX} USING fts5("
               "region_id UNINDEXED, name_words, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS {OTHER_NAMES}_index_insert AFTER INSERT ON {OTHER_NAMES} BEGIN "
               f"INSERT INTO {OTHER_NAME_INDEX} (rowid, region_id, name_words) "
               f"VALUES (new.rowid, new.region_id, {_indexed_words('new')}); END")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS {OTHER_NAMES}_index_delete AFTER DELETE ON {OTHER_NAMES} BEGIN "
               f"DELETE FROM {OTHER_NAME_INDEX} WHERE rowid = old.rowid; END")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS {OTHER_NAMES}_index_update AFTER UPDATE ON {OTHER_NAMES} BEGIN "
               f"DELETE FROM {OTHER_NAME_INDEX} WHERE rowid = old.rowid; "
               f"INSERT INTO {OTHER_NAME_INDEX} (rowid, region_id, name_words) "
               f"VALUES (new.rowid, new.region_id, {_indexed_words('new')}); END")


def replace_other_names(db: Database, names: Iterable[RegionName]) -> int:
    """Make region_other_names hold exactly these names (inside the caller's transaction), touching
    only the rows that change. A name of a region the store lacks is a caller's bug: StoreError
    naming it, before anything is written."""
    wanted = {RegionName(*pair) for pair in names}
    stored_regions = {row[0] for row in db.execute("SELECT id FROM regions")}
    unknown = sorted({pair.region_id for pair in wanted} - stored_regions)
    if unknown:
        raise StoreError(f"other names of regions the store lacks: {', '.join(unknown[:10])}"
                         + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""))
    stored = {RegionName(*row) for row in db.execute(f"SELECT region_id, name FROM {OTHER_NAMES}")}
    db.conn.executemany(f"DELETE FROM {OTHER_NAMES} WHERE region_id = ? AND name = ?", sorted(stored - wanted))
    db.conn.executemany(f"INSERT INTO {OTHER_NAMES} (region_id, name) VALUES (?, ?)", sorted(wanted - stored))
    return len(wanted)
