"""HTTP fetching for a crawler of URLs that strangers wrote: capped in size and time, polite per
host, conditional (ETag / Last-Modified), and refusing private addresses unless the config allows.

Every failure becomes a FetchError with a short, stable reason ("read timeout", "http 404",
"blocked private address 10.0.0.1"), because reasons are stored and faceted.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from urllib.parse import urljoin, urlsplit

import httpx
import structlog

from daemon.content_coding import DECODE_ERRORS, Overflow, decoder_for, encodings
from daemon.errors import FetchError
from daemon.host_limits import HostLimits
from daemon.peer_guard import BLOCKED, PeerBlocked, guarded_transport
from daemon.settings import HttpSettings
from daemon.urls import host_of, is_downgrade, origin_of

ACCEPT_ENCODING = "gzip, deflate, br"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
SCHEMES = frozenset({"http", "https"})
# Failures that say "not now" rather than "not ever": the same URL may well work on the next poll.
TEMPORARY_REASONS = frozenset({"host throttled", "connect timeout", "read timeout", "write timeout",
                               "pool timeout", "total timeout", "connection refused", "connect failed",
                               "no response", "connection broken", "truncated body"})
TEMPORARY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

log = structlog.get_logger("newswatch.fetch")


@dataclass(frozen=True, slots=True)
class Response:
    """A successful fetch: a 2xx with its (decompressed, capped) body, or a 304 with none."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    etag: str | None
    last_modified: str | None
    elapsed_ms: int
    moved_permanently: bool = False   # reached through redirects, every hop a 301 or 308: url is the new home

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        """The charset named in Content-Type, lower-cased, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip("\"'").lower() or None
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve host with the system resolver (in a thread, as asyncio does)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_blocked_address(address: str) -> bool:
    """True for any address that is not plainly public: private, loopback, link-local, reserved…"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:
            return True
        # An IPv4 address carried inside IPv6 is judged too: 2002:7f00:1::1 (6to4) reaches 127.0.0.1
        # through a relay, and so can a Teredo address's server or client.
        tunnelled = (ip.sixtofour, *(ip.teredo or ()))
        if any(a is not None and is_blocked_address(str(a)) for a in tunnelled):
            return True
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local
            or ip.is_reserved or ip.is_multicast or ip.is_unspecified)


def is_temporary(exc: FetchError) -> bool:
    """True when the fetch may succeed if simply tried again later (a timeout, a 429, a 503…)."""
    if exc.reason == f"http {exc.status}":
        return exc.status in TEMPORARY_STATUSES
    return exc.reason in TEMPORARY_REASONS


def parse_retry_after(value: str | None, *, now: datetime | None = None,
                      cap: float = 6 * 3600.0) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped to [0, cap]."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(seconds, 0.0), cap)


