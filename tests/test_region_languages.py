"""Place names in the languages of the news we read: French and Arabic forms, translated names."""

from __future__ import annotations

import pytest

from daemon.gazetteer import Gazetteer
from daemon.regions import analyse, tag
from tests.tagged import countries_in


@pytest.mark.parametrize("text, expected", [
    ("Les élections au Tchad ont été reportées.", {"TD"}),
    ("La Côte d'Ivoire a fermé sa frontière.", {"CI"}),
    ("Une explosion a frappé Niamey dimanche.", {"NE"}),
    ("هاجم مسلحون قاعدة في مالي", {"ML"}),
    ("فيضانات في نيامي تشرد الآلاف", {"NE"}),
    ("وصلت قافلة الوقود إلى باماكو", {"ML"}),
])
def test_french_and_arabic_place_names_are_recognised(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Le Mali a signé un accord avec ses voisins.", {"ML"}),
    ("Le Niger rouvre sa frontière avec le Bénin.", {"NE", "BJ"}),
    ("Au Tchad, les pluies ont détruit les récoltes.", {"TD"}),
    ("El Salvador y Guatemala firmaron un acuerdo.", {"SV", "GT"}),
])
def test_a_country_after_an_article_that_opens_a_sentence_is_the_country(gazetteer: Gazetteer, text: str,
                                                                        expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Les autorités nigériennes ont fermé les écoles.", {"NE"}),
    ("Des soldats tchadiens sont arrivés à la frontière.", {"TD"}),
    ("Un convoi de l'armée malienne a sauté sur une mine.", {"ML"}),
    ("Des gendarmes burkinabè ont été tués.", {"BF"}),
])
def test_french_adjectives_of_nationality_are_read_in_all_their_forms(gazetteer: Gazetteer, text: str,
                                                                      expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("زار الوزير النيجر وتشاد الأسبوع الماضي", {"NE", "TD"}),      # "and Chad": the conjunction joined
    ("وصلت المساعدات للنيجر", {"NE"}),                              # "to Niger": the article's alif dropped
    ("انسحبت القوات الفرنسية من القاعدة", {"FR"}),                  # "the French forces"
])
def test_arabic_names_are_read_with_joined_words_and_as_adjectives(gazetteer: Gazetteer, text: str,
                                                                   expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_a_french_adjective_after_a_state_noun_is_the_state_acting(gazetteer: Gazetteer) -> None:
    text = "Le gouvernement a réagi. L'armée malienne a repris la ville. La junte malienne a salué l'opération."
    names = [mention for _, mention in analyse("", text, gazetteer)[0]]
    assert [(m.country, m.acting) for m in names] == [("ML", True), ("ML", True)]


def test_french_adjectives_are_no_names_in_english_words(gazetteer: Gazetteer) -> None:
    assert countries_in("The turkey was roasted with a russet crust and indian corn.", gazetteer) == set()


@pytest.mark.parametrize("text, expected", [
    ("O governo do Brasil anunciou novas medidas.", {"BR"}),
    ("Die Regierung in Frankreich kündigte Reformen an.", {"FR"}),
    ("Los Estados Unidos y Marruecos firmaron un acuerdo.", {"US", "MA"}),
    ("Правительство Франции объявило о реформе.", {"FR"}),         # an inflected form (genitive)
    ("Франция и Германия подписали соглашение.", {"FR", "DE"}),
    ("Pemerintah Jepang mengumumkan kebijakan baru.", {"JP"}),
])
def test_country_names_in_other_news_languages_are_recognised(gazetteer: Gazetteer, text: str,
                                                              expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


def test_a_translated_name_that_is_an_english_word_is_not_taken(gazetteer: Gazetteer) -> None:
    assert countries_in("The island's chili festival drew Maurice and his family.", gazetteer) == set()


@pytest.mark.parametrize("text, expected", [
    ("دكار - افتتح الرئيس أكاديمية عسكرية جديدة", {"SN"}),
    ("طرابلس - اندلعت اشتباكات جنوب مدينة سبها", {"LY"}),
    ("وصل الوزير إلى باريس ثم إلى موسكو", {"FR", "RU"}),
])
def test_arabic_names_of_the_regions_cities_and_the_worlds_capitals_are_read(gazetteer: Gazetteer, text: str,
                                                                              expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text", [
    "La crue du fleuve Niger a inondé plusieurs quartiers de Mopti.",
    "ارتفع منسوب نهر النيجر في موبتي",
    "Les pêcheurs du lac Tchad ont repris le travail après les pluies.",
    "عاد الصيادون إلى حوض بحيرة تشاد",
])
def test_a_river_or_lake_named_in_french_or_arabic_is_not_the_country(gazetteer: Gazetteer, text: str) -> None:
    assert not countries_in(text, gazetteer) & {"NE", "TD"}


def test_one_french_adjective_after_a_company_names_its_country(gazetteer: Gazetteer) -> None:
    assert countries_in("L'oléoduc a été construit par une compagnie chinoise.", gazetteer) == {"CN"}


@pytest.mark.parametrize("text, expected", [
    ("Le drone s'est écrasé sur le territoire malien, près de la frontière.", "ML"),
    ("The convoy was ambushed inside Malian territory.", "ML"),
    ("تضررت محطة الضخ داخل الأراضي التشادية جراء المعارك", "TD"),   # Mali's Arabic adjective means "financial"
])
def test_a_countrys_land_named_by_its_adjective_is_a_place(gazetteer: Gazetteer, text: str, expected: str) -> None:
    names = [mention for _, mention in analyse("", text, gazetteer)[0]]
    assert [(m.country, m.located) for m in names] == [(expected, True)]


@pytest.mark.parametrize("text, region", [
    ("اجتمع قادة دول الساحل في قمة استثنائية", "sahel"),
    ("Les pays du Sahel ont quitté l'organisation régionale.", "sahel"),
    ("La tension monte au Moyen-Orient.", "middle-east"),
    ("تتصاعد التوترات في القرن الأفريقي", "horn-of-africa"),
])
def test_regions_are_read_by_their_french_and_arabic_names(gazetteer: Gazetteer, text: str, region: str) -> None:
    assert region in {t.region_id for t in tag("", text, gazetteer)}


def test_a_border_town_missing_from_the_arabic_names_is_read(gazetteer: Gazetteer) -> None:
    assert countries_in("غمرت المياه أحياء في مدينة كوسيري", gazetteer) == {"CM"}


def test_an_arabic_name_with_in_joined_is_named_as_a_place(gazetteer: Gazetteer) -> None:
    names = [mention for _, mention in analyse("", "تجددت الاشتباكات بالنيجر وفرنسا تراقب", gazetteer)[0]]
    assert [(m.country, m.located) for m in names] == [("NE", True), ("FR", False)]


@pytest.mark.parametrize("text, expected", [
    ("Le Burkina a rappelé son ambassadeur.", {"BF"}),
    ("La Guinée-Bissau et la Guinée équatoriale ont signé.", {"GW", "GQ"}),
    ("L'Arabie saoudite et les Émirats arabes unis ont réagi.", {"SA", "AE"}),
    ("En République centrafricaine, les rebelles ont attaqué.", {"CF"}),
])
def test_french_names_as_the_french_press_writes_them(gazetteer: Gazetteer, text: str, expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("Les présidents malien et nigérien se sont rencontrés.", {"ML", "NE"}),
    ("Le ministre a reçu son homologue tchadien.", {"TD"}),
    ("قتل جنود نيجيريون في كمين", {"NG"}),                      # "Nigerian soldiers", without the article
])
def test_one_adjective_after_a_plural_or_indefinite_state_noun_names_the_state(gazetteer: Gazetteer, text: str,
                                                                              expected: set) -> None:
    assert countries_in(text, gazetteer) == expected


@pytest.mark.parametrize("text, expected", [
    ("اندلعت اشتباكات في طرابلس بين مسلحين في شمال لبنان ليلة الأحد.", {"LB"}),
    ("اندلعت اشتباكات في طرابلس بين فصائل مسلحة ليلة الأحد.", {"LY"}),
    ("Des heurts ont éclaté à Tripoli, dans le nord du Liban, dimanche soir.", {"LB"}),
])
def test_a_translated_city_name_keeps_its_big_namesakes_for_the_article_to_choose(
        gazetteer: Gazetteer, text: str, expected: set) -> None:
    """"طرابلس" is Libya's capital by default and Lebanon's northern city beside Lebanon."""
    assert countries_in(text, gazetteer) == expected
