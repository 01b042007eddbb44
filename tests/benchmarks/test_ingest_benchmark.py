"""End-to-end ingest speed: `run --once` over the extraction corpus served by a loopback newsroom,
next to bare trafilatura in the same run, and a poll round of 1,000 unchanged feeds answering 304.

Run with: pytest tests/benchmarks/test_ingest_benchmark.py -m benchmark -s    (only sanity is asserted)
Memory is peak RSS (VmHWM in /proc/<pid>/status), not tracemalloc: the parent's is reset before each phase
and taken from the first run of each kind, in the order bare, pool, in-process (a phase inherits what the
earlier ones loaded; the newsroom's threads count here too); each worker's is read as its pool shuts down.
CPU: os.times for the parent, /proc/<pid>/stat for workers. Times are the best of REPEAT runs.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
import pytest
import structlog
import trafilatura

from daemon import log as logconf
from daemon import runtime
from daemon.evaluation import CorpusPage, load_corpus
from daemon.newsroom import Newsroom
from daemon.pipeline import PollResult
from daemon.settings import FeedSettings, HttpSettings, Settings
from storage.store import Store

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "extraction"
FEEDS = 6
WORKERS = 2
CONCURRENCY = 16            # every loopback feed and page is one host: lift the per-host limit to the global one
UNCHANGED_FEEDS = 1000
REPEAT = 2
# Without sniffio, httpcore retries a failing `import sniffio` several times per request: HTTP is ~2x slower.
SNIFFIO = "sniffio " + ("installed" if importlib.util.find_spec("sniffio") else "absent")

pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def pages() -> list[CorpusPage]:
    if not (CORPUS / "ground-truth.json").is_file():
        pytest.skip(f"extraction corpus not found at {CORPUS}")
    return load_corpus(CORPUS)


@pytest.fixture(autouse=True)
def logs_to_file(tmp_path: Path):
    """Log as under systemd (JSON lines), into a file, so the terminal shows only the numbers."""
    with open(tmp_path / "newswatch.log", "w", encoding="utf-8") as stream:
        logconf.configure("json", "info", stream)
        yield
    structlog.reset_defaults()


# --- measuring -----------------------------------------------------------------------------

def status_kib(field: str, pid: int | str = "self") -> int:
    """A memory field of /proc/<pid>/status (VmHWM is the peak resident set), in KiB; 0 when gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith(field + ":")), 0)


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU used so far by a live process (by this one when pid is None); 0 when gone."""
    if pid is None:
        return os.times().user + os.times().system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MeasuredPool(ProcessPoolExecutor):
    """The daemon's worker pool, noting each worker's peak memory and CPU before it is shut down."""

    worker_peaks_kib: tuple[int, ...] = ()
    worker_cpu_s: float = 0.0

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pids = list(self._processes or {})
        self.worker_peaks_kib = tuple(status_kib("VmHWM", pid) for pid in pids)
        self.worker_cpu_s = sum(cpu_seconds(pid) for pid in pids)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    items: int
    seconds: float
    parent_cpu_s: float = 0.0
    parent_peak_kib: int = 0
    worker_cpu_s: float = 0.0
    worker_peaks_kib: tuple[int, ...] = ()

    @property
    def per_second(self) -> float:
        return self.items / self.seconds

    def line(self, unit: str) -> str:
        workers = " + ".join(f"{k / 1024:.0f}" for k in self.worker_peaks_kib)
        return (f"  {self.name:<36} {self.items:>5} {unit} in {self.seconds:6.2f} s = {self.per_second:6.1f}/s"
                f"  cpu parent {self.parent_cpu_s:5.2f} s"
                + (f" + workers {self.worker_cpu_s:5.2f} s" if workers else "")
                + f"; peak RSS parent {self.parent_peak_kib / 1024:.0f} MiB"
                + (f", workers {workers} MiB" if workers else ""))


def best(phases: list[Phase]) -> Phase:
    """The fastest run's time and CPU, with the first run's memory peaks (later runs inherit its caches)."""
    fastest = min(phases, key=lambda phase: phase.seconds)
    return replace(fastest, parent_peak_kib=phases[0].parent_peak_kib, worker_peaks_kib=phases[0].worker_peaks_kib)


def timed(name: str, items: int, work) -> tuple[Phase, object]:
    """Run work() once, measuring wall time, parent CPU and the parent's peak memory."""
    try:  # start a new high-water mark (older kernels can't: the peak then covers the process's life)
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    cpu, started = cpu_seconds(), time.perf_counter()
    result = work()
    return Phase(name, items, time.perf_counter() - started, cpu_seconds() - cpu, status_kib("VmHWM")), result


