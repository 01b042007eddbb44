"""Finding a region by the name a person types, and keeping every region's parent a region.

Names: SQLite's lower() folds A-Z only, so "SÉGOU" never met "Ségou", and a folding function of our
own would exist only in the connections that register it (not in a plain sqlite3 shell). FTS5's
unicode61 tokenizer ships with SQLite and folds the case of every alphabet; with remove_diacritics 2
it drops accents too, so "Segou" finds "Ségou" as an ASCII keyboard or an English wire would spell
it. region_name_index holds each region's name between two marker words, and a lookup is a phrase
query with the same markers around the typed words: it matches a whole name ("Guinea" is not
"Equatorial Guinea"), ignoring case, accents, spacing and punctuation. Triggers on regions keep the
index current whoever writes the table. config/datasette.json's region queries spell the markers,
and choose among the regions a name matches (the broadest kind; an exact id wins).

Parents: regions.parent_id is a foreign key to regions.id (Datasette labels a parent by its name).
"""

from __future__ import annotations

from sqlite_utils import Database

from storage.errors import StoreError

NAME_INDEX = "region_name_index"
NAME_BEGINS, NAME_ENDS = "regionnamebegins", "regionnameends"


def _name_words(row: str) -> str:
    """SQL for the indexed text of a region row (a table's name, or a trigger's new): its name between the markers."""
    return f"'{NAME_BEGINS} ' || coalesce({row}.name, '') || ' {NAME_ENDS}'"


def _indexed(row: str) -> str:
    """The statements of a trigger that put its row in the name index, in place of any entry of that id."""
    return (f"DELETE FROM {NAME_INDEX} WHERE region_id = {row}.id; "
            f"INSERT INTO {NAME_INDEX} (region_id, name_words) VALUES ({row}.id, {_name_words(row)});")


def index_region_names(db: Database) -> None:
    """Create the name index and its triggers if missing, and fill the index from regions.

    Safe to run again; a migration that rebuilds the regions table (which drops its triggers)
    must run it again."""
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {NAME_INDEX} USING fts5("
               "region_id UNINDEXED, name_words, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute(f"DELETE FROM {NAME_INDEX}")
    db.execute(f"INSERT INTO {NAME_INDEX} (region_id, name_words) "
               f"SELECT id, {_name_words('regions')} FROM regions")
    # The insert trigger clears the id first: INSERT OR REPLACE deletes the old row without firing
    # the delete trigger (unless recursive_triggers is on), which would leave its old name behind.
    db.execute(f"CREATE TRIGGER IF NOT EXISTS regions_name_index_insert AFTER INSERT ON regions "
               f"BEGIN {_indexed('new')} END")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS regions_name_index_update AFTER UPDATE OF id, name ON regions "
               f"WHEN old.id IS NOT new.id OR old.name IS NOT new.name "
               f"BEGIN DELETE FROM {NAME_INDEX} WHERE region_id = old.id; {_indexed('new')} END")
    db.execute(f"CREATE TRIGGER IF NOT EXISTS regions_name_index_delete AFTER DELETE ON regions "
               f"BEGIN DELETE FROM {NAME_INDEX} WHERE region_id = old.id; END")


def add_missing_parents(db: Database) -> list[str]:
    """Give each parent id that regions rows name but the table lacks a placeholder row (the id as
    its name, no kind), so the foreign key holds without dropping a parent anyone stored; the next
    sync of the gazetteer fills in one it knows. Returns the ids added."""
    missing = [row[0] for row in db.execute(
        "SELECT DISTINCT parent_id FROM regions WHERE parent_id IS NOT NULL "
        "AND parent_id NOT IN (SELECT id FROM regions) ORDER BY parent_id")]
    for parent_id in missing:
        db.execute("INSERT INTO regions (id, name) VALUES (?, ?)", [parent_id, parent_id])
    return missing


def declare_parent_key(db: Database) -> None:
    """Rebuild regions with parent_id a foreign key to regions.id, every row and rowid kept.

    Runs inside the migration's transaction, where PRAGMA foreign_keys cannot be turned off:
    checks are deferred while the table is swapped, then only regions' own keys are checked (a
    violation elsewhere, left by another tool, must not keep the store from opening), and turning
    the deferral off forgets the transient ones counted against the table being swapped."""
    was_deferred = db.execute("PRAGMA defer_foreign_keys").fetchone()[0]
    db.execute("PRAGMA defer_foreign_keys = ON")
    try:
        for statement in db["regions"].transform_sql(add_foreign_keys=[("parent_id", "regions", "id")]):
            db.execute(statement)
        orphans = db.execute("PRAGMA foreign_key_check(regions)").fetchall()
        if orphans:
            raise StoreError(f"regions: {len(orphans)} rows name a parent that is not a region")
    finally:
        if not was_deferred:
            db.execute("PRAGMA defer_foreign_keys = OFF")


def check_parents(db: Database, rows: list[dict]) -> None:
    """StoreError naming every region whose parent is neither among rows nor stored: caught before
    the write, instead of a bare "FOREIGN KEY constraint failed" at commit."""
    ids = {row["id"] for row in rows}
    wanted = {row["parent_id"] for row in rows if row.get("parent_id") and row["parent_id"] not in ids}
    stored = {found[0] for found in db.execute(
        f"SELECT id FROM regions WHERE id IN ({', '.join('?' * len(wanted))})", sorted(wanted))} if wanted else set()
    orphans = [f"{row['id']} (parent {row['parent_id']})" for row in rows
               if row.get("parent_id") in wanted - stored]
    if orphans:
        raise StoreError(f"regions whose parent is not a region: {', '.join(orphans[:10])}"
                         + (f" and {len(orphans) - 10} more" if len(orphans) > 10 else ""))
