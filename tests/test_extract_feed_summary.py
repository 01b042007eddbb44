"""The feed's summary is the stored text when a page fails (daemon/extract.py text_from_feed_html,
config/residue.toml): the "read on" links and the footer a blog engine adds to it must not be stored."""

from __future__ import annotations

import pytest

from daemon.extract import text_from_feed_html

URL = "https://daily.example.org/2026/11/pumping-station"
LEAD = "The water board met on Wednesday to weigh the price of a new pumping station for the old quarter."
FR_LEAD = "Le conseil municipal s'est réuni mercredi pour discuter du prix d'une nouvelle station de pompage."


@pytest.mark.parametrize(("summary", "expected"), [
    (f"<p>{LEAD} [&#8230;]</p>", LEAD),
    (f"<p>{LEAD} <a href='{URL}'>Continue reading &rarr;</a></p>", LEAD),
    (f"<p>{LEAD} <a href='{URL}'>Read more…</a></p>", LEAD),
    (f"<p>{FR_LEAD} <a href='{URL}'>Lire la suite</a></p>", FR_LEAD),
])
def test_read_on_link_closing_a_summary_is_not_stored(summary: str, expected: str) -> None:
    assert text_from_feed_html(summary, URL) == expected


@pytest.mark.parametrize("footer", [
    f"<p>The post <a href='{URL}'>Water board weighs a pumping station</a> appeared first on "
    "<a href='https://daily.example.org'>Example Daily</a>.</p>",
    f"<p>L’article <a href='{URL}'>La station de pompage en débat</a> est apparu en premier sur "
    "<a href='https://daily.example.org'>Le Quotidien</a>.</p>",
])
def test_blog_engine_footer_of_a_summary_is_not_stored(footer: str) -> None:
    assert text_from_feed_html(f"<p>{LEAD}</p>{footer}", URL) == LEAD


def test_sentences_that_ask_to_read_on_and_quotes_cut_short_are_kept() -> None:
    real = ("He urged residents to read more before the vote. Read more notices will follow, he said.",
            "“We will rebuild the station […] before the rains,” the mayor said.")
    summary = "".join(f"<p>{p}</p>" for p in (LEAD, *real[:-1])) \
        + f"<p>{real[-1]} <a href='{URL}'>Continue reading</a></p>"
    assert text_from_feed_html(summary, URL) == "\n\n".join((LEAD, *real))