# --- the loopback world -------------------------------------------------------------------

def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (guid, link, title) items, written by us."""
    entries = "".join(f"<item><guid isPermaLink=\"false\">{escape(guid)}</guid><link>{escape(link)}</link>"
                      f"<title>{escape(text)}</title></item>" for guid, link, text in items)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{escape(title)}"
            f"</title><link>http://127.0.0.1/</link><description>benchmark feed</description>{entries}"
            "</channel></rss>").encode()


def settings_for(db_path: Path, feed_urls: list[str]) -> Settings:
    return Settings(storage_path=str(db_path),
                    feeds=tuple(FeedSettings(url=url, name=f"bench {i}") for i, url in enumerate(feed_urls)),
                    http=HttpSettings(user_agent="newswatch-benchmark (+mailto:bench@example.org)",
                                      allow_private_networks=True, global_concurrency=CONCURRENCY,
                                      per_host_concurrency=CONCURRENCY),
                    workers=WORKERS)


def serve_corpus(newsroom: Newsroom, pages: list[CorpusPage]) -> list[str]:
    """Every page at /pages/<id>.html (bytes as fetched, no charset claimed), spread over FEEDS feeds."""
    for page in pages:
        newsroom.add(f"/pages/{page.id}.html", page.body, content_type="text/html")
    feed_urls = []
    for n in range(FEEDS):
        share = pages[n::FEEDS]
        items = [(p.id, newsroom.url(f"/pages/{p.id}.html"), f"Corpus page {p.id[:12]}") for p in share]
        feed_urls.append(newsroom.add(f"/feeds/{n}.xml", rss(f"Benchmark outlet {n}", items)))
    return feed_urls


def ingest(name: str, db_path: Path, feed_urls: list[str], items: int, use_processes: bool,
           monkeypatch: pytest.MonkeyPatch) -> tuple[Phase, list[PollResult]]:
    """`run --once` into a fresh store, with the daemon's own pool swapped for a measured one."""
    pools: list[MeasuredPool] = []

    def measured_pool(settings: Settings) -> MeasuredPool:
        pools.append(MeasuredPool(settings.workers, mp_context=runtime.worker_context()))
        return pools[-1]

    monkeypatch.setattr(runtime, "worker_pool", measured_pool)
    settings = settings_for(db_path, feed_urls)
    phase, results = timed(name, items, lambda: runtime.run(runtime.run_once(settings, use_processes=use_processes)))
    if pools:
        phase = replace(phase, worker_cpu_s=pools[0].worker_cpu_s, worker_peaks_kib=pools[0].worker_peaks_kib)
    return phase, results


def from_store(db_path: Path, read):
    store = Store.open(db_path)
    result = read(store)
    store.close()
    return result


def stored_or_skipped(db_path: Path) -> tuple[int, int]:
    return from_store(db_path, lambda store: (store.summary().articles, store.summary().skipped))


# --- 1. end-to-end ingest ------------------------------------------------------------------

