"""Residue cleaning and text hygiene (daemon/clean.py), one clutter shape per test."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.clean import clean, hygiene, load_rules, repair_mojibake
from daemon.errors import ConfigError

RULES = load_rules()

FIRST = "The regional council met on Tuesday to discuss the cost of repairing the eastern road."
SECOND = "Engineers told the members that the bridge near the market could close within a month."
THIRD = "Traders said a closure would double the time it takes to bring grain to the town."
FOURTH = "The council agreed to publish a timetable for the repairs before the end of the week."


def body(*extra: str) -> str:
    return "\n\n".join(extra)


def cleaned(*paragraphs: str, title: str | None = None, host: str | None = None) -> str:
    return clean(body(*paragraphs), RULES, title=title, host=host).text


def test_icon_sprite_label_run_is_removed() -> None:
    icons = "icon bookmark-bicon bookmarkicon cameraicon checkicon closeicon fbicon flag zzicon mailicon"
    assert cleaned(icons, FIRST, SECOND) == body(FIRST, SECOND)


def test_inline_also_on_teaser_between_paragraphs_is_removed() -> None:
    teaser = "Also on lakeside.example Ferry service resumes after the winter storms"
    assert cleaned(FIRST, teaser, SECOND) == body(FIRST, SECOND)


def test_also_on_teaser_naming_the_outlet_with_a_colon_is_removed() -> None:
    assert cleaned(FIRST, "Also on Lakeside Courier: Ferry service resumes", SECOND) == body(FIRST, SECOND)


def test_read_more_teaser_is_removed() -> None:
    assert cleaned(FIRST, "Read more: Ten things to know about the toll", SECOND) == body(FIRST, SECOND)


def test_upper_case_read_more_heading_takes_its_teaser_line_with_it() -> None:
    assert cleaned(FIRST, "READ MORE", "Ten things to know about the toll", SECOND) == body(FIRST, SECOND)


def test_sentence_starting_with_also_on_a_weekday_survives() -> None:
    sentence = "Also on Monday, the mayor said the toll would be lifted for school buses."
    assert cleaned(FIRST, sentence, SECOND) == body(FIRST, sentence, SECOND)


def test_share_prompt_at_the_end_is_removed() -> None:
    assert cleaned(FIRST, SECOND, "Think your friends would care? Share this story!") == body(FIRST, SECOND)


def test_share_prompt_glued_to_the_next_sentence_is_cut_and_the_sentence_kept() -> None:
    assert cleaned(FIRST, "Think your friends would care? Share this story!" + SECOND) == body(FIRST, SECOND)


def test_body_sentences_that_mention_share_and_read_survive() -> None:
    sentences = ("Farmers share one well, and few of them read the notices posted at the gate.",
                 "Share prices fell sharply after the announcement, analysts said.",
                 "Read the full report and you will see why the toll was raised, she said.")
    assert cleaned(FIRST, *sentences, SECOND) == body(FIRST, *sentences, SECOND)


def test_author_bio_as_last_paragraph_is_removed() -> None:
    bio = "Nadia Kallas is the senior reporter for the Lakeside Courier and a former teacher."
    assert cleaned(FIRST, SECOND, THIRD, bio) == body(FIRST, SECOND, THIRD)


def test_bio_shaped_sentence_early_in_the_body_is_kept() -> None:
    sentence = "Omar Diallo is the senior engineer for the roads agency and led the survey."
    paragraphs = (FIRST, sentence, SECOND, THIRD, FOURTH, FIRST.replace("Tuesday", "Friday"))
    assert cleaned(*paragraphs) == body(*paragraphs)


def test_more_in_sidebar_closing_the_text_takes_its_teasers_with_it() -> None:
    sidebar = ("More In Flashpoints", "Navy holds a winter drill off the coast",
               "The exercise brought together ships from four countries and ran for two weeks.")
    assert cleaned(FIRST, SECOND, THIRD, *sidebar) == body(FIRST, SECOND, THIRD)


def test_in_other_news_and_load_more_widgets_are_removed() -> None:
    assert cleaned(FIRST, SECOND, "In Other News", "Load More") == body(FIRST, SECOND)


def test_advertisement_label_is_removed() -> None:
    assert cleaned(FIRST, "Advertisement", SECOND) == body(FIRST, SECOND)


def test_newsletter_prompt_is_removed() -> None:
    assert cleaned(FIRST, SECOND, "Subscribe to our newsletter for the morning briefing.") == body(FIRST, SECOND)


def test_standalone_photo_credit_is_removed() -> None:
    assert cleaned(FIRST, "Photo: Jane Roe / Lakeside Courier", SECOND) == body(FIRST, SECOND)


def test_duplicated_headline_and_dateline_at_the_top_are_removed() -> None:
    title = "Council weighs the cost of the eastern road"
    assert cleaned("23 Dec, 2019 17:23", title, title, FIRST, SECOND, title=title) == body(FIRST, SECOND)


def test_menu_run_of_very_short_lines_is_removed() -> None:
    menu = ("Home", "World", "Africa", "Politics", "Sport", "Weather", "Contact")
    assert cleaned(*menu, FIRST, SECOND) == body(FIRST, SECOND)


def test_a_short_list_inside_the_body_survives() -> None:
    items = ("- Eastern road", "- Market bridge", "- School lane")
    assert cleaned(FIRST, *items, SECOND) == body(FIRST, *items, SECOND)


def test_removed_lists_every_piece_taken_out() -> None:
    result = clean(body(FIRST, "Advertisement", SECOND, "Load More"), RULES)
    assert result.removed == ("Advertisement", "Load More")


def test_site_rules_apply_only_to_their_host(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[sites."lakeside.example"]\nparagraphs = [\'From the Lakeside desk[.]?\']\n')
    rules = load_rules(extra)
    text = body(FIRST, "From the Lakeside desk.", SECOND)
    assert clean(text, rules, host="www.lakeside.example").text == body(FIRST, SECOND)
    assert clean(text, rules, host="other.example").text == text


def test_extra_global_patterns_add_to_the_shipped_ones(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[global]\nparagraphs = ['Sponsored by .{1,40}']\n")
    rules = load_rules(extra)
    assert clean(body(FIRST, "Sponsored by Acme Tyres", "Advertisement", SECOND), rules).text == body(FIRST, SECOND)


def test_a_bad_pattern_in_the_extra_file_names_its_key(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[global]\nteasers = ['(unclosed']\n")
    with pytest.raises(ConfigError, match="global.teasers"):
        load_rules(extra)


def test_an_unknown_key_in_the_extra_file_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[global]\nparagraph = ['typo']\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_rules(extra)


# --- hygiene ------------------------------------------------------------------------------


def test_hygiene_composes_to_nfc() -> None:
    assert hygiene("Co\u0302te d'Ivoire") == "C\u00f4te d'Ivoire"


def test_hygiene_removes_zero_width_and_control_characters() -> None:
    assert hygiene("Nia\u200bmey\ufeff is\u0007 hot\u00ad.") == "Niamey is hot."


def test_hygiene_removes_format_controls_beyond_the_basic_plane() -> None:
    """Egyptian hieroglyph joiners and musical formatting marks are invisible too (found by Hypothesis)."""
    assert hygiene("Lo\U00013430go \U0001D173note") == "Logo note"


def test_hygiene_keeps_the_joiner_that_persian_needs() -> None:
    assert hygiene("می\u200cخواهم") == "می\u200cخواهم"


def test_hygiene_repairs_utf8_read_as_windows_1252() -> None:
    assert hygiene("The minister\u00e2\u20ac\u2122s caf\u00c3\u00a9 in Bamako") == "The minister\u2019s caf\u00e9 in Bamako"


def test_mojibake_repair_leaves_real_accents_alone() -> None:
    assert repair_mojibake("Ségou, Côte d'Ivoire, São Tomé, Zürich") == "Ségou, Côte d'Ivoire, São Tomé, Zürich"


def test_hygiene_separates_paragraphs_by_one_blank_line() -> None:
    assert hygiene("One.\r\n\r\n\r\n  Two.\n\n\n\nThree.\u2029Four.") == "One.\n\nTwo.\n\nThree.\n\nFour."


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_hygiene_output_has_no_control_or_format_characters(text: str) -> None:
    out = hygiene(text)
    assert all(c == "\n" or c in "\u200c\u200d" or unicodedata.category(c) not in ("Cc", "Cf") for c in out)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_hygiene_is_idempotent(text: str) -> None:
    assert hygiene(hygiene(text)) == hygiene(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=120), max_size=12), st.none() | st.text(max_size=60))
def test_clean_only_ever_removes_paragraphs_or_prompts(paragraphs: list[str], title: str | None) -> None:
    text = hygiene("\n\n".join(paragraphs))
    result = clean(text, RULES, title=title, host="example.org")
    assert len(result.text) <= len(text)
