"""The loopback newsroom: routes, conditional GET, request log, every fault, and a fast shutdown."""

from __future__ import annotations

import gzip
import http.client
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from daemon.newsroom import Newsroom

LAST_MODIFIED = "Mon, 06 May 2024 10:00:00 GMT"


def connect(newsroom: Newsroom) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", newsroom.port, timeout=3)


def get(newsroom: Newsroom, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    with httpx.Client(timeout=3, follow_redirects=False) as client:
        return client.get(newsroom.url(path), headers=headers)


def test_added_body_is_served_with_its_type_and_length(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", content_type="application/rss+xml")
    response = get(newsroom, "/feed.xml")
    assert (response.status_code, response.content, response.headers["content-type"],
            response.headers["content-length"]) == (200, b"<rss/>", "application/rss+xml", "6")


def test_content_type_is_guessed_from_the_suffix(newsroom: Newsroom) -> None:
    newsroom.add("/story.html", b"<p>hi</p>")
    assert get(newsroom, "/story.html").headers["content-type"] == "text/html; charset=utf-8"


def test_unknown_path_is_404(newsroom: Newsroom) -> None:
    assert get(newsroom, "/missing").status_code == 404


def test_query_string_does_not_change_the_route(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>")
    assert get(newsroom, "/feed.xml?utm_source=x").content == b"<rss/>"


def test_adding_again_replaces_the_body_and_etag(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"one")
    first = get(newsroom, "/feed.xml").headers["etag"]
    newsroom.add("/feed.xml", b"two")
    second = get(newsroom, "/feed.xml")
    assert (second.content, second.headers["etag"] != first) == (b"two", True)


def test_removed_route_is_404(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"one")
    newsroom.remove("/feed.xml")
    assert get(newsroom, "/feed.xml").status_code == 404


def test_extra_headers_are_sent(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"x", headers={"Cache-Control": "max-age=60"})
    assert get(newsroom, "/feed.xml").headers["cache-control"] == "max-age=60"


def test_directory_files_are_served_under_a_prefix(newsroom: Newsroom, tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "feed.xml").write_bytes(b"<rss/>")
    assert (newsroom.add_directory(tmp_path, "/outlet"), get(newsroom, "/outlet/world/feed.xml").content) == (1, b"<rss/>")


def test_head_returns_headers_without_a_body(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>")
    with httpx.Client() as client:
        response = client.head(newsroom.url("/feed.xml"))
    assert (response.headers["content-length"], response.content) == ("6", b"")


def test_keep_alive_serves_two_requests_on_one_connection(newsroom: Newsroom) -> None:
    newsroom.add("/a", b"A")
    newsroom.add("/b", b"B")
    conn = connect(newsroom)
    bodies = []
    for path in ("/a", "/b"):
        conn.request("GET", path)
        bodies.append(conn.getresponse().read())
    conn.close()
    assert bodies == [b"A", b"B"]


# conditional GET -------------------------------------------------------------------------------
def test_matching_etag_gets_304(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", etag="v1")
    assert get(newsroom, "/feed.xml", {"If-None-Match": '"v1"'}).status_code == 304


def test_weak_or_listed_etag_gets_304(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", etag="v1")
    assert get(newsroom, "/feed.xml", {"If-None-Match": '"v0", W/"v1"'}).status_code == 304


def test_stale_etag_gets_200(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", etag="v2")
    assert get(newsroom, "/feed.xml", {"If-None-Match": '"v1"'}).status_code == 200


def test_if_modified_since_at_or_after_last_modified_gets_304(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", last_modified=datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc))
    assert get(newsroom, "/feed.xml", {"If-Modified-Since": LAST_MODIFIED}).status_code == 304


def test_if_modified_since_before_last_modified_gets_200(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", last_modified=LAST_MODIFIED)
    assert get(newsroom, "/feed.xml", {"If-Modified-Since": "Sun, 05 May 2024 10:00:00 GMT"}).status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", etag="v2", last_modified=LAST_MODIFIED)
    headers = {"If-None-Match": '"v1"', "If-Modified-Since": LAST_MODIFIED}
    assert get(newsroom, "/feed.xml", headers).status_code == 200


def test_route_without_etag_sends_none(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>", etag=False)
    assert "etag" not in get(newsroom, "/feed.xml").headers


# request log -----------------------------------------------------------------------------------
def test_requests_are_recorded_with_lowercased_headers(newsroom: Newsroom) -> None:
    newsroom.add("/feed.xml", b"<rss/>")
    get(newsroom, "/feed.xml?x=1", {"User-Agent": "probe/1"})
    recorded = newsroom.requests[-1]
    assert (recorded.method, recorded.path, recorded.target, recorded.headers["user-agent"]) == (
        "GET", "/feed.xml", "/feed.xml?x=1", "probe/1")


def test_count_matches_paths_with_or_without_query(newsroom: Newsroom) -> None:
    for target in ("/a", "/a?page=2", "/b"):
        get(newsroom, target)
    assert (newsroom.count("/a"), newsroom.count("/a?page=2")) == (2, 1)


def test_recording_is_thread_safe(newsroom: Newsroom) -> None:
    newsroom.add("/a", b"A")
    workers = [threading.Thread(target=lambda: [get(newsroom, "/a") for _ in range(5)]) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert newsroom.count("/a") == 20


def test_clear_requests_empties_the_log(newsroom: Newsroom) -> None:
    get(newsroom, "/a")
    newsroom.clear_requests()
    assert newsroom.requests == ()


# faults ------------------------------------------------------------------------------------------
def test_unknown_fault_kind_is_refused(newsroom: Newsroom) -> None:
    with pytest.raises(ValueError):
        newsroom.add_fault("/x", "teapot")


def test_slow_route_delays_the_body(newsroom: Newsroom) -> None:
    newsroom.add_fault("/slow", "slow", delay=0.3, body=b"late")
    started = time.monotonic()
    assert (get(newsroom, "/slow").content, time.monotonic() - started >= 0.3) == (b"late", True)


def test_trickle_route_sends_the_body_in_small_pieces(newsroom: Newsroom) -> None:
    newsroom.add_fault("/trickle", "slow", body=b"abcdef", trickle=0.05, chunk=2)
    started = time.monotonic()
    assert (get(newsroom, "/trickle").content, time.monotonic() - started >= 0.1) == (b"abcdef", True)


def test_endless_route_streams_more_than_any_cap(newsroom: Newsroom) -> None:
    newsroom.add_fault("/endless", "endless")
    received = 0
    with httpx.Client(timeout=3) as client, client.stream("GET", newsroom.url("/endless")) as response:
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > 2_000_000:
                break
    assert received > 2_000_000


def test_oversized_route_declares_and_sends_its_size(newsroom: Newsroom) -> None:
    newsroom.add_fault("/big", "oversized", size=100_000)
    response = get(newsroom, "/big")
    assert (response.headers["content-length"], len(response.content)) == ("100000", 100_000)


def test_oversized_route_can_hide_its_length(newsroom: Newsroom) -> None:
    newsroom.add_fault("/big", "oversized", size=50_000, declare_length=False)
    response = get(newsroom, "/big")
    assert ("content-length" in response.headers, len(response.content)) == (False, 50_000)


def test_status_route_sends_status_and_retry_after(newsroom: Newsroom) -> None:
    newsroom.add_fault("/busy", "status", status=429, retry_after=30)
    response = get(newsroom, "/busy")
    assert (response.status_code, response.headers["retry-after"]) == (429, "30")


def test_redirect_route_points_at_its_target(newsroom: Newsroom) -> None:
    newsroom.add_fault("/old", "redirect", to="/new", status=301)
    response = get(newsroom, "/old")
    assert (response.status_code, response.headers["location"]) == (301, "/new")


def test_redirect_loop_route_bounces_between_two_targets(newsroom: Newsroom) -> None:
    newsroom.add_fault("/loop", "redirect_loop")
    first = get(newsroom, "/loop").headers["location"]
    assert (first, get(newsroom, first).headers["location"]) == ("/loop?again=1", "/loop")


def test_gzip_route_is_gzip_encoded(newsroom: Newsroom) -> None:
    newsroom.add_fault("/feed.xml", "gzip", body=b"<rss>zipped</rss>")
    conn = connect(newsroom)
    conn.request("GET", "/feed.xml")
    raw = conn.getresponse()
    encoding, body = raw.getheader("Content-Encoding"), gzip.decompress(raw.read())
    conn.close()
    assert (encoding, body) == ("gzip", b"<rss>zipped</rss>")


def test_broken_route_closes_mid_body(newsroom: Newsroom) -> None:
    newsroom.add_fault("/broken", "broken", body=b"q" * 1000)
    conn = connect(newsroom)
    conn.request("GET", "/broken")
    with pytest.raises(http.client.IncompleteRead):
        conn.getresponse().read()
    conn.close()


def test_drop_route_closes_without_a_response(newsroom: Newsroom) -> None:
    newsroom.add_fault("/drop", "drop")
    conn = connect(newsroom)
    conn.request("GET", "/drop")
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    conn.close()


# lifecycle ---------------------------------------------------------------------------------------
def test_stop_is_fast_while_a_client_holds_an_endless_stream() -> None:
    room = Newsroom().start()
    room.add_fault("/endless", "endless")
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=3)
    conn.request("GET", "/endless")
    conn.getresponse().read(1000)
    started = time.monotonic()
    room.stop()
    conn.close()
    assert time.monotonic() - started < 1


def test_stop_is_fast_while_a_slow_route_waits() -> None:
    room = Newsroom().start()
    room.add_fault("/slow", "slow", delay=30)
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=3)
    conn.request("GET", "/slow")
    conn.getresponse()
    started = time.monotonic()
    room.stop()
    conn.close()
    assert time.monotonic() - started < 1


def test_context_manager_stops_the_server() -> None:
    with Newsroom() as room:
        url = room.url("/x")
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)


def test_port_is_unavailable_before_start() -> None:
    with pytest.raises(RuntimeError):
        Newsroom().port
