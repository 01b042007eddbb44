"""French and Arabic pages through process_page (daemon/extract.py, daemon/pagemeta.py): declared
dates in Arabic-Indic digits or with written month names, and a French paywall named as one."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from daemon.errors import ExtractionError
from daemon.extract import process_page
from daemon.pagemeta import parse_datetime

NOW = datetime(2026, 12, 7, tzinfo=timezone.utc)
URL = "https://journal.example.fr/2026/11/station-de-pompage"
PARAGRAPHS = (
    "Le conseil municipal s'est réuni mercredi pour discuter du prix d'une nouvelle station de pompage.",
    "Les ingénieurs ont averti que la conduite principale sous le dépôt de bus pourrait céder avant les pluies.",
    "Le maire a promis une décision sur la station avant la prochaine séance du conseil au printemps.",
    "Les habitants du vieux quartier attendent depuis trois ans que les travaux commencent enfin.",
)


def page(head: str = "", body: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html lang='fr'><head><meta charset='utf-8'><title>La station de pompage</title>{head}</head>"
            f"<body><article><h1>La station de pompage</h1>{body or paragraphs}</article></body></html>").encode()


def test_declared_time_in_arabic_indic_digits_keeps_its_hour_and_zone() -> None:
    head = "<meta property='article:published_time' content='٢٠٢٦-١١-١٢T01:30:00+03:00'>"
    assert process_page(page(head), URL).published_at == datetime(2026, 11, 11, 22, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "expected"), [
    ("12 novembre 2026 à 10h32", datetime(2026, 11, 12, 10, 32, tzinfo=timezone.utc)),
    ("1er mars 2026", datetime(2026, 3, 1, tzinfo=timezone.utc)),
    ("١٢ نوفمبر ٢٠٢٦", datetime(2026, 11, 12, tzinfo=timezone.utc)),
    ("12 تشرين الثاني 2026 الساعة 10:32", datetime(2026, 11, 12, 10, 32, tzinfo=timezone.utc)),
])
def test_written_french_and_arabic_dates_are_read(value: str, expected: datetime) -> None:
    assert parse_datetime(value, NOW) == expected


@pytest.mark.parametrize(("readable", "refused"), [
    ("28 février 2026", "31 février 2026"),      # no such day
    ("12 novembre 2026", "12 brumaire 2026"),    # no such month name
    ("١٢ نوفمبر ٢٠٢٦", "١٢ نوفمبر ٢٠٣٠"),        # after tomorrow: a broken CMS, not a date
])
def test_a_written_date_is_read_and_its_impossible_neighbour_refused(readable: str, refused: str) -> None:
    assert parse_datetime(readable, NOW) is not None
    assert parse_datetime(refused, NOW) is None


def test_declared_written_french_date_keeps_its_time_of_day() -> None:
    head = "<meta name='date' content='12 novembre 2026 à 10h32'>"
    assert process_page(page(head), URL).published_at == datetime(2026, 11, 12, 10, 32, tzinfo=timezone.utc)


def test_french_paywall_page_is_refused_as_a_wall() -> None:
    teaser = ("<p>Le conseil municipal s'est réuni mercredi.</p>"
              "<p>Il vous reste 85 % de cet article à lire. La suite est réservée aux abonnés.</p>"
              "<p>Déjà abonné ? Connectez-vous</p>")
    with pytest.raises(ExtractionError, match="paywall or cookie wall only"):
        process_page(page(body=teaser), URL)
