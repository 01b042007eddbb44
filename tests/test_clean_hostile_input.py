"""Residue cleaning (daemon/clean.py) on hostile extracted text: huge or repetitive paragraphs
must cost about as much as ordinary prose of the same size, and must not be taken for clutter."""

from __future__ import annotations

import pytest

from daemon.clean import clean, load_rules

RULES = load_rules()

LEAD = "\n\n".join([
    "Water trucks reached the camp north of Mopti on Thursday after a week on flooded roads.",
    "Aid workers said the first deliveries would cover the needs of about four thousand families.",
    "Local officials asked for more tankers before the dry season returns to the district.",
])
NEWS_LINE = "Grain prices in the central market rose again this week, traders in the old town said."


@pytest.mark.timeout(20)
def test_a_last_paragraph_of_repeated_at_signs_is_cleaned_quickly():
    hostile = LEAD + "\n\n" + "x@" * 150_000

    result = clean(hostile, RULES, title="Water reaches the camp")

    assert result.text.startswith("Water trucks reached the camp")


@pytest.mark.timeout(20)
def test_many_related_headings_between_paragraphs_are_cleaned_quickly():
    hostile = "\n".join(line for _ in range(8_000) for line in ("Related", NEWS_LINE))

    result = clean(hostile, RULES, title="Grain prices")

    assert result.removed.count("Related") == 8_000


def test_a_last_paragraph_longer_than_any_clutter_line_is_not_taken_for_an_address():
    blob = "q" * 2_500 + "@example.org"

    result = clean(LEAD + "\n\n" + blob, RULES, title="Water reaches the camp")

    assert result.text.endswith(blob)


def test_a_paragraph_longer_than_any_clutter_line_is_not_taken_for_a_teaser():
    long_line = "READ MORE: " + "z" * 2_500

    result = clean(LEAD + "\n\n" + long_line + "\n\n" + NEWS_LINE, RULES, title="Water reaches the camp")

    assert long_line in result.text.split("\n\n")
