"""A loopback newsroom: an HTTP/1.1 server on 127.0.0.1 serving feeds and pages we register, with
ETags, 304s and the faults real sites produce (slow, endless, oversized, broken, loops, 429s).

The demo and the tests use it so that nothing ever needs the internet. It records every request.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import mimetypes
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FAULT_KINDS = frozenset({"slow", "endless", "oversized", "status", "redirect", "redirect_loop",
                         "gzip", "broken", "drop", "always_304"})
_CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".rss": "application/rss+xml; charset=utf-8",
                  ".atom": "application/atom+xml; charset=utf-8", ".html": "text/html; charset=utf-8",
                  ".htm": "text/html; charset=utf-8", ".json": "application/json", ".txt": "text/plain; charset=utf-8"}
_CHUNK = 16 * 1024


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the newsroom received: path without query, full target, lower-cased headers."""

    method: str
    path: str
    target: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Route:
    kind: str                       # "page" or one of FAULT_KINDS
    body: bytes = b""
    content_type: str = "application/octet-stream"
    etag: str | None = None
    last_modified: datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()
    opts: Mapping[str, Any] = field(default_factory=dict)


def guess_content_type(path: str) -> str:
    suffix = Path(urlsplit(path).path).suffix.lower()
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class Newsroom:
    """Loopback HTTP server with registered routes; use as a context manager or start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, tls: tuple[str, str] | None = None) -> None:
        """tls: (certificate file, key file) to serve https instead of http, for tests of what
        happens between the two (a client must be told to trust that certificate)."""
        self._address = (host, port)
        self._tls = tls
        self._routes: dict[str, _Route] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> Newsroom:
        self.stopping.clear()
        server = _Server(self._address, _Handler)
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            # the handshake happens in the handler's thread, so a client that stalls blocks no one else
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.newsroom = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="newsroom", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wake handler threads blocked on keep-alive reads or slow writes
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._server = None

    def __enter__(self) -> Newsroom:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("newsroom is not running")
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{path.lstrip('/')}"

    # routes ----------------------------------------------------------------------------------
    def add(self, path: str, body: bytes, content_type: str | None = None, etag: bool | str = True,
            last_modified: datetime | str | None = None, headers: Mapping[str, str] | None = None) -> str:
        """Serve body at path (replacing what was there); returns the route's URL."""
        tag = None
        if etag is True:
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        elif isinstance(etag, str):
            tag = etag if etag.startswith(('"', 'W/"')) else f'"{etag}"'
        if isinstance(last_modified, str):
            last_modified = email.utils.parsedate_to_datetime(last_modified)
        self._set(path, _Route("page", body, content_type or guess_content_type(path), tag, last_modified,
                               tuple((headers or {}).items())))
        return self.url(path)

    def add_directory(self, folder: Path | str, prefix: str = "/") -> int:
        """Serve every file under folder at prefix + its relative path; returns how many."""
        root = Path(folder)
        files = [p for p in sorted(root.rglob("*")) if p.is_file()]
        for file in files:
            self.add(prefix.rstrip("/") + "/" + file.relative_to(root).as_posix(), file.read_bytes())
        return len(files)

    def add_fault(self, path: str, kind: str, **opts: Any) -> str:
        """Serve a fault at path. Options by kind:

        slow: delay (s, before the body), trickle (s between chunks of `chunk` bytes), body
        endless: chunk (bytes per write) · oversized: size (bytes), declare_length (default True)
        status: status, retry_after, body · redirect: to (path or URL), status (default 302)
        redirect_loop: (none) · gzip: body, content_type · broken: body · drop: (none)
        always_304: etag (sent with it, if given): "304 Not Modified" whether or not the request was
        conditional, as a misconfigured cache in front of a site does
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        content_type = opts.pop("content_type", None) or guess_content_type(path)
        self._set(path, _Route(kind, opts.pop("body", b""), content_type, opts=opts))
        return self.url(path)

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(_route_key(path), None)

    def _set(self, path: str, route: _Route) -> None:
        with self._lock:
            self._routes[_route_key(path)] = route

    def _route(self, path: str) -> _Route | None:
        with self._lock:
            return self._routes.get(path)

    # request log -----------------------------------------------------------------------------
    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        with self._lock:
            return tuple(self._requests)

    def count(self, path: str) -> int:
        """Requests received for path (the target with its query when path has one)."""
        with_query = "?" in path
        with self._lock:
            return sum(1 for r in self._requests if (r.target if with_query else r.path) == path)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, active: bool) -> None:
        with self._lock:
            (self._connections.add if active else self._connections.discard)(conn)


def _route_key(path: str) -> str:
    return "/" + urlsplit(path).path.lstrip("/")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    newsroom: Newsroom

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-response is the point of several routes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.newsroom._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.newsroom._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        newsroom = self.server.newsroom
        path = urlsplit(self.path).path
        newsroom._record(RecordedRequest(self.command, path, self.path,
                                         {k.lower(): v for k, v in self.headers.items()}))
        route = newsroom._route(path)
        try:
            if route is None:
                self._reply(404, b"not found\n", "text/plain; charset=utf-8", head=head)
            elif route.kind == "page":
                self._page(route, head)
            elif head:
                self._reply(405, b"", "text/plain", head=True)
            else:
                getattr(self, "_fault_" + route.kind)(route, route.opts)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    def _page(self, route: _Route, head: bool) -> None:
        headers = list(route.headers)
        if route.etag:
            headers.append(("ETag", route.etag))
        if route.last_modified:
            headers.append(("Last-Modified", email.utils.format_datetime(_utc(route.last_modified), usegmt=True)))
        if self._not_modified(route):
            self._start(304, headers)
            self.end_headers()
            return
        self._reply(200, route.body, route.content_type, headers, head=head)

    def _not_modified(self, route: _Route) -> bool:
        """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            if route.etag is None:
                return False
            wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in wanted or route.etag.removeprefix("W/") in wanted
        since = self.headers.get("If-Modified-Since")
        if since and route.last_modified:
            try:
                return _utc(email.utils.parsedate_to_datetime(since)) >= _utc(route.last_modified).replace(microsecond=0)
            except (TypeError, ValueError):
                return False
        return False

    # faults ----------------------------------------------------------------------------------
    def _fault_slow(self, route: _Route, opts: Mapping[str, Any]) -> None:
        body = route.body or b"slow body\n" * 8
        self._start(200, [("Content-Type", route.content_type), ("Content-Length", str(len(body)))])
        self.end_headers()
        self.wfile.flush()
        if self._wait(float(opts.get("delay", 0.0))):
            return
        trickle, size = opts.get("trickle"), int(opts.get("chunk", 1))
        if not trickle:
            self.wfile.write(body)
            return
        for start in range(0, len(body), size):
            if start and self._wait(float(trickle)):
                return
            self.wfile.write(body[start:start + size])
            self.wfile.flush()

    def _fault_endless(self, route: _Route, opts: Mapping[str, Any]) -> None:
        self._start(200, [("Content-Type", route.content_type), ("Transfer-Encoding", "chunked")])
        self.end_headers()
        chunk = b"x" * int(opts.get("chunk", _CHUNK))
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not self.server.newsroom.stopping.is_set():
            self.wfile.write(frame)
        self.close_connection = True

    def _fault_oversized(self, route: _Route, opts: Mapping[str, Any]) -> None:
        size = int(opts.get("size", 20 * 1024 * 1024))
        headers = [("Content-Type", route.content_type)]
        if opts.get("declare_length", True):
            headers.append(("Content-Length", str(size)))
        else:
            headers.append(("Connection", "close"))
            self.close_connection = True
        self._start(200, headers)
        self.end_headers()
        chunk = b"y" * _CHUNK
        for start in range(0, size, _CHUNK):
            if self.server.newsroom.stopping.is_set():
                return
            self.wfile.write(chunk[: min(_CHUNK, size - start)])

    def _fault_status(self, route: _Route, opts: Mapping[str, Any]) -> None:
        headers = [("Retry-After", str(opts["retry_after"]))] if "retry_after" in opts else []
        status = int(opts.get("status", 500))
        self._reply(status, route.body or f"status {status}\n".encode(), "text/plain; charset=utf-8", headers)

    def _fault_redirect(self, route: _Route, opts: Mapping[str, Any]) -> None:
        self._redirect(str(opts["to"]), int(opts.get("status", 302)))

    def _fault_redirect_loop(self, route: _Route, opts: Mapping[str, Any]) -> None:
        target = urlsplit(self.path)
        self._redirect(target.path if target.query else target.path + "?again=1", 302)

    def _fault_gzip(self, route: _Route, opts: Mapping[str, Any]) -> None:
        self._reply(200, gzip.compress(route.body, mtime=0), route.content_type, [("Content-Encoding", "gzip")])

    def _fault_broken(self, route: _Route, opts: Mapping[str, Any]) -> None:
        body = route.body or b"z" * 4096
        self._start(200, [("Content-Type", route.content_type), ("Content-Length", str(len(body)))])
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self._hang_up()

    def _fault_always_304(self, route: _Route, opts: Mapping[str, Any]) -> None:
        self._start(304, [("ETag", str(opts["etag"]))] if "etag" in opts else [])
        self.end_headers()

    def _fault_drop(self, route: _Route, opts: Mapping[str, Any]) -> None:
        self._hang_up()

    # helpers ---------------------------------------------------------------------------------
    def _redirect(self, to: str, status: int) -> None:
        self._reply(status, b"", "text/plain", [("Location", to)])

    def _start(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)

    def _reply(self, status: int, body: bytes, content_type: str,
               headers: list[tuple[str, str]] | None = None, head: bool = False) -> None:
        self._start(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *(headers or [])])
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake at once when the newsroom stops; True means stop now."""
        return self.server.newsroom.stopping.wait(seconds)

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
