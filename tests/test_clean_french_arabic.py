"""French and Arabic page clutter that survived cleaning (daemon/clean.py, config/residue.toml):
teasers in guillemets, newsletter and follow-us prompts, paywall teasers, cookie banners, photo
credits. Each case stands between two real paragraphs, and a real sentence of the same look stays."""

from __future__ import annotations

import pytest

from daemon.clean import clean
from tests.test_clean import RULES, body

OPENING = "Le conseil municipal s'est réuni mercredi pour discuter du prix d'une nouvelle station de pompage."
CLOSING = "Le conseil promet une décision sur la station de pompage avant sa prochaine séance du printemps."
AR_OPENING = "اجتمع المجلس البلدي يوم الأربعاء لمناقشة كلفة محطة ضخ جديدة في الحي القديم من المدينة."
AR_CLOSING = "ووعد المجلس باتخاذ قرار بشأن محطة الضخ قبل اجتماعه المقبل في فصل الربيع من هذا العام."


def cleaned(*paragraphs: str) -> str:
    return clean(body(*paragraphs), RULES).text


@pytest.mark.parametrize("teaser", [
    "« À lire aussi » Les bus de nuit reviennent sur le boulevard circulaire",
    "«À LIRE AUSSI» Le marché couvert rouvre ses portes après les travaux",
    "“Lire aussi” : la mairie vote le budget des écoles",
])
def test_french_read_also_teaser_in_quotation_marks_is_removed(teaser: str) -> None:
    assert cleaned(OPENING, teaser, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("teaser", [
    "«اقرأ أيضا» عودة حافلات الليل إلى الطريق الدائري",
    "اقرأ أيضًا: عودة حافلات الليل إلى الطريق الدائري",
    "إقرأ أيضًا.. السوق المغطى يفتح أبوابه من جديد",
])
def test_arabic_read_also_teaser_with_quotes_or_tanwin_before_alif_is_removed(teaser: str) -> None:
    assert cleaned(AR_OPENING, teaser, AR_CLOSING) == body(AR_OPENING, AR_CLOSING)


@pytest.mark.parametrize("heading", ["« Lire aussi »", "Sur le même sujet", "مواضيع ذات صلة"])
def test_related_heading_takes_its_teaser_line_with_it(heading: str) -> None:
    teaser_line = "Les bus de nuit reviennent sur le boulevard"
    assert cleaned(OPENING, heading, teaser_line, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("prompt", [
    "Abonnez-vous à notre newsletter",
    "Inscrivez-vous à notre lettre d'information pour recevoir chaque matin l'essentiel de l'actualité.",
    "Suivez-nous sur Facebook et Instagram",
    "Lire la suite",
    "Lire la suite…",
    "Il vous reste 68 % de cet article à lire.",
    "Cet article est réservé aux abonnés.",
    "Ce site utilise des cookies pour vous offrir la meilleure expérience de navigation.",
    "Accepter les cookies",
    "Crédit photo : Moussa Traoré / AFP",
    "Publicité",
])
def test_french_prompts_banners_and_credits_are_removed(prompt: str) -> None:
    assert cleaned(OPENING, prompt, CLOSING) == body(OPENING, CLOSING)


@pytest.mark.parametrize("prompt", [
    "تابعونا على فيسبوك وتويتر",
    "اشترك في النشرة البريدية لتصلك آخر الأخبار",
    "(أ ف ب)",
    "الصورة: أرشيفية",
])
def test_arabic_prompts_and_credits_are_removed(prompt: str) -> None:
    assert cleaned(AR_OPENING, prompt, AR_CLOSING) == body(AR_OPENING, AR_CLOSING)


def test_french_sentences_that_mention_newsletters_cookies_and_subscribers_are_kept() -> None:
    prompt = "Abonnez-vous à notre newsletter"
    real = (
        "La mairie a envoyé sa lettre d'information aux abonnés du réseau d'eau pour annoncer la coupure.",
        "Selon le rapport, le site de la préfecture utilise des cookies sans demander l'accord des usagers.",
        "Il a demandé aux habitants de lire la suite du rapport avant la réunion publique de jeudi.",
    )
    assert cleaned(OPENING, prompt, *real, CLOSING) == body(OPENING, *real, CLOSING)


def test_arabic_sentence_that_quotes_afp_keeps_its_agency() -> None:
    real = "وقال مصدر أمني لوكالة الصحافة الفرنسية (أ ف ب) إن ثلاثة حراس أصيبوا في الهجوم على المستودع."
    assert cleaned(AR_OPENING, "(أ ف ب)", real, AR_CLOSING) == body(AR_OPENING, real, AR_CLOSING)
