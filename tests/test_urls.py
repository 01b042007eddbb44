"""canonical_url: one spelling per article; host_of and scheme_twin built on it."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from daemon.urls import canonical_url, host_of, scheme_twin, url_rules


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://Example.COM/News", "http://example.com/News"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
    ("https://example.com/a?fbclid=XYZ&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref=home&cmpid=5", "https://example.com/a"),
    ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1&c=3", "https://example.com/a?a=1&b=2&c=3"),
    ("https://www.example.com/a", "https://example.com/a"),
    ("https://m.example.com/a", "https://example.com/a"),
    ("https://amp.example.com/a", "https://example.com/a"),
    ("https://www.m.example.com/a", "https://example.com/a"),
    ("https://example.com/story/amp", "https://example.com/story"),
    ("https://example.com/amp/story", "https://example.com/story"),
    ("https://example.com/story?amp", "https://example.com/story"),
    ("https://example.com/story?amp=1&id=4", "https://example.com/story?id=4"),
    ("https://example.com/story.amp.html", "https://example.com/story.html"),
    ("https://example.com/news/", "https://example.com/news"),
    ("https://example.com/", "https://example.com/"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com//news///2024//a", "https://example.com/news/2024/a"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("https://example.com/%7euser", "https://example.com/~user"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("  https://example.com/a\n", "https://example.com/a"),
    ("https://example.com./a", "https://example.com/a"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ("http://127.0.0.1:8000/feed.xml", "http://127.0.0.1:8000/feed.xml"),
])
def test_canonical_url_applies_each_rule(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_two_host_labels_keep_their_prefix() -> None:
    assert canonical_url("https://m.co/a") == "https://m.co/a"


def test_relative_url_is_joined_with_base() -> None:
    assert canonical_url("../b/c/", base="https://www.example.com/x/y/z") == "https://example.com/x/b/c"


def test_protocol_relative_url_takes_the_base_scheme() -> None:
    assert canonical_url("//example.org/a", base="https://example.com/") == "https://example.org/a"


def test_query_flag_without_value_stays_distinct_from_empty_value() -> None:
    assert canonical_url("https://example.com/?q") == "https://example.com/?q"


@pytest.mark.parametrize("url", [
    "ftp://example.com/file", "mailto:desk@example.com", "javascript:alert(1)", "file:///etc/passwd",
    "data:text/html,hi", "/relative/path", "", "http://", "http:///path", "http://exa mple.com/",
    "http://example.com:99999/",
])
def test_canonical_url_refuses_what_is_not_an_http_url(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


def test_host_of_strips_port_and_www() -> None:
    assert host_of("https://WWW.Example.com:8443/a") == "example.com"


def test_host_of_keeps_an_ip_address() -> None:
    assert host_of("http://127.0.0.1:9000/feed") == "127.0.0.1"


def test_the_scheme_twin_of_a_canonical_url_swaps_http_and_https() -> None:
    assert scheme_twin(canonical_url("http://www.example.com/a/")) == canonical_url("https://example.com/a")
    assert scheme_twin("https://example.com/a?b=1") == "http://example.com/a?b=1"
    assert scheme_twin("ftp://example.com/a") == "ftp://example.com/a"


def test_tracking_rules_come_from_the_data_file() -> None:
    assert "fbclid" in url_rules().tracking_params


# property tests ----------------------------------------------------------------------------
_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_unicode_label = st.text(st.characters(whitelist_categories=("Ll",), max_codepoint=0x24F), min_size=1, max_size=8)
_host = st.builds(
    lambda prefix, labels, tld: ".".join([*prefix, *labels, tld]),
    st.lists(st.sampled_from(["www", "m", "amp", "mobile", "WWW"]), max_size=2),
    st.lists(st.one_of(_label, _unicode_label), min_size=1, max_size=3),
    st.sampled_from(["com", "org", "ml", "example"]),
)
_path_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_http_url = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    _host,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _path_text,
)


@settings(max_examples=300, deadline=None)
@given(_http_url)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@settings(max_examples=300, deadline=None)
@given(_http_url)
def test_canonical_url_never_raises_on_http_urls(url: str) -> None:
    assert canonical_url(url).startswith(("http://", "https://"))


@settings(max_examples=200, deadline=None)
@given(_path_text, _path_text)
def test_canonical_url_of_a_relative_link_is_idempotent(link: str, base_path: str) -> None:
    try:
        once = canonical_url(link, base="https://www.example.com/" + base_path)
    except ValueError:  # the link names another scheme ("mailto:…"): refused, as it should be
        assume(False)
    assert canonical_url(once) == once
