"""Page extraction (daemon/extract.py): text, metadata, bad input, and the fixture site's clutter."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.errors import ExtractionError
from daemon.extract import Extracted, process_page, text_from_feed_html

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"
SITE = FIXTURES / "site"
DRONE_URL = "https://www.dunepost.example/africa/patrol-drone-convoy-tessalit?ref=feed"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture(scope="module")
def drone() -> Extracted:
    return process_page(page("drone_strike.html"), DRONE_URL, "text/html; charset=utf-8")


@pytest.fixture(scope="module")
def raid() -> Extracted:
    return process_page(page("border_raid.html"), "https://frontline.example/flashpoints/raid", "text/html")


def test_article_sentences_are_kept(drone: Extracted) -> None:
    assert "the army said, in the first such strike announced this year." in drone.text


def test_icon_labels_are_not_in_the_text(drone: Extracted) -> None:
    assert "icon" not in drone.text


def test_inline_also_on_teasers_are_not_in_the_text(drone: Extracted) -> None:
    assert "Also on" not in drone.text


def test_share_prompt_glued_to_a_sentence_is_cut_but_the_sentence_stays(drone: Extracted) -> None:
    assert drone.text.endswith("The army said it would publish a fuller account of the operation later in the week.")


def test_headline_and_dateline_do_not_open_the_body(drone: Extracted) -> None:
    assert drone.text.startswith("An armed patrol drone struck")


def test_paragraphs_are_separated_by_one_blank_line(drone: Extracted) -> None:
    assert drone.text.count("\n\n") == 4 and "\n\n\n" not in drone.text


def test_removed_residue_is_reported(drone: Extracted) -> None:
    assert "Also on dunepost.example Fuel shortages lengthen queues in Gao" in drone.removed


def test_title_loses_the_site_name_suffix(drone: Extracted) -> None:
    assert drone.title == "Patrol drone hits convoy near Tessalit, army says"


def test_author_loses_the_by_prefix(drone: Extracted) -> None:
    assert drone.author == "Halima Sy"


def test_published_at_is_aware_utc(drone: Extracted) -> None:
    assert drone.published_at is not None and drone.published_at.tzinfo == timezone.utc
    assert drone.published_at.isoformat() == "2021-02-14T17:05:00+00:00"


def test_relative_canonical_url_is_made_absolute(drone: Extracted) -> None:
    assert drone.canonical_url == "https://www.dunepost.example/africa/patrol-drone-convoy-tessalit"


def test_language_is_the_primary_subtag(drone: Extracted) -> None:
    assert drone.language == "en"


def test_site_name_comes_from_the_page(drone: Extracted) -> None:
    assert drone.site_name == "Dune Post"


def test_author_bio_tail_is_removed(raid: Extracted) -> None:
    assert "senior reporter" not in raid.text


def test_sidebar_widgets_are_removed(raid: Extracted) -> None:
    assert not any(word in raid.text for word in ("More In", "In Other News", "Load More", "Navy holds"))


def test_json_ld_gives_date_and_author(raid: Extracted) -> None:
    assert (raid.author, raid.published_at.isoformat()) == ("Peter Ansah", "2017-10-23T13:15:00+00:00")


def test_body_sentence_with_read_survives(raid: Extracted) -> None:
    assert "Residents who read the statement on the radio" in raid.text


@pytest.mark.parametrize("body, content_type, reason", [
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "application/pdf", "not html: application/pdf"),
    (b"%PDF-1.4 mislabelled", "text/html", "not html: application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "not html: image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", "not html: image/jpeg"),
    (b'{"status": "ok"}', "application/json", "not html: application/json"),
    (b"", "text/html", "empty page"),
    (b"   \n  ", None, "empty page"),
])
def test_non_html_and_empty_bodies_are_refused_with_a_reason(body: bytes, content_type: str | None,
                                                              reason: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        process_page(body, "https://example.org/x", content_type)
    assert caught.value.reason == reason


def test_paywall_only_page_is_refused_as_a_wall() -> None:
    with pytest.raises(ExtractionError, match="paywall or cookie wall only"):
        process_page(page("paywall.html"), "https://ledger.example/budget", "text/html")


def test_cookie_wall_page_is_refused_as_a_wall() -> None:
    with pytest.raises(ExtractionError, match="paywall or cookie wall only"):
        process_page(page("cookie_wall.html"), "https://consent.example/", "text/html")


def test_too_little_text_names_the_word_count() -> None:
    stub = b"<html><body><article><p>Short note about the weather today.</p></article></body></html>"
    with pytest.raises(ExtractionError, match=r"too little text \(\d+ words\)|no article text found"):
        process_page(stub, "https://example.org/stub", "text/html")


def test_charset_declared_only_in_a_meta_tag_is_honoured() -> None:
    result = process_page(page("cyrillic_cp1251.html"), "https://gorod.example/most", "text/html")
    assert "пешеходный мост" in result.text and result.language == "ru"


def test_charset_from_the_content_type_header_is_honoured() -> None:
    html = (PAGES / "drone_strike.html").read_text(encoding="utf-8").replace("Kidal", "Kidal à Ségou")
    result = process_page(html.encode("latin-1", errors="replace"), DRONE_URL, "text/html; charset=iso-8859-1")
    assert "Kidal à Ségou" in result.text


@pytest.mark.parametrize("name, fragment", [
    ("arabic.html", "سوقا جديدا للخضار"),
    ("cjk.html", "新しい図書館が日曜日に開館"),
])
def test_pages_in_other_scripts_yield_their_text(name: str, fragment: str) -> None:
    assert fragment in process_page(page(name), "https://example.org/" + name, "text/html").text


def test_malformed_html_still_yields_the_article() -> None:
    broken = page("drone_strike.html").replace(b"</p>", b"").replace(b"</article>", b"<div><span>")
    assert "Tessalit" in process_page(broken, DRONE_URL, "text/html").text


def test_huge_page_of_scripts_still_yields_the_article() -> None:
    script = b'<script>var state = "' + b"x" * 6_000_000 + b'";</script>'
    huge = page("drone_strike.html").replace(b"</head>", script + b"</head>")
    assert "patrol drone" in process_page(huge, DRONE_URL, "text/html").text


def test_huge_page_of_text_is_cut_and_does_not_fail() -> None:
    filler = b"<p>" + b"Padding words for a very large page. " * 200_000 + b"</p>"
    huge = page("drone_strike.html").replace(b"</article>", b"</article>" + filler)
    assert process_page(huge, DRONE_URL, "text/html").text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000) | st.text(max_size=3000).map(lambda t: ("<html><p>" + t).encode()))
def test_arbitrary_bytes_give_an_article_or_an_extraction_error(body: bytes) -> None:
    try:
        result = process_page(body, "https://example.org/fuzz", None)
    except ExtractionError as exc:
        assert exc.reason
    else:
        assert result.text


def test_process_page_pickles_for_the_process_pool() -> None:
    assert pickle.loads(pickle.dumps(process_page)) is process_page


def test_process_page_runs_in_a_worker_process() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        result = pool.submit(process_page, page("drone_strike.html"), DRONE_URL, "text/html").result(timeout=60)
    assert result.title == "Patrol drone hits convoy near Tessalit, army says"


def test_feed_html_becomes_clean_paragraphs() -> None:
    html = ("<p>The harbour reopened on Friday after a week of repairs.</p>"
            "<p>Also on dunepost.example Fuel shortages lengthen queues</p>"
            "<p>Fishing crews said they had lost &amp; spent a great deal.<br>Share this story!</p>")
    assert text_from_feed_html(html, DRONE_URL) == ("The harbour reopened on Friday after a week of repairs.\n\n"
                                                    "Fishing crews said they had lost & spent a great deal.")


def test_plain_feed_summary_is_kept_as_text() -> None:
    assert text_from_feed_html("Crews lost &amp; spent a lot.", DRONE_URL) == "Crews lost & spent a lot."


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site_outcome() -> tuple[int, int, int, int]:
    """Counts over the fixture site: clutter lines removed, clutter lines, sentences kept, sentences."""
    expected = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
    removed = clutter = kept = sentences = 0
    for slug, facts in expected.items():
        text = _flat(process_page((SITE / "pages" / f"{slug}.html").read_bytes(), facts["url"],
                                  "text/html; charset=utf-8").text)
        clutter += len(facts["clutter"])
        removed += sum(1 for line in facts["clutter"] if _flat(line) not in text)
        sentences += len(facts["sentences"])
        kept += sum(1 for sentence in facts["sentences"] if sentence in text)
    return removed, clutter, kept, sentences


def test_fixture_site_has_at_least_twenty_articles() -> None:
    assert len(json.loads((SITE / "expected.json").read_text(encoding="utf-8"))) >= 20


def test_fixture_site_clutter_lines_are_removed(site_outcome: tuple[int, int, int, int]) -> None:
    removed, clutter, _, _ = site_outcome
    print(f"clutter removed: {removed}/{clutter}")
    assert removed >= 0.98 * clutter


def test_fixture_site_article_sentences_are_kept(site_outcome: tuple[int, int, int, int]) -> None:
    _, _, kept, sentences = site_outcome
    print(f"sentences kept: {kept}/{sentences}")
    assert kept >= 0.99 * sentences


def test_title_loses_an_unknown_site_suffix_when_the_h1_is_the_headline():
    page = ("<html><head><title>Rains flood the market in Mopti | The Riverside Gazette</title></head><body>"
            "<h1>Rains flood the market in Mopti</h1>"
            + "".join(f"<p>Traders in Mopti said the water reached their stalls on day {i}, and that the "
                      f"council had promised drainage work before the next season of heavy rains.</p>"
                      for i in range(6)) + "</body></html>")
    extracted = process_page(page.encode(), "http://127.0.0.1:8000/news/mopti-rains", "text/html; charset=utf-8")
    assert extracted.title == "Rains flood the market in Mopti"
