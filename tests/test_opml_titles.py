"""OPML titles as readers really write them: escaped twice by many exporters."""

from __future__ import annotations

import pytest

from daemon.opml import feeds_from_opml


@pytest.mark.parametrize("attribute, name", [
    ('title="Sahel &amp;amp; Sahara"', "Sahel & Sahara"),
    ('text="L&amp;#39;Ind&amp;eacute;pendant"', "L'Indépendant"),
])
def test_a_title_escaped_twice_is_read_as_people_see_it(attribute, name):
    data = f'<opml version="2.0"><body><outline {attribute} xmlUrl="https://a.example.org/rss"/></body></opml>'
    (feed,) = feeds_from_opml(data.encode())
    assert feed.name == name
