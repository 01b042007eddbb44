"""parse_feed on our fixture feeds: every format, every bad input, and random bytes."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from daemon.errors import FeedParseError
from daemon.feeds import ParsedFeed, declares_expanding_entities, html_to_text, parse_feed
from daemon.newsroom import Newsroom

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
XML = {"content-type": "application/rss+xml"}


def parse(name: str, url: str = "https://feeds.example/dir/feed.xml",
          headers: dict[str, str] | None = None) -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), url, XML if headers is None else headers)


def parse_error(body: bytes, headers: dict[str, str] | None = None) -> str:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, "https://feeds.example/feed.xml", headers)
    return caught.value.reason


# formats -------------------------------------------------------------------------------------
def test_rss20_yields_its_items_in_order() -> None:
    titles = [e.title for e in parse("rss20.xml").entries]
    assert titles == ["Water tankers reach Gao after the bridge repair", "Niamey council approves a new market hall"]


def test_rss20_entry_carries_link_guid_author_and_date() -> None:
    entry = parse("rss20.xml").entries[0]
    assert (entry.link, entry.guid, entry.author, entry.published_at) == (
        "https://desert-ledger.example/2024/05/water-tankers-gao", "dl-2024-0511", "Awa Traoré",
        datetime(2024, 5, 11, 7, 30, tzinfo=timezone.utc))


def test_rss20_content_encoded_becomes_content_html() -> None:
    assert parse("rss20.xml").entries[0].content_html.startswith("<p>Tankers crossed")


def test_html_summary_becomes_plain_text_with_paragraphs() -> None:
    assert parse("rss20.xml").entries[0].summary == "Tankers crossed the repaired bridge at dawn.\n\nResidents queued for hours."


def test_feed_title_and_site_url_are_read() -> None:
    feed = parse("rss20.xml")
    assert (feed.title, feed.site_url, feed.bozo_reason) == ("Desert Ledger", "https://desert-ledger.example/", None)


def test_rss091_with_netscape_doctype_is_parsed() -> None:
    assert parse("rss091.xml").entries[0].link == "http://old-wire.example/stories/segou-harvest.html"


def test_rss10_rdf_is_parsed_with_dublin_core_date() -> None:
    entry = parse("rss10_rdf.xml").entries[0]
    assert (entry.title, entry.published_at) == (
        "Ferry timetable changes on the Niger river", datetime(2024, 3, 2, 7, 15, tzinfo=timezone.utc))


def test_atom_published_date_is_converted_to_utc() -> None:
    assert parse("atom.xml").entries[0].published_at == datetime(2024, 4, 20, 2, 40, tzinfo=timezone.utc)


def test_atom_entry_without_published_falls_back_to_updated() -> None:
    assert parse("atom.xml").entries[1].published_at == datetime(2024, 4, 18, 10, 0, tzinfo=timezone.utc)


def test_atom_html_title_is_reduced_to_text() -> None:
    assert parse("atom.xml").entries[0].title == "Schools reopen in Mopti region"


def test_atom_plain_text_content_is_not_content_html() -> None:
    assert parse("atom.xml").entries[1].content_html is None


def test_utf16_feed_is_parsed() -> None:
    assert parse("utf16.xml").entries[0].title == "Tombouctou manuscripts digitised"


# links -----------------------------------------------------------------------------------------
def test_atom_link_is_resolved_against_xml_base() -> None:
    assert parse("atom.xml").entries[0].link == "https://plateau-times.example/world/schools-reopen-mopti"


def test_atom_root_relative_link_is_resolved_against_xml_base_host() -> None:
    assert parse("atom.xml").entries[1].link == "https://plateau-times.example/business/fuel-prices"


def test_links_inside_content_are_resolved() -> None:
    assert 'href="https://plateau-times.example/africa/mopti"' in parse("atom.xml").entries[0].content_html


def test_root_relative_item_link_is_resolved_against_the_feed_url() -> None:
    assert parse("relative_links.xml").entries[0].link == "https://feeds.example/health/night-ward"


def test_path_relative_item_link_is_resolved_against_the_feed_directory() -> None:
    assert parse("relative_links.xml").entries[1].link == "https://feeds.example/dir/culture/library-hours"


def test_relative_channel_link_is_resolved() -> None:
    assert parse("relative_links.xml").site_url == "https://feeds.example/"


def test_entry_without_link_has_none_and_keeps_its_guid() -> None:
    entry = parse("no_links.xml").entries[0]
    assert (entry.link, entry.guid) == (None, "note-17")


def test_javascript_link_is_dropped() -> None:
    assert parse("no_links.xml").entries[1].link is None


def test_permalink_guid_stands_in_for_a_missing_link() -> None:
    body = (b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
            b'<guid>https://feeds.example/a/permalink</guid></item></channel></rss>')
    assert parse_feed(body, "https://feeds.example/feed.xml").entries[0].link == "https://feeds.example/a/permalink"


# charsets --------------------------------------------------------------------------------------
def test_windows_1252_declared_as_utf8_is_decoded_as_windows_1252() -> None:
    assert parse("windows1252_declared_utf8.xml").entries[0].title == "Minister’s visit to Kayes — “welcome”"


def test_wrong_charset_is_noted_as_the_bozo_reason() -> None:
    assert parse("windows1252_declared_utf8.xml").bozo_reason.startswith("encoding:")


def test_latin1_without_declaration_is_decoded() -> None:
    assert parse("latin1_undeclared.xml").entries[0].title == "Récolte record à Ségou"


def test_charset_from_the_http_header_is_honoured() -> None:
    feed = parse("latin1_undeclared.xml", headers={"content-type": "application/xml; charset=iso-8859-1"})
    assert (feed.entries[0].title, feed.bozo_reason) == ("Récolte record à Ségou", None)


# bad input -------------------------------------------------------------------------------------
def test_bozo_feed_with_entries_is_used() -> None:
    assert len(parse("bozo_usable.xml").entries) == 2


def test_bozo_feed_keeps_feedparsers_reason() -> None:
    assert parse("bozo_usable.xml").bozo_reason.startswith("malformed xml:")


def test_html_page_at_a_feed_url_is_refused() -> None:
    assert parse_error((FEEDS / "html_page.html").read_bytes(), {"content-type": "text/html"}) == "not a feed (html page)"


def test_html_page_is_recognised_without_a_content_type() -> None:
    assert parse_error((FEEDS / "html_page.html").read_bytes()) == "not a feed (html page)"


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\xef\xbb\xbf"])
def test_empty_body_is_refused(body: bytes) -> None:
    assert parse_error(body) == "empty body"


def test_empty_but_valid_feed_has_zero_entries() -> None:
    feed = parse("empty_feed.xml")
    assert (feed.title, feed.entries) == ("Quiet Gazette", ())


def test_truncated_feed_without_entries_is_malformed() -> None:
    assert parse_error((FEEDS / "truncated.xml").read_bytes()).startswith("malformed xml: ")


def test_well_formed_xml_that_is_not_a_feed_has_no_entries() -> None:
    assert parse_error((FEEDS / "not_a_feed.xml").read_bytes()) == "no entries"


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    assert parse_error((FEEDS / "billion_laughs.xml").read_bytes()) == "entity declarations refused"
    assert time.monotonic() - started < 1


def test_external_entity_is_refused() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"/>'
    assert parse_error(body) == "entity declarations refused"


def test_parameter_entity_is_refused() -> None:
    assert declares_expanding_entities(b'<!DOCTYPE r [<!ENTITY % p "<!ENTITY q \'x\'>"> %p;]><r/>')


def test_entity_declarations_after_a_comment_holding_a_tag_are_refused() -> None:
    body = (b'<?xml version="1.0"?><!-- mirrored from <a href="/">the desk</a> -->'
            b'<!DOCTYPE rss [<!ENTITY w "wow"><!ENTITY ww "&w;&w;&w;&w;">]><rss version="2.0"/>')
    assert declares_expanding_entities(body)


def test_entity_declarations_after_an_entity_value_holding_a_tag_are_refused() -> None:
    body = b'<!DOCTYPE rss [<!ENTITY mark "<b>"><!ENTITY ww "&mark;&mark;">]><rss version="2.0"/>'
    assert declares_expanding_entities(body)


def test_long_entity_value_is_refused_as_a_quadratic_blowup() -> None:
    assert declares_expanding_entities(b'<!DOCTYPE r [<!ENTITY big "' + b"a" * 5000 + b'">]><r>&big;&big;</r>')


def test_utf16_entity_bomb_is_refused() -> None:
    assert declares_expanding_entities((FEEDS / "billion_laughs.xml").read_text().encode("utf-16"))


def test_character_reference_entities_are_allowed() -> None:
    assert parse("safe_entities.xml").entries[0].title == "Dust storm warning for Agadez"


def test_entity_text_inside_content_is_not_mistaken_for_a_declaration() -> None:
    body = (b'<rss version="2.0"><channel><title>XML news</title><item><title>On &lt;!ENTITY&gt;</title>'
            b'<link>https://feeds.example/a</link><description><![CDATA[<!ENTITY a "&b;">]]></description>'
            b'</item></channel></rss>')
    assert parse_feed(body, "https://feeds.example/feed.xml").entries[0].title == "On <!ENTITY>"


def test_body_naming_a_url_is_never_fetched(newsroom: Newsroom) -> None:
    url = newsroom.add("/feed.xml", (FEEDS / "rss20.xml").read_bytes())
    with pytest.raises(FeedParseError):
        parse_feed(url.encode(), url)
    assert newsroom.count("/feed.xml") == 0


def test_body_naming_a_local_file_is_never_opened() -> None:
    path = str(FEEDS / "rss20.xml").encode()
    with pytest.raises(FeedParseError):
        parse_feed(path, "https://feeds.example/feed.xml")


def test_html_to_text_drops_scripts_and_keeps_blocks() -> None:
    assert html_to_text("<p>One &amp; two</p><script>x()</script><div>Three</div>") == "One & two\n\nThree"


# property tests ------------------------------------------------------------------------------
_PREFIX = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>'


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_give_a_feed_or_a_feed_parse_error(body: bytes) -> None:
    try:
        assert isinstance(parse_feed(body, "https://feeds.example/feed.xml"), ParsedFeed)
    except FeedParseError as error:
        assert error.reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=1024), st.sampled_from([None, {"content-type": "text/html; charset=utf-7"},
                                                 {"content-type": "application/xml; charset=bogus"}]))
def test_damaged_feeds_give_a_feed_or_a_feed_parse_error(tail: bytes, headers: dict[str, str] | None) -> None:
    try:
        assert isinstance(parse_feed(_PREFIX + tail, "https://feeds.example/feed.xml", headers), ParsedFeed)
    except FeedParseError as error:
        assert error.reason
