"""A redirect from https to plain http loses transport security on the way: the fetcher follows it (a
news site's old redirect setup must not cost its articles) but says so in a fetch.downgraded event,
and never adopts the plain http URL as a feed's new home. Tested with a real TLS newsroom whose
self-signed certificate the fetcher is told to trust, redirecting to a plain http newsroom."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from structlog.testing import capture_logs

from daemon.fetch import Fetcher, Response
from daemon.newsroom import Newsroom
from daemon.urls import is_downgrade
from tests.test_fetch import FAST


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command line (.ci/run installs it)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


@pytest.fixture
def secure_newsroom(certificate) -> Iterator[Newsroom]:
    with Newsroom(tls=certificate) as server:
        yield server


def fetch_trusting(url: str, cert: str) -> Response:
    async def go() -> Response:
        transport = httpx.AsyncHTTPTransport(verify=ssl.create_default_context(cafile=cert))
        async with Fetcher(FAST, transport=transport) as fetcher:
            return await fetcher.get(url)
    return asyncio.run(go())


def test_https_page_redirected_to_http_is_fetched_and_logged_as_a_downgrade(secure_newsroom, newsroom,
                                                                             certificate) -> None:
    plain = newsroom.add("/story", b"<html><body>Gao market reopens</body></html>")
    start = secure_newsroom.add_fault("/story", "redirect", to=plain + "?session=s3cret", status=302)
    with capture_logs() as events:
        response = fetch_trusting(start, certificate[0])
    assert response.body == b"<html><body>Gao market reopens</body></html>"
    (event,) = [e for e in events if e["event"] == "fetch.downgraded"]
    assert event["requested"] == start          # which feed or page asked: the URL we were given
    assert event["from_url"] == f"https://127.0.0.1:{secure_newsroom.port}"
    assert event["to_url"] == f"http://127.0.0.1:{newsroom.port}"
    assert "s3cret" not in repr(event)


def test_a_permanent_move_from_https_to_http_is_not_taken_as_a_new_home(secure_newsroom, newsroom,
                                                                        certificate) -> None:
    plain = newsroom.add("/rss.xml", b"<rss version='2.0'><channel><title>T</title></channel></rss>")
    start = secure_newsroom.add_fault("/rss.xml", "redirect", to=plain, status=301)
    response = fetch_trusting(start, certificate[0])
    assert response.status == 200
    assert response.moved_permanently is False


@pytest.mark.parametrize(("from_url", "to_url", "downgrade"), [
    ("https://news.example/a", "http://news.example/a", True),
    ("HTTPS://news.example/a", "HTTP://cdn.example/b?x=1", True),
    ("https://news.example/a", "https://news.example/b", False),
    ("http://news.example/a", "https://news.example/a", False),
    ("http://news.example/a", "http://other.example/a", False),
])
def test_only_a_hop_from_https_to_http_counts_as_a_downgrade(from_url, to_url, downgrade) -> None:
    assert is_downgrade(from_url, to_url) is downgrade