class Fetcher:
    """One shared HTTP client with global and per-host concurrency limits."""

    def __init__(self, settings: HttpSettings, *, transport: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None) -> None:
        self._settings = settings
        self._resolve = resolver or system_resolver
        self._global = asyncio.Semaphore(max(1, settings.global_concurrency))
        self._hosts = HostLimits(settings.per_host_concurrency)
        limits = httpx.Limits(max_connections=max(1, settings.global_concurrency))
        if transport is None and not settings.allow_private_networks:
            transport = guarded_transport(limits, is_blocked_address)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                  write=settings.read_timeout, pool=settings.total_timeout),
            limits=limits,
            headers={"user-agent": settings.user_agent, "accept-encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  accept: str = "*/*", host_throttle: bool = False) -> Response:
        """GET url (following redirects), or raise FetchError with one of these stable reasons:

        "invalid url", "unsupported scheme X", "dns", "blocked private address A",
        "connect timeout", "read timeout", "write timeout", "pool timeout", "total timeout",
        "connection refused", "connect failed", "tls error", "no response", "connection broken",
        "http N", "bad redirect", "redirect loop", "too many redirects", "too large",
        "unsupported encoding X", "decode error", "truncated body", "host throttled",
        "304 to an unconditional request".

        With host_throttle (article pages, which a poll fetches in bursts from one host), a host that
        answered one of them 429 (or 503 with Retry-After) is not asked for another until its wait is
        over: they fail at once with "host throttled" and the time left. A feed's own 429 is that
        feed's backoff only (its schedule honours Retry-After).
        """
        _validated(url, url)
        headers = {"accept": accept}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        host = _host(url)
        async with self._hosts.slot(host), self._global:
            if host_throttle:                 # after the wait for a slot: a 429 may have come meanwhile
                self._hosts.check_cooling(url, host)
            started = time.monotonic()
            try:
                async with asyncio.timeout(self._settings.total_timeout):
                    final_url, response, body, moved = await self._follow(url, headers)
            except TimeoutError:
                raise FetchError(url, "total timeout") from None
            except FetchError as exc:
                if host_throttle:
                    self._hosts.note_throttle(host, exc)
                raise
        lowered = MappingProxyType({k.lower(): v for k, v in response.headers.items()})
        return Response(url=final_url, status=response.status_code, headers=lowered, body=body,
                        etag=lowered.get("etag"), last_modified=lowered.get("last-modified"),
                        elapsed_ms=int((time.monotonic() - started) * 1000), moved_permanently=moved)

    async def _follow(self, url: str, headers: dict[str, str]) -> tuple[str, httpx.Response, bytes, bool]:
        """The final URL, response and body, and whether every redirect on the way was permanent.

        A redirect from https to plain http is followed (news sites with old redirect setups would
        otherwise lose their articles; every hop is still checked against private addresses) but
        logged as fetch.downgraded, and it never counts as a permanent move: a feed keeps being
        asked at its https URL rather than adopting the plain http one as its new home.
        """
        current, visited, hops, downgraded = url, set(), set(), False
        for _ in range(self._settings.max_redirects + 1):
            if not self._settings.allow_private_networks:
                await self._guard(url, current)
            visited.add(current)
            try:
                response = await self._client.send(self._client.build_request("GET", current, headers=headers),
                                                   stream=True)
            except httpx.HTTPError as exc:
                raise FetchError(url, _transport_reason(exc, "no response")) from None
            except (httpx.InvalidURL, UnicodeError):  # httpx pre-builds the next request from Location
                raise FetchError(url, "bad redirect") from None
            try:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise FetchError(url, "bad redirect", status=status)
                    try:
                        current = _validated(url, urljoin(current, location), "bad redirect")
                    except ValueError:  # urljoin on a malformed Location
                        raise FetchError(url, "bad redirect", status=status) from None
                    if current in visited:
                        raise FetchError(url, "redirect loop", status=status)
                    if is_downgrade(str(response.url), current):
                        downgraded = True
                        log.warning("fetch.downgraded", requested=url, from_url=origin_of(str(response.url)),
                                    to_url=origin_of(current), status=status,
                                    action="followed without transport security")
                    hops.add(status)
                    continue
                if status == 304:
                    if not {"if-none-match", "if-modified-since"} & headers.keys():
                        # Nothing was asked to be compared: taking it as "unchanged" would keep a feed
                        # empty (or a page textless) for ever while every poll looks healthy.
                        raise FetchError(url, "304 to an unconditional request", status=status)
                    return current, response, b"", _moved(hops, downgraded)
                if not 200 <= status < 300:
                    retry = parse_retry_after(response.headers.get("retry-after"),
                                              cap=self._settings.max_retry_after)
                    raise FetchError(url, f"http {status}", status=status, retry_after=retry)
                return current, response, await self._read_body(url, response), _moved(hops, downgraded)
            finally:
                await response.aclose()
        raise FetchError(url, "too many redirects")

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        limit = self._settings.max_bytes
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too large", status=response.status_code)
        decoders = [decoder_for(url, name) for name in encodings(response.headers)]
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                for decoder in decoders:
                    raw = decoder.decode(raw, limit - size + 1)
                size += len(raw)
                if size > limit:
                    raise FetchError(url, "too large", status=response.status_code)
                chunks.append(raw)
            tail = b""
            for decoder in decoders:
                tail = decoder.decode(tail, limit - size + 1) + decoder.flush()
            if not all(decoder.finished for decoder in decoders):   # cut off before its end
                raise FetchError(url, "truncated body", status=response.status_code)
        except httpx.HTTPError as exc:
            raise FetchError(url, _transport_reason(exc, "connection broken")) from None
        except Overflow:
            raise FetchError(url, "too large", status=response.status_code) from None
        except DECODE_ERRORS:
            raise FetchError(url, "decode error", status=response.status_code) from None
        if size + len(tail) > limit:
            raise FetchError(url, "too large", status=response.status_code)
        return b"".join(chunks) + tail

    async def _guard(self, url: str, current: str) -> None:
        """Refuse the hop when any address its host resolves to is not public."""
        parts = urlsplit(current)
        host = (parts.hostname or "").rstrip(".")
        try:
            addresses: Sequence[str] = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
                addresses = await self._resolve(host, port)
            except (OSError, UnicodeError, ValueError):
                raise FetchError(url, "dns") from None
        if not addresses:
            raise FetchError(url, "dns")
        for address in addresses:
            if is_blocked_address(address):
                raise FetchError(url, f"blocked private address {address}")

def _moved(hops: set[int], downgraded: bool) -> bool:
    """A move to adopt: redirects happened, all permanent, and none of them gave up https."""
    return bool(hops) and hops <= PERMANENT_REDIRECTS and not downgraded


def _host(url: str) -> str:
    try:
        return host_of(url)
    except ValueError:
        return (urlsplit(url).hostname or "").lower()


def _validated(url: str, candidate: str, invalid: str = "invalid url") -> str:
    """candidate if it is an http(s) URL with a host that httpx accepts, else FetchError."""
    try:
        parts = urlsplit(candidate)
        scheme = parts.scheme.lower()
        if scheme and scheme not in SCHEMES:
            raise FetchError(url, f"unsupported scheme {scheme}")
        if not scheme or not parts.hostname or parts.port == 0:
            raise FetchError(url, invalid)
        sent = httpx.URL(candidate)  # host encoding (IDNA), control characters
        if sent.scheme not in SCHEMES or not sent.host:
            raise FetchError(url, invalid)   # " http://a": urlsplit strips the space, httpx does not
    except (ValueError, UnicodeError, httpx.InvalidURL):
        raise FetchError(url, invalid) from None
    return candidate


def _transport_reason(exc: httpx.HTTPError, disconnected: str) -> str:
    """Map httpx's exceptions to the few stable reasons we store."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, httpx.TimeoutException):
        return {httpx.ReadTimeout: "read timeout", httpx.WriteTimeout: "write timeout"}.get(
            type(exc), "pool timeout")
    if isinstance(exc, httpx.ConnectError):
        causes = _causes(exc)
        blocked = next((c for c in causes if isinstance(c, PeerBlocked)), None)
        if blocked is not None:
            return f"{BLOCKED} {blocked.address}"
        if any(isinstance(c, socket.gaierror) for c in causes):
            return "dns"
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return "connection refused"
        if any(isinstance(c, ssl.SSLError) for c in causes) or "ssl" in str(exc).lower():
            return "tls error"
        return "connect failed"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return disconnected
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return "invalid url"
    return f"http error {type(exc).__name__}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
