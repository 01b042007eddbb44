"""`newswatch reprocess`: stored articles through today's rules again, updated in place.

When extraction, cleaning, learned boilerplate, dedup, stories or tagging improve, the archive can
catch up: each article is re-extracted from its kept raw page (or, once retention purged that,
re-cleaned from its stored text), stripped of its host's learned lines, fingerprinted, checked for
copies, put in a story and tagged. The row keeps its id and URL; a changed text is recorded as a
revision, nothing else is; alerts never fire again and no line is counted twice.

Each page is extracted again in a child process under the daemon's time limit ([extraction]
time_limit): a page that makes the parsers spin is abandoned and its article re-cleaned from its stored
text, as one whose raw page no longer extracts, and the run goes on (daemon.timed_extraction).

Articles go oldest first and dedup and story lookups see only articles stored before the one at
hand, as when it was first stored: an original never becomes a copy of its own copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import structlog

from daemon.candidates import StoreCandidates
from daemon.revisions import changed_ratio
from daemon import boilerplate, dedup, stories
from daemon.clean import clean, hygiene
from daemon.errors import ExtractionError
from daemon.extract import Extracted, process_page, rules_for
from daemon.gazetteer import Gazetteer
from daemon.region_aliases import other_names
from daemon.regions import tag
from daemon.settings import Settings
from daemon.timed_extraction import ExtractionTimedOut, PageExtraction, TimedExtraction
from daemon.urls import host_of
from storage.records import Article
from storage.store import ArticleExtras, Store

log = structlog.get_logger("newswatch.reprocess")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What reprocessing did to one article."""

    article_id: int
    source: str                 # "raw page" or "stored text"
    text_changed: bool          # recorded as a revision
    learned_lines_removed: int
    duplicate_of: int | None
    extraction_problem: str | None = None   # why the raw page no longer extracts, if it does not


@dataclass(frozen=True, slots=True)
class ReprocessReport:
    articles: int
    from_raw: int
    from_text: int
    revised: int
    learned_lines_removed: int
    copies: int
    extraction_problems: int
    seconds: float
    skipped: int = 0            # selected but left alone: revised by the running daemon meanwhile, or gone

    def describe(self) -> str:
        described = (f"reprocessed {_n(self.articles, 'article')} in {self.seconds:.1f} s ({self.from_raw} from raw "
                     f"pages, {self.from_text} from stored text): {_n(self.revised, 'text')} revised, "
                     f"{_n(self.learned_lines_removed, 'learned line')} removed, {_n(self.copies, 'copy', 'copies')}, "
                     f"{_n(self.extraction_problems, 'raw page no longer extracts', 'raw pages no longer extract')}")
        if self.skipped:
            described += (f"; {self.skipped} skipped (revised by the running daemon meanwhile, or no longer "
                          f"stored): run reprocess again to include them")
        return described


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 copy', '2 copies': the summary reads as English."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


