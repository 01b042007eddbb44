"""Read-more teasers inside the body, and publication lines above it, in English, French and
Arabic (daemon/clean.py, config/residue.toml). Sentences of the same look that are the story stay."""

from __future__ import annotations

import pytest

from daemon.clean import clean
from tests.test_clean import RULES, body
from tests.test_clean_french_arabic import AR_CLOSING, AR_OPENING, CLOSING as FR_CLOSING, OPENING as FR_OPENING

OPENING = "The water board met on Wednesday to weigh the price of a new pumping station for the old quarter."
MIDDLE = "Its engineers warned that the main pipe under the bus depot might burst before the rains end."
CLOSING = "The board promised a decision on the pumping station before the next meeting in the spring."


def cleaned(*paragraphs: str, title: str | None = None) -> str:
    return clean(body(*paragraphs), RULES, title=title).text


@pytest.mark.parametrize("teaser", [
    "Read more about the flooded depot in our special report",
    "Read more about the water board's budget in our live coverage.",
    "Read more on the pumping station here.",
])
def test_read_more_about_teaser_inside_the_body_is_removed(teaser: str) -> None:
    assert cleaned(OPENING, teaser, MIDDLE, CLOSING) == body(OPENING, MIDDLE, CLOSING)


def test_sentences_asking_people_to_share_or_read_survive_beside_a_teaser() -> None:
    real = (
        "He asked readers to share the video of the burst pipe with the board.",
        "Also, the minister said the pipes would be replaced within a year.",
        "“Read more about our rights before you sign,” the tenants' union wrote on X.",
    )
    teaser = "Read more about the flooded depot in our special report"
    assert cleaned(OPENING, teaser, *real, CLOSING) == body(OPENING, *real, CLOSING)


@pytest.mark.parametrize("line", [
    "Publié le 12 novembre 2026 à 10h32 Mis à jour le 12 novembre 2026 à 11h05",
    "Publié le 12/11/2026 à 10h32, mis à jour le 13/11/2026 à 08h15",
])
def test_french_published_and_updated_line_above_the_body_is_removed(line: str) -> None:
    assert cleaned(line, FR_OPENING, FR_CLOSING) == body(FR_OPENING, FR_CLOSING)


@pytest.mark.parametrize("line", [
    "نشر في ١٢ نوفمبر ٢٠٢٦",
    "آخر تحديث: ١٢ تشرين الثاني ٢٠٢٦ - ١٠:٣٢",
    "الخميس 12 نوفمبر 2026",
])
def test_arabic_date_line_above_the_body_is_removed(line: str) -> None:
    assert cleaned(line, AR_OPENING, AR_CLOSING) == body(AR_OPENING, AR_CLOSING)


def test_short_french_lead_sentence_made_of_date_words_is_kept() -> None:
    lead = "Le 12 mars 2026, le maire est à Gao."
    line = "Publié le 12 novembre 2026 à 10h32 Mis à jour le 12 novembre 2026 à 11h05"
    assert cleaned(line, lead, FR_OPENING, FR_CLOSING) == body(lead, FR_OPENING, FR_CLOSING)
