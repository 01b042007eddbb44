"""Undoing a response's Content-Encoding (gzip, deflate, br) under a size cap, chunk by chunk.

Each step's output is capped, so a compression bomb fails as "too large" without ever inflating
in memory; daemon/fetch.py turns Overflow and DECODE_ERRORS into FetchError reasons.
"""

from __future__ import annotations

import zlib

import brotli
import httpx

from daemon.errors import FetchError

GZIP_MAGIC = 0x1F


def encodings(headers: httpx.Headers) -> list[str]:
    """Content-Encoding names in the order to undo them (the last applied first)."""
    names = [n.strip().lower() for n in headers.get("content-encoding", "").split(",")]
    return [n for n in reversed(names) if n and n != "identity"]


class Overflow(Exception):
    """A decoder produced more than the size budget allows."""


DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error, brotli.error)


class Passthrough:
    def decode(self, data: bytes, limit: int) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""

    @property
    def finished(self) -> bool:
        return True


class ZlibDecoder:
    """gzip/deflate with a cap on each step's output. A gzip body may be several members one after
    another (RFC 1952 2.2, what `cat a.gz b.gz` makes); each is inflated in turn, none dropped."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._inflater: zlib._Decompress | None = None
        self._trailer_ignored = False   # bytes after the last member that start no new one

    def decode(self, data: bytes, limit: int) -> bytes:
        out: list[bytes] = []
        while data and not self._trailer_ignored:
            if self._inflater is None:
                # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
                zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                self._inflater = zlib.decompressobj(47 if self._gzip else (15 if zlib_header else -15))
            elif self._inflater.eof:
                if not self._gzip:
                    break
                data = data.lstrip(b"\0")   # gzip(1) also allows zero padding between members
                if not data:
                    break
                if data[0] != GZIP_MAGIC:
                    self._trailer_ignored = True
                    break
                self._inflater = zlib.decompressobj(47)
            produced = self._inflater.decompress(data, max(1, limit))
            if self._inflater.unconsumed_tail:
                raise Overflow()
            out.append(produced)
            limit -= len(produced)
            data = self._inflater.unused_data if self._gzip and self._inflater.eof else b""
        return b"".join(out)

    def flush(self) -> bytes:
        return self._inflater.flush() if self._inflater is not None else b""

    @property
    def finished(self) -> bool:
        """True once the last member's end (and, for gzip, its checksum) arrived: a stream the server
        cut off mid-way must not pass for a whole body. An empty body is finished too (a 204-like 200)."""
        return self._inflater is None or self._inflater.eof


class BrotliDecoder:
    """brotli with the same cap: its ratio is far above gzip's, so one small chunk can be a bomb."""

    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()
        self._started = False

    def decode(self, data: bytes, limit: int) -> bytes:
        if not data:
            return b""
        self._started = True
        out = self._inflater.process(data, output_buffer_limit=max(1, limit))
        if not self._inflater.can_accept_more_data():     # output is still waiting beyond the cap
            raise Overflow()
        return out

    def flush(self) -> bytes:
        return b""

    @property
    def finished(self) -> bool:
        """True once the brotli stream's last block arrived, or when no byte came at all."""
        return not self._started or self._inflater.is_finished()


def decoder_for(url: str, name: str) -> Passthrough | ZlibDecoder | BrotliDecoder:
    if name in ("gzip", "x-gzip"):
        return ZlibDecoder(gzip=True)
    if name == "deflate":
        return ZlibDecoder(gzip=False)
    if name == "br":
        return BrotliDecoder()
    raise FetchError(url, f"unsupported encoding {name}")
