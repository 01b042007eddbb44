"""Full-text alert queries: FTS5 syntax, decided by SQLite exactly as the store's search decides it.

Alerts are matched before the article's transaction (the pipeline hands the outbox rows to
save_article), so the new row is not in articles_fts yet, and asking the store would tie every
match to the archive's size. Instead the article's title and text go into a private in-memory FTS5
table declared like articles_fts (same columns, same tokenizer): SQLite's own query parser and
tokenizer give the answer, so a query means in an alert what it means in the archive's search, for
the cost of one small insert per article (only when some rule has a query).
"""

from __future__ import annotations

import re
import sqlite3
import threading

# How storage/schema.py declares articles_fts (enable_fts(["title", "text"], tokenize="unicode61"));
# tests/test_alert_query.py compares these with a real store's table.
FTS_COLUMNS = ("title", "text")
FTS_TOKENIZE = "unicode61"

_SCRATCH_SQL = (f"CREATE VIRTUAL TABLE scratch USING fts5({', '.join(FTS_COLUMNS)}, "
                f"tokenize='{FTS_TOKENIZE}')")
_LOWER_OPERATOR = re.compile(r'(?<![\w"])(and|or|not|near)(?![\w"(])')


class QueryError(ValueError):
    """SQLite refused a full-text query (its syntax or a column it names)."""


class _Scratch(threading.local):
    """One in-memory FTS5 table per thread, holding the article last matched (rowid 1)."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.execute(_SCRATCH_SQL)
        self.loaded: tuple[str, str] | None = None

    def load(self, title: str, text: str) -> None:
        if self.loaded is not None and self.loaded[0] is title and self.loaded[1] is text:
            return   # the same article, for the next rule with a query
        self.conn.execute("DELETE FROM scratch")
        self.conn.execute("INSERT INTO scratch (rowid, title, text) VALUES (1, ?, ?)", [title, text])
        self.loaded = (title, text)


_scratch = _Scratch()


def query_matches(query: str, title: str, text: str) -> bool:
    """True when the FTS5 query matches a document with this title and text; QueryError if SQLite
    refuses the query (load-time validation with query_problem keeps that from happening)."""
    _scratch.load(title or "", text or "")
    try:
        return _scratch.conn.execute("SELECT 1 FROM scratch WHERE scratch MATCH ?", [query]).fetchone() is not None
    except sqlite3.Error as exc:
        raise QueryError(str(exc)) from exc


def query_problem(query: str) -> str | None:
    """Why SQLite would refuse this full-text query, in words an operator can act on; None if it
    compiles. FTS5 parses a query even against an empty table, so no article is needed."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(_SCRATCH_SQL)
        conn.execute("SELECT 1 FROM scratch WHERE scratch MATCH ?", [query]).fetchall()
    except sqlite3.Error as exc:
        return _explained(str(exc))
    finally:
        conn.close()
    return None


def lowercase_operators(query: str) -> list[str]:
    """Words outside quotes that look like operators written in lower case: FTS5 operators are
    upper case (AND, OR, NOT, NEAR), so "drone and strike" requires the word "and" too."""
    outside_quotes = re.sub(r'"[^"]*"', " ", query)
    return sorted({m.group(1) for m in _LOWER_OPERATOR.finditer(outside_quotes)})


def _explained(message: str) -> str:
    columns = ", ".join(FTS_COLUMNS)
    if message.startswith("no such column: "):
        column = message.removeprefix("no such column: ")
        return (f"not a valid full-text query: {column!r} is read as a column filter, but the index holds "
                f"only {columns}; put a word with '-' or ':' in double quotes (\"al-Shabaab\")")
    if message == "unterminated string":
        return "not a valid full-text query: a double quote is not closed"
    if message.startswith("fts5: syntax error near"):
        near = message.removeprefix("fts5: syntax error near ").strip()
        if near == '""':
            return "not a valid full-text query: it ends too early (an operator or bracket without its other side?)"
        hint = {'"NOT"': "NOT needs a left side: 'drone NOT training'",
                '"/"': "write NEAR(drone strike, 5) rather than NEAR/5"}.get(near)
        if hint is None and len(near) == 3 and not near[1].isalnum():
            hint = f"put words with {near[1]} in double quotes (\"Côte d'Ivoire\", \"U.N.\")"
        return f"not a valid full-text query: syntax error near {near}" + (f" ({hint})" if hint else "")
    return f"not a valid full-text query: {message}"
