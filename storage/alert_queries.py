"""Full-text alert queries: FTS5 syntax, decided by SQLite exactly as the store's search decides it.

Alerts are matched before the article's transaction (the pipeline hands the outbox rows to
save_article), so the new row is not in articles_fts yet, and asking the store would tie every
match to the archive's size. Instead the article's title and text go into a private in-memory FTS5
table declared like articles_fts (same columns, same tokenizer): SQLite's own query parser and
tokenizer give the answer, so a query means in an alert what it means in the archive's search, for
the cost of one small insert per article (only when some rule has a query).

rules_alerted answers the other question a revision asks: which rules already alerted for the
article, so that on_update decides only whether a rule alerts again.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import threading
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.store import Store

# How storage/schema.py declares articles_fts (enable_fts(["title", "text"], tokenize="unicode61"));
# tests/test_alert_query.py compares these with a real store's table.
FTS_COLUMNS = ("title", "text")
FTS_TOKENIZE = "unicode61"

_SCRATCH_SQL = (f"CREATE VIRTUAL TABLE scratch USING fts5({', '.join(FTS_COLUMNS)}, "
                f"tokenize='{FTS_TOKENIZE}')")
_OPERATOR_WORD = re.compile(r'(?<![\w"])(and|or|not|near)(?![\w"(])', re.IGNORECASE)
# Quote marks that look like FTS5's phrase quote but that unicode61 reads as separators. Typographic
# apostrophes and single quotes are left out: ' is a separator too, so "Côte d’Ivoire" means the same.
_TYPOGRAPHIC_QUOTES = "“”„‟«»＂"
_STRAIGHT_QUOTED = re.compile(r'"[^"]*"')
_MINUS = r'(?:^|(?<=[\s(]))-'   # a '-' starting a word: meant as "leave out", read as a column filter
_OPERATORS = ("AND", "OR", "NOT", "NEAR")


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


def rules_alerted(store: Store, article_id: int, rules: Collection[str]) -> frozenset[str]:
    """The rules among these with an outbox row for the article, of any revision or status (owed,
    delivered, failed or replaced): each has alerted for it, so a revision alerts it again only if
    it asks for updates. Looked up by rule and article, the leading columns of the outbox's unique
    index, so the answer costs a few index probes whatever the outbox's size."""
    names = list(dict.fromkeys(rules))
    if not names:
        return frozenset()
    rows = store.db.execute(f"SELECT DISTINCT rule FROM deliveries WHERE rule IN ({', '.join('?' * len(names))}) "
                            "AND article_id = ?", [*names, article_id]).fetchall()
    return frozenset(row[0] for row in rows)


def query_problem(query: str) -> str | None:
    """Why SQLite would refuse this full-text query, in words an operator can act on; None if it
    compiles. FTS5 parses a query even against an empty table, so no article is needed."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(_SCRATCH_SQL)
        conn.execute("SELECT 1 FROM scratch WHERE scratch MATCH ?", [query]).fetchall()
    except sqlite3.Error as exc:
        return f"not a valid full-text query: {_explained(str(exc), query)}"
    finally:
        conn.close()
    return None


def lowercase_operators(query: str) -> list[str]:
    """Words outside quotes that look like operators not written in upper case ("and", "Or"): FTS5
    operators are upper case (AND, OR, NOT, NEAR), so "drone and strike" requires the word "and" too."""
    outside_quotes = _STRAIGHT_QUOTED.sub(" ", query)
    return sorted({word for m in _OPERATOR_WORD.finditer(outside_quotes) if (word := m.group(1)) != word.upper()})


def typographic_quotes(query: str) -> list[str]:
    """Curly quotes and guillemets outside straight double quotes: pasted from a document they look
    like a phrase, but FTS5 reads them as spaces, so “drone strike” is two separate words."""
    outside_quotes = _STRAIGHT_QUOTED.sub(" ", query)
    return [mark for mark in _TYPOGRAPHIC_QUOTES if mark in outside_quotes]


def _explained(message: str, query: str) -> str:
    """SQLite's message, with what the operator most likely meant and how to write it."""
    if message.startswith("no such column: "):
        return _column_reason(message.removeprefix("no such column: "), query)
    if message == "unterminated string":
        hint = " (“ and ” are not quotes to FTS5: use straight double quotes)" if typographic_quotes(query) else ""
        return "a double quote is not closed" + hint
    if message.startswith("unknown special query:"):
        if not query.replace("*", "").strip():
            return "a query needs at least one word; * only marks a prefix, after a word's start: civil*"
        return "* only marks a prefix, after a word's start (civil*), never before a word"
    if message.startswith("fts5: syntax error near"):
        return _syntax_reason(message.removeprefix("fts5: syntax error near ").strip(), query)
    return message


def _column_reason(column: str, query: str) -> str:
    """SQLite reads a word followed by ':', or preceded by '-', as the name of a column."""
    if re.search(_MINUS + '"?' + re.escape(column), query):
        rewritten = re.sub(_MINUS + r'(?=[\w"])', "NOT ", query)
        example = rewritten if query_problem(rewritten) is None else "drone NOT training"
        return (f"FTS5 has no minus operator, so -{column} is read as a column filter; "
                f"leave words out with NOT: {example!r}")
    columns = ", ".join(FTS_COLUMNS)
    close = difflib.get_close_matches(column.lower(), FTS_COLUMNS, n=1)
    hint = (f"did you mean {close[0]}:?" if close
            else "put a word with '-' or ':' in double quotes (\"al-Shabaab\")")
    return f"{column!r} is read as a column filter, but the index holds only {columns}; {hint}"


def _syntax_reason(near: str, query: str) -> str:
    word = near.strip('"')
    depth, unmatched_close = 0, False
    for char in _STRAIGHT_QUOTED.sub(" ", query):
        depth += {"(": 1, ")": -1}.get(char, 0)
        unmatched_close = unmatched_close or depth < 0
    if near == '""':
        if depth > 0:
            return "it ends too early: a ( is not closed"
        return "it ends too early (an operator or bracket without its other side?)"
    if word == ")" and unmatched_close:
        return "a ) has no ( to close"
    if word in ("(", ")"):
        return f"syntax error near {near} (brackets hold a query of their own: drone (ambush OR raid))"
    if word.upper() in _OPERATORS and word != word.upper():
        hint = f"operators are upper case: {word.upper()}" + ("(drone market, 5)" if word.upper() == "NEAR" else "")
    elif word in ("AND", "OR"):
        hint = f"{word} needs a word or phrase on each side: 'drone {word} airstrike'"
    else:
        hint = {"NOT": "NOT needs a left side: 'drone NOT training'",
                "/": "write NEAR(drone strike, 5) rather than NEAR/5",
                "*": "* only marks a prefix, right after a word's start: civil*"}.get(word)
    if hint is None and len(word) == 1 and not word.isalnum():
        hint = f"put words with {word} in double quotes (\"Côte d'Ivoire\", \"U.N.\")"
    return f"syntax error near {near}" + (f" ({hint})" if hint else "")
