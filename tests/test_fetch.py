"""Fetcher against the loopback newsroom (real sockets) and httpx.MockTransport (exotic faults)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import tracemalloc
import zlib
from dataclasses import replace
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import brotli
import httpx
import pytest
from hypothesis import given, settings, strategies as st

from daemon.errors import FetchError
from daemon.fetch import ACCEPT_ENCODING, Fetcher, Response, is_blocked_address, parse_retry_after
from daemon.newsroom import Newsroom
from daemon.settings import HttpSettings

FAST = HttpSettings(user_agent="newswatch-test (+mailto:tests@example.org)", connect_timeout=1.0,
                    read_timeout=1.0, total_timeout=3.0, max_bytes=256 * 1024, max_redirects=3,
                    allow_private_networks=True)
GUARDED = replace(FAST, allow_private_networks=False)


def fetch(url: str, settings: HttpSettings = FAST, *, transport: httpx.AsyncBaseTransport | None = None,
          resolver: Callable[..., Any] | None = None, **kwargs: Any) -> Response:
    async def go() -> Response:
        async with Fetcher(settings, transport=transport, resolver=resolver) as fetcher:
            return await fetcher.get(url, **kwargs)
    return asyncio.run(go())


def fetch_error(url: str, settings: HttpSettings = FAST, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, settings, **kwargs)
    return caught.value


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


class _Stream(httpx.AsyncByteStream):
    """A body that arrives as a stream, as from a socket (httpx reads content= bodies eagerly)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self):  # type: ignore[override]
        for start in range(0, len(self._data), 65536):
            yield self._data[start:start + 65536]


