"""Local news that names no place: about the country its language or usage points to, and only then."""

from __future__ import annotations

from daemon.gazetteer import Gazetteer
from daemon.place_locale import locale_votes
from daemon.regions import focus_countries, mentioned_countries, tag
from daemon.tag_report import describe

JAPANESE_ARREST = ("警察は、偽のブランド時計をインターネットで販売したとして、商標法違反の容疑で30代の男を逮捕した。"
                   "男は容疑を認めているという。警察は仕入れ先を調べている。")
JAPANESE_HOWTO = ("ノートパソコンを買い替えたので、設定の手順をまとめておきます。"
                  "まずはキーボードの配列を確認して、よく使うショートカットを登録しました。")
BRAZILIAN_WARD = ("A equipe da unidade de saúde do bairro registrou na madrugada o furto de cabos elétricos. "
                  "Os funcionários fizeram um boletim de ocorrência na delegacia. A prefeitura informou que os "
                  "moradores serão atendidos em outra unidade até a conclusão dos reparos.")
PORTUGUESE_WARD = ("A equipa do centro de saúde do bairro registou durante a noite o furto de cabos elétricos. "
                   "A polícia esteve no local e a câmara municipal informou que os moradores serão atendidos "
                   "noutra unidade até à conclusão dos reparos.")
AMERICAN_BRIEF = ("Sheriff's deputies arrested a suspect after a crash that injured two people on Tuesday. "
                  "The fire department said the damage to the building would cost about $40,000 to repair, "
                  "and the school district said classes would go on as planned.")
KOREAN_ARREST = "경찰은 보이스피싱 조직원 3명을 체포했다고 밝혔다. 검찰은 이들에 대해 구속영장을 청구할 방침이다."


def test_a_japanese_report_of_an_arrest_that_names_no_place_is_about_japan(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("偽ブランド時計販売の男を逮捕", JAPANESE_ARREST, gazetteer)) == {"JP"}


def test_a_japanese_how_to_post_with_no_words_of_public_life_has_no_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("新しいパソコンの設定メモ", JAPANESE_HOWTO, gazetteer)) == set()


def test_a_japanese_report_of_an_arrest_abroad_is_not_tagged_japan(gazetteer: Gazetteer) -> None:
    text = "フランス南部で、警察が麻薬密売の容疑で男2人を逮捕した。フランスの検察によると、2人は容疑を否認している。"
    assert mentioned_countries(tag("麻薬密売の男2人を逮捕", text, gazetteer)) == {"FR"}


def test_a_japanese_commentary_on_a_criminal_case_in_the_everyday_words_is_about_japan(gazetteer: Gazetteer) -> None:
    text = ("先週、偽物のブランドバッグを転売した疑いで会社員が逮捕されたという話題がありました。"
            "今回の事件では、本物を装った商品の販売が問題になったようです。転売の何が違法なのか、順に見ていきます。")
    assert focus_countries(tag("偽ブランドバッグ転売の何が問題か", text, gazetteer)) == {"JP"}


def test_a_korean_report_of_a_school_bus_accident_that_names_no_place_is_about_south_korea(
        gazetteer: Gazetteer) -> None:
    text = "어제 아침 학교 앞 도로에서 통학버스 사고가 나 학생 4명이 부상을 입었다. 주민들은 신호등 설치를 요구했다."
    assert focus_countries(tag("통학버스 사고로 학생 4명 부상", text, gazetteer)) == {"KR"}


def test_a_korean_report_of_an_arrest_that_names_no_place_is_about_south_korea(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("보이스피싱 조직원 검거", KOREAN_ARREST, gazetteer)) == {"KR"}


def test_a_brazilian_ward_report_that_names_no_place_is_about_brazil(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("Unidade de saúde registra furto de cabos", BRAZILIAN_WARD, gazetteer)) == {"BR"}


def test_brazilian_spelling_and_services_make_brazil_the_papers_home(gazetteer: Gazetteer) -> None:
    assert locale_votes(BRAZILIAN_WARD)["BR"] >= 2


def test_the_same_report_in_portuguese_from_portugal_is_not_read_as_brazilian(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("Centro de saúde regista furto de cabos", PORTUGUESE_WARD, gazetteer)) == set()


def test_american_local_news_that_names_no_place_is_about_the_united_states(gazetteer: Gazetteer) -> None:
    assert focus_countries(tag("Two hurt in crash", AMERICAN_BRIEF, gazetteer)) == {"US"}


def test_a_product_review_priced_in_dollars_has_no_country(gazetteer: Gazetteer) -> None:
    review = ("The new headphones cost $349 and come in three colors. Battery life reached 31 hours in our "
              "tests, and the noise cancelling is the best we have tried this year.")
    assert mentioned_countries(tag("Headphones review", review, gazetteer)) == set()


def test_the_home_country_rolls_up_to_its_regions(gazetteer: Gazetteer) -> None:
    tags = tag("偽ブランド時計販売の男を逮捕", JAPANESE_ARREST, gazetteer)
    assert {"eastern-asia", "asia"} <= {t.region_id for t in tags if t.focus}


def test_the_tag_report_says_why_a_country_no_name_points_to_is_the_focus(gazetteer: Gazetteer) -> None:
    assert "Japan: no place named" in describe("偽ブランド時計販売の男を逮捕", JAPANESE_ARREST, gazetteer)


def test_an_american_league_acronym_names_the_united_states(gazetteer: Gazetteer) -> None:
    text = "The NFL suspended the linebacker for two games after the hit on the quarterback."
    assert mentioned_countries(tag("Linebacker suspended", text, gazetteer)) == {"US"}


def test_a_league_acronym_in_lowercase_is_no_country(gazetteer: Gazetteer) -> None:
    assert mentioned_countries(tag("Fantasy tips", "my nfl and nba picks for the weekend", gazetteer)) == set()


def test_an_english_registrar_is_no_brazilian_cue() -> None:
    assert "BR" not in locale_votes("The registrar's office said enrolment for the spring term closes on Friday.")
