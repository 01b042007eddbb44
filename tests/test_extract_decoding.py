"""Charsets read as browsers read them, and huge pages slimmed before the cut (daemon/decoding.py)."""

from __future__ import annotations

import base64

from daemon.extract import decode_body, process_page

FRENCH = ("<p>La préfète a annoncé mercredi la réouverture du pont de Tillabéri, fermé depuis la crue « "
          "exceptionnelle » d’août — une bonne nouvelle pour les éleveurs qui traversent le fleuve.</p>")
ARABIC = "<p>أعلن المحافظ مساء الأربعاء إعادة فتح الجسر بعد ثلاثة أشهر من الإغلاق بسبب الفيضان</p>"
STORY = ("<p>The river authority reopened the Tillabéri bridge on Wednesday after three months of repairs, "
         "allowing herders and traders to cross the river again before the dry season begins.</p>"
         "<p>Engineers said the new pillars were built to withstand a flood twice as high as the one "
         "that closed the crossing in August, and that lorries would be allowed back next week.</p>")
URL = "https://river.example/news/bridge"


def html(body: str, charset: str | None = None) -> str:
    meta = f"<meta charset='{charset}'>" if charset else ""
    return f"<html><head>{meta}<title>Bridge reopens</title></head><body>{body}</body></html>"


def huge_page(clutter: str) -> bytes:
    return html(f"<header>{clutter}</header><article><h1>Bridge reopens</h1>{STORY}</article>").encode()


def test_page_declared_us_ascii_is_read_as_windows_1252() -> None:
    text = decode_body(html(FRENCH, "us-ascii").encode("cp1252"), None)
    assert "La préfète a annoncé" in text


def test_page_declared_iso_8859_1_keeps_windows_1252_quotes_and_dashes() -> None:
    text = decode_body(html(FRENCH, "iso-8859-1").encode("cp1252"), "text/html; charset=iso-8859-1")
    assert "d’août — une" in text


def test_page_declared_windows_1256_but_encoded_as_utf8_is_read_as_utf8() -> None:
    text = decode_body(html(ARABIC, "windows-1256").encode("utf-8"), None)
    assert "إعادة فتح الجسر" in text


def test_utf8_header_over_windows_1252_bytes_falls_back_to_the_meta_charset() -> None:
    text = decode_body(html(FRENCH, "windows-1252").encode("cp1252"), "text/html; charset=utf-8")
    assert "La préfète a annoncé" in text


def test_utf8_header_over_undeclared_windows_1252_bytes_gives_no_replacement_characters() -> None:
    text = decode_body(html(FRENCH * 3).encode("cp1252"), "text/html; charset=utf-8")
    assert "\ufffd" not in text


def test_utf8_header_over_undeclared_windows_1256_bytes_is_read_as_arabic() -> None:
    text = decode_body(html(ARABIC * 3).encode("cp1256"), "text/html; charset=utf-8")
    assert "إعادة فتح الجسر" in text


def test_article_after_a_huge_inline_data_uri_image_is_kept() -> None:
    image = base64.b64encode(bytes(range(256)) * 9_000).decode()
    page = huge_page(f"<img alt='logo' src='data:image/png;base64,{image}'>")
    assert "lorries would be allowed back" in process_page(page, URL, "text/html").text


def test_article_after_a_huge_inline_svg_is_kept() -> None:
    paths = "<path d='M0 0L10 10'/>" * 120_000
    page = huge_page(f"<svg viewBox='0 0 10 10'>{paths}</svg>")
    assert "lorries would be allowed back" in process_page(page, URL, "text/html").text


def test_article_after_a_huge_html_comment_is_kept() -> None:
    page = huge_page("<!-- " + "cached fragment " * 150_000 + "-->")
    assert "lorries would be allowed back" in process_page(page, URL, "text/html").text


def test_article_after_a_huge_noscript_block_is_kept() -> None:
    page = huge_page("<noscript>" + "<img src='/pixel.gif'>" * 120_000 + "</noscript>")
    assert "lorries would be allowed back" in process_page(page, URL, "text/html").text


def test_article_after_a_huge_attribute_value_is_kept() -> None:
    page = huge_page("<div data-state='" + "q" * 2_500_000 + "'>Menu</div>")
    assert "lorries would be allowed back" in process_page(page, URL, "text/html").text
