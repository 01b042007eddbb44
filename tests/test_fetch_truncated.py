"""A compressed body cut off before its end is a failed fetch ("truncated body"), never a whole page."""

import asyncio
import gzip
import sqlite3
import zlib

import brotli
import pytest

from daemon import runtime
from daemon.config_file import load_settings
from daemon.errors import FetchError
from daemon.fetch import Fetcher
from daemon.settings import HttpSettings
from tests.daemon_world import page, rss, write_config

REPORT = ("<html><body><article>" + " ".join(f"Line {n}: the ferry from Mopti left at dawn." for n in range(800))
          + " LAST-LINE</article></body></html>").encode()
COMPRESSORS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}


def fetch(url: str) -> bytes:
    async def go() -> bytes:
        async with Fetcher(HttpSettings(allow_private_networks=True)) as fetcher:
            return (await fetcher.get(url)).body
    return asyncio.run(go())


def fetch_reason(url: str) -> str:
    try:
        fetch(url)
    except FetchError as exc:
        return exc.reason
    return "fetched"


@pytest.mark.parametrize("encoding", sorted(COMPRESSORS))
def test_a_compressed_page_cut_off_mid_stream_fails_as_truncated_body(newsroom, encoding: str) -> None:
    whole = COMPRESSORS[encoding](REPORT)
    url = newsroom.add("/cut.html", whole[: len(whole) // 2], content_type="text/html",
                       headers={"Content-Encoding": encoding})
    assert fetch_reason(url) == "truncated body"


def test_a_gzip_page_whose_second_member_is_cut_off_fails_as_truncated_body(newsroom) -> None:
    second = gzip.compress(REPORT)
    url = newsroom.add("/members.html", gzip.compress(b"<p>opening member</p>") + second[: len(second) // 2],
                       content_type="text/html", headers={"Content-Encoding": "gzip"})
    assert fetch_reason(url) == "truncated body"


def test_a_feed_cut_off_mid_stream_fails_its_poll_and_keeps_no_etag(newsroom, tmp_path) -> None:
    items = [{"title": f"Convoy update {n}", "link": f"http://example.org/convoy/{n}", "guid": str(n)}
             for n in range(60)]
    whole = gzip.compress(rss("Desk", items))
    feed = newsroom.add("/feed.xml", whole[: len(whole) * 3 // 4], content_type="application/rss+xml",
                        headers={"Content-Encoding": "gzip"})
    db = tmp_path / "n.db"
    [result] = asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "n.toml", db, [feed])),
                                            use_processes=False))
    assert (result.error, sqlite3.connect(db).execute("SELECT etag FROM feeds").fetchone()) == \
        ("truncated body", (None,))


def test_an_article_page_cut_off_mid_stream_is_not_stored(newsroom, tmp_path) -> None:
    paragraphs = [f"Paragraph {n}: fishermen on the Niger at Gao counted the river's fall again this week."
                  for n in range(60)]
    whole = gzip.compress(page("River level at Gao", paragraphs))
    link = newsroom.add("/river.html", whole[: len(whole) // 2], content_type="text/html",
                        headers={"Content-Encoding": "gzip"})
    feed = newsroom.add("/feed.xml", rss("Desk", [{"title": "River level at Gao", "link": link, "guid": "r1"}]),
                        content_type="application/rss+xml")
    db = tmp_path / "n.db"
    asyncio.run(runtime.run_once(load_settings(write_config(tmp_path / "n.toml", db, [feed])),
                                 use_processes=False))
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone() == (0,)