def streamed(status: int, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.Response(status, stream=_Stream(body), headers=headers)


# success and conditional GET -------------------------------------------------------------------
def test_fetch_returns_body_status_and_lowercased_headers(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>", content_type="application/rss+xml", headers={"X-Outlet": "ledger"})
    response = fetch(url)
    assert (response.status, response.body, response.headers["x-outlet"]) == (200, b"<rss/>", "ledger")


def test_fetch_reports_etag_and_last_modified(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>", etag="v1", last_modified="Mon, 06 May 2024 10:00:00 GMT")
    response = fetch(url)
    assert (response.etag, response.last_modified) == ('"v1"', "Mon, 06 May 2024 10:00:00 GMT")


def test_matching_etag_gives_not_modified_without_body(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>", etag="v1")
    response = fetch(url, etag='"v1"')
    assert (response.not_modified, response.body) == (True, b"")


def test_last_modified_alone_gives_not_modified(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>", etag=False, last_modified="Mon, 06 May 2024 10:00:00 GMT")
    assert fetch(url, last_modified="Mon, 06 May 2024 10:00:00 GMT").not_modified


def test_changed_etag_gives_the_new_body(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss>new</rss>", etag="v2")
    assert fetch(url, etag='"v1"').body == b"<rss>new</rss>"


def test_user_agent_and_accept_are_sent(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>")
    fetch(url, accept="application/rss+xml")
    sent = newsroom.requests[-1].headers
    assert (sent["user-agent"], sent["accept"]) == (FAST.user_agent, "application/rss+xml")


def test_accept_encoding_offers_only_decodable_encodings(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>")
    fetch(url)
    assert newsroom.requests[-1].headers["accept-encoding"] == ACCEPT_ENCODING


def test_elapsed_time_is_measured(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/slow", "slow", delay=0.2)
    assert fetch(url).elapsed_ms >= 150


def test_charset_is_read_from_content_type(newsroom: Newsroom) -> None:
    url = newsroom.add("/page", b"x", content_type='text/html; charset="Windows-1252"')
    assert fetch(url).charset == "windows-1252"


# compression -------------------------------------------------------------------------------------
def test_gzip_body_is_decompressed(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/feed.xml", "gzip", body=b"<rss>zipped</rss>")
    assert fetch(url).body == b"<rss>zipped</rss>"


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_body_is_decompressed_with_or_without_zlib_header(wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    packed = packer.compress(b"<rss>deflated</rss>") + packer.flush()
    transport = mock(lambda r: streamed(200, packed, {"content-encoding": "deflate"}))
    assert fetch("http://feeds.example/x", transport=transport).body == b"<rss>deflated</rss>"


def test_gzip_bomb_stops_at_the_size_cap() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    transport = mock(lambda r: streamed(200, bomb, {"content-encoding": "gzip"}))
    assert fetch_error("http://feeds.example/x", transport=transport).reason == "too large"


def test_corrupt_gzip_is_a_decode_error() -> None:
    transport = mock(lambda r: streamed(200, b"not gzip at all", {"content-encoding": "gzip"}))
    assert fetch_error("http://feeds.example/x", transport=transport).reason == "decode error"


def test_brotli_body_from_the_newsroom_is_decompressed(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", brotli.compress(b"<rss>squeezed</rss>"), headers={"Content-Encoding": "br"})
    assert fetch(url).body == b"<rss>squeezed</rss>"


def test_brotli_bomb_stops_at_the_size_cap_without_inflating_it_whole() -> None:
    bomb = brotli.compress(b"\0" * (256 * 1024 * 1024), quality=1)     # about 20 KB on the wire
    transport = mock(lambda r: streamed(200, bomb, {"content-encoding": "br"}))
    tracemalloc.start()
    try:
        reason = fetch_error("http://feeds.example/x", transport=transport).reason
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (reason, peak < 64 * 1024 * 1024) == ("too large", True)


def test_corrupt_brotli_is_a_decode_error() -> None:
    transport = mock(lambda r: streamed(200, b"not brotli at all", {"content-encoding": "br"}))
    assert fetch_error("http://feeds.example/x", transport=transport).reason == "decode error"


def test_unknown_content_encoding_is_refused() -> None:
    transport = mock(lambda r: streamed(200, b"??", {"content-encoding": "zstd"}))
    assert fetch_error("http://feeds.example/x", transport=transport).reason == "unsupported encoding zstd"


# size and time limits ----------------------------------------------------------------------------
def test_declared_oversized_body_is_refused(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/big", "oversized", size=FAST.max_bytes + 1)
    assert fetch_error(url).reason == "too large"


def test_undeclared_oversized_body_is_cut_off_while_streaming(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/big", "oversized", size=4 * FAST.max_bytes, declare_length=False)
    assert fetch_error(url).reason == "too large"


def test_body_exactly_at_the_cap_is_accepted(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/big", "oversized", size=FAST.max_bytes)
    assert len(fetch(url).body) == FAST.max_bytes


def test_endless_body_is_cut_off_quickly(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/endless", "endless")
    started = time.monotonic()
    assert fetch_error(url).reason == "too large"
    assert time.monotonic() - started < 2


def test_server_silent_after_headers_is_a_read_timeout(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/slow", "slow", delay=5)
    assert fetch_error(url).reason == "read timeout"


def test_trickling_body_hits_the_total_timeout(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/trickle", "slow", body=b"x" * 100, trickle=0.1)
    settings = replace(FAST, total_timeout=0.5)
    assert fetch_error(url, settings).reason == "total timeout"


def test_connect_timeout_is_named() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)
    assert fetch_error("http://feeds.example/x", transport=mock(hang)).reason == "connect timeout"


# broken servers --------------------------------------------------------------------------------
def test_connection_closed_mid_body_is_reported(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/broken", "broken")
    assert fetch_error(url).reason == "connection broken"


def test_connection_closed_before_any_response_is_reported(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/drop", "drop")
    assert fetch_error(url).reason == "no response"


def test_refused_connection_is_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert fetch_error(f"http://127.0.0.1:{port}/feed").reason == "connection refused"


def test_name_that_does_not_resolve_is_a_dns_error() -> None:
    def unresolvable(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("name resolution failed", request=request) from exc
    assert fetch_error("http://nowhere.example/x", transport=mock(unresolvable)).reason == "dns"


# statuses ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [400, 403, 404, 410, 500, 502])
def test_error_status_is_a_fetch_error_named_by_its_code(newsroom: Newsroom, status: int) -> None:
    url = newsroom.add_fault("/err", "status", status=status)
    error = fetch_error(url)
    assert (error.reason, error.status) == (f"http {status}", status)


def test_429_carries_retry_after_seconds(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/busy", "status", status=429, retry_after=120)
    assert fetch_error(url).retry_after == 120.0


def test_503_carries_retry_after_from_an_http_date(newsroom: Newsroom) -> None:
    when = datetime.now(timezone.utc) + timedelta(minutes=10)
    url = newsroom.add_fault("/down", "status", status=503, retry_after=when.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert 540 <= (fetch_error(url).retry_after or 0) <= 600


def test_retry_after_is_capped_by_settings(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/busy", "status", status=429, retry_after=10 ** 9)
    assert fetch_error(url).retry_after == FAST.max_retry_after


@pytest.mark.parametrize(("header", "expected"), [
    ("30", 30.0), (" 0 ", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None), (None, None),
    ("-5", None),
])
def test_parse_retry_after_reads_seconds_and_dates(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_parse_retry_after_counts_from_now_for_a_future_date() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("Wed, 01 May 2024 12:05:00 GMT", now=now) == 300.0


# redirects -------------------------------------------------------------------------------------
def test_redirect_is_followed_to_the_final_url(newsroom: Newsroom) -> None:
    newsroom.add("/new/feed.xml", b"<rss/>")
    url = newsroom.add_fault("/old/feed.xml", "redirect", to="/new/feed.xml", status=301)
    response = fetch(url)
    assert (response.url, response.body) == (newsroom.url("/new/feed.xml"), b"<rss/>")


def test_redirect_loop_is_detected(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/loop", "redirect_loop")
    assert fetch_error(url).reason == "redirect loop"


def test_redirect_chain_longer_than_the_limit_is_refused(newsroom: Newsroom) -> None:
    for hop in range(5):
        newsroom.add_fault(f"/hop{hop}", "redirect", to=f"/hop{hop + 1}")
    newsroom.add("/hop5", b"finally")
    assert fetch_error(newsroom.url("/hop0")).reason == "too many redirects"


def test_redirect_without_location_is_refused(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/nowhere", "status", status=302)
    assert fetch_error(url).reason == "bad redirect"


def test_redirect_to_another_scheme_is_refused(newsroom: Newsroom) -> None:
    url = newsroom.add_fault("/sneaky", "redirect", to="file:///etc/passwd")
    assert fetch_error(url).reason == "unsupported scheme file"


@pytest.mark.parametrize("url", ["ftp://feeds.example/a.xml", "file:///etc/passwd", "feeds.example/a.xml"])
def test_non_http_url_is_refused_before_any_request(url: str) -> None:
    assert fetch_error(url).reason.startswith(("unsupported scheme", "invalid url"))


@pytest.mark.parametrize("url", ["http://[::1/", "http://example.com:99999/", "http://ex\x00ample.com/",
                                 "http://xn--/", "http:///path"])
def test_malformed_url_is_an_invalid_url_error(url: str) -> None:
    assert fetch_error(url, transport=mock(lambda r: streamed(200, b"", {}))).reason == "invalid url"


@pytest.mark.parametrize("location", ["http://[broken", "https:a", "http://xn--/"])
def test_malformed_redirect_location_is_a_bad_redirect(location: str) -> None:
    transport = mock(lambda r: httpx.Response(302, headers={"location": location}))
    assert fetch_error("http://feeds.example/x", transport=transport).reason == "bad redirect"


_url_piece = st.lists(st.sampled_from([*"ab.-_~%/?#&=:@[]+ 09\x00", "xn--", "é", "。", "//", "http://", "https:"]),
                      max_size=12).map("".join)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["http://", "https://", "", "ftp://"]), _url_piece, _url_piece)
def test_any_url_or_location_gives_a_response_or_a_fetch_error(scheme: str, rest: str, location: str) -> None:
    async def public(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]
    transport = mock(lambda r: httpx.Response(302, headers=[(b"location", location.encode())]))
    try:
        fetch(scheme + rest, GUARDED, transport=transport, resolver=public)
    except FetchError as error:
        assert error.reason


# the private-address guard ---------------------------------------------------------------------
def test_guard_blocks_the_loopback_newsroom_before_any_request(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", b"<rss/>")
    assert (fetch_error(url, GUARDED).reason, newsroom.count("/feed.xml")) == ("blocked private address 127.0.0.1", 0)


def test_guard_refuses_a_connection_that_lands_on_a_private_address(newsroom: Newsroom) -> None:
    """DNS rebinding: the guard's lookup answers a public address, the connection reaches loopback."""
    url = newsroom.add("/feed.xml", b"<rss/>").replace("127.0.0.1", "localhost")

    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]
    assert fetch_error(url, GUARDED, resolver=rebinding).reason in (
        "blocked private address 127.0.0.1", "blocked private address ::1")


def test_a_rebinding_request_is_never_sent_to_the_private_address(newsroom: Newsroom) -> None:
    """The connection is dropped once it lands, before the request goes out on it."""
    url = newsroom.add("/feed.xml", b"<rss/>").replace("127.0.0.1", "localhost")

    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]
    fetch_error(url, GUARDED, resolver=rebinding)
    assert newsroom.count("/feed.xml") == 0


def test_guard_blocks_names_that_resolve_to_private_addresses() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "192.168.1.20"]
    error = fetch_error("http://intranet.example/", GUARDED, resolver=resolver, transport=mock(lambda r: httpx.Response(200)))
    assert error.reason == "blocked private address 192.168.1.20"


def test_guard_checks_every_redirect_hop() -> None:
    seen: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://10.0.0.1/admin"})

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]
    error = fetch_error("http://public.example/story", GUARDED, resolver=resolver, transport=mock(site))
    assert (error.reason, seen) == ("blocked private address 10.0.0.1", ["http://public.example/story"])


def test_guard_allows_public_addresses() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]
    transport = mock(lambda r: streamed(200, b"ok", {}))
    assert fetch("http://public.example/", GUARDED, resolver=resolver, transport=transport).body == b"ok"


def test_guard_reports_unresolvable_names_as_dns() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert fetch_error("http://nowhere.example/", GUARDED, resolver=resolver).reason == "dns"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::", "not-an-ip",
])
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(address)


@pytest.mark.parametrize("address", [
    "2002:7f00:1::1",       # 6to4 around 127.0.0.1
    "2002:a9fe:a9fe::1",    # 6to4 around 169.254.169.254
    "2002:c0a8:101::1",     # 6to4 around 192.168.1.1
    "fec0::1",              # site-local
])
def test_ipv6_addresses_that_lead_to_private_ones_are_blocked(address: str) -> None:
    assert is_blocked_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111",
                                     "2002:5db8:d822::1"])   # 6to4 around 93.184.216.34
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_blocked_address(address)


# concurrency -------------------------------------------------------------------------------------
class _Gauge:
    """An async mock server that records the highest number of requests in flight at once."""

    def __init__(self) -> None:
        self.now = self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.peak = max(self.peak, self.now)
        await asyncio.sleep(0.05)
        self.now -= 1
        return streamed(200, b"ok", {})


def _fetch_many(urls: list[str], settings: HttpSettings, gauge: _Gauge) -> None:
    async def go() -> None:
        async with Fetcher(settings, transport=httpx.MockTransport(gauge)) as fetcher:
            await asyncio.gather(*(fetcher.get(u) for u in urls))
    asyncio.run(go())


def test_per_host_concurrency_is_enforced() -> None:
    gauge = _Gauge()
    settings = replace(FAST, per_host_concurrency=2)
    _fetch_many([f"http://one.example/{i}" for i in range(8)], settings, gauge)
    assert gauge.peak == 2


def test_global_concurrency_is_enforced_across_hosts() -> None:
    gauge = _Gauge()
    settings = replace(FAST, global_concurrency=3)
    _fetch_many([f"http://host{i}.example/" for i in range(9)], settings, gauge)
    assert gauge.peak == 3


def test_www_and_bare_host_share_one_per_host_limit() -> None:
    gauge = _Gauge()
    settings = replace(FAST, per_host_concurrency=1)
    _fetch_many(["http://www.one.example/a", "http://one.example/b", "http://m.one.example/c"], settings, gauge)
    assert gauge.peak == 1


def test_a_url_with_leading_space_is_invalid_not_a_crash() -> None:
    assert fetch_error(" http://feeds.example/rss").reason == "invalid url"
