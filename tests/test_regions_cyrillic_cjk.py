"""Russian, Chinese and Japanese place names: declined Russian forms and names in unspaced CJK text."""

from __future__ import annotations

import pytest

from daemon.cjk_matching import cjk_names_in, longest_name
from daemon.cyrillic_cjk import russian_adjective_forms, russian_case_forms
from daemon.gazetteer import Gazetteer
from daemon.regions import focus_countries, tag
from tests.tagged import countries_in


def test_a_russian_name_in_a_consonant_takes_the_noun_endings() -> None:
    assert set(russian_case_forms("Нигер")) == {"Нигера", "Нигеру", "Нигером", "Нигере"}


def test_a_russian_name_in_ia_takes_the_feminine_endings() -> None:
    assert set(russian_case_forms("Франция")) == {"Франции", "Францию", "Францией"}


def test_an_indeclinable_russian_name_has_no_other_forms() -> None:
    assert russian_case_forms("Мали") == ()


def test_a_name_in_a_hushing_consonant_and_a_takes_i_in_the_genitive() -> None:
    assert set(russian_case_forms("Польша")) == {"Польши", "Польше", "Польшу", "Польшей"}


def test_a_name_ending_in_a_vowel_and_a_is_indeclinable() -> None:
    # declined, Самоа would give "Самое" ("the most"), one of the commonest words of the language
    assert russian_case_forms("Самоа") == () and russian_case_forms("Никарагуа") == ()


def test_an_abbreviation_is_not_declined() -> None:
    assert russian_case_forms("США") == ()


def test_samoe_at_the_start_of_a_sentence_is_not_samoa(gazetteer: Gazetteer) -> None:
    text = "Самое главное в рецепте: свежие продукты. Самое сложное – тесто."
    assert countries_in(text, gazetteer) == set()


def test_every_word_of_a_russian_name_is_declined_in_the_same_case() -> None:
    assert "Южной Корее" in russian_case_forms("Южная Корея")


def test_after_a_generic_head_word_the_name_may_stay_in_the_nominative() -> None:
    assert {"Республики Корея", "Республике Корея", "Республикой Корея"} <= set(russian_case_forms("Республика Корея"))


def test_a_name_in_the_genitive_after_the_head_is_left_as_it_is() -> None:
    assert set(russian_case_forms("Соединённые Штаты Америки")) == {
        "Соединённых Штатов Америки", "Соединённым Штатам Америки", "Соединёнными Штатами Америки",
        "Соединённых Штатах Америки"}


def test_a_name_in_stvo_takes_the_neuter_endings() -> None:
    assert "Соединённом Королевстве" in russian_case_forms("Соединённое Королевство")


def test_a_russian_adjective_of_nationality_comes_in_its_case_forms() -> None:
    assert {"малийский", "малийские", "малийских"} <= set(russian_adjective_forms("малийск"))


@pytest.mark.parametrize("text, expected", [
    ("Атака в Нигере: погибли 20 солдат.", {"NE"}),
    ("Военные Мали и России провели операцию у Кидаля.", {"ML", "RU"}),
    ("Президент Франции встретился с послом Чада.", {"FR", "TD"}),
    ("Делегация прибыла в Нигерию.", {"NG"}),
    ("Переговоры с Россией продолжатся в Москве.", {"RU"}),
    ("Власти Соединенных Штатов ввели санкции.", {"US"}),
])
def test_declined_russian_country_names_are_recognised(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Власти Республики Корея объявили о новых мерах.", {"KR"}),
    ("В Республике Корея прошли выборы.", {"KR"}),
    ("Переговоры с Республикой Корея отложены.", {"KR"}),
    ("Посол Федеративной Республики Германия выступил с заявлением.", {"DE"}),
    ("Делегация Объединённых Арабских Эмиратов прибыла на саммит.", {"AE"}),
    ("Инвесторы в Объединенных Арабских Эмиратах насторожились.", {"AE"}),
    ("В Соединенных Штатах Америки началась избирательная кампания.", {"US"}),
    ("Правительство Российской Федерации утвердило бюджет.", {"RU"}),
    ("Министр Китайской Народной Республики провёл встречу.", {"CN"}),
    ("Послы Французской Республики отозваны.", {"FR"}),
    ("В Соединённом Королевстве выросли цены.", {"GB"}),
])
def test_an_official_long_russian_name_is_recognised_in_an_oblique_case(gazetteer: Gazetteer, text: str,
                                                                         expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_a_lowercase_russian_adjective_names_its_country(gazetteer: Gazetteer) -> None:
    text = "Малийские военные и малийских чиновников обвинили в нарушениях; малийский суд рассмотрит дело."
    assert countries_in(text, gazetteer) == {"ML"}


def test_a_declined_country_in_a_russian_title_is_the_focus(gazetteer: Gazetteer) -> None:
    tags = tag("Наводнение в Нигере", "Вода затопила деревни, тысячи людей остались без крова.", gazetteer)
    assert focus_countries(tags) == {"NE"}


@pytest.mark.parametrize("text, expected", [
    ("马里政府宣布与俄罗斯合作。", {"ML", "RU"}),
    ("尼日尔军方在边境巡逻。", {"NE"}),
    ("東京で日本政府が新しい政策を発表した。", {"JP"}),
    ("馬利政府與俄羅斯簽署協議。", {"ML", "RU"}),
    ("フランス軍がマリから撤退した。", {"FR", "ML"}),
])
def test_chinese_and_japanese_country_names_are_found_without_spaces(gazetteer: Gazetteer, text: str,
                                                                      expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("尼日利亚总统访问北京。", {"NG", "CN"}),
    ("几内亚比绍举行选举。", {"GW"}),
])
def test_the_longest_cjk_name_wins_over_one_inside_it(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_cjk_names_are_found_left_to_right_with_their_spans(gazetteer: Gazetteer) -> None:
    found = cjk_names_in("尼日利亚和尼日尔", gazetteer.index, longest_name())
    assert [(start, end) for start, end, _ in found] == [(0, 4), (5, 8)]


def test_a_katakana_name_inside_a_longer_katakana_word_is_no_name(gazetteer: Gazetteer) -> None:
    assert countries_in("マリオはゲームのキャラクターです。", gazetteer) == set()


def test_a_chinese_word_that_contains_a_name_is_no_name(gazetteer: Gazetteer) -> None:
    assert countries_in("马里奥是一个游戏角色。", gazetteer) == set()


def test_a_chinese_title_names_the_focus(gazetteer: Gazetteer) -> None:
    tags = tag("在尼日尔发生洪灾", "洪水淹没了村庄，数千人无家可归。", gazetteer)
    assert focus_countries(tags) == {"NE"}


def test_a_japanese_title_names_the_focus(gazetteer: Gazetteer) -> None:
    tags = tag("マリで洪水", "洪水で村が浸水し、数千人が家を失った。", gazetteer)
    assert focus_countries(tags) == {"ML"}


@pytest.mark.parametrize("text", [
    "Погода сегодня будет тёплой, ветер слабый, осадков не ожидается.",
    "Того же мнения придерживаются многие эксперты.",
    "今天天气很好，我们去公园散步。",
    "今日は雨が降っています。",
])
def test_texts_without_places_get_no_tags(gazetteer: Gazetteer, text: str) -> None:
    assert tag("", text, gazetteer) == ()


def test_english_and_russian_in_one_text_are_both_read(gazetteer: Gazetteer) -> None:
    text = "Troops arrived in Chad on Monday. Позже делегация прибыла в Нигер."
    assert countries_in(text, gazetteer) == {"TD", "NE"}