class Reprocessor:
    """Holds what every article needs (store, settings, gazetteer, feed hints) and redoes one article.

    extract turns a kept raw page into its article (reprocess passes a TimedExtraction's, which runs it
    in a child process under the time limit; process_page itself runs it here, without one)."""

    def __init__(self, store: Store, settings: Settings, gazetteer: Gazetteer,
                 clock: Callable[[], datetime] = utcnow, extract: PageExtraction = process_page) -> None:
        self.store, self.settings, self.gazetteer, self.clock = store, settings, gazetteer, clock
        self.extract = extract
        self._hints: dict[int, tuple[str, ...]] = {}

    def reprocess(self, article_id: int) -> Outcome | None:
        """Redo one article; None when no such article is stored, or when the running daemon revised
        it while this worked (its newer text is kept: nothing is written)."""
        old = self.store.stored_article(article_id)
        if old is None:
            log.info("article.reprocess_skipped", id=article_id, reason="not stored")
            return None
        host = host_of(old.url)
        extracted, problem = self._extract(article_id, old.url)
        text = extracted.text if extracted else self._reclean(old, host)
        lines = boilerplate.learn(text)
        known = boilerplate.known_keys(self.store.site_line_counts(host, lines), pending=False)
        text, removed = boilerplate.strip(text, known)
        article, extras = self._rebuilt(old, extracted, text)
        changed = article.text != old.text
        written = self.store.rewrite_article(article_id, article, extras,
                                             revised_at=self.clock() if changed else None,
                                             changed_ratio=changed_ratio(old.text, article.text) if changed else 0.0,
                                             expected=(old.content_hash, old.revision))
        if not written:   # the running daemon revised it since it was read: its text wins
            log.info("article.reprocess_skipped", id=article_id, url=old.url, reason="revised meanwhile")
            return None
        outcome = Outcome(article_id, "raw page" if extracted else "stored text", changed, len(removed),
                          article.duplicate_of, problem)
        log.debug("article.reprocessed", id=article_id, url=old.url, source=outcome.source, changed=changed,
                  learned_lines=len(removed), duplicate_of=article.duplicate_of, problem=problem)
        return outcome

    def _extract(self, article_id: int, url: str) -> tuple[Extracted | None, str | None]:
        """The kept raw page extracted again; a page that no longer extracts, or not within the time
        limit, is logged with its reason (the operator sees which article fell back to its stored text,
        and why), never fatal."""
        raw = self.store.raw_page(article_id)
        if raw is None:
            return None, None
        try:
            return self.extract(raw[0], url, raw[1], self.settings.residue_rules_path), None
        except ExtractionTimedOut as exc:
            log.warning("article.extraction_timed_out", id=article_id, url=url, reason=exc.reason,
                        limit_s=exc.limit_s, waited_s=round(exc.waited_s, 1), bytes=len(raw[0]),
                        fallback="stored text")
            return None, exc.reason
        except ExtractionError as exc:
            log.warning("article.raw_page_unusable", id=article_id, url=url, reason=exc.reason,
                        fallback="stored text")
            return None, exc.reason

    def _reclean(self, old: Article, host: str) -> str:
        """Today's residue rules over the stored text; a text they would empty stays as it was."""
        rules = rules_for(self.settings.residue_rules_path)
        text = clean(hygiene(old.text), rules, title=old.title, host=host).text
        return text if text.strip() else old.text

    def _rebuilt(self, old: Article, extracted: Extracted | None, text: str) -> tuple[Article, ArticleExtras]:
        """The article as the pipeline would store it today, fingerprinted, deduplicated and tagged."""
        if extracted is not None:
            dates = [d for d in (extracted.published_at, old.published_at) if d]
            old = replace(old, title=extracted.title or old.title, author=extracted.author or old.author,
                          published_at=min(dates) if dates else None,
                          language=extracted.language or old.language,
                          site_name=extracted.site_name or old.site_name)
        assert old.id is not None
        print_ = dedup.fingerprint(old.title, text)
        candidates = StoreCandidates(self.store, before_id=old.id)
        verdict = dedup.find_copy(print_, candidates)
        features = stories.story_features(old.title, text, old.published_at or old.fetched_at)
        story_id = stories.assign_story(features, candidates, candidates.original_story(verdict)).story_id
        tags = tag(old.title, text, self.gazetteer, hints=self._feed_hints(old.feed_id))
        article = replace(old, text=text, word_count=len(text.split()), content_hash=print_.content_hash,
                          simhash=print_.simhash, duplicate_of=verdict.duplicate_of,
                          story_id=story_id or old.id, regions=tags)
        return article, ArticleExtras(
            signature=print_.signature, story_features=stories.serialise(features),
            dedup_keys=print_.bucket_keys, story_keys=stories.story_keys(features),
            region_rows=tuple(r for t in tags if t.kind == "city" and (r := self.gazetteer.region(t.region_id))))

    def _feed_hints(self, feed_id: int | None) -> tuple[str, ...]:
        if feed_id is None:
            return ()
        if feed_id not in self._hints:
            self._hints[feed_id] = self.store.feed(feed_id).region_hints
        return self._hints[feed_id]


def reprocess(store: Store, settings: Settings, gazetteer: Gazetteer, article_ids: Sequence[int], *,
              on_progress: Callable[[int], None] | None = None,
              clock: Callable[[], datetime] = utcnow) -> ReprocessReport:
    """Reprocess the articles in order (give them oldest first); on_progress(1) after each. Raw pages
    are extracted in one child process, started at the first raw page and gone when this returns or
    raises (Ctrl-C included)."""
    started = time.monotonic()
    store.sync_regions(gazetteer.regions())   # tags may name regions the config added since
    store.sync_region_names(other_names(gazetteer))
    outcomes: list[Outcome] = []
    # process_page is looked up here, at call time: a test can stand a slow page's extraction in for it
    with TimedExtraction(process_page, settings.extraction_time_limit_s) as extraction:
        worker = Reprocessor(store, settings, gazetteer, clock, extract=extraction.extract)
        for article_id in article_ids:
            outcome = worker.reprocess(article_id)
            if outcome is not None:
                outcomes.append(outcome)
            if on_progress is not None:
                on_progress(1)
    report = ReprocessReport(
        articles=len(outcomes),
        from_raw=sum(o.source == "raw page" for o in outcomes),
        from_text=sum(o.source == "stored text" for o in outcomes),
        revised=sum(o.text_changed for o in outcomes),
        learned_lines_removed=sum(o.learned_lines_removed for o in outcomes),
        copies=sum(o.duplicate_of is not None for o in outcomes),
        extraction_problems=sum(o.extraction_problem is not None for o in outcomes),
        seconds=time.monotonic() - started, skipped=len(article_ids) - len(outcomes))
    log.info("reprocess.done", articles=report.articles, from_raw=report.from_raw, revised=report.revised,
             learned_lines=report.learned_lines_removed, copies=report.copies,
             extraction_problems=report.extraction_problems, skipped=report.skipped,
             s=round(report.seconds, 2))
    return report