def test_every_corpus_page_is_ingested_and_the_throughput_is_printed(
        pages: list[CorpusPage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start_kib = status_kib("VmRSS")
    with Newsroom() as newsroom:
        feed_urls = serve_corpus(newsroom, pages)
        runs: dict[str, list[Phase]] = {"bare": [], "pool": [], "inline": []}
        trafilatura.extract(pages[0].body)  # warm-up: imports and caches are not per-page cost
        for n in range(REPEAT):  # interleaved, so a busy neighbour slows all three alike
            runs["bare"].append(timed("bare trafilatura.extract (1 process)", len(pages),
                                      lambda: [trafilatura.extract(page.body) for page in pages])[0])
            phase, pooled_results = ingest(f"run --once, {WORKERS} worker processes", tmp_path / f"pool{n}.db",
                                           feed_urls, len(pages), True, monkeypatch)
            runs["pool"].append(phase)
            runs["inline"].append(ingest("run --once, in-process extraction", tmp_path / f"inline{n}.db",
                                         feed_urls, len(pages), False, monkeypatch)[0])
    bare, pooled, inline = (best(runs[key]) for key in ("bare", "pool", "inline"))
    print(f"\nend-to-end ingest: {len(pages)} corpus pages via {FEEDS} loopback feeds, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}, parent RSS before {start_kib / 1024:.0f} MiB, {SNIFFIO}, "
          f"best of {REPEAT}")
    for phase in (bare, pooled, inline):
        print(phase.line("pages"))
    print(f"  ratio pipeline/bare: {pooled.per_second / bare.per_second:.2f} (pool), "
          f"{inline.per_second / bare.per_second:.2f} (in-process); "
          f"pool/in-process: {pooled.per_second / inline.per_second:.2f}")
    outcomes = {k: sum(getattr(r, k) for r in pooled_results) for k in ("stored", "copies", "known", "skipped")}
    rows = {db.stem: stored_or_skipped(db) for db in sorted(tmp_path.glob("*.db"))}
    print(f"  outcomes (last pool run): {outcomes}; (articles, skipped_entries) rows per store: {rows}")
    assert all(articles + skipped == len(pages) for articles, skipped in rows.values())


# --- 2. a poll round of unchanged feeds ----------------------------------------------------

async def conditional_gets(urls_and_etags: list[tuple[str, str]]) -> int:
    """The fetch-only baseline: the same conditional GETs with a bare client under the same limit."""
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY), trust_env=False) as client:
        async def one(url: str, etag: str) -> int:
            async with limit:
                return (await client.get(url, headers={"if-none-match": etag})).status_code
        statuses = await asyncio.gather(*(one(url, etag) for url, etag in urls_and_etags))
    return sum(1 for status in statuses if status == 304)


def test_a_round_of_unchanged_feeds_is_all_not_modified_and_its_rate_is_printed(tmp_path: Path) -> None:
    db_path = tmp_path / "feeds.db"
    runs: dict[str, list[Phase]] = {"run": [], "bare": []}
    with Newsroom() as newsroom:
        urls = [newsroom.add(f"/feeds/{n}.xml", rss(f"Quiet outlet {n}", [])) for n in range(UNCHANGED_FEEDS)]
        settings = settings_for(db_path, urls)
        first, _ = timed("first round, 200 (run --once)", UNCHANGED_FEEDS,
                         lambda: runtime.run(runtime.run_once(settings)))
        etags = from_store(db_path, lambda store: [(feed.url, feed.etag or "") for feed in store.feeds()])
        for n in range(REPEAT):  # interleaved; the first 304 round is the one asserted on
            runs["run"].append(timed("304 round (run --once)", UNCHANGED_FEEDS,
                                     lambda: runtime.run(runtime.run_once(settings)))[0])
            if n == 0:
                statuses = from_store(db_path, lambda store: [feed.last_status for feed in store.feeds()])
            phase, not_modified = timed("bare httpx conditional GETs", UNCHANGED_FEEDS,
                                        lambda: runtime.run(conditional_gets(etags)))
            runs["bare"].append(phase)
    print(f"\npoll round: {UNCHANGED_FEEDS} unchanged feeds on one loopback host, concurrency {CONCURRENCY}, "
          f"load average {os.getloadavg()[0]:.2f}, {SNIFFIO}, best of {REPEAT}")
    run, bare = best(runs["run"]), best(runs["bare"])
    for phase in (first, run, bare):
        print(phase.line("feeds"))
    print(f"  ratio run --once/bare: {run.per_second / bare.per_second:.2f}; bare 304s: {not_modified}")
    assert statuses == ["not modified"] * UNCHANGED_FEEDS
