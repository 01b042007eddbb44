"""Clutter rules that must not eat real paragraphs, and clutter they must still catch
(daemon/clean.py with config/residue.toml): one shape per test."""

from __future__ import annotations

import pytest

from daemon.clean import clean, load_rules

RULES = load_rules()

OPENING = "The water board met on Wednesday to weigh the price of a new pumping station for the old quarter."
MIDDLE = "Its engineers warned that the main pipe under the bus depot might burst before the rains end."
CLOSING = "The board promised a decision on the pumping station before the next meeting in the spring."


def body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def cleaned(*paragraphs: str) -> str:
    return clean(body(*paragraphs), RULES).text


def kept_whole(*paragraphs: str) -> bool:
    return cleaned(*paragraphs) == body(*paragraphs)


# --- real paragraphs that looked like clutter ----------------------------------------------


def test_sentence_quoting_a_news_agency_survives() -> None:
    assert kept_whole(OPENING, "Three guards were hurt in the attack on the depot, a police officer told Reuters.", CLOSING)


def test_sentence_starting_also_on_a_weekday_with_a_colon_survives() -> None:
    assert kept_whole(OPENING, "Also on Friday the minister told the press: no village will be left without water.", CLOSING)


def test_sentence_starting_with_the_word_copyright_survives() -> None:
    assert kept_whole(OPENING, "Copyright holders of the old maps asked the board to credit them.", CLOSING)


def test_upper_case_lead_starting_with_more_survives() -> None:
    assert kept_whole(OPENING, "MORE than forty wells have run dry in the district since the harvest.", CLOSING)


def test_past_tense_portrait_of_a_journalist_at_the_end_survives() -> None:
    portrait = "Moussa Traore was a reporter for a community radio in the north until he was detained in June."
    assert kept_whole(OPENING, MIDDLE, portrait)


def test_organisation_that_reports_on_a_subject_at_the_end_survives() -> None:
    assert kept_whole(OPENING, MIDDLE, "The Grain Monitor reports on crop prices in the market towns every month.")


def test_list_introduced_by_a_colon_survives() -> None:
    towns = ("Kaloum", "Dixinn", "Matam", "Ratoma", "Matoto", "Sonfonia")
    assert kept_whole(OPENING, "The districts without water are:", *towns, CLOSING)


def test_in_other_news_roundup_items_survive() -> None:
    items = ("Teachers end their strike after a pay deal", "Floods close the ferry crossing for a week")
    assert cleaned(OPENING, MIDDLE, "In other news", *items) == body(OPENING, MIDDLE, *items)


@pytest.mark.parametrize("questions", [
    ("من المسؤول؟", "ماذا حدث؟", "متى بدأ؟", "أين وقع؟", "لماذا الآن؟", "كيف ينتهي؟"),
    ("پانی کم ہے۔", "سڑک بند ہے۔", "پل ٹوٹ گیا۔", "بازار خالی ہے۔", "اسکول بند ہیں۔", "بجلی نہیں ہے۔"),
], ids=["arabic-question-mark", "urdu-full-stop"])
def test_short_lines_ending_in_arabic_script_punctuation_are_not_a_menu(questions: tuple[str, ...]) -> None:
    assert kept_whole(OPENING, *questions, CLOSING)


# --- clutter that must still go ------------------------------------------------------------


@pytest.mark.parametrize("credit", ["Amina Sow / AFP", "(AFP)", "Reuters", "A dry well near the depot (Photo: Amina Sow/AFP)"])
def test_agency_photo_credit_is_removed(credit: str) -> None:
    assert cleaned(OPENING, credit, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("notice", ["Copyright © 2024 Riverside Herald", "Copyright 2023 Riverside Herald. All rights reserved."])
def test_copyright_notice_is_removed(notice: str) -> None:
    assert cleaned(OPENING, CLOSING, notice) == body(OPENING, CLOSING)


def test_row_of_share_network_names_is_removed() -> None:
    assert cleaned(OPENING, CLOSING, "Facebook Twitter WhatsApp Email") == body(OPENING, CLOSING)


def test_icon_labels_with_icon_as_suffix_are_removed() -> None:
    assert cleaned("whatsapp-icon mail-icon", OPENING, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("teaser", [
    "Also on Riverside Herald - Night buses return to the ring road",
    "ALSO ON RIVERSIDE HERALD » Night buses return to the ring road",
])
def test_also_on_teaser_naming_the_outlet_with_a_separator_is_removed(teaser: str) -> None:
    assert cleaned(OPENING, teaser, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("teaser", [
    "À lire aussi : Les bus de nuit reviennent sur le périphérique",
    "اقرأ أيضا: عودة حافلات الليل إلى الطريق الدائري",
    "اقرأ أيضاً: عودة حافلات الليل إلى الطريق الدائري",
])
def test_french_and_arabic_read_also_teasers_are_removed(teaser: str) -> None:
    assert cleaned(OPENING, teaser, CLOSING) == body(OPENING, CLOSING)


def test_french_read_also_heading_takes_its_teaser_line_with_it() -> None:
    assert cleaned(OPENING, "Lire aussi", "Les bus de nuit reviennent", CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("prompt", ["Partager cet article", "Partager sur Facebook"])
def test_french_share_prompt_is_removed(prompt: str) -> None:
    assert cleaned(OPENING, CLOSING, prompt) == body(OPENING, CLOSING)


def test_french_author_bio_as_last_paragraph_is_removed() -> None:
    bio = "Fatou Ndiaye est journaliste indépendante basée à Niamey."
    assert cleaned(OPENING, MIDDLE, bio) == body(OPENING, MIDDLE)


def test_english_bio_with_a_place_as_last_paragraph_is_removed() -> None:
    bio = "Ibrahim Coulibaly is a freelance correspondent based in Bamako."
    assert cleaned(OPENING, MIDDLE, bio) == body(OPENING, MIDDLE)
