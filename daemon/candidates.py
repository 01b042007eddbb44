"""The archive as dedup and story lookups see it: adapts the store's indexed fingerprint queries
to dedup's CandidateSource and stories' StorySource protocols (used by ingestion and reprocessing)."""

from __future__ import annotations

from daemon import dedup, stories
from storage.store import Store, StoredPrint


class StoreCandidates:
    """Candidates from the store; with before_id, only articles stored before that one (reprocessing)."""

    def __init__(self, store: Store, before_id: int | None = None) -> None:
        self.store, self.before_id = store, before_id
        self.seen: dict[int, StoredPrint] = {}   # every candidate returned, by article id

    def _candidate(self, stored: StoredPrint) -> dedup.Candidate:
        self.seen[stored.article_id] = stored
        return dedup.Candidate(article_id=stored.article_id, story_id=stored.story_id,
                               content_hash=stored.content_hash, signature=stored.signature,
                               published_at=stored.published_at, title=stored.title,
                               duplicate_of=stored.duplicate_of)

    def by_content_hash(self, content_hash: str) -> dedup.Candidate | None:
        stored = self.store.print_by_content_hash(content_hash, self.before_id)
        return self._candidate(stored) if stored else None

    def by_bucket_keys(self, keys, limit: int = 200) -> list[dedup.Candidate]:
        return [self._candidate(s) for s in self.store.prints_by_dedup_keys(list(keys), limit, self.before_id)]

    def by_story_keys(self, keys, limit: int = 200) -> list[stories.StoryCandidate]:
        return [stories.StoryCandidate(s.article_id, s.story_id, s.story_features)
                for s in self.store.prints_by_story_keys(list(keys), limit, self.before_id) if s.story_features]

    def original_story(self, verdict: dedup.CopyVerdict) -> int | None:
        """The story a copy joins: its original's, read from the original when it was a candidate, else
        from the copy it matched (a copy of a copy: the original may share no bucket key with it)."""
        if verdict.duplicate_of is None:
            return None
        original = self.seen.get(verdict.duplicate_of)
        return original.story_id if original is not None and original.story_id is not None else verdict.story_id
