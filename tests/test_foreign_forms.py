"""The French and Arabic inflections the gazetteer expands its names with."""

from daemon.foreign_forms import arabic_adjective_forms, arabic_joined_forms, french_demonym_forms, is_arabic


def test_a_french_adjective_in_en_doubles_its_n_in_the_feminine() -> None:
    assert french_demonym_forms("malien") == ("malien", "malienne", "maliens", "maliennes")


def test_a_french_adjective_in_ais_takes_no_second_s() -> None:
    assert french_demonym_forms("sénégalais") == ("sénégalais", "sénégalaise", "sénégalaises")


def test_an_arabic_adjective_comes_with_and_without_the_article() -> None:
    forms = arabic_adjective_forms("فرنسي")
    assert {"فرنسي", "الفرنسية", "الفرنسيين"} <= set(forms) and len(forms) == 8


def test_to_before_the_article_drops_its_alif() -> None:
    assert "للنيجر" in arabic_joined_forms("النيجر")


def test_and_is_joined_to_a_name_without_the_article() -> None:
    assert "وتشاد" in arabic_joined_forms("تشاد")


def test_latin_names_are_not_arabic() -> None:
    assert (is_arabic("Niamey"), is_arabic("نيامي")) == (False, True)
