"""parse_feed on JSON Feed 1 / 1.1 bodies: the same Entry values as RSS and Atom, and clear reasons
for JSON that is broken or is not a JSON Feed."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from daemon.errors import FeedParseError
from daemon.feeds import ParsedFeed, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED_URL = "https://feeds.harmattan-dispatch.example/all.json"
JSON_FEED = {"content-type": "application/feed+json"}
VERSION_11 = "https://jsonfeed.org/version/1.1"


def dispatch() -> ParsedFeed:
    return parse_feed((FEEDS / "jsonfeed11.json").read_bytes(), FEED_URL, JSON_FEED)


def feed_of(items: list, **fields) -> bytes:
    return json.dumps({"version": VERSION_11, "title": "Sahel Notes", **fields, "items": items}).encode()


def reason_for(body: bytes) -> str:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, FEED_URL, {"content-type": "application/json"})
    return caught.value.reason


# the realistic 1.1 feed ------------------------------------------------------------------------
def test_feed_title_and_home_page_fill_the_feed_metadata() -> None:
    parsed = dispatch()
    assert (parsed.title, parsed.site_url, parsed.bozo_reason) == (
        "Harmattan Dispatch", "https://harmattan-dispatch.example/", None)


def test_items_come_in_order_with_their_ids_as_guids() -> None:
    assert [entry.guid for entry in dispatch().entries] == ["hd-2026-1104", "2026110502", "hd-2026-1106"]


def test_html_item_keeps_sanitized_html_with_absolute_links() -> None:
    entry = dispatch().entries[0]
    assert entry.content_html == ('<p>The river ferry at <a href="https://harmattan-dispatch.example/places/ansongo">'
                                  'Ansongo</a> carried its first trucks on Tuesday.</p><p>Traders expect grain prices '
                                  'to ease.</p>')


def test_html_item_summary_is_the_items_own_summary_as_plain_text() -> None:
    assert dispatch().entries[0].summary == "The river ferry is running again."


def test_dates_with_offsets_become_utc_and_modified_is_the_revision_stamp() -> None:
    entry = dispatch().entries[0]
    assert (entry.published_at, entry.updated_at) == (datetime(2026, 11, 4, 8, 15, tzinfo=timezone.utc),
                                                     datetime(2026, 11, 4, 11, 40, tzinfo=timezone.utc))


def test_authors_list_is_joined_by_name() -> None:
    assert dispatch().entries[0].author == "Mariam Cissé, Ousmane Diallo"


def test_relative_item_url_is_resolved_against_the_home_page() -> None:
    assert dispatch().entries[1].link == "https://harmattan-dispatch.example/2026/11/tillaberi-clinic"


def test_text_item_gives_its_text_as_summary_and_as_escaped_paragraphs() -> None:
    entry = dispatch().entries[1]
    assert entry.summary == ("Nurses at the new clinic started vaccinations on Monday.\n\n"
                             "The panels were installed by a village cooperative.")
    assert entry.content_html == ("<p>Nurses at the new clinic started vaccinations on Monday.</p>"
                                  "<p>The panels were installed by a village cooperative.</p>")


def test_negative_offset_is_applied_and_item_without_authors_inherits_the_feeds() -> None:
    entry = dispatch().entries[1]
    assert (entry.published_at, entry.author) == (datetime(2026, 11, 5, 10, 30, tzinfo=timezone.utc), "Dispatch desk")


def test_language_of_the_item_wins_over_the_feeds() -> None:
    assert [entry.language for entry in dispatch().entries] == ["en", "fr-NE", "en"]


def test_item_without_url_links_to_its_external_url() -> None:
    assert dispatch().entries[2].link == "https://wire.example/sahel/road-report"


def test_version_one_author_object_is_read() -> None:
    assert dispatch().entries[2].author == "Former single author"


def test_html_item_without_summary_gets_the_text_of_its_html() -> None:
    assert dispatch().entries[2].summary == "Worth reading: road conditions east of Menaka."


# versions and smaller shapes -------------------------------------------------------------------
@pytest.mark.parametrize("version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1",
                                     "https://www.jsonfeed.org/version/1.1"])
def test_version_one_and_one_point_one_are_read(version: str) -> None:
    body = json.dumps({"version": version, "title": "V", "items": [{"id": "a", "url": "https://v.example/a"}]})
    assert [entry.link for entry in parse_feed(body.encode(), FEED_URL).entries] == ["https://v.example/a"]


def test_relative_url_without_home_page_is_resolved_against_the_feed_url() -> None:
    (entry,) = parse_feed(feed_of([{"id": "x", "url": "/2026/x"}]), FEED_URL).entries
    assert entry.link == "https://feeds.harmattan-dispatch.example/2026/x"


def test_empty_items_list_is_a_valid_empty_feed() -> None:
    assert parse_feed(feed_of([]), FEED_URL).entries == ()


def test_byte_order_mark_and_leading_whitespace_are_accepted() -> None:
    body = b"\xef\xbb\xbf \n" + feed_of([{"id": "a", "url": "https://v.example/a"}])
    assert len(parse_feed(body, FEED_URL).entries) == 1


def test_fields_of_the_wrong_type_count_as_missing() -> None:
    (entry,) = parse_feed(feed_of([{"id": "a", "url": 7, "title": ["x"], "date_published": 2026,
                                    "authors": "nobody", "content_html": {"p": 1}}]), FEED_URL).entries
    assert (entry.link, entry.title, entry.published_at, entry.author, entry.content_html) == (
        None, "", None, None, None)


def test_unreadable_date_is_none_not_an_error() -> None:
    (entry,) = parse_feed(feed_of([{"id": "a", "url": "https://v.example/a", "date_published": "last Tuesday"}]),
                          FEED_URL).entries
    assert entry.published_at is None


def test_one_shared_modified_stamp_is_taken_as_build_time_not_revisions() -> None:
    items = [{"id": str(n), "url": f"https://v.example/{n}", "date_modified": "2026-11-20T10:00:00Z"} for n in (1, 2)]
    assert [entry.updated_at for entry in parse_feed(feed_of(items), FEED_URL).entries] == [None, None]


def test_javascript_url_is_not_a_link() -> None:
    (entry,) = parse_feed(feed_of([{"id": "a", "url": "javascript:alert(1)"}]), FEED_URL).entries
    assert entry.link is None


# items the spec calls broken -------------------------------------------------------------------
def test_item_without_id_is_kept_without_guid_and_noted() -> None:
    parsed = parse_feed(feed_of([{"url": "https://v.example/a"}, {"id": "b", "url": "https://v.example/b"}]), FEED_URL)
    assert [(entry.link, entry.guid) for entry in parsed.entries] == [
        ("https://v.example/a", None), ("https://v.example/b", "b")]
    assert parsed.bozo_reason == "json feed: 1 item(s) without an id, kept without a guid"


def test_item_that_is_not_an_object_is_dropped_and_noted() -> None:
    parsed = parse_feed(feed_of(["https://v.example/a", {"id": "b", "url": "https://v.example/b"}]), FEED_URL)
    assert [entry.guid for entry in parsed.entries] == ["b"]
    assert parsed.bozo_reason == "json feed: 1 item(s) not a JSON object, dropped"


# bodies that are not a JSON Feed ---------------------------------------------------------------
def test_invalid_json_reason_gives_line_and_column() -> None:
    body = b'{\n  "version": "https://jsonfeed.org/version/1.1",\n  "items": [\n    {"id": "a" "url": "b"}\n  ]\n}'
    assert reason_for(body) == "malformed json: Expecting ',' delimiter (line 4, column 16)"


def test_missing_version_is_named() -> None:
    assert reason_for(b'{"title": "T", "items": []}') == (
        'not a feed (json: no "version"; a JSON Feed names https://jsonfeed.org/version/1 or /1.1)')


def test_foreign_version_is_quoted() -> None:
    assert reason_for(b'{"version": "2.0", "items": []}') == (
        'not a feed (json: "version" is "2.0"; a JSON Feed names https://jsonfeed.org/version/1 or /1.1)')


def test_version_that_is_no_string_is_named_by_kind() -> None:
    assert reason_for(b'{"version": 1.1, "items": []}') == (
        'not a feed (json: "version" is a number; a JSON Feed names https://jsonfeed.org/version/1 or /1.1)')


def test_missing_items_is_named() -> None:
    assert reason_for(b'{"version": "https://jsonfeed.org/version/1.1", "title": "T"}') == (
        'not a feed (json: no "items", a JSON Feed needs a list)')


def test_items_that_are_not_a_list_are_named() -> None:
    assert reason_for(b'{"version": "https://jsonfeed.org/version/1.1", "items": {"id": "a"}}') == (
        'not a feed (json: "items" is an object, a JSON Feed needs a list)')


def test_html_page_reason_names_the_json_feed_it_advertises() -> None:
    body = (b'<!DOCTYPE html><html><head><title>Dispatch</title><link rel="alternate" '
            b'type="application/feed+json" href="/all.json"></head><body><p>Front page</p></body></html>')
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, "https://harmattan-dispatch.example/", {"content-type": "text/html"})
    assert caught.value.reason == "not a feed (html page; it names its feed: https://harmattan-dispatch.example/all.json)"


def test_top_level_array_is_not_a_json_feed() -> None:
    assert reason_for(b'[{"id": "a"}]') == "not a feed (json: the top level is an array, not a JSON Feed object)"


def test_deeply_nested_json_is_refused_with_a_reason() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert reason_for(body) == "malformed json: nested deeper than the parser allows"


def test_bytes_that_are_not_utf8_are_named_with_their_offset() -> None:
    assert reason_for(b'{"title": "caf\xe9"}') == "malformed json: not UTF-8 (byte 0xe9 at offset 14)"


def test_huge_integer_is_refused_with_a_reason() -> None:
    assert reason_for(b'{"version": ' + b"9" * 5000 + b"}").startswith("malformed json: Exceeds the limit")


def test_xml_entity_text_inside_json_is_not_taken_for_a_declaration() -> None:
    body = feed_of([{"id": "a", "url": "https://v.example/a", "content_text": '<!DOCTYPE x [<!ENTITY e SYSTEM "f">]>'}])
    assert len(parse_feed(body, FEED_URL).entries) == 1


# anything a stranger can write ---------------------------------------------------------------
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=20)
ITEM_KEYS = st.sampled_from(["id", "url", "external_url", "title", "content_html", "content_text", "summary",
                             "date_published", "date_modified", "authors", "author", "language"])


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.dictionaries(ITEM_KEYS, JSON_VALUES | st.text(alphabet="<>/&ap:hrefZT0-9 ", max_size=40)),
                      max_size=4),
       feed_fields=st.dictionaries(st.sampled_from(["title", "home_page_url", "authors", "language"]), JSON_VALUES))
def test_any_field_values_give_entries_never_a_crash(items: list, feed_fields: dict) -> None:
    parsed = parse_feed(feed_of(items, **feed_fields), FEED_URL)
    assert len(parsed.entries) == len(items)

