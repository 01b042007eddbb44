"""The store's part of finding copies and stories: stored articles' fingerprints, looked up by hash or bucket key.

Dedup and story grouping compare a new article only with the few stored ones that share a
bucket key with it; these queries hand them just that, as StoredPrint values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.times import parse_iso


@dataclass(frozen=True, slots=True)
class StoredPrint:
    """What dedup and story lookups need of a stored article."""

    article_id: int
    story_id: int | None
    content_hash: str
    signature: bytes
    story_features: bytes
    published_at: datetime | None
    title: str
    duplicate_of: int | None = None


class DedupPrintsMixin:
    """Store methods for dedup and story candidates; mixed into Store, which owns db."""

    db: Database

    _PRINT_SQL = ("SELECT a.id, a.story_id, a.content_hash, f.signature, f.story_features, a.published_at, a.title, "
                  "a.duplicate_of "
                  "FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id ")

    def print_by_content_hash(self, content_hash: str, before_id: int | None = None) -> StoredPrint | None:
        """The first original with this content hash (among articles stored before before_id, if given:
        reprocessing must not find an article's own later copies)."""
        row = self.db.execute(self._PRINT_SQL + "WHERE a.content_hash = ? AND a.duplicate_of IS NULL "
                              "AND a.id < coalesce(?, 9223372036854775807) ORDER BY a.id LIMIT 1",
                              [content_hash, before_id]).fetchone()
        return self._print(row) if row else None

    def prints_by_dedup_keys(self, keys: Sequence[int], limit: int = 200,
                             before_id: int | None = None) -> list[StoredPrint]:
        return self._prints_by("dedup_buckets", keys, limit, before_id)

    def prints_by_story_keys(self, keys: Sequence[int], limit: int = 200,
                             before_id: int | None = None) -> list[StoredPrint]:
        return self._prints_by("story_buckets", keys, limit, before_id)

    def _prints_by(self, table: str, keys: Sequence[int], limit: int, before_id: int | None) -> list[StoredPrint]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            self._PRINT_SQL + f"WHERE a.id IN (SELECT article_id FROM {table} WHERE bucket_key IN ({marks}) "
            f"AND article_id < coalesce(?, 9223372036854775807) "
            f"GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT ?)",
            [*keys, before_id, limit]).fetchall()
        return [self._print(row) for row in rows]

    @staticmethod
    def _print(row: tuple) -> StoredPrint:
        return StoredPrint(article_id=row[0], story_id=row[1], content_hash=row[2] or "",
                           signature=row[3] or b"", story_features=row[4] or b"",
                           published_at=parse_iso(row[5]), title=row[6] or "", duplicate_of=row[7])
