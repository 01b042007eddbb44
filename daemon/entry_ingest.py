"""One feed entry's way through the stages, from its link to an outcome (DESIGN.md's diagram below
the feed): canonical URL -> known? -> fetch page -> extract + clean (process pool) -> fingerprint ->
copy? same story? -> tag regions -> store with alerts (one transaction), or a recorded skip.

It lives apart from the feed poll (daemon/pipeline.py) so that changing what happens to an article
means opening this file only. Network waits are asynchronous, extraction runs in worker processes,
and everything from the copy check to the store write runs without an await in between, so the
single writer sees a consistent archive and two copies arriving together are still caught.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime, timezone

import structlog

from daemon import boilerplate, dedup, revisions, stories
from daemon.alerts import matching_alerts
from daemon.analysis import Analysis, analyse
from daemon.candidates import StoreCandidates
from daemon.entry_retries import run_since, still_waiting
from daemon.errors import ExtractionError, FetchError, store_failure
from daemon.extract import Extracted, process_page, text_from_feed_html
from daemon.feeds import Entry
from daemon.fetch import Fetcher, is_temporary
from daemon.gazetteer import Gazetteer
from daemon.hygiene import hygiene
from daemon.own_copies import recheck_own_copy
from daemon.publication_dates import earliest, plausible
from daemon.settings import Settings
from daemon.urls import canonical_url, host_of, is_above, scheme_twin
from daemon.worker_calls import WorkerCalls, WorkTimedOut
from storage.alert_queries import rules_alerted
from storage.records import Article, Feed, Skip
from storage.site_lines import SiteLines
from storage.store import ArticleExtras, KnownArticle, Store

log = structlog.get_logger("newswatch.pipeline")

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MIN_FEED_TEXT_WORDS = 8   # a feed summary shorter than this is not an article
EXTRACTION_TIMED_OUT = "extraction timed out"   # a skip reason: passing, the entry is tried again later


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class EntryIngest(WorkerCalls):
    """Holds the long-lived pieces (store, fetcher, gazetteer, worker pool, clock) and takes feed
    entries to outcomes; daemon.pipeline.Pipeline adds the feed poll on top."""

    def __init__(self, settings: Settings, store: Store, fetcher: Fetcher, gazetteer: Gazetteer,
                 executor: Executor | None, clock: Callable[[], datetime] = utcnow,
                 replace_executor: Callable[[], Executor] | None = None) -> None:
        self.settings, self.store, self.fetcher = settings, store, fetcher
        self.gazetteer, self.executor, self.clock = gazetteer, executor, clock
        self.replace_executor = replace_executor
        self._links_in_flight: dict[str, asyncio.Event] = {}   # canonical link -> done
        self._guids_reused: dict[int | None, set[str]] = {}     # feed id -> this poll's entry links
        self._canonicals_ignored: set[str] = set()               # hosts whose home/section canonical was logged

    async def _ingest_guarded(self, feed: Feed, entry: Entry) -> str:
        """One entry's bug must not cost the feed's other entries: log the traceback, record the skip.

        A store that takes no more writes (full disk, read-only file) is no bug of the entry's: a
        skip recorded for it would lose the article for good once space is freed, so it goes up to
        the scheduler, which stops the service."""
        try:
            return await self.ingest_entry(feed, entry)
        except Exception as exc:  # noqa: BLE001 - recorded with its traceback, then the poll goes on
            if (gone := store_failure(exc, self.store.path)) is not None:
                raise gone from exc
            log.error("article.crashed", url=entry.link, feed=feed.url, error=repr(exc), exc_info=exc)
            return self._skip(feed, entry, entry.link, "internal error", f"{type(exc).__name__}: {exc}")

    async def ingest_entry(self, feed: Feed, entry: Entry) -> str:
        """Take one feed entry to an outcome: "stored", "copy", "updated", "known", or "skipped" / "waiting"
        (recorded with a reason; "waiting" when the page may come on another try)."""
        if not entry.link:
            return self._skip(feed, entry, None, "no link", "the feed entry has no link")
        try:
            url = canonical_url(entry.link)
        except ValueError as exc:
            return self._skip(feed, entry, entry.link, "bad link", str(exc))
        if url in self._links_in_flight:   # another feed lists the same link in this round: wait for it
            await self._links_in_flight[url].wait()
        known = self._known(feed, entry, url)
        if known:
            if revisions.needs_recheck(entry.updated_at, known.last_looked_at, acted_on=known.entry_updated_at,
                                       now=self.clock()):
                return await self._recheck(feed, entry, url, known)
            return "known"
        done = self._links_in_flight.setdefault(url, asyncio.Event())
        try:
            return await self._ingest_new(feed, entry, url)
        finally:
            done.set()
            self._links_in_flight.pop(url, None)

    def _known(self, feed: Feed, entry: Entry, url: str) -> KnownArticle | None:
        """The stored article this entry is. A GUID match under another URL is not it: some CMSs give
        every item one GUID, and taking it as known would drop a new article or overwrite a stored one
        (a true permalink change is then stored again, as a copy, rather than lose anything)."""
        known = self.store.known_article(url, feed.id, entry.guid, scheme_twin(url))
        if known is not None and known.by_guid_only:
            self._guids_reused.setdefault(feed.id, set()).add(entry.link or url)
            return None
        return known

    async def _ingest_new(self, feed: Feed, entry: Entry, url: str) -> str:
        fetched_at = self.clock()
        extracted, raw, content_type, source, retry_reason = await self._article_text(feed, entry, entry.link, url)
        if extracted is None:
            reason = retry_reason or "no text"
            outcome = self._skip(feed, entry, url, reason, source)
            return "waiting" if retry_reason and self._still_waiting(feed, entry, url, reason, source) else outcome
        if source == "page":
            url = self._page_url(url, extracted)
            if self._known(feed, entry, url):
                return "known"
        analysis, text = await self._analysed(feed, entry, url, extracted, fetched_at)
        return self._store(feed, entry, url, extracted, analysis, text, raw, content_type, source, fetched_at)

    async def _recheck(self, feed: Feed, entry: Entry, url: str, known: KnownArticle) -> str:
        """The feed re-stamped a stored entry: fetch it again and, if its text changed, revise it in place.
        A passing failure leaves the article unchecked ("waiting"), so a later poll tries again."""
        fetched_at = self.clock()
        extracted, raw, content_type, source, temporary = await self._article_text(feed, entry, entry.link or url,
                                                                                   url)
        if extracted is None:
            if temporary:
                self._skip(feed, entry, url, "revision not fetched", source, fetched_ok_at=known.last_looked_at)
                if self._still_waiting(feed, entry, url, "revision not fetched", source):
                    return "waiting"
            self.store.mark_checked(known.id, fetched_at, entry.updated_at)
            return "known"
        analysis, text = await self._analysed(feed, entry, url, extracted, fetched_at)
        # Read the stored state again with no await before the write: another feed listing the same
        # entry may have revised it meanwhile (no second revision, no second alert).
        known = self._known(feed, entry, url) or known
        article, extras, _ = self._prepared(feed, entry, url, extracted, analysis, text, raw, content_type,
                                            source, fetched_at, known=known)
        if article.content_hash == known.content_hash:
            self.store.mark_checked(known.id, fetched_at, entry.updated_at)
            return "known"
        stored = self.store.article(known.id) or {}
        ratio = revisions.changed_ratio(stored.get("text") or "", article.text)
        self.store.update_article(known.id, article, extras, ratio, known)
        log.info("article.updated", url=url, id=known.id, feed=feed.url, revision=known.revision + 1,
                 changed=round(ratio, 3), words=article.word_count, alerts=len(extras.alerts))
        return "updated"

    async def _article_text(self, feed: Feed, entry: Entry, link: str, url: str
                            ) -> tuple[Extracted | None, bytes | None, str | None, str, str | None]:
        """The article page extracted, else the feed's own content; with the detail when neither works,
        and, when the page's trouble is passing (a fetch timeout, a 503, an extraction past its time
        limit on a busy machine), the skip reason under which a later poll tries again.

        The page is fetched at the link the feed gave (a canonical form without "www." or with
        tracking parameters removed may not resolve); the canonical URL is what we store."""
        page_problem, retry_reason = "", None
        try:
            response = await self.fetcher.get(link, accept=PAGE_ACCEPT, host_throttle=True)
            content_type = response.headers.get("content-type")
            try:
                extracted = await self._extract(response.body, response.url, content_type)
                return extracted, response.body, content_type, "page", None
            except ExtractionError as exc:
                page_problem = f"page: {exc.reason}"
            except WorkTimedOut as exc:
                page_problem = f"page: {EXTRACTION_TIMED_OUT} after {exc.limit_s:g} s"
                retry_reason = EXTRACTION_TIMED_OUT
        except FetchError as exc:
            page_problem, retry_reason = f"page fetch: {exc.reason}", "no text" if is_temporary(exc) else None
        feed_html = entry.content_html or entry.summary or ""
        text = text_from_feed_html(feed_html, url, self.settings.residue_rules_path) if feed_html else ""
        if len(text.split()) < MIN_FEED_TEXT_WORDS:
            detail = f"{page_problem}; feed content too short ({len(text.split())} words)"
            return None, None, None, detail, retry_reason
        log.info("article.fallback", url=url, reason=page_problem)
        # a lone surrogate (a feed's "&#xD800;") would stop the SQLite write
        title, author = (hygiene(value or "") or None for value in (entry.title, entry.author))
        return Extracted(title=title, author=author, published_at=entry.published_at,
                         site_name=feed.title or None, language=None, text=text, canonical_url=None), \
            None, None, "feed", None

    async def _extract(self, body: bytes, url: str, content_type: str | None) -> Extracted:
        """The page's article, made in a worker; a page that keeps the parsers busy past the time limit
        raises WorkTimedOut, logged here with its URL (the worker is gone by then, see _in_worker)."""
        try:
            return await self._in_worker(process_page, body, url, content_type, self.settings.residue_rules_path)
        except WorkTimedOut as exc:
            log.warning("article.extraction_timed_out", url=url, limit_s=exc.limit_s,
                        waited_s=round(exc.waited_s, 1), bytes=len(body))
            raise

    def _page_url(self, url: str, extracted: Extracted) -> str:
        """Honour the page's rel=canonical / og:url when it names the same site; a canonical on another
        site (syndication) does not make the article that site's: dedup links the two instead. One
        naming the home page or a section would make every later article "known": it is ignored."""
        if not extracted.canonical_url:
            return url
        try:
            declared = canonical_url(extracted.canonical_url, base=url)
        except ValueError:
            return url
        if host_of(declared) != host_of(url):
            return url
        if is_above(declared, url):
            if host_of(url) not in self._canonicals_ignored:
                self._canonicals_ignored.add(host_of(url))
                log.warning("article.canonical_ignored", url=url, canonical=declared, reason="home or section page")
            return url
        return declared

    async def _analysed(self, feed: Feed, entry: Entry, url: str, extracted: Extracted,
                        fetched_at: datetime) -> tuple[Analysis, str]:
        """The text without its host's learned lines, and its fingerprint, story features and tags
        (computed in a worker process: they need nothing but the text)."""
        title = extracted.title or entry.title or ""
        text = self._without_site_lines(host_of(url), extracted.text)[0]
        published = earliest(extracted.published_at, plausible(entry.published_at, fetched_at)) or fetched_at
        custom = tuple(sorted(self.settings.custom_regions.items()))
        return await self._in_worker(analyse, title, text, published, feed.region_hints, custom,
                                     self.settings.custom_places), text

    def _store(self, feed: Feed, entry: Entry, url: str, extracted: Extracted, analysis: Analysis, text: str,
               raw: bytes | None, content_type: str | None, source: str, fetched_at: datetime) -> str:
        """From the copy check to the write, with no await: the single writer's critical section."""
        # Copy, story and store events logged on the way (story.joined, article.tags_dropped) name the article.
        with structlog.contextvars.bound_contextvars(url=url):
            article, extras, verdict = self._prepared(feed, entry, url, extracted, analysis, text, raw,
                                                      content_type, source, fetched_at)
        try:
            article_id = self.store.save_article(article, extras)
        except Exception as exc:  # a unique-URL race is "known"; anything else is a bug worth its traceback
            if "UNIQUE constraint failed: articles.url" in str(exc):
                return "known"
            raise
        outcome = "copy" if verdict.duplicate_of is not None else "stored"
        log.info("article.stored" if outcome == "stored" else "article.duplicate", url=url, id=article_id,
                 feed=feed.url, source=source, words=article.word_count, duplicate_of=verdict.duplicate_of,
                 reason=verdict.reason, story=article.story_id or article_id,
                 focus=[t.region_id for t in article.regions if t.focus], alerts=len(extras.alerts))
        return outcome

    def _prepared(self, feed: Feed, entry: Entry, url: str, extracted: Extracted, analysis: Analysis,
                  text: str, raw: bytes | None, content_type: str | None, source: str, fetched_at: datetime, *,
                  known: KnownArticle | None = None) -> tuple[Article, ArticleExtras, dedup.CopyVerdict]:
        """The article and everything stored beside it: clean text, copy verdict, story, tags, alerts.

        A revision (known given) keeps its copy status and story, counts no site lines again, and
        alerts again only for rules that ask for updates (a rule that never alerted for it alerts as
        for a new article)."""
        title = extracted.title or entry.title or ""
        # Learned lines are looked up again here, with no await before the save, so the counts
        # written are those of the archive as it is now.
        site_lines = self._without_site_lines(host_of(url), extracted.text)[1]
        published = earliest(extracted.published_at, plausible(entry.published_at, fetched_at))
        print_, features, tags = analysis.fingerprint, analysis.features, analysis.tags
        candidates = StoreCandidates(self.store)
        if known is None:
            verdict = recheck_own_copy(self.store, host_of(url), text, dedup.find_copy(print_, candidates))
            story_id = stories.assign_story(features, candidates, candidates.original_story(verdict)).story_id
        else:
            verdict = dedup.CopyVerdict(known.duplicate_of, 1.0, "revision")
            story_id = known.story_id
        article = Article(
            url=url, title=title, text=text, fetched_at=fetched_at, feed_id=feed.id, guid=entry.guid,
            author=extracted.author or entry.author, published_at=published, language=extracted.language,
            site_name=extracted.site_name, source=source, word_count=len(text.split()),
            content_hash=print_.content_hash, simhash=print_.simhash, duplicate_of=verdict.duplicate_of,
            story_id=story_id, regions=tags, link_url=_canonical_or_none(entry.link),
            entry_updated_at=entry.updated_at)
        alerted_before = (rules_alerted(self.store, known.id, [rule.name for rule in self.settings.alerts])
                          if known is not None else None)
        alerts = matching_alerts(self.settings.alerts, article, feed.url, is_update=known is not None,
                                 alerted_before=alerted_before)
        counted = site_lines if verdict.duplicate_of is None and known is None else None  # copies, revisions: not counted
        extras = ArticleExtras(
            signature=print_.signature, story_features=stories.serialise(features),
            dedup_keys=print_.bucket_keys, story_keys=stories.story_keys(features),
            region_rows=tuple(r for t in tags if t.kind == "city" and (r := self.gazetteer.region(t.region_id))),
            raw_html=raw if self.settings.raw_retention_days > 0 else None, content_type=content_type,
            alerts=alerts, site_lines=counted)
        return article, extras, verdict

    def _without_site_lines(self, host: str, text: str) -> tuple[str, SiteLines]:
        """The text without its host's learned boilerplate, and its lines to count when saved."""
        lines = boilerplate.learn(text)
        known = boilerplate.known_keys(self.store.site_line_counts(host, lines), pending=True)
        clean_text, removed = boilerplate.strip(text, known)
        if removed:
            log.debug("article.site_lines_removed", host=host, lines=len(removed))
        return clean_text, SiteLines(host, tuple(lines.items()))

    def _still_waiting(self, feed: Feed, entry: Entry, url: str, reason: str, detail: str) -> bool:
        skip = Skip(url=url, reason=reason, feed_id=feed.id, guid=entry.guid, detail=detail)
        return still_waiting(self.store, skip, feed.url, self.clock(), self.settings.scheduler)

    def _skip(self, feed: Feed, entry: Entry, url: str | None, reason: str, detail: str, *,
              fetched_ok_at: datetime | None = None) -> str:
        """Record the entry as not stored; fetched_ok_at (the stored article's latest good fetch) and
        a long quiet spell end an earlier run of failures, so old tries stop counting (entry_retries)."""
        now = self.clock()
        self.store.record_skip(Skip(url=url or "", reason=reason, feed_id=feed.id, guid=entry.guid,
                                    detail=detail), now,
                               run_since=run_since(now, self.settings.scheduler, fetched_ok_at))
        log.info("article.skipped", url=url, feed=feed.url, guid=entry.guid, reason=reason, detail=detail)
        return "skipped"


def _canonical_or_none(link: str | None) -> str | None:
    try:
        return canonical_url(link) if link else None
    except ValueError:
        return None

